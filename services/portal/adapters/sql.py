"""The portal's stores in its own database (SQLite or PostgreSQL): accounts, sessions, pending sign-ups and the
throttles' attempts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.portal.accounts import AccountError, Organisation, PendingSignUp, User, WebSession
from shared.db import UtcDateTime

portal_metadata = MetaData()
organisations = Table(
    "organisations", portal_metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)
users = Table(
    "users", portal_metadata,
    Column("id", String(40), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(20), nullable=False),
    Column("org", String(64), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
)
web_sessions = Table(
    "web_sessions", portal_metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("expires_at", UtcDateTime(), nullable=False),
)
portal_keys = Table(  # the key that signs the portal's cookies when no PUENTE_SECRET_KEY is set
    "portal_keys", portal_metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(128), nullable=False),
)

pending_signups = Table(  # employers' sign-ups until the mailed link is followed (24 hours at most)
    "pending_signups", portal_metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("org_id", String(64), nullable=False),
    Column("org_name", String(200), nullable=False),
    Column("tax_id", String(64), nullable=False),
    Column("country", String(2), nullable=False),
    Column("sector", String(120), nullable=False),
    Column("email", String(254), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
)

signin_failures = Table(  # attempts counted by the throttles (failed sign-ins, sign-ups), by hashed key or address
    "signin_failures", portal_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(80), nullable=False),
    Column("failed_at", UtcDateTime(), nullable=False),
    Index("ix_signin_failures_key_failed_at", "key", "failed_at"),
    Index("ix_signin_failures_failed_at", "failed_at"),
)


class SqlAccountStore:
    """Users, organisations and sessions in the portal's database."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def add_org_and_user(self, org: Organisation, user: User) -> None:
        """Store an organisation and its first user in one transaction."""
        try:
            with self.sessions() as s, s.begin():
                s.execute(insert(organisations).values(id=org.id, name=org.name, kind=org.kind,
                                                       created_at=datetime.now(UTC)))
                self._insert_user(s, user)
        except IntegrityError:
            raise AccountError("email_taken", "contact_email") from None

    def add_org(self, org: Organisation) -> None:
        """Store an organisation unless it exists."""
        with self.sessions() as s, s.begin():
            if s.execute(select(organisations.c.id).where(organisations.c.id == org.id)).first() is None:
                s.execute(insert(organisations).values(id=org.id, name=org.name, kind=org.kind,
                                                       created_at=datetime.now(UTC)))

    def add_user(self, user: User) -> None:
        """Store a user."""
        try:
            with self.sessions() as s, s.begin():
                self._insert_user(s, user)
        except IntegrityError:
            raise AccountError("email_taken", "email") from None

    @staticmethod
    def _insert_user(s: Session, user: User) -> None:
        s.execute(insert(users).values(id=user.id, email=user.email, password_hash=user.password_hash,
                                       role=user.role, org=user.org, created_at=datetime.now(UTC)))

    def org(self, org_id: str) -> Organisation | None:
        """Return an organisation by id."""
        with self.sessions() as s:
            row = s.execute(select(organisations).where(organisations.c.id == org_id)).mappings().first()
        return Organisation(row["id"], row["name"], row["kind"]) if row else None

    def _user_where(self, clause) -> User | None:
        with self.sessions() as s:
            row = s.execute(select(users).where(clause)).mappings().first()
        return User(row["id"], row["email"], row["password_hash"], row["role"], row["org"]) if row else None

    def user_by_email(self, email: str) -> User | None:
        """Return the user with this (normalised) email."""
        return self._user_where(users.c.email == email)

    def user(self, user_id: str) -> User | None:
        """Return a user by id."""
        return self._user_where(users.c.id == user_id)

    def add_session(self, session: WebSession) -> None:
        """Store a session."""
        with self.sessions() as s, s.begin():
            s.execute(insert(web_sessions).values(id_hash=session.id_hash, user_id=session.user_id,
                                                  expires_at=session.expires_at))

    def session(self, id_hash: str) -> WebSession | None:
        """Return a session by the hash of its secret."""
        with self.sessions() as s:
            row = s.execute(select(web_sessions).where(web_sessions.c.id_hash == id_hash)).mappings().first()
        return WebSession(row["id_hash"], row["user_id"], row["expires_at"]) if row else None

    def drop_session(self, id_hash: str) -> None:
        """Forget a session."""
        with self.sessions() as s, s.begin():
            s.execute(delete(web_sessions).where(web_sessions.c.id_hash == id_hash))

    def add_pending(self, pending: PendingSignUp) -> None:
        """Keep a sign-up until its link is followed."""
        with self.sessions() as s, s.begin():
            s.execute(insert(pending_signups).values(
                id_hash=pending.id_hash, org_id=pending.org.id, org_name=pending.org.name, tax_id=pending.tax_id,
                country=pending.country, sector=pending.sector, email=pending.email,
                password_hash=pending.password_hash, expires_at=pending.expires_at))

    def pending(self, id_hash: str) -> PendingSignUp | None:
        """Return a pending sign-up by the hash of its link's secret."""
        with self.sessions() as s:
            row = s.execute(select(pending_signups).where(pending_signups.c.id_hash == id_hash)).mappings().first()
        if row is None:
            return None
        return PendingSignUp(row["id_hash"], Organisation(row["org_id"], row["org_name"], "employer"), row["tax_id"],
                             row["country"], row["sector"], row["email"], row["password_hash"], row["expires_at"])

    def drop_pending(self, id_hash: str) -> None:
        """Forget a pending sign-up."""
        with self.sessions() as s, s.begin():
            s.execute(delete(pending_signups).where(pending_signups.c.id_hash == id_hash))

    def forget_pending_before(self, before: datetime) -> None:
        """Forget the pending sign-ups whose link expired before ``before``."""
        with self.sessions() as s, s.begin():
            s.execute(delete(pending_signups).where(pending_signups.c.expires_at <= before))

    def signing_key(self, make) -> str:
        """Return the cookie-signing key kept in the database, created with ``make()`` on first use."""
        with self.sessions() as s, s.begin():
            row = s.execute(select(portal_keys.c.value).where(portal_keys.c.name == "cookies")).first()
            if row is not None:
                return row[0]
            try:
                with s.begin_nested():
                    s.execute(insert(portal_keys).values(name="cookies", value=make()))
            except IntegrityError:
                pass  # another worker created it first; use theirs
            return s.execute(select(portal_keys.c.value).where(portal_keys.c.name == "cookies")).scalar_one()


class SqlFailureStore:
    """The throttles' attempts in the portal's database, so every worker process sees the same counts."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def failures_since(self, key: str, since: datetime) -> list[datetime]:
        """Return the times of a key's failures after ``since``, oldest first."""
        with self.sessions() as s:
            rows = s.execute(select(signin_failures.c.failed_at)
                             .where(signin_failures.c.key == key, signin_failures.c.failed_at > since)
                             .order_by(signin_failures.c.failed_at)).scalars()
            return list(rows)

    def add(self, keys: list[str], at: datetime) -> None:
        """Remember one failure under each key."""
        with self.sessions() as s, s.begin():
            s.execute(insert(signin_failures), [{"key": key, "failed_at": at} for key in keys])

    def clear(self, key: str) -> None:
        """Forget a key's failures."""
        with self.sessions() as s, s.begin():
            s.execute(delete(signin_failures).where(signin_failures.c.key == key))

    def forget_before(self, before: datetime) -> None:
        """Drop failures older than ``before``."""
        with self.sessions() as s, s.begin():
            s.execute(delete(signin_failures).where(signin_failures.c.failed_at < before))
