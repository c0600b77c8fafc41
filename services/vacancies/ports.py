"""The ports the vacancies use cases need; each has an in-memory fake in ``adapters.memory``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.vacancies.domain.model import Employer, Vacancy
from shared.uow import UnitOfWork as SharedUnitOfWork

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class VacancyFilter:
    """What a list request asks for; ``statuses`` is narrowed by the caller's role."""

    employer: str | None = None
    statuses: tuple[str, ...] = ()
    country: str | None = None
    occupation: str | None = None


class VacancyRepository(Protocol):
    def get(self, vacancy_id: str) -> Vacancy | None: ...

    def add(self, vacancy: Vacancy) -> None: ...

    def save(self, vacancy: Vacancy) -> None: ...

    def find_external(self, submitter: str, external_id: str) -> Vacancy | None: ...

    def list(self, flt: VacancyFilter, limit: int, after: tuple[str, str] | None) -> list[Vacancy]:
        """Return up to ``limit`` vacancies newest first, after the (created_at ISO, id) position if given."""


class EmployerRepository(Protocol):
    def get(self, org_id: str) -> Employer | None: ...

    def add(self, employer: Employer) -> None: ...


class UnitOfWork(SharedUnitOfWork, Protocol):
    """One transaction over the repositories; events it stages are stored only if the change is."""

    vacancies: VacancyRepository
    employers: EmployerRepository


UnitOfWorkFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class Suggestion:
    """An occupation that a title may mean."""

    code: str
    label: str
    score: float


class OccupationSuggester(Protocol):
    """Occupations for a job title, and which occupation and skill codes a vacancy may name."""

    def suggest(self, text: str, lang: str, limit: int = 5) -> list[Suggestion]: ...

    def is_occupation(self, code: str) -> bool:
        """Return whether ``code`` is a current (not retired) ISCO-08 unit group."""

    def is_skill(self, code: str) -> bool:
        """Return whether ``code`` is a current (not retired) skill."""
