"""SQL storage of employers and vacancies; staged events go to the outbox in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.vacancies.domain.messages import ALREADY_REGISTERED, EXTERNAL_ID_TAKEN, STALE_VERSION
from services.vacancies.domain.model import Draft, Employer, Finding, Review, Vacancy
from services.vacancies.ports import VacancyFilter
from shared import db
from shared.db import UtcDateTime
from shared.errors import AlreadyExists, PreconditionFailed
from shared.outbox import Outbox

metadata = MetaData()

employers = Table(
    "employers", metadata,
    Column("org_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("tax_id", String(64), nullable=False),
    Column("country", String(2), nullable=False),
    Column("sector", String(120), nullable=False),
    Column("contact_email", String(254), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

vacancies = Table(
    "vacancies", metadata,
    Column("id", String(36), primary_key=True),
    Column("employer_id", String(64), nullable=False),
    Column("submitter", String(64), nullable=False),
    Column("external_id", String(200), nullable=True),
    Column("status", String(32), nullable=False),
    Column("country", String(2), nullable=False),
    Column("occupation", String(4), nullable=True),
    Column("version", Integer, nullable=False),
    Column("draft", JSON, nullable=False),
    Column("findings", JSON, nullable=False),
    Column("monthly_equivalent", Float, nullable=False),
    Column("released", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("close_reason", String(32), nullable=True),
    Index("ix_vacancies_list", "created_at", "id"),
    Index("ix_vacancies_employer", "employer_id", "status"),
    Index("uq_vacancies_external", "submitter", "external_id", unique=True),
)

reviews = Table(
    "vacancy_reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("vacancy_id", String(36), nullable=False, index=True),
    Column("decision", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)


def _row(v: Vacancy) -> dict:
    return {"id": v.id, "employer_id": v.employer_id, "submitter": v.submitter, "external_id": v.draft.external_id,
            "status": v.status, "country": v.draft.country, "occupation": v.draft.occupation, "version": v.version,
            "draft": v.draft.to_dict(), "findings": [f.to_dict() for f in v.findings],
            "monthly_equivalent": v.monthly_equivalent, "released": v.released, "created_at": v.created_at,
            "updated_at": v.updated_at, "published_at": v.published_at, "closed_at": v.closed_at,
            "close_reason": v.close_reason}


class SqlVacancies:
    def __init__(self, session: Session):
        self.session = session

    def _load(self, rows) -> list[Vacancy]:
        rows = list(rows)
        by_id: dict[str, list[Review]] = {}
        if rows:
            q = select(reviews).where(reviews.c.vacancy_id.in_([r["id"] for r in rows])).order_by(reviews.c.id)
            for r in self.session.execute(q).mappings():
                by_id.setdefault(r["vacancy_id"], []).append(
                    Review(r["decision"], r["note"], r["reviewer"], r["at"]))
        return [Vacancy(id=r["id"], employer_id=r["employer_id"], submitter=r["submitter"],
                        draft=Draft.from_dict(r["draft"]), status=r["status"],
                        findings=tuple(Finding.from_dict(f) for f in r["findings"]), version=r["version"],
                        created_at=r["created_at"], updated_at=r["updated_at"],
                        published_at=r["published_at"], closed_at=r["closed_at"],
                        close_reason=r["close_reason"], monthly_equivalent=r["monthly_equivalent"],
                        released=r["released"], reviews=tuple(by_id.get(r["id"], ()))) for r in rows]

    def get(self, vacancy_id):
        rows = self.session.execute(select(vacancies).where(vacancies.c.id == vacancy_id)).mappings()
        found = self._load(rows)
        return found[0] if found else None

    def add(self, vacancy):
        try:
            self.session.execute(insert(vacancies).values(**_row(vacancy)))
        except IntegrityError as exc:
            if not db.is_unique_violation(exc):
                raise
            # (submitter, external_id) taken by a create that committed after this one looked; the use case
            # finds which vacancy has it once this transaction is rolled back.
            raise AlreadyExists("external_id_taken", EXTERNAL_ID_TAKEN, pointer="/external_id") from None

    def save(self, vacancy):
        row = _row(vacancy)
        # Optimistic concurrency: the row must still be at the version this change started from.
        try:
            result = self.session.execute(update(vacancies).where(
                and_(vacancies.c.id == vacancy.id, vacancies.c.version == vacancy.version - 1)).values(**row))
        except IntegrityError as exc:
            if not db.is_unique_violation(exc):
                raise
            raise AlreadyExists("external_id_taken", EXTERNAL_ID_TAKEN, pointer="/external_id") from None
        if result.rowcount != 1:
            current = self.session.scalar(select(vacancies.c.version).where(vacancies.c.id == vacancy.id))
            raise PreconditionFailed("stale_version", STALE_VERSION, current_version=current)
        stored = self.session.execute(select(reviews.c.id).where(reviews.c.vacancy_id == vacancy.id)).all()
        for review in vacancy.reviews[len(stored):]:
            self.session.execute(insert(reviews).values(vacancy_id=vacancy.id, decision=review.decision,
                                                        note=review.note, reviewer=review.reviewer, at=review.at))

    def find_external(self, submitter, external_id):
        q = select(vacancies).where(and_(vacancies.c.submitter == submitter, vacancies.c.external_id == external_id))
        found = self._load(self.session.execute(q).mappings())
        return found[0] if found else None

    def list(self, flt: VacancyFilter, limit, after):
        q = select(vacancies)
        if flt.employer:
            q = q.where(vacancies.c.employer_id == flt.employer)
        if flt.statuses:
            q = q.where(vacancies.c.status.in_(flt.statuses))
        if flt.country:
            q = q.where(vacancies.c.country == flt.country)
        if flt.occupation:
            q = q.where(vacancies.c.occupation == flt.occupation)
        if after is not None:
            created = datetime.fromisoformat(after[0])
            q = q.where(or_(vacancies.c.created_at < created,
                            and_(vacancies.c.created_at == created, vacancies.c.id < after[1])))
        q = q.order_by(vacancies.c.created_at.desc(), vacancies.c.id.desc()).limit(limit)
        return self._load(self.session.execute(q).mappings())


class SqlEmployers:
    def __init__(self, session: Session):
        self.session = session

    def get(self, org_id):
        r = self.session.execute(select(employers).where(employers.c.org_id == org_id)).mappings().first()
        return None if r is None else Employer(**r)

    def add(self, employer):
        try:
            self.session.execute(insert(employers).values(**employer.__dict__))
        except IntegrityError as exc:
            if not db.is_unique_violation(exc):
                raise
            raise AlreadyExists("employer_registered", ALREADY_REGISTERED, existing_id=employer.org_id) from None


class SqlUnitOfWork(db.SqlUnitOfWork):
    """A session in one transaction with the vacancies' repositories; staged events go to its outbox."""

    vacancies: SqlVacancies
    employers: SqlEmployers

    def bind(self, session: Session) -> None:
        self.vacancies, self.employers = SqlVacancies(session), SqlEmployers(session)


def sql_uow_factory(sessions: sessionmaker[Session], outbox: Outbox, topic: str = "vacancies"):
    """Return the unit-of-work factory the use cases take."""
    return lambda: SqlUnitOfWork(sessions, outbox, topic)
