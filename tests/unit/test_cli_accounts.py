"""``puente account create``: how a deployment outside ``puente up`` gets the people who sign in to the portal."""

from click.testing import CliRunner
from werkzeug.security import check_password_hash, generate_password_hash

from services.cli import main
from services.portal.accounts import Accounts
from services.portal.adapters.sql import SqlAccountStore
from shared.db import make_engine, session_factory, sqlite_url


def _accounts(db) -> Accounts:
    engine = make_engine(sqlite_url(db))
    return Accounts(SqlAccountStore(session_factory(engine)), generate_password_hash, check_password_hash)


def _create(db, *args, password="a long enough password"):
    env = {"PUENTE_DATABASE_URL": sqlite_url(db), "PUENTE_BUS": "memory", "PUENTE_LOG_LEVEL": "WARNING"}
    return CliRunner().invoke(main, ["account", "create", *args], input=f"{password}\n{password}\n", env=env)


def test_a_counsellor_created_on_the_command_line_signs_in_for_their_centre(tmp_path):
    db = tmp_path / "portal.db"
    result = _create(db, "--email", "Orientacao@Centro-SP.example", "--role", "counsellor", "--org", "centre-sp",
                     "--org-name", "Centro de orientação São Paulo")
    assert result.exit_code == 0, result.output
    accounts = _accounts(db)
    user = accounts.store.user_by_email("orientacao@centro-sp.example")
    assert (user.role, user.org) == ("counsellor", "centre-sp")
    assert check_password_hash(user.password_hash, "a long enough password")
    org = accounts.store.org("centre-sp")
    assert (org.name, org.kind) == ("Centro de orientação São Paulo", "centre")


def test_a_second_account_with_the_same_email_or_a_short_password_is_refused_with_status_1(tmp_path):
    db = tmp_path / "portal.db"
    args = ("--email", "a@centre.example", "--role", "counsellor", "--org", "c1", "--org-name", "C1")
    assert _create(db, *args).exit_code == 0
    again = _create(db, *args)
    assert again.exit_code == 1 and "already uses a@centre.example" in again.output
    short = _create(db, "--email", "b@centre.example", "--role", "counsellor", "--org", "c1", "--org-name", "C1",
                    password="short")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert _accounts(db).store.user_by_email("b@centre.example") is None
