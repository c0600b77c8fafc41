"""What the insights use cases need from the outside world; each port has an in-memory fake in adapters/memory.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from services.insights.domain.model import Cell, OpenVacancy
from shared.uow import UnitOfWork as _UnitOfWork


class OpenVacancies(Protocol):
    """The projection of the vacancies topic: the vacancies open now."""

    def open(self, vacancy: OpenVacancy) -> None:
        """Record ``vacancy`` as open, replacing what was known of it (its occupation may have changed)."""

    def remove(self, vacancy_id: str) -> None:
        """Forget a vacancy that is no longer open (held, closed or erased); nothing if unknown."""

    def counts(self) -> dict[Cell, int]:
        """Return the number of open vacancies per (occupation, country)."""


class UnitOfWork(_UnitOfWork, Protocol):
    """One transaction on the projection."""

    vacancies: OpenVacancies


# Called with nothing, it opens a transaction of its own; called with a consumer's inbox transaction, it works
# inside that one, so the effect of an event and the inbox row that records it commit together.
UnitOfWorkFactory = Callable[..., UnitOfWork]
Within = Any
