"""The ports the vacancies use cases need; each has an in-memory fake in ``adapters.memory``."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.vacancies.domain.model import Employer, Vacancy
from shared.events import Event

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class VacancyFilter:
    """What a list request asks for; ``visible_statuses`` is decided by the caller's role."""

    employer: str | None = None
    statuses: tuple[str, ...] = ()
    country: str | None = None
    occupation: str | None = None


class VacancyRepository(Protocol):
    def get(self, vacancy_id: str) -> Vacancy | None: ...

    def add(self, vacancy: Vacancy) -> None: ...

    def save(self, vacancy: Vacancy) -> None: ...

    def find_external(self, submitter: str, external_id: str) -> Vacancy | None: ...

    def list(self, flt: VacancyFilter, limit: int, after: tuple[str, str] | None) -> list[Vacancy]: ...


class EmployerRepository(Protocol):
    def get(self, org_id: str) -> Employer | None: ...

    def add(self, employer: Employer) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: repositories plus the outbox; events are stored only if the change is."""

    vacancies: VacancyRepository
    employers: EmployerRepository

    def emit(self, event: Event) -> None: ...


UnitOfWorkFactory = Callable[[], AbstractContextManager[UnitOfWork]]


@dataclass(frozen=True)
class Suggestion:
    """An occupation that a title may mean."""

    code: str
    label: str
    score: float


class OccupationSuggester(Protocol):
    def suggest(self, text: str, lang: str, limit: int = 5) -> list[Suggestion]: ...

    def is_unit_group(self, code: str) -> bool: ...

    def is_skill(self, code: str) -> bool: ...
