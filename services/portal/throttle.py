"""Growing delays on failed sign-ins and on sign-ups, so passwords cannot be guessed at speed nor mail sent in bulk.

Failed sign-ins are counted per (account, network address) and per address, never per account alone: a hard
lock of the account let anyone lock its owner out from anywhere. Within a key's window the first few attempts
are free; after that each one must wait twice as long after the last as the one before, up to a cap. While a
key must wait no password is checked at all, and refused tries are not counted again (so the wait ends when
the delay says, not later). docs/authorisation.md gives the figures this allows an attacker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

KEEP = timedelta(days=1)  # no record is kept longer than this; every window below fits in it


@dataclass(frozen=True)
class Backoff:
    """``free`` attempts within ``window`` wait for nothing; then the wait doubles from ``first`` up to ``cap``."""

    free: int
    first: timedelta
    cap: timedelta
    window: timedelta

    def wait(self, recent: list[datetime], now: datetime) -> timedelta:
        """Return how long after ``now`` the next attempt must wait, given the attempts in the window (oldest first)."""
        beyond = len(recent) - self.free
        if beyond < 0:
            return timedelta(0)
        delay = min(self.cap, self.first * 2 ** min(beyond, 30))  # the exponent is bounded so it cannot overflow
        return max(timedelta(0), recent[-1] + delay - now)


# Per account and address: a person who mistypes five times waits 2 s, then 4 s, ...; someone guessing from one
# address gets about a hundred tries a day. Per address, more are free, because the people of an orientation
# centre, an office or a mobile network often share one address; it slows one address trying many accounts.
PAIR = Backoff(free=5, first=timedelta(seconds=2), cap=timedelta(minutes=15), window=timedelta(days=1))
ADDRESS = Backoff(free=20, first=timedelta(seconds=2), cap=timedelta(minutes=15), window=timedelta(hours=1))
# Sign-ups: a few an hour from one address; at most three mails a day to one recipient (nobody can be mail-bombed).
SIGNUP_ADDRESS = Backoff(free=5, first=timedelta(minutes=1), cap=timedelta(hours=1), window=timedelta(days=1))
SIGNUP_RECIPIENT = Backoff(free=3, first=timedelta(days=1), cap=timedelta(days=1), window=timedelta(days=1))


class FailureStore(Protocol):
    """Where attempts are remembered, by key."""

    def failures_since(self, key: str, since: datetime) -> list[datetime]: ...  # after ``since``, oldest first
    def add(self, keys: list[str], at: datetime) -> None: ...
    def clear(self, key: str) -> None: ...
    def forget_before(self, before: datetime) -> None: ...


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def _email(email: str) -> str:
    return email.strip().lower()


def pair_key(email: str, address: str | None) -> str:
    """Return the key of an account's failures from one address: a hash, so the table holds no typed-in e-mail."""
    return "pair:" + _digest(_email(email), address or "-")


def address_key(address: str) -> str:
    """Return the key of a network address's failed sign-ins."""
    return "address:" + address[:64]


@dataclass
class _Throttle:
    store: FailureStore
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def _wait(self, keys: list[tuple[str, Backoff]]) -> timedelta | None:
        now, longest = self.clock(), timedelta(0)
        for key, backoff in keys:
            longest = max(longest, backoff.wait(self.store.failures_since(key, now - backoff.window), now))
        return longest if longest > timedelta(0) else None

    def _record(self, keys: list[str]) -> None:
        now = self.clock()
        self.store.forget_before(now - KEEP)
        self.store.add(keys, now)


@dataclass
class SignInThrottle(_Throttle):
    """Decides whether a sign-in may be tried now, and remembers the ones that failed."""

    pair: Backoff = PAIR
    address: Backoff = ADDRESS

    def _keys(self, email: str, address: str | None) -> list[tuple[str, Backoff]]:
        keys = [(pair_key(email, address), self.pair)]
        return keys + [(address_key(address), self.address)] if address else keys

    def wait(self, email: str, address: str | None) -> timedelta | None:
        """Return how long until a sign-in for ``email`` from ``address`` may be tried, or None if it may now."""
        return self._wait(self._keys(email, address))

    def failed(self, email: str, address: str | None) -> None:
        """Remember a failed sign-in under the account-and-address and under the address."""
        self._record([key for key, _ in self._keys(email, address)])

    def succeeded(self, email: str, address: str | None) -> None:
        """Forget the failures of this account from this address once its owner got in (the address keeps its)."""
        self.store.clear(pair_key(email, address))


@dataclass
class SignUpThrottle(_Throttle):
    """Slows sign-ups from one address and caps the sign-up mails one recipient gets."""

    address: Backoff = SIGNUP_ADDRESS
    recipient: Backoff = SIGNUP_RECIPIENT

    @staticmethod
    def _address(address: str) -> str:
        return "signup-address:" + address[:64]

    @staticmethod
    def _recipient(email: str) -> str:
        return "signup-to:" + _digest(_email(email))

    def wait(self, address: str | None) -> timedelta | None:
        """Return how long until a sign-up from ``address`` may be sent, or None if it may now."""
        return self._wait([(self._address(address), self.address)]) if address else None

    def attempted(self, address: str | None) -> None:
        """Remember a sign-up sent from ``address``."""
        if address:
            self._record([self._address(address)])

    def may_mail(self, email: str) -> bool:
        """Return whether one more sign-up mail may go to ``email`` now."""
        return self._wait([(self._recipient(email), self.recipient)]) is None

    def mailed(self, email: str) -> None:
        """Remember a sign-up mail sent to ``email``."""
        self._record([self._recipient(email)])
