"""People's accounts, their organisations and signed-in sessions: the portal's own domain (no Flask, no SQL)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from shared.text import fold

if TYPE_CHECKING:
    from services.portal.throttle import SignInThrottle

ORG_KINDS = ("employer", "centre", "ministry", "platform")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


@dataclass(frozen=True)
class Organisation:
    """An organisation people act for: an employer, a migrant orientation centre, a ministry or Puente."""

    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class User:
    """A person who signs in; one role in one organisation."""

    id: str
    email: str
    password_hash: str
    role: str
    org: str


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser; only a hash of its secret is stored, so a database copy signs nobody in."""

    id_hash: str
    user_id: str
    expires_at: datetime


class AccountError(Exception):
    """Raised when a sign-up or sign-in cannot go ahead; ``field`` names the form field at fault."""

    def __init__(self, code: str, field: str | None = None):
        self.code, self.field = code, field
        super().__init__(code)


class TooManyAttempts(AccountError):
    """Raised when sign-ins for an account or from an address failed too often; ``wait`` says for how long."""

    def __init__(self, wait: timedelta):
        super().__init__("too_many_attempts")
        self.wait = wait


class AccountStore(Protocol):
    """Where users, organisations and sessions live."""

    def add_org_and_user(self, org: Organisation, user: User) -> None: ...
    def add_org(self, org: Organisation) -> None: ...
    def add_user(self, user: User) -> None: ...
    def org(self, org_id: str) -> Organisation | None: ...
    def user_by_email(self, email: str) -> User | None: ...
    def user(self, user_id: str) -> User | None: ...
    def add_session(self, session: WebSession) -> None: ...
    def session(self, id_hash: str) -> WebSession | None: ...
    def drop_session(self, id_hash: str) -> None: ...


def normalise_email(email: str) -> str:
    """Return the email as stored and compared (trimmed, lower case)."""
    return email.strip().lower()


def slug(text: str) -> str:
    """Return a lower-case ASCII slug of a name."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:40] or "org"


def new_employer_org_id(name: str) -> str:
    """Return a fresh organisation id for an employer, readable and unguessable enough not to collide."""
    return f"employer-{slug(name)}-{secrets.token_hex(3)}"


def session_hash(secret: str) -> str:
    """Return the stored form of a session secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class Accounts:
    """The portal's use cases on people's accounts; the password hasher and clock are passed in."""

    store: AccountStore
    hash_password: Callable[[str], str]
    check_password: Callable[[str, str], bool]
    session_ttl: timedelta = timedelta(hours=8)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    throttle: SignInThrottle | None = None

    def new_user(self, email: str, password: str, role: str, org: str) -> User:
        """Return a user with a hashed password after checking the email and password."""
        email = normalise_email(email)
        if not EMAIL.match(email):
            raise AccountError("email_invalid", "email")
        if len(password) < MIN_PASSWORD:
            raise AccountError("password_short", "password")
        return User(f"user-{secrets.token_hex(8)}", email, self.hash_password(password), role, org)

    def check_email_free(self, email: str) -> None:
        """Raise AccountError when an account already uses this email."""
        if self.store.user_by_email(normalise_email(email)) is not None:
            raise AccountError("email_taken", "email")

    def sign_up_employer(self, org: Organisation, email: str, password: str) -> User:
        """Store a new employer organisation with its first user (both or neither)."""
        self.check_email_free(email)
        user = self.new_user(email, password, "employer", org.id)
        self.store.add_org_and_user(org, user)
        return user

    def sign_in(self, email: str, password: str, address: str | None = None) -> tuple[User, str]:
        """Return the user and a new session secret, or raise AccountError without saying which part was wrong.

        With a throttle, TooManyAttempts is raised before the password is even checked once the account or
        the network ``address`` has failed too often.
        """
        email = normalise_email(email)
        if self.throttle is not None:
            wait = self.throttle.wait(email, address)
            if wait is not None:
                raise TooManyAttempts(wait)
        user = self.store.user_by_email(email)
        if user is None or not self.check_password(user.password_hash, password):
            if self.throttle is not None:
                self.throttle.failed(email, address)
            raise AccountError("bad_credentials", "email")
        if self.throttle is not None:
            self.throttle.succeeded(email)
        secret = secrets.token_urlsafe(32)
        self.store.add_session(WebSession(session_hash(secret), user.id, self.clock() + self.session_ttl))
        return user, secret

    def signed_in(self, secret: str | None) -> User | None:
        """Return the user of a live session, or None."""
        if not secret:
            return None
        found = self.store.session(session_hash(secret))
        if found is None:
            return None
        if found.expires_at <= self.clock():
            self.store.drop_session(found.id_hash)
            return None
        return self.store.user(found.user_id)

    def sign_out(self, secret: str | None) -> None:
        """End a session so its cookie no longer signs anyone in."""
        if secret:
            self.store.drop_session(session_hash(secret))

    def ensure_user(self, email: str, password: str, role: str, org: Organisation) -> bool:
        """Create the organisation and user if the email is unused; return whether a user was created."""
        self.store.add_org(org)
        if self.store.user_by_email(normalise_email(email)) is not None:
            return False
        self.store.add_user(self.new_user(email, password, role, org.id))
        return True

