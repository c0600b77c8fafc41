"""The portal's stores in its own database (SQLite or PostgreSQL): accounts, sessions, pending sign-ups, the
throttles' attempts, and people's own settings: saved searches, job alerts (with the ids of what they found) and
employers' notification choices."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.portal.accounts import AccountError, Organisation, PendingSignUp, User, WebSession
from services.portal.alerts import ALERT, AlertHit, SavedSearch
from services.portal.ports import NoticeSettings
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

saved_searches = Table(  # a counsellor's saved people searches and job alerts (filters only; no person's data)
    "saved_searches", portal_metadata,
    Column("id", String(36), primary_key=True),
    Column("owner", String(40), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org", String(64), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("name", String(80), nullable=False),
    Column("filters", JSON(), nullable=False),
    Column("profile_id", String(64), nullable=True),
    Column("notify_person", Boolean(), nullable=False, default=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_saved_searches_owner_profile", "owner", "profile_id"),
)
alert_hits = Table(  # the strong matches a job alert found, by id, until the counsellor opens the alert
    "alert_hits", portal_metadata,
    Column("alert_id", String(36), ForeignKey("saved_searches.id", ondelete="CASCADE"), nullable=False),
    Column("vacancy_id", String(64), nullable=False),
    Column("score", Float(), nullable=False),
    Column("found_at", UtcDateTime(), nullable=False),
    Column("seen_at", UtcDateTime(), nullable=True),
    Column("notified_at", UtcDateTime(), nullable=True),
    PrimaryKeyConstraint("alert_id", "vacancy_id"),
)
notice_settings = Table(  # what an employer's user asked to be e-mailed about, and in which language
    "notice_settings", portal_metadata,
    Column("user_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("introductions", Boolean(), nullable=False),
    Column("language", String(5), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
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


def _search(row) -> SavedSearch:
    return SavedSearch(row["id"], row["owner"], row["org"], row["kind"], row["name"], dict(row["filters"] or {}),
                       row["profile_id"], bool(row["notify_person"]), row["created_at"])


def _hit(row) -> AlertHit:
    return AlertHit(row["alert_id"], row["vacancy_id"], row["score"], row["found_at"], row["seen_at"],
                    row["notified_at"])


class SqlSavedSearchStore:
    """Saved searches, job alerts and their hits in the portal's database."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def add(self, search: SavedSearch, baseline=()) -> None:
        """Store a search, and for an alert the strong matches it starts with (already seen)."""
        with self.sessions() as s, s.begin():
            s.execute(insert(saved_searches).values(
                id=search.id, owner=search.owner, org=search.org, kind=search.kind, name=search.name,
                filters=dict(search.filters), profile_id=search.profile_id, notify_person=search.notify_person,
                created_at=search.created_at))
            if baseline:
                s.execute(insert(alert_hits), [self._hit_row(h) for h in baseline])

    @staticmethod
    def _hit_row(hit: AlertHit) -> dict:
        return {"alert_id": hit.alert_id, "vacancy_id": hit.vacancy_id, "score": hit.score,
                "found_at": hit.found_at, "seen_at": hit.seen_at, "notified_at": hit.notified_at}

    def _searches(self, *where) -> list[SavedSearch]:
        with self.sessions() as s:
            rows = s.execute(select(saved_searches).where(*where)
                             .order_by(saved_searches.c.created_at, saved_searches.c.id)).mappings()
            return [_search(r) for r in rows]

    def get(self, search_id: str) -> SavedSearch | None:
        """Return a saved search by id."""
        found = self._searches(saved_searches.c.id == search_id)
        return found[0] if found else None

    def of_owner(self, owner: str, kind: str) -> list[SavedSearch]:
        """Return a counsellor's saved searches of one kind, oldest first."""
        return self._searches(saved_searches.c.owner == owner, saved_searches.c.kind == kind)

    def for_profile(self, owner: str, profile_id: str) -> list[SavedSearch]:
        """Return a counsellor's job alerts for one person."""
        return self._searches(saved_searches.c.owner == owner, saved_searches.c.kind == ALERT,
                              saved_searches.c.profile_id == profile_id)

    def alerts(self) -> list[SavedSearch]:
        """Return every job alert, for the job that checks them."""
        return self._searches(saved_searches.c.kind == ALERT)

    def delete(self, owner: str, search_id: str) -> bool:
        """Delete one of the counsellor's saved searches (and an alert's hits); return whether it existed."""
        with self.sessions() as s, s.begin():
            mine = select(saved_searches.c.id).where(saved_searches.c.id == search_id,
                                                     saved_searches.c.owner == owner)
            if s.execute(mine).first() is None:
                return False
            s.execute(delete(alert_hits).where(alert_hits.c.alert_id == search_id))
            s.execute(delete(saved_searches).where(saved_searches.c.id == search_id))
            return True

    def known(self, alert_id: str) -> set[str]:
        """Return the vacancies an alert has already found."""
        with self.sessions() as s:
            return set(s.execute(select(alert_hits.c.vacancy_id).where(alert_hits.c.alert_id == alert_id)).scalars())

    def add_hits(self, hits: list[AlertHit]) -> None:
        """Keep new hits (a hit found twice by two runs at once is kept once)."""
        for hit in hits:
            try:
                with self.sessions() as s, s.begin():
                    s.execute(insert(alert_hits).values(**self._hit_row(hit)))
            except IntegrityError:
                continue

    def unseen(self, owner: str) -> dict[str, list[AlertHit]]:
        """Return a counsellor's alerts with hits not opened yet, and those hits."""
        query = (select(alert_hits).join(saved_searches, saved_searches.c.id == alert_hits.c.alert_id)
                 .where(saved_searches.c.owner == owner, alert_hits.c.seen_at.is_(None))
                 .order_by(alert_hits.c.found_at))
        out: dict[str, list[AlertHit]] = {}
        with self.sessions() as s:
            for row in s.execute(query).mappings():
                out.setdefault(row["alert_id"], []).append(_hit(row))
        return out

    def mark_seen(self, owner: str, alert_id: str, at: datetime) -> None:
        """Mark an alert's hits as opened by its owner."""
        with self.sessions() as s, s.begin():
            mine = select(saved_searches.c.id).where(saved_searches.c.id == alert_id, saved_searches.c.owner == owner)
            s.execute(update(alert_hits).where(alert_hits.c.alert_id.in_(mine), alert_hits.c.seen_at.is_(None))
                      .values(seen_at=at))

    def mark_notified(self, alert_id: str, vacancy_ids: list[str], at: datetime) -> None:
        """Record that the person was told of these hits."""
        with self.sessions() as s, s.begin():
            s.execute(update(alert_hits).where(alert_hits.c.alert_id == alert_id,
                                               alert_hits.c.vacancy_id.in_(vacancy_ids)).values(notified_at=at))


