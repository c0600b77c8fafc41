"""The sign-in throttle: failures per account and per address inside a sliding window, on both stores."""

from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from services.portal.accounts import AccountError, Accounts, Organisation, TooManyAttempts
from services.portal.adapters.memory import InMemoryAccountStore, InMemoryFailureStore
from services.portal.adapters.sql import SqlFailureStore
from services.portal.throttle import Limit, SignInThrottle, account_key

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


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
    window = timedelta(minutes=15)
    return SignInThrottle(store, clock, account=Limit(5, window), address=Limit(20, window))


def test_four_failures_still_allow_a_try_and_the_fifth_blocks_the_account(throttle, clock):
    for _ in range(4):
        throttle.failed("ana@x.example", "192.0.2.1")
        clock.tick(minutes=1)
    assert throttle.wait("ana@x.example", "192.0.2.1") is None
    throttle.failed("ana@x.example", "192.0.2.1")
    # the oldest failure (at 9:00) leaves the window at 9:15; it is 9:04 now
    assert throttle.wait("ANA@x.example ", "198.51.100.2") == timedelta(minutes=11)


def test_the_block_lifts_as_the_oldest_failures_leave_the_window(throttle, clock):
    for _ in range(5):
        throttle.failed("ana@x.example", None)
        clock.tick(minutes=2)
    clock.now = START + timedelta(minutes=15)
    assert throttle.wait("ana@x.example", None) is None  # the failure of 9:00 is out, four remain
    throttle.failed("ana@x.example", None)
    assert throttle.wait("ana@x.example", None) == timedelta(minutes=2)  # until 9:02 + 15 min


def test_an_address_is_limited_across_accounts_and_other_addresses_are_not(throttle):
    for n in range(20):
        throttle.failed(f"guess{n}@x.example", "203.0.113.5")
    assert throttle.wait("someone@x.example", "203.0.113.5") == timedelta(minutes=15)
    assert throttle.wait("someone@x.example", "203.0.113.6") is None


def test_success_forgets_the_accounts_failures_but_not_the_addresss(throttle, store, clock):
    for _ in range(3):
        throttle.failed("ana@x.example", "192.0.2.1")
    throttle.succeeded("Ana@X.example")
    assert store.failures_since(account_key("ana@x.example"), START - timedelta(days=1)) == []
    assert len(store.failures_since("address:192.0.2.1", START - timedelta(days=1))) == 3


def test_old_failures_are_dropped_when_new_ones_are_stored(throttle, store, clock):
    throttle.failed("ana@x.example", None)
    clock.tick(hours=1)
    throttle.failed("bea@x.example", None)
    assert store.failures_since(account_key("ana@x.example"), START - timedelta(days=1)) == []
    assert store.failures_since(account_key("bea@x.example"), START) == [clock.now]


def test_the_stored_key_of_an_account_is_not_its_email():
    key = account_key("ana@x.example")
    assert "ana" not in key and key == account_key(" ANA@x.example")


@pytest.fixture
def accounts(clock):
    accounts = Accounts(InMemoryAccountStore(), generate_password_hash, check_password_hash, clock=clock,
                        throttle=SignInThrottle(InMemoryFailureStore(), clock))
    accounts.sign_up_employer(Organisation("employer-x", "X", "employer"), "boss@x.example", "correct horse battery")
    return accounts


def test_a_blocked_account_has_its_password_not_even_checked(accounts, monkeypatch):
    for _ in range(5):
        with pytest.raises(AccountError):
            accounts.sign_in("boss@x.example", "wrong password!", "192.0.2.1")
    checked = []
    monkeypatch.setattr(accounts, "check_password", lambda *args: checked.append(args) or True)
    with pytest.raises(TooManyAttempts) as refused:
        accounts.sign_in("boss@x.example", "correct horse battery", "192.0.2.1")
    assert refused.value.code == "too_many_attempts" and refused.value.wait == timedelta(minutes=15)
    assert checked == []


def test_unknown_emails_count_like_wrong_passwords(accounts):
    for _ in range(5):
        with pytest.raises(AccountError) as failed:
            accounts.sign_in("nobody@x.example", "whatever it is", "192.0.2.1")
        assert failed.value.code == "bad_credentials"
    with pytest.raises(TooManyAttempts):
        accounts.sign_in("nobody@x.example", "whatever it is", "192.0.2.1")
