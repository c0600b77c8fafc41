"""Profiles in SQL (PostgreSQL or SQLite): one row per person plus lookup keys, their placements, introductions
and introduction requests, and the vacancies known from the vacancies topic; events through the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    and_,
    delete,
    exists,
    false,
    insert,
    not_,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from services.profiles.domain.access import AccessRecord
from services.profiles.domain.duplicates import document_keys
from services.profiles.domain.messages import PROFILE_CHANGED, PROFILE_NOT_FOUND
from services.profiles.domain.model import Consent, ConsentChange, Profile, ProfileDetails, from_plain, to_plain
from services.profiles.domain.placements import (
    ConsentRecord,
    Contact,
    Introduction,
    IntroductionRequest,
    KnownVacancy,
    Placement,
    Step,
)
from services.profiles.domain.search import NAME, SearchQuery, search_keys
from services.profiles.ports import AccessFilters, AccessPosition, ListFilters, PlacementFilters, Position
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

_Json = JSON().with_variant(JSONB, "postgresql")

# One row per person and vacancy; the history (with the centre's notes) stays here and is never published.
placements_table = Table(
    "placements", profiles_metadata,
    Column("id", String(36), primary_key=True),
    Column("profile_id", String(36), ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
    Column("centre", String(64), nullable=False),
    Column("vacancy_id", String(36), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("history", _Json, nullable=False),
    UniqueConstraint("profile_id", "vacancy_id", name="uq_placements_profile_vacancy"),
    Index("ix_placements_centre_created", "centre", "created_at", "id"),
    Index("ix_placements_profile_updated", "profile_id", "updated_at"),
    Index("ix_placements_vacancy", "vacancy_id"),
)

introductions_table = Table(
    "introductions", profiles_metadata,
    Column("id", String(36), primary_key=True),
    Column("placement_id", String(36), ForeignKey("placements.id", ondelete="CASCADE"), nullable=False,
           unique=True),
    Column("profile_id", String(36), ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
    Column("centre", String(64), nullable=False),
    Column("vacancy_id", String(36), nullable=False),
    Column("employer_org", String(200), nullable=False),
    Column("consented_at", UtcDateTime(), nullable=False),
    Column("consent", _Json, nullable=False),
    Index("ix_introductions_vacancy", "vacancy_id", "consented_at", "id"),
    Index("ix_introductions_profile", "profile_id"),
)

introduction_requests_table = Table(
    "introduction_requests", profiles_metadata,
    Column("id", String(36), primary_key=True),
    Column("vacancy_id", String(36), nullable=False),
    Column("employer_org", String(200), nullable=False),
    Column("profile_id", String(36), ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
    Column("centre", String(64), nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("requested_at", UtcDateTime(), nullable=False),
    Column("status", String(12), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=True),
    Index("ix_introduction_requests_centre", "centre", "status", "requested_at", "id"),
    Index("ix_introduction_requests_employer", "employer_org", "requested_at", "id"),
    Index("ix_introduction_requests_pair", "vacancy_id", "profile_id"),
)

# The projection of the vacancies topic: what an introduction is checked against.
known_vacancies_table = Table(
    "known_vacancies", profiles_metadata,
    Column("vacancy_id", String(36), primary_key=True),
    Column("employer_org", String(200), nullable=False),
    Column("title", String(200), nullable=True),
    Column("country", String(2), nullable=False),
    Column("status", String(8), nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

# Who read whose identifying fields, when and why. No foreign key to profiles: the records outlive an erasure, and
# hold nothing but the pseudonymous profile id of the person.
access_log_table = Table(
    "profile_access_log", profiles_metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("actor_role", String(20), nullable=False),
    Column("actor_org", String(200), nullable=False),
    Column("profile_id", String(36), nullable=False),
    Column("action", String(32), nullable=False),
    Column("purpose", String(32), nullable=False),
    Index("ix_profile_access_log_at", "at", "seq"),
    Index("ix_profile_access_log_profile", "profile_id", "at", "seq"),
    Index("ix_profile_access_log_actor", "actor", "at", "seq"),
)

DOC, OCCUPATION, SKILL, LANGUAGE, IMPORT = "doc", "occupation", "skill", "language", "import"


def _keys(profile: Profile) -> set[tuple[str, str]]:
    d = profile.details
    keys = {(DOC, k) for k in document_keys(d.identity)}
    keys |= search_keys(d.identity)  # name words and document numbers, for the list's search
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

    def get_many(self, profile_ids: Iterable[str]) -> dict[str, Profile]:
        ids = list(set(profile_ids))
        if not ids:
            return {}
        return {r.id: _profile(r) for r in self.session.execute(select(profiles_table).where(
            profiles_table.c.id.in_(ids)))}

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
        if filters.q:
            query = query.where(self._search(centre, SearchQuery.parse(filters.q)))
        pl = placements_table
        if filters.stage:
            query = query.where(exists().where(and_(pl.c.profile_id == t.c.id, pl.c.stage == filters.stage)))
        if filters.stale is not None and filters.stale_cutoff is not None:
            recent = or_(t.c.updated_at >= filters.stale_cutoff, exists().where(and_(
                pl.c.profile_id == t.c.id, pl.c.updated_at >= filters.stale_cutoff)))
            query = query.where(not_(recent) if filters.stale else recent)
        if after is not None:
            query = query.where(tuple_(t.c.created_at, t.c.id) > tuple_(*after))
        query = query.order_by(t.c.created_at, t.c.id).limit(limit)
        return [_profile(r) for r in self.session.execute(query)]

    def _search(self, centre: str, q: SearchQuery):
        """Return the condition "the person is found by ``q``" (the same rules as SearchQuery.matches)."""
        t, k = profiles_table, profile_keys_table
        found = []
        if q.words:
            found.append(and_(*(exists().where(and_(k.c.profile_id == t.c.id, k.c.kind == NAME,
                                                    k.c.value.startswith(w, autoescape=True)))
                                for w in q.words)))
        documents = [and_(k.c.kind == kind, k.c.value == value) for kind, value in q.documents]
        if documents:
            found.append(exists().where(and_(k.c.profile_id == t.c.id, or_(*documents))))
        # A phone is stored normalised with the person's country: normalise the text with each country of the
        # centre's people and compare within that country.
        countries = self.session.scalars(select(t.c.country).where(t.c.centre == centre).distinct()).all()
        phones = [and_(t.c.country == c, t.c.phone == phone) for c in countries if (phone := q.phone_in(c))]
        found += phones
        return or_(*found) if found else false()

    def imported(self, import_key: str) -> str | None:
        return self.session.scalar(select(profile_keys_table.c.profile_id).where(and_(
            profile_keys_table.c.kind == IMPORT, profile_keys_table.c.value == import_key)))


def _placement(row) -> Placement:
    return Placement(row.id, row.profile_id, row.centre, row.vacancy_id, from_plain(list[Step], row.history),
                     row.created_at, row.updated_at, row.version)


def _placement_row(placement: Placement) -> dict:
    return {"profile_id": placement.profile_id, "centre": placement.centre, "vacancy_id": placement.vacancy_id,
            "stage": placement.stage, "version": placement.version, "created_at": placement.created_at,
            "updated_at": placement.updated_at, "history": to_plain(placement.history)}


class SqlPlacementRepository:
    """Placements in the service's own database, inside the unit of work's session."""

    def __init__(self, session: Session):
        self.session = session

    def _one(self, *conditions) -> Placement | None:
        row = self.session.execute(select(placements_table).where(*conditions)).first()
        return _placement(row) if row else None

    def get(self, placement_id: str) -> Placement | None:
        return self._one(placements_table.c.id == placement_id)

    def find(self, profile_id: str, vacancy_id: str) -> Placement | None:
        c = placements_table.c
        return self._one(c.profile_id == profile_id, c.vacancy_id == vacancy_id)

    def get_many(self, placement_ids: Iterable[str]) -> dict[str, Placement]:
        ids = list(set(placement_ids))
        if not ids:
            return {}
        rows = self.session.execute(select(placements_table).where(placements_table.c.id.in_(ids)))
        return {r.id: _placement(r) for r in rows}

    def add(self, placement: Placement) -> None:
        self.session.execute(insert(placements_table).values(id=placement.id, **_placement_row(placement)))

    def save(self, placement: Placement) -> None:
        self.session.execute(update(placements_table).where(placements_table.c.id == placement.id)
                             .values(**_placement_row(placement)))

    def delete(self, placement_id: str) -> None:
        self.session.execute(delete(placements_table).where(placements_table.c.id == placement_id))

    def of_profile(self, profile_id: str) -> list[Placement]:
        c = placements_table.c
        rows = self.session.execute(select(placements_table).where(c.profile_id == profile_id)
                                    .order_by(c.created_at, c.id))
        return [_placement(r) for r in rows]

    def page(self, centre: str, filters: PlacementFilters, after: Position | None, limit: int) -> list[Placement]:
        c = placements_table.c
        query = select(placements_table).where(c.centre == centre)
        for column, value in ((c.profile_id, filters.profile_id), (c.vacancy_id, filters.vacancy_id),
                              (c.stage, filters.stage)):
            if value is not None:
                query = query.where(column == value)
        if after is not None:
            query = query.where(tuple_(c.created_at, c.id) > tuple_(*after))
        return [_placement(r) for r in self.session.execute(query.order_by(c.created_at, c.id).limit(limit))]

    def contacts(self, profile_ids: Iterable[str]) -> dict[str, Contact]:
        ids = list(set(profile_ids))
        if not ids:
            return {}
        c = placements_table.c
        rows = self.session.execute(select(c.profile_id, c.stage, c.updated_at).where(c.profile_id.in_(ids))
                                    .order_by(c.updated_at.desc(), c.id.desc()))
        out: dict[str, Contact] = {}
        for profile_id, stage, at in rows:
            out.setdefault(profile_id, Contact(stage, at))
        return out

    def delete_for_profile(self, profile_id: str) -> None:
        self.session.execute(delete(placements_table).where(placements_table.c.profile_id == profile_id))

    def reassign(self, from_profile: str, to_profile: str) -> None:
        self.session.execute(update(placements_table).where(placements_table.c.profile_id == from_profile)
                             .values(profile_id=to_profile))


def _introduction(row) -> Introduction:
    consent = dict(row.consent)
    return Introduction(row.id, row.placement_id, row.profile_id, row.centre, row.vacancy_id, row.employer_org,
                        ConsentRecord(consent["given"], consent["language"], consent["read_aloud"],
                                      consent["recorded_by"], row.consented_at))


class SqlIntroductionRepository:
    """Introductions and the consent each records."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, introduction: Introduction) -> None:
        consent = introduction.consent
        self.session.execute(insert(introductions_table).values(
            id=introduction.id, placement_id=introduction.placement_id, profile_id=introduction.profile_id,
            centre=introduction.centre, vacancy_id=introduction.vacancy_id, employer_org=introduction.employer_org,
            consented_at=consent.recorded_at,
            consent={"given": consent.given, "language": consent.language, "read_aloud": consent.read_aloud,
                     "recorded_by": consent.recorded_by}))

    def for_placement(self, placement_id: str) -> Introduction | None:
        row = self.session.execute(select(introductions_table).where(
            introductions_table.c.placement_id == placement_id)).first()
        return _introduction(row) if row else None

    def page(self, vacancy_id: str, centre: str | None, after: Position | None, limit: int) -> list[Introduction]:
        c = introductions_table.c
        query = select(introductions_table).where(c.vacancy_id == vacancy_id)
        if centre is not None:
            query = query.where(c.centre == centre)
        if after is not None:
            query = query.where(tuple_(c.consented_at, c.id) > tuple_(*after))
        return [_introduction(r) for r in self.session.execute(query.order_by(c.consented_at, c.id).limit(limit))]

    def delete_for_placement(self, placement_id: str) -> None:
        self.session.execute(delete(introductions_table).where(introductions_table.c.placement_id == placement_id))

    def delete_for_profile(self, profile_id: str) -> None:
        self.session.execute(delete(introductions_table).where(introductions_table.c.profile_id == profile_id))

    def reassign(self, from_profile: str, to_profile: str) -> None:
        self.session.execute(update(introductions_table).where(introductions_table.c.profile_id == from_profile)
                             .values(profile_id=to_profile))


