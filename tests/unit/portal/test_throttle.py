"""The sign-in and sign-up throttles: growing delays per (account, address) and per address, on both stores.

These replaced a hard lock of the account after five failures, which let anyone lock an owner out from anywhere;
the tests of that lock were rewritten here to the new rule, keeping their intent where it still holds (a blocked
try is not even checked, unknown e-mails count like wrong passwords, success forgets the account's failures,
one address cannot try many accounts at speed, old records are dropped, no e-mail address is stored).
"""

from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from services.portal.accounts import AccountError, Accounts, Organisation, TooManyAttempts
from services.portal.adapters.memory import InMemoryAccountStore, InMemoryFailureStore
from services.portal.adapters.sql import SqlFailureStore
from services.portal.throttle import KEEP, Backoff, SignInThrottle, SignUpThrottle, pair_key

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now

    def tick(self, **kwargs):
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(params=["memory", "sql"])
def store(request, container):
    return InMemoryFailureStore() if request.param == "memory" else SqlFailureStore(container.sessions)


@pytest.fixture
def throttle(store, clock):
    return SignInThrottle(store, clock, pair=Backoff(free=5, first=2 * SECOND, cap=timedelta(minutes=15),
                                                     window=timedelta(days=1)),
                          address=Backoff(free=20, first=2 * SECOND, cap=timedelta(minutes=15),
                                          window=timedelta(hours=1)))


def test_a_backoff_lets_the_free_tries_through_then_doubles_the_wait_up_to_its_cap():
    backoff = Backoff(free=3, first=2 * SECOND, cap=10 * SECOND, window=timedelta(hours=1))
    tries = [START] * 3
    assert backoff.wait(tries[:2], START) == timedelta(0)
    assert [backoff.wait(tries + [START] * extra, START) for extra in range(5)] == [
        2 * SECOND, 4 * SECOND, 8 * SECOND, 10 * SECOND, 10 * SECOND]
    assert backoff.wait(tries, START + SECOND) == SECOND  # counted from the last try
    assert backoff.wait([START] * 500, START) == 10 * SECOND  # no overflow however many


def test_five_failures_pass_then_each_try_from_that_address_waits_twice_as_long(throttle, clock):
    for _ in range(4):
        throttle.failed("ana@x.example", "192.0.2.1")
    assert throttle.wait("ana@x.example", "192.0.2.1") is None
    waits = []
    for _ in range(4):
        throttle.failed("ana@x.example", "192.0.2.1")
        waits.append(throttle.wait("ANA@x.example ", "192.0.2.1"))
        clock.now += waits[-1]
    assert waits == [2 * SECOND, 4 * SECOND, 8 * SECOND, 16 * SECOND]
    assert throttle.wait("ana@x.example", "192.0.2.1") is None  # the last wait is over


def test_failures_from_one_address_never_make_the_owner_wait_at_another(throttle, clock):
    for _ in range(200):
        clock.tick(minutes=15)
        throttle.failed("ana@x.example", "203.0.113.5")
    assert throttle.wait("ana@x.example", "203.0.113.5") is not None
    assert throttle.wait("ana@x.example", "198.51.100.7") is None


def test_brute_force_from_one_address_gets_at_most_a_few_hundred_tries_a_day(throttle, clock):
    tries, end = 0, START + timedelta(days=1)
    while clock.now < end:
        wait = throttle.wait("ana@x.example", "203.0.113.5")
        if wait:
            clock.now += wait
            continue
        throttle.failed("ana@x.example", "203.0.113.5")
        tries += 1
    assert tries < 150


def test_an_address_is_slowed_across_accounts_and_other_addresses_are_not(throttle):
    for n in range(20):
        throttle.failed(f"guess{n}@x.example", "203.0.113.5")
    assert throttle.wait("someone@x.example", "203.0.113.5") == 2 * SECOND
    assert throttle.wait("someone@x.example", "203.0.113.6") is None