class SqlNoticeSettingsStore:
    """Employers' users' notification choices in the portal's database."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def get(self, user_id: str) -> NoticeSettings | None:
        """Return a user's choices, or None when they never chose."""
        with self.sessions() as s:
            row = s.execute(select(notice_settings).where(notice_settings.c.user_id == user_id)).mappings().first()
        return NoticeSettings(row["introductions"], row["language"]) if row else None

    def put(self, user_id: str, settings: NoticeSettings) -> None:
        """Store a user's choices."""
        values = {"introductions": settings.introductions, "language": settings.language,
                  "updated_at": datetime.now(UTC)}
        with self.sessions() as s, s.begin():
            changed = s.execute(update(notice_settings).where(notice_settings.c.user_id == user_id).values(**values))
            if changed.rowcount == 0:
                s.execute(insert(notice_settings).values(user_id=user_id, **values))

    def introduction_subscribers(self, org: str) -> list[tuple[str, str]]:
        """Return (e-mail, language) of an organisation's users who asked to hear of introductions."""
        query = (select(users.c.email, notice_settings.c.language)
                 .join(notice_settings, notice_settings.c.user_id == users.c.id)
                 .where(users.c.org == org, notice_settings.c.introductions.is_(True)).order_by(users.c.email))
        with self.sessions() as s:
            return [(r[0], r[1]) for r in s.execute(query)]
