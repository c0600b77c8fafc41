"""Accounts: sign-up, sign-in, sessions and sign-out on the in-memory store."""

from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from services.portal.accounts import AccountError, Accounts, Organisation, new_employer_org_id, session_hash
from services.portal.adapters.memory import InMemoryAccountStore


class Clock:
    def __init__(self):
        self.now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(clock):
    return Accounts(InMemoryAccountStore(), generate_password_hash, check_password_hash, clock=clock)


ORG = Organisation("employer-x", "X", "employer")


def test_a_signed_up_employer_signs_in_with_the_same_email_in_any_case(accounts):
    user = accounts.sign_up_employer(ORG, " Boss@X.example ", "correct horse battery")
    assert user.email == "boss@x.example" and user.role == "employer" and user.org == "employer-x"
    assert user.password_hash != "correct horse battery" and user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    signed, secret = accounts.sign_in("BOSS@x.example", "correct horse battery")
    assert signed == user and accounts.signed_in(secret) == user


def test_the_session_secret_is_stored_only_as_a_hash(accounts):
    accounts.sign_up_employer(ORG, "boss@x.example", "correct horse battery")
    _, secret = accounts.sign_in("boss@x.example", "correct horse battery")
    assert list(accounts.store.sessions) == [session_hash(secret)] and secret not in accounts.store.sessions


def test_a_wrong_password_and_an_unknown_email_fail_alike(accounts):
    accounts.sign_up_employer(ORG, "boss@x.example", "correct horse battery")
    with pytest.raises(AccountError) as wrong:
        accounts.sign_in("boss@x.example", "wrong password!")
    with pytest.raises(AccountError) as unknown:
        accounts.sign_in("nobody@x.example", "correct horse battery")
    assert wrong.value.code == unknown.value.code == "bad_credentials"


def test_an_email_cannot_have_two_accounts(accounts):
    accounts.sign_up_employer(ORG, "boss@x.example", "correct horse battery")
    with pytest.raises(AccountError) as taken:
        accounts.sign_up_employer(Organisation("employer-y", "Y", "employer"), "BOSS@x.example", "another password")
    assert taken.value.code == "email_taken" and "employer-y" not in accounts.store.orgs


@pytest.mark.parametrize(("email", "password", "code"), [("not-an-email", "long enough pw", "email_invalid"),
                                                         ("a@b.example", "short", "password_short")])
def test_bad_emails_and_short_passwords_are_refused_before_anything_is_stored(accounts, email, password, code):
    with pytest.raises(AccountError) as refused:
        accounts.sign_up_employer(ORG, email, password)
    assert refused.value.code == code and not accounts.store.orgs and not accounts.store.users


def test_a_session_ends_when_it_expires_or_on_sign_out(accounts, clock):
    accounts.sign_up_employer(ORG, "boss@x.example", "correct horse battery")
    _, first = accounts.sign_in("boss@x.example", "correct horse battery")
    _, second = accounts.sign_in("boss@x.example", "correct horse battery")
    accounts.sign_out(first)
    assert accounts.signed_in(first) is None and accounts.signed_in(second) is not None
    clock.now += timedelta(hours=8, seconds=1)
    assert accounts.signed_in(second) is None and not accounts.store.sessions


def test_ensure_user_creates_an_account_once(accounts):
    assert accounts.ensure_user("c@centre.example", "demo password", "counsellor", Organisation("c1", "C", "centre"))
    again = accounts.ensure_user("c@centre.example", "demo password", "counsellor", Organisation("c1", "C", "centre"))
    assert not again
    assert accounts.store.org("c1").kind == "centre"


def test_an_employer_org_id_is_an_ascii_slug_of_its_name_with_a_random_tail():
    org_id = new_employer_org_id("  Panadería Ñandú & Cía. ")
    prefix = "employer-panaderia-nandu-cia-"
    assert org_id.startswith(prefix) and len(org_id) == len(prefix) + 6
    assert new_employer_org_id("***").startswith("employer-org-")
