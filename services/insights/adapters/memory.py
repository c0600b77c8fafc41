"""In-memory fakes of the insights ports, for unit tests."""

from __future__ import annotations

import threading

from services.insights.domain.model import Cell, OpenVacancy, count_by_cell
from services.insights.ports import UnitOfWorkFactory, Within
from shared.uow import InMemoryUnitOfWork as _InMemoryUnitOfWork


class InMemoryOpenVacancies:
    """The open vacancies in a dictionary by vacancy id."""

    def __init__(self, rows: dict[str, OpenVacancy] | None = None):
        self.rows: dict[str, OpenVacancy] = rows if rows is not None else {}

    def open(self, vacancy: OpenVacancy) -> None:
        """Record the vacancy as open, replacing what was known of it."""
        self.rows[vacancy.vacancy_id] = vacancy

    def remove(self, vacancy_id: str) -> None:
        """Forget the vacancy, if known."""
        self.rows.pop(vacancy_id, None)

    def counts(self) -> dict[Cell, int]:
        """Return the number of open vacancies per (occupation, country)."""
        return count_by_cell(self.rows.values())


class InMemoryUnitOfWork(_InMemoryUnitOfWork):
    """A transaction on the fake projection: changes are kept on commit and undone on error."""

    def __init__(self, vacancies: InMemoryOpenVacancies | None = None):
        super().__init__()
        self.vacancies = vacancies or InMemoryOpenVacancies()
        self._lock = threading.RLock()
        self._snapshot: dict[str, OpenVacancy] = {}

    def begin(self) -> None:
        """Take the lock and remember the rows, to restore them on rollback."""
        self._lock.acquire()
        self._snapshot = dict(self.vacancies.rows)

    def commit(self) -> None:
        """Keep the changes."""
        super().commit()
        self._lock.release()

    def rollback(self) -> None:
        """Restore the rows as they were when the work began."""
        self.vacancies.rows.clear()
        self.vacancies.rows.update(self._snapshot)
        self._lock.release()


def memory_uow_factory(uow: InMemoryUnitOfWork | None = None) -> UnitOfWorkFactory:
    """Return a factory handing out one fake unit of work; a consumer's transaction is not joined (a fake)."""
    uow = uow or InMemoryUnitOfWork()

    def make(within: Within = None) -> InMemoryUnitOfWork:
        return uow

    make.uow = uow  # for tests that look at the rows
    return make
