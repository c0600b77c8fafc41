"""Profiles in SQL (PostgreSQL or SQLite): one row per person plus lookup keys; events through the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    delete,
    exists,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, sessionmaker

from services.profiles.domain.duplicates import document_keys
from services.profiles.domain.messages import PROFILE_CHANGED, PROFILE_NOT_FOUND
from services.profiles.domain.model import Consent, ConsentChange, Profile, ProfileDetails, from_plain, to_plain
from services.profiles.ports import ListFilters
from shared.db import SqlUnitOfWork as _SqlUnitOfWork
from shared.db import UtcDateTime
from shared.errors import NotFound, PreconditionFailed
from shared.idempotency import forget_resource
from shared.outbox import Outbox

profiles_metadata = MetaData()

profiles_table = Table(
    "profiles", profiles_metadata,
    Column("id", String(36), primary_key=True),
    Column("centre", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # Copied out of the document for filters and duplicate lookups.
    Column("country", String(2), nullable=False),
    Column("city_key", String(120), nullable=True),
    Column("availability", String(20), nullable=True),
    Column("matching", Boolean, nullable=False),
    Column("birth_date", Date, nullable=True),
    Column("phone", String(20), nullable=True),
    Column("document", JSON().with_variant(JSONB, "postgresql"), nullable=False),
    Index("ix_profiles_centre_created", "centre", "created_at", "id"),
    Index("ix_profiles_phone", "phone"),
    Index("ix_profiles_birth_date", "birth_date"),
)

# Lookup keys of a profile: document numbers, occupation/skill/language codes, and import-row fingerprints.
profile_keys_table = Table(
    "profile_keys", profiles_metadata,
    Column("profile_id", String(36), ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("value", String(200), primary_key=True),
    Index("ix_profile_keys_lookup", "kind", "value"),
)

DOC, OCCUPATION, SKILL, LANGUAGE, IMPORT = "doc", "occupation", "skill", "language", "import"


def _keys(profile: Profile) -> set[tuple[str, str]]:
    d = profile.details
    keys = {(DOC, k) for k in document_keys(d.identity)}
    keys |= {(OCCUPATION, j.occupation) for j in d.experience if j.occupation}
    keys |= {(OCCUPATION, c) for c in d.desired_occupations}
    keys |= {(SKILL, c) for c in d.skills}
    keys |= {(LANGUAGE, lang.code) for lang in d.languages}
    return keys


def _row(profile: Profile) -> dict:
    d = profile.details
    return {
        "centre": profile.centre, "version": profile.version, "created_at": profile.created_at,
        "updated_at": profile.updated_at, "country": d.location.country,
        "city_key": (d.location.city or "").casefold() or None, "availability": d.availability,
        "matching": profile.consents_to("matching"), "birth_date": d.identity.date_of_birth,
        "phone": d.identity.phone,
        "document": {"details": to_plain(d), "consents": to_plain(profile.consents),
                     "consent_history": to_plain(profile.consent_history)},
    }


def _profile(row) -> Profile:
    doc = row.document
    return Profile(
        id=row.id, centre=row.centre,
        details=from_plain(ProfileDetails, doc["details"]),
        consents=from_plain(dict[str, Consent], doc["consents"]),
        consent_history=from_plain(list[ConsentChange], doc["consent_history"]),
        created_at=row.created_at, updated_at=row.updated_at, version=row.version,
    )


class SqlProfileRepository:
    """Profiles in the service's own database, inside the unit of work's session."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, profile_id: str) -> Profile | None:
        row = self.session.execute(select(profiles_table).where(profiles_table.c.id == profile_id)).first()
        return _profile(row) if row else None

    def _write_keys(self, profile: Profile, extra: Iterable[tuple[str, str]] = ()) -> None:
        rows = [{"profile_id": profile.id, "kind": k, "value": v} for k, v in {*_keys(profile), *extra}]
        if rows:
            self.session.execute(insert(profile_keys_table), rows)

    def add(self, profile: Profile, import_key: str | None = None) -> None:
        self.session.execute(insert(profiles_table).values(id=profile.id, **_row(profile)))
        self._write_keys(profile, [(IMPORT, import_key)] if import_key else [])

    def save(self, profile: Profile) -> None:
        # One conditional UPDATE: of two changes read at the same version, the second finds no row to change.
        t = profiles_table
        changed = self.session.execute(update(t).where(t.c.id == profile.id, t.c.version == profile.version - 1)
                                       .values(**_row(profile)))
        if changed.rowcount != 1:
            current = self.session.scalar(select(t.c.version).where(t.c.id == profile.id))
            if current is None:
                raise NotFound("profile_not_found", PROFILE_NOT_FOUND)
            raise PreconditionFailed("profile_changed", PROFILE_CHANGED, current_version=current)
        self.session.execute(delete(profile_keys_table).where(and_(
            profile_keys_table.c.profile_id == profile.id, profile_keys_table.c.kind != IMPORT)))
        self._write_keys(profile)

    def delete(self, profile_id: str) -> bool:
        # Explicit rather than relying on ON DELETE CASCADE, which SQLite honours only with a pragma.
        self.session.execute(delete(profile_keys_table).where(profile_keys_table.c.profile_id == profile_id))
        forget_resource(self.session, profile_id)  # the stored reply to its creation is a copy of the person
        result = self.session.execute(delete(profiles_table).where(profiles_table.c.id == profile_id))
        return result.rowcount > 0

    def candidates(self, keys: Iterable[str], phone: str | None, born: date | None) -> list[Profile]:
        keys = list(keys)
        conditions = []
        if keys:
            conditions.append(profiles_table.c.id.in_(
                select(profile_keys_table.c.profile_id).where(and_(
                    profile_keys_table.c.kind == DOC, profile_keys_table.c.value.in_(keys)))))
        if phone:
            conditions.append(profiles_table.c.phone == phone)
        if born:
            conditions.append(profiles_table.c.birth_date == born)
        if not conditions:
            return []
        return [_profile(r) for r in self.session.execute(select(profiles_table).where(or_(*conditions)))]

    def page(self, centre: str, filters: ListFilters, after: tuple[datetime, str] | None,
             limit: int) -> list[Profile]:
        t, k = profiles_table, profile_keys_table
        query = select(t).where(t.c.centre == centre)
        if filters.country:
            query = query.where(t.c.country == filters.country)
        if filters.city:
            query = query.where(t.c.city_key == filters.city.casefold())
        if filters.availability:
            query = query.where(t.c.availability == filters.availability)
        if filters.matching is not None:
            query = query.where(t.c.matching == filters.matching)
        for kind, value in ((OCCUPATION, filters.occupation), (SKILL, filters.skill), (LANGUAGE, filters.language)):
            if value:
                query = query.where(exists().where(and_(k.c.profile_id == t.c.id, k.c.kind == kind,
                                                        k.c.value == value)))
        if after is not None:
            query = query.where(tuple_(t.c.created_at, t.c.id) > tuple_(*after))
        query = query.order_by(t.c.created_at, t.c.id).limit(limit)
        return [_profile(r) for r in self.session.execute(query)]

    def imported(self, import_key: str) -> str | None:
        return self.session.scalar(select(profile_keys_table.c.profile_id).where(and_(
            profile_keys_table.c.kind == IMPORT, profile_keys_table.c.value == import_key)))


class SqlUnitOfWork(_SqlUnitOfWork):
    """One database transaction holding the profile change and the outbox rows of its events."""

    def __init__(self, sessions: sessionmaker[Session], outbox: Outbox, topic: str = "profiles"):
        super().__init__(sessions, outbox, topic)

    def bind(self, session: Session) -> None:
        self.profiles = SqlProfileRepository(session)