def _request(row) -> IntroductionRequest:
    return IntroductionRequest(row.id, row.vacancy_id, row.employer_org, row.profile_id, row.centre,
                               row.requested_by, row.requested_at, row.status, row.closed_at)


class SqlIntroductionRequestRepository:
    """Employers' requests for introductions."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, request: IntroductionRequest) -> None:
        self.session.execute(insert(introduction_requests_table).values(
            id=request.id, vacancy_id=request.vacancy_id, employer_org=request.employer_org,
            profile_id=request.profile_id, centre=request.centre, requested_by=request.requested_by,
            requested_at=request.requested_at, status=request.status, closed_at=request.closed_at))

    def save(self, request: IntroductionRequest) -> None:
        self.session.execute(update(introduction_requests_table).where(introduction_requests_table.c.id == request.id)
                             .values(status=request.status, closed_at=request.closed_at,
                                     profile_id=request.profile_id))

    def open_for(self, vacancy_id: str, profile_id: str) -> list[IntroductionRequest]:
        c = introduction_requests_table.c
        rows = self.session.execute(select(introduction_requests_table).where(
            c.vacancy_id == vacancy_id, c.profile_id == profile_id, c.status == "open").order_by(c.requested_at, c.id))
        return [_request(r) for r in rows]

    def page(self, after: Position | None, limit: int, *, centre: str | None = None,
             employer_org: str | None = None, status: str | None = None) -> list[IntroductionRequest]:
        c = introduction_requests_table.c
        query = select(introduction_requests_table)
        for column, value in ((c.centre, centre), (c.employer_org, employer_org), (c.status, status)):
            if value is not None:
                query = query.where(column == value)
        if after is not None:
            query = query.where(tuple_(c.requested_at, c.id) > tuple_(*after))
        return [_request(r) for r in self.session.execute(query.order_by(c.requested_at, c.id).limit(limit))]

    def delete_for_profile(self, profile_id: str) -> None:
        self.session.execute(delete(introduction_requests_table).where(
            introduction_requests_table.c.profile_id == profile_id))

    def reassign(self, from_profile: str, to_profile: str) -> None:
        self.session.execute(update(introduction_requests_table).where(
            introduction_requests_table.c.profile_id == from_profile).values(profile_id=to_profile))


def _vacancy(row) -> KnownVacancy:
    return KnownVacancy(row.vacancy_id, row.employer_org, row.country, row.status, row.changed_at, row.title)


class SqlKnownVacancies:
    """The vacancies known from the vacancies topic."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, vacancy_id: str) -> KnownVacancy | None:
        row = self.session.execute(select(known_vacancies_table).where(
            known_vacancies_table.c.vacancy_id == vacancy_id)).first()
        return _vacancy(row) if row else None

    def get_many(self, vacancy_ids: Iterable[str]) -> dict[str, KnownVacancy]:
        ids = list(set(vacancy_ids))
        if not ids:
            return {}
        rows = self.session.execute(select(known_vacancies_table).where(known_vacancies_table.c.vacancy_id.in_(ids)))
        return {r.vacancy_id: _vacancy(r) for r in rows}

    def put(self, vacancy: KnownVacancy) -> None:
        values = {"employer_org": vacancy.employer_org, "title": vacancy.title, "country": vacancy.country,
                  "status": vacancy.status, "changed_at": vacancy.changed_at}
        insert_ = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = insert_(known_vacancies_table).values(vacancy_id=vacancy.vacancy_id, **values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=[known_vacancies_table.c.vacancy_id],
                                                        set_=values))

    def remove(self, vacancy_id: str) -> None:
        self.session.execute(delete(known_vacancies_table).where(known_vacancies_table.c.vacancy_id == vacancy_id))


