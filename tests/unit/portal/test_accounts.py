"""Accounts: sign-up, sign-in, sessions and sign-out on the in-memory store."""

import contextlib
import statistics
import time
from datetime import UTC, datetime, timedelta
from functools import partial

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


def _seconds(call) -> float:
    start = time.perf_counter()
    with contextlib.suppress(AccountError):
        call()
    return time.perf_counter() - start


def test_signing_in_with_an_unknown_email_costs_as_much_as_with_a_wrong_password():
    """Timing must not tell which e-mail addresses have accounts: an unknown one is checked against a dummy hash.

    A cheaper PBKDF2 than the default keeps the test short; what matters is that both paths run one hash check.
    Medians of interleaved runs, after one warm-up each, and a generous bound: on the old code the unknown
    e-mail took microseconds against tens of milliseconds, a ratio in the thousands.
    """
    accounts = Accounts(InMemoryAccountStore(), partial(generate_password_hash, method="pbkdf2:sha256:50000"),
                        check_password_hash)
    accounts.sign_up_employer(ORG, "boss@x.example", "correct horse battery")
    known = partial(accounts.sign_in, "boss@x.example", "wrong password!")
    unknown = partial(accounts.sign_in, "nobody@x.example", "wrong password!")
    _seconds(known), _seconds(unknown)
    runs = [(_seconds(known), _seconds(unknown)) for _ in range(9)]
    ratio = statistics.median(k for k, _ in runs) / statistics.median(u for _, u in runs)
    assert 0.5 < ratio < 2.0, f"existing/unknown sign-in time ratio {ratio:.1f}"


def request(accounts, email="boss@x.example", password="correct horse battery"):
    return accounts.request_employer_sign_up("  Panadería\n X ", "900123456-7", "CO", "food", email, password)


def test_a_sign_up_keeps_only_hashes_and_creates_nothing_until_its_link_is_confirmed(accounts):
    requested = request(accounts)
    assert requested.kind == "confirm" and requested.org_name == "Panadería X"
    (pending,) = accounts.store.pending_sign_ups.values()
    assert pending.id_hash == session_hash(requested.secret) and requested.secret not in str(pending)
    assert pending.password_hash.startswith(("scrypt:", "pbkdf2:")) and not accounts.store.users
    user = accounts.confirm_sign_up(requested.secret)
    assert (user.email, user.role, user.org) == ("boss@x.example", "employer", pending.org.id)
    assert accounts.sign_in("boss@x.example", "correct horse battery")[0] == user
    with pytest.raises(AccountError) as used:
        accounts.confirm_sign_up(requested.secret)
    assert used.value.code == "link_expired" and not accounts.store.pending_sign_ups


def test_a_sign_up_for_an_address_with_an_account_costs_the_same_hash_and_keeps_nothing(accounts, monkeypatch):
    accounts.sign_up_employer(ORG, "boss@x.example", "correct horse battery")
    hashed = []
    monkeypatch.setattr(accounts, "hash_password", lambda password: hashed.append(password) or "pbkdf2:x")
    assert request(accounts, email="BOSS@x.example").kind == "registered"
    assert request(accounts, email="new@x.example").kind == "confirm"
    assert len(hashed) == 2 and len(accounts.store.pending_sign_ups) == 1


def test_of_two_sign_ups_for_one_address_only_the_first_confirmed_gets_the_account(accounts):
    first, second = request(accounts), request(accounts)
    accounts.confirm_sign_up(second.secret)
    with pytest.raises(AccountError) as taken:
        accounts.confirm_sign_up(first.secret)
    assert taken.value.code == "email_taken" and len(accounts.store.users) == 1 and not accounts.store.pending_sign_ups


def test_a_sign_up_link_expires_after_24_hours(accounts, clock):
    requested = request(accounts)
    clock.now += timedelta(hours=24)
    assert accounts.pending_sign_up(requested.secret) is None and not accounts.store.pending_sign_ups


def test_a_bad_email_or_short_password_is_refused_before_anything_is_kept(accounts):
    for email, password, code in [("not-an-email", "long enough pw", "email_invalid"),
                                  ("a@b.example", "short", "password_short")]:
        with pytest.raises(AccountError) as refused:
            request(accounts, email=email, password=password)
        assert refused.value.code == code
    assert not accounts.store.pending_sign_ups
