"""A limit on failed sign-ins per account and per network address, so passwords cannot be guessed at speed.

Only failures count, inside a sliding window; while a key is over its limit no password is checked at all,
and refused tries are not counted again (so the wait ends when the window says, not later).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class Limit:
    """At most ``failures`` failed sign-ins within ``window``."""

    failures: int
    window: timedelta


# Per account: few tries, since an account's password is the target. Per address: more, because the people of
# an orientation centre, an office or a mobile network often share one address.
ACCOUNT_LIMIT = Limit(5, timedelta(minutes=15))
ADDRESS_LIMIT = Limit(20, timedelta(minutes=15))


class FailureStore(Protocol):
    """Where failed sign-ins are remembered, by key."""

    def failures_since(self, key: str, since: datetime) -> list[datetime]: ...  # after ``since``, oldest first
    def add(self, keys: list[str], at: datetime) -> None: ...
    def clear(self, key: str) -> None: ...
    def forget_before(self, before: datetime) -> None: ...


def account_key(email: str) -> str:
    """Return the key of an account's failures: a hash, so the table holds no typed-in email addresses."""
    return "account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


def address_key(address: str) -> str:
    """Return the key of a network address's failures."""
    return "address:" + address[:64]


@dataclass
class SignInThrottle:
    """Decides whether a sign-in may be tried now, and remembers the ones that failed."""

    store: FailureStore
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    account: Limit = ACCOUNT_LIMIT
    address: Limit = ADDRESS_LIMIT

    def _keys(self, email: str, address: str | None) -> list[tuple[str, Limit]]:
        keys = [(account_key(email), self.account)]
        return keys + [(address_key(address), self.address)] if address else keys

    def wait(self, email: str, address: str | None) -> timedelta | None:
        """Return how long until a sign-in for ``email`` from ``address`` may be tried, or None if it may now."""
        now, longest = self.clock(), timedelta(0)
        for key, limit in self._keys(email, address):
            recent = self.store.failures_since(key, now - limit.window)
            if len(recent) >= limit.failures:
                # The try is allowed again once enough of the oldest failures have left the window.
                frees_at = recent[len(recent) - limit.failures] + limit.window
                longest = max(longest, frees_at - now)
        return longest if longest > timedelta(0) else None

    def failed(self, email: str, address: str | None) -> None:
        """Remember a failed sign-in under the account and the address."""
        now = self.clock()
        self.store.forget_before(now - max(self.account.window, self.address.window))
        self.store.add([key for key, _ in self._keys(email, address)], now)

    def succeeded(self, email: str) -> None:
        """Forget the account's failures once its owner got in (the address keeps its count)."""
        self.store.clear(account_key(email))