def test_success_forgets_the_failures_of_that_account_and_address_but_not_the_addresss(throttle, store):
    for _ in range(3):
        throttle.failed("ana@x.example", "192.0.2.1")
    throttle.succeeded("Ana@X.example", "192.0.2.1")
    assert store.failures_since(pair_key("ana@x.example", "192.0.2.1"), START - timedelta(days=1)) == []
    assert len(store.failures_since("address:192.0.2.1", START - timedelta(days=1))) == 3


def test_records_older_than_a_day_are_dropped_when_new_ones_are_stored(throttle, store, clock):
    throttle.failed("ana@x.example", None)
    clock.now += KEEP + SECOND
    throttle.failed("bea@x.example", None)
    assert store.failures_since(pair_key("ana@x.example", None), START - timedelta(days=2)) == []
    assert store.failures_since(pair_key("bea@x.example", None), START) == [clock.now]


def test_the_stored_keys_hold_no_email_address():
    key = pair_key("ana@x.example", "192.0.2.1")
    assert "ana" not in key and "192.0.2.1" not in key and key == pair_key(" ANA@x.example", "192.0.2.1")
    assert pair_key("ana@x.example", "192.0.2.1") != pair_key("ana@x.example", "192.0.2.2")


@pytest.fixture
def accounts(clock):
    accounts = Accounts(InMemoryAccountStore(), generate_password_hash, check_password_hash, clock=clock,
                        throttle=SignInThrottle(InMemoryFailureStore(), clock))
    accounts.sign_up_employer(Organisation("employer-x", "X", "employer"), "boss@x.example", "correct horse battery")
    return accounts


def test_a_try_that_must_wait_has_its_password_not_even_checked(accounts, monkeypatch):
    for _ in range(5):
        with pytest.raises(AccountError):
            accounts.sign_in("boss@x.example", "wrong password!", "192.0.2.1")
    checked = []
    monkeypatch.setattr(accounts, "check_password", lambda *args: checked.append(args) or True)
    with pytest.raises(TooManyAttempts) as refused:
        accounts.sign_in("boss@x.example", "correct horse battery", "192.0.2.1")
    assert refused.value.code == "too_many_attempts" and refused.value.wait == 2 * SECOND
    assert checked == []


def test_the_owner_signs_in_from_another_address_while_an_attacker_is_slowed(accounts):
    for _ in range(5):
        with pytest.raises(AccountError):
            accounts.sign_in("boss@x.example", "wrong password!", "203.0.113.5")
    with pytest.raises(TooManyAttempts):
        accounts.sign_in("boss@x.example", "wrong password!", "203.0.113.5")
    user, _ = accounts.sign_in("boss@x.example", "correct horse battery", "198.51.100.7")
    assert user.email == "boss@x.example"


def test_unknown_emails_count_like_wrong_passwords(accounts):
    for _ in range(5):
        with pytest.raises(AccountError) as failed:
            accounts.sign_in("nobody@x.example", "whatever it is", "192.0.2.1")
        assert failed.value.code == "bad_credentials"
    with pytest.raises(TooManyAttempts):
        accounts.sign_in("nobody@x.example", "whatever it is", "192.0.2.1")


def test_sign_ups_from_one_address_are_slowed_after_five_and_one_recipient_gets_three_mails_a_day(store, clock):
    signups = SignUpThrottle(store, clock)
    for _ in range(5):
        assert signups.wait("203.0.113.5") is None
        signups.attempted("203.0.113.5")
    assert signups.wait("203.0.113.5") == timedelta(minutes=1)
    assert signups.wait("203.0.113.6") is None
    for _ in range(3):
        assert signups.may_mail("victim@x.example")
        signups.mailed("victim@x.example")
    assert not signups.may_mail("Victim@X.example") and signups.may_mail("someone@x.example")
    clock.tick(hours=23)
    assert not signups.may_mail("victim@x.example")
    clock.tick(hours=1)
    assert signups.may_mail("victim@x.example")
