"""The insights projection in SQL (PostgreSQL or SQLite): one row per open vacancy, counted by GROUP BY."""

from __future__ import annotations

from sqlalchemy import Column, Index, MetaData, String, Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from services.insights.domain.model import Cell, OpenVacancy
from services.insights.ports import UnitOfWorkFactory, Within
from shared.db import SqlUnitOfWork as _SqlUnitOfWork

metadata = MetaData()

open_vacancies = Table(
    "open_vacancies", metadata,
    Column("vacancy_id", String(36), primary_key=True),
    Column("occupation", String(4), nullable=False),
    Column("country", String(2), nullable=False),
    Index("ix_open_vacancies_cell", "country", "occupation"),
)


class SqlOpenVacancies:
    """The open vacancies in one session."""

    def __init__(self, session: Session):
        self.session = session

    def open(self, vacancy: OpenVacancy) -> None:
        """Insert the vacancy, or update its occupation and country if it is already open."""
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = insert(open_vacancies).values(vacancy_id=vacancy.vacancy_id, occupation=vacancy.occupation,
                                             country=vacancy.country)
        self.session.execute(stmt.on_conflict_do_update(index_elements=[open_vacancies.c.vacancy_id], set_={
            "occupation": stmt.excluded.occupation, "country": stmt.excluded.country}))

    def remove(self, vacancy_id: str) -> None:
        """Delete the vacancy's row, if any."""
        self.session.execute(delete(open_vacancies).where(open_vacancies.c.vacancy_id == vacancy_id))

    def counts(self) -> dict[Cell, int]:
        """Return the number of open vacancies per (occupation, country)."""
        c = open_vacancies.c
        rows = self.session.execute(select(c.occupation, c.country, func.count()).group_by(c.occupation, c.country))
        return {(occupation, country): n for occupation, country, n in rows}


class SqlUnitOfWork(_SqlUnitOfWork):
    """A transaction of its own on the insights database."""

    def bind(self, session: Session) -> None:
        """Attach the projection to the session."""
        self.vacancies = SqlOpenVacancies(session)


class InboxUnitOfWork(SqlUnitOfWork):
    """The consumer's inbox transaction seen as a unit of work: the consumer commits it with the inbox row."""

    def __init__(self, session: Session):
        super().__init__(sessions=None)
        self.session = session

    def __enter__(self):
        self.bind(self.session)
        return self

    def __exit__(self, *_exc) -> None:
        """Leave commit and rollback to the consumer, which owns the transaction."""


def sql_uow_factory(sessions: sessionmaker[Session]) -> UnitOfWorkFactory:
    """Return the factory of units of work on this database, joining a consumer's transaction when given one."""

    def make(within: Within = None) -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions) if within is None else InboxUnitOfWork(within.session)

    return make