class SqlAccessLog:
    """The access log in the service's own database, inside the unit of work's session."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, records: Iterable[AccessRecord]) -> None:
        rows = [{"at": r.at, "actor": r.actor, "actor_role": r.actor_role, "actor_org": r.actor_org,
                 "profile_id": r.profile_id, "action": r.action, "purpose": r.purpose} for r in records]
        if rows:
            self.session.execute(insert(access_log_table), rows)

    def page(self, filters: AccessFilters, after: AccessPosition | None, limit: int) -> list[AccessRecord]:
        c = access_log_table.c
        query = select(access_log_table)
        if filters.profile_id is not None:
            query = query.where(c.profile_id == filters.profile_id)
        if filters.actor is not None:
            query = query.where(c.actor == filters.actor)
        if filters.since is not None:
            query = query.where(c.at >= filters.since)
        if after is not None:
            query = query.where(tuple_(c.at, c.seq) > tuple_(*after))
        return [AccessRecord(r.at, r.actor, r.actor_role, r.actor_org, r.profile_id, r.action, r.purpose, r.seq)
                for r in self.session.execute(query.order_by(c.at, c.seq).limit(limit))]


class SqlUnitOfWork(_SqlUnitOfWork):
    """One database transaction holding the profile change and the outbox rows of its events."""

    def __init__(self, sessions: sessionmaker[Session] | None, outbox: Outbox, topic: str = "profiles"):
        super().__init__(sessions, outbox, topic)

    def bind(self, session: Session) -> None:
        self.profiles = SqlProfileRepository(session)
        self.placements = SqlPlacementRepository(session)
        self.introductions = SqlIntroductionRepository(session)
        self.introduction_requests = SqlIntroductionRequestRepository(session)
        self.vacancies = SqlKnownVacancies(session)
        self.access_log = SqlAccessLog(session)


class InboxUnitOfWork(SqlUnitOfWork):
    """The consumer's inbox transaction seen as a unit of work: the consumer commits it with the inbox row."""

    def __init__(self, session: Session, outbox: Outbox, topic: str = "profiles"):
        super().__init__(None, outbox, topic)
        self.session = session

    def __enter__(self):
        self.bind(self.session)
        return self

    def __exit__(self, *_exc) -> None:
        """Leave commit and rollback to the consumer, which owns the transaction."""
