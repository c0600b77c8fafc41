"""People's accounts, their organisations and signed-in sessions: the portal's own domain (no Flask, no SQL)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from shared.text import fold

if TYPE_CHECKING:
    from services.portal.throttle import SignInThrottle, SignUpThrottle

ORG_KINDS = ("employer", "centre", "ministry", "platform")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
SIGN_UP_TTL = timedelta(hours=24)  # how long a sign-up's confirmation link works


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


@dataclass(frozen=True)
class PendingSignUp:
    """An employer's sign-up waiting for the link mailed to its address; only a hash of the link's secret is kept."""

    id_hash: str
    org: Organisation
    tax_id: str
    country: str
    sector: str
    email: str
    password_hash: str
    expires_at: datetime


@dataclass(frozen=True)
class SignUpRequested:
    """What a sign-up led to, for the mail to send; the person is told the same in every case.

    ``kind`` is ``confirm`` (a new address: ``secret`` is the link's), ``registered`` (the address has an account:
    tell its owner to sign in) or ``quiet`` (this address had its share of mails today: send nothing).
    """

    kind: str
    email: str
    secret: str | None = None
    org_name: str = ""


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
    def add_pending(self, pending: PendingSignUp) -> None: ...
    def pending(self, id_hash: str) -> PendingSignUp | None: ...
    def drop_pending(self, id_hash: str) -> None: ...
    def forget_pending_before(self, before: datetime) -> None: ...


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
    signup_throttle: SignUpThrottle | None = None
    _dummy_hash: str | None = field(default=None, init=False, repr=False)

    def dummy_hash(self) -> str:
        """Return a hash of a random password, made by the same hasher, to check unknown e-mails against."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hash_password(secrets.token_urlsafe(16))
        return self._dummy_hash

    @staticmethod
    def check_new_credentials(email: str, password: str) -> str:
        """Return the normalised e-mail, or raise AccountError naming the field of a bad e-mail or short password."""
        email = normalise_email(email)
        if not EMAIL.match(email):
            raise AccountError("email_invalid", "email")
        if len(password) < MIN_PASSWORD:
            raise AccountError("password_short", "password")
        return email

    def new_user(self, email: str, password: str, role: str, org: str) -> User:
        """Return a user with a hashed password after checking the email and password."""
        email = self.check_new_credentials(email, password)
        return User(f"user-{secrets.token_hex(8)}", email, self.hash_password(password), role, org)

    def check_email_free(self, email: str) -> None:
        """Raise AccountError when an account already uses this email."""
        if self.store.user_by_email(normalise_email(email)) is not None:
            raise AccountError("email_taken", "email")

    def sign_up_employer(self, org: Organisation, email: str, password: str) -> User:
        """Store a new employer organisation with its first user at once (both or neither), without a mail."""
        self.check_email_free(email)
        user = self.new_user(email, password, "employer", org.id)
        self.store.add_org_and_user(org, user)
        return user

    def request_employer_sign_up(self, name: str, tax_id: str, country: str, sector: str, email: str,
                                 password: str, address: str | None = None) -> SignUpRequested:
        """Keep an employer's sign-up until the link mailed to ``email`` is followed; say which mail to send.

        Whether the address already has an account changes only the mail, never the answer or its cost: both
        paths hash the password and lead to one mail. With a throttle, TooManyAttempts is raised once
        ``address`` sent too many sign-ups, and a recipient who had their share of mails today gets none.
        """
        email = self.check_new_credentials(email, password)
        if self.signup_throttle is not None:
            wait = self.signup_throttle.wait(address)
            if wait is not None:
                raise TooManyAttempts(wait)
            self.signup_throttle.attempted(address)
        password_hash = self.hash_password(password)
        if self.signup_throttle is not None:
            if not self.signup_throttle.may_mail(email):
                return SignUpRequested("quiet", email)
            self.signup_throttle.mailed(email)
        now = self.clock()
        self.store.forget_pending_before(now)
        if self.store.user_by_email(email) is not None:
            return SignUpRequested("registered", email)
        secret = secrets.token_urlsafe(32)
        name = " ".join(name.split())  # one line: it goes into a mail
        org = Organisation(new_employer_org_id(name), name, "employer")
        self.store.add_pending(PendingSignUp(session_hash(secret), org, tax_id.strip(), country, sector.strip(), email,
                                             password_hash, now + SIGN_UP_TTL))
        return SignUpRequested("confirm", email, secret, org.name)

    def pending_sign_up(self, secret: str) -> PendingSignUp | None:
        """Return the sign-up a confirmation link stands for, or None when it is unknown, used or expired."""
        found = self.store.pending(session_hash(secret))
        if found is not None and found.expires_at <= self.clock():
            self.store.drop_pending(found.id_hash)
            return None
        return found

    def confirm_sign_up(self, secret: str) -> User:
        """Create the organisation and its first user of a confirmed sign-up; the link then no longer works.

        Raises AccountError ``link_expired``, or ``email_taken`` when another sign-up for the same address was
        confirmed first.
        """
        pending = self.pending_sign_up(secret)
        if pending is None:
            raise AccountError("link_expired")
        user = User(f"user-{secrets.token_hex(8)}", pending.email, pending.password_hash, "employer", pending.org.id)
        try:
            self.store.add_org_and_user(pending.org, user)
        except AccountError:
            self.store.drop_pending(pending.id_hash)
            raise
        self.store.drop_pending(pending.id_hash)
        return user

    def cancel_sign_up(self, secret: str) -> None:
        """Forget a pending sign-up (one the vacancies service refused), so its link no longer works."""
        self.store.drop_pending(session_hash(secret))

    def start_session(self, user: User) -> str:
        """Store a new session for ``user`` and return its secret (for the cookie)."""
        secret = secrets.token_urlsafe(32)
        self.store.add_session(WebSession(session_hash(secret), user.id, self.clock() + self.session_ttl))
        return secret

    def sign_in(self, email: str, password: str, address: str | None = None) -> tuple[User, str]:
        """Return the user and a new session secret, or raise AccountError without saying which part was wrong.

        An unknown e-mail costs one password check too (against a dummy hash), so the time taken does not tell
        which e-mails have accounts. With a throttle, TooManyAttempts is raised before the password is even
        checked once this account from this network ``address``, or the address, failed too often lately.
        """
        email = normalise_email(email)
        if self.throttle is not None:
            wait = self.throttle.wait(email, address)
            if wait is not None:
                raise TooManyAttempts(wait)
        user = self.store.user_by_email(email)
        matches = self.check_password(user.password_hash if user else self.dummy_hash(), password)
        if user is None or not matches:
            if self.throttle is not None:
                self.throttle.failed(email, address)
            raise AccountError("bad_credentials", "email")
        if self.throttle is not None:
            self.throttle.succeeded(email, address)
        return user, self.start_session(user)

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

