"""The credentials table and the SQL unit of work that writes changes and outbox rows in one transaction."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import JSON, Column, Index, Integer, MetaData, String, Table, and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from services.credentials.domain.assessment import Assessment, Step
from services.credentials.domain.model import Credential, Evidence, StatusChange, stale
from services.credentials.domain.rules import Source
from services.credentials.events import TOPIC
from shared.db import SqlUnitOfWork as _SqlUnitOfWork
from shared.db import UtcDateTime
from shared.idempotency import forget_resource
from shared.outbox import Outbox, utcnow

metadata = MetaData()
credentials_table = Table(
    "credentials", metadata,
    Column("id", String(36), primary_key=True),
    Column("profile_id", String(36), nullable=False),
    Column("org", String(64), nullable=False),
    Column("declared_at", UtcDateTime(), nullable=False),
    Column("workflow_status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("body", JSON, nullable=False),  # the declaration, evidence, latest assessment and history
    Index("ix_credentials_owner", "org", "profile_id", "declared_at", "id"),
)

# Which centre keeps each person's profile, as the profiles topic announced it; checked before a declaration.
profile_centres_table = Table(
    "profile_centres", metadata,
    Column("profile_id", String(36), primary_key=True),
    Column("centre", String(64), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)


def to_row(c: Credential) -> dict:
    """Return the table row of a credential."""
    body = {
        "title": c.title, "level": c.level, "orientation": c.orientation, "field": c.field, "country": c.country,
        "institution": c.institution, "year": c.year, "documents": list(c.documents),
        "evidence": asdict(c.evidence), "accreditations": list(c.accreditations),
        "history": [{**asdict(h), "at": h.at.isoformat()} for h in c.history],
        "assessment": asdict(c.assessment) if c.assessment else None,
    }
    return {"id": c.id, "profile_id": c.profile_id, "org": c.org, "declared_at": c.declared_at,
            "workflow_status": c.workflow_status, "version": c.version, "body": body}


def from_row(row) -> Credential:
    """Rebuild a credential from its table row."""
    b = row["body"]
    a = b["assessment"]
    assessment = None
    if a:
        assessment = Assessment(**{
            **a, "weeks": tuple(a["weeks"]) if a["weeks"] else None,
            "occupations_now": tuple(a["occupations_now"]),
            "occupations_after_recognition": tuple(a["occupations_after_recognition"]),
            "occupations_later": tuple(a["occupations_later"]),
            "steps": tuple(Step(**s) for s in a["steps"]), "sources": tuple(Source(**s) for s in a["sources"])})
    ev = b["evidence"]
    return Credential(
        id=row["id"], profile_id=row["profile_id"], org=row["org"], title=b["title"], level=b["level"],
        orientation=b["orientation"], field=b["field"], country=b["country"], institution=b["institution"],
        year=b["year"], documents=tuple(b["documents"]),
        evidence=Evidence(**{**ev, "partial_documents": tuple(ev["partial_documents"])}),
        accreditations=tuple(b["accreditations"]), workflow_status=row["workflow_status"],
        history=tuple(StatusChange(**{**h, "at": datetime.fromisoformat(h["at"])}) for h in b["history"]),
        assessment=assessment, version=row["version"], declared_at=row["declared_at"])


class SqlCredentials:
    """Credentials in the service's own database, inside the caller's session."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, credential_id: str) -> Credential | None:
        """Return a credential by id, locking its row where the database can."""
        row = self.session.execute(select(credentials_table).where(credentials_table.c.id == credential_id)
                                   .with_for_update()).mappings().first()
        return from_row(row) if row else None

    def add(self, credential: Credential) -> None:
        """Insert a new credential."""
        self.session.execute(credentials_table.insert().values(**to_row(credential)))

    def save(self, credential: Credential) -> None:
        """Update a credential whose previous version is the stored one."""
        row = to_row(credential)
        result = self.session.execute(update(credentials_table).where(and_(
            credentials_table.c.id == credential.id, credentials_table.c.version == credential.version - 1))
            .values(workflow_status=row["workflow_status"], version=row["version"], body=row["body"]))
        if result.rowcount != 1:  # another change committed first, at the version this one started from
            current = self.session.scalar(select(credentials_table.c.version)
                                          .where(credentials_table.c.id == credential.id))
            raise stale(current if current is not None else credential.version - 1)

    def list_for_profile(self, org, profile_id, after, limit) -> list[Credential]:
        """Return a person's credentials held by ``org`` after the cursor, oldest first."""
        t = credentials_table
        query = select(t).where(t.c.org == org, t.c.profile_id == profile_id)
        if after:
            at = datetime.fromisoformat(after[0])
            query = query.where(or_(t.c.declared_at > at, and_(t.c.declared_at == at, t.c.id > after[1])))
        rows = self.session.execute(query.order_by(t.c.declared_at, t.c.id).limit(limit)).mappings()
        return [from_row(r) for r in rows]


    def delete_for_profile(self, profile_id: str) -> list[str]:
        """Delete every credential of a person, and the stored replies to their declaration; return their ids."""
        t = credentials_table
        ids = list(self.session.scalars(select(t.c.id).where(t.c.profile_id == profile_id).order_by(t.c.id)))
        for credential_id in ids:
            forget_resource(self.session, credential_id)
        self.session.execute(delete(t).where(t.c.profile_id == profile_id))
        return ids


class SqlPeople:
    """The centre of each person announced on the profiles topic, inside the caller's session."""

    def __init__(self, session: Session):
        self.session = session

    def centre_of(self, profile_id: str) -> str | None:
        """Return the centre that keeps the person's profile, if one was announced."""
        t = profile_centres_table
        return self.session.scalar(select(t.c.centre).where(t.c.profile_id == profile_id))

    def remember(self, profile_id: str, centre: str) -> None:
        """Insert the person's centre, or update it."""
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = insert(profile_centres_table).values(profile_id=profile_id, centre=centre, updated_at=utcnow())
        self.session.execute(stmt.on_conflict_do_update(index_elements=[profile_centres_table.c.profile_id], set_={
            "centre": stmt.excluded.centre, "updated_at": stmt.excluded.updated_at}))

    def forget(self, profile_id: str) -> None:
        """Delete the person's row, if any."""
        self.session.execute(delete(profile_centres_table).where(profile_centres_table.c.profile_id == profile_id))


class SqlUnitOfWork(_SqlUnitOfWork):
    """One database transaction holding the credential changes and their outbox rows."""

    def __init__(self, sessions: sessionmaker[Session], outbox: Outbox, topic: str = TOPIC):
        super().__init__(sessions, outbox, topic)

    def bind(self, session: Session) -> None:
        """Attach the credentials repositories to this transaction's session."""
        self.credentials = SqlCredentials(session)
        self.people = SqlPeople(session)


class InboxUnitOfWork(SqlUnitOfWork):
    """The consumer's inbox transaction seen as a unit of work: the consumer commits it with the inbox row."""

    def __init__(self, session: Session, outbox: Outbox, topic: str = TOPIC):
        super().__init__(sessions=None, outbox=outbox, topic=topic)
        self.session = session

    def __enter__(self):
        self.bind(self.session)
        return self

    def __exit__(self, *_exc) -> None:
        """Leave commit and rollback to the consumer, which owns the transaction."""


def sql_uow_factory(sessions: sessionmaker[Session], outbox: Outbox, topic: str = TOPIC):
    """Return the factory of units of work, joining a consumer's inbox transaction when given one."""

    def make(within=None) -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, outbox, topic) if within is None else InboxUnitOfWork(within.session, outbox,
                                                                                            topic)

    return make
