"""In-memory fakes of the vacancies ports, for unit tests."""

from __future__ import annotations

import copy

from services.vacancies.domain.messages import ALREADY_REGISTERED, EXTERNAL_ID_TAKEN, STALE_VERSION
from services.vacancies.domain.model import Employer, Vacancy
from services.vacancies.ports import Suggestion, VacancyFilter
from shared.errors import AlreadyExists, PreconditionFailed
from shared.events import Event, SchemaRegistry
from shared.uow import InMemoryUnitOfWork


def _matches(v: Vacancy, flt: VacancyFilter) -> bool:
    return ((flt.employer is None or v.employer_id == flt.employer)
            and (not flt.statuses or v.status in flt.statuses)
            and (flt.country is None or v.draft.country == flt.country)
            and (flt.occupation is None or v.draft.occupation == flt.occupation))


def sort_key(v: Vacancy) -> tuple[str, str]:
    """Return the key lists are ordered by (newest first)."""
    return (v.created_at.isoformat(), v.id)


class MemoryVacancies:
    def __init__(self):
        self.rows: dict[str, Vacancy] = {}

    def get(self, vacancy_id):
        return self.rows.get(vacancy_id)

    def add(self, vacancy):
        if vacancy.draft.external_id and self.find_external(vacancy.submitter, vacancy.draft.external_id):
            raise AlreadyExists("external_id_taken", EXTERNAL_ID_TAKEN, pointer="/external_id")
        self.rows[vacancy.id] = vacancy

    def save(self, vacancy):
        stored = self.rows.get(vacancy.id)
        if stored is not None and stored.version != vacancy.version - 1:
            raise PreconditionFailed("stale_version", STALE_VERSION, current_version=stored.version)
        self.rows[vacancy.id] = vacancy

    def find_external(self, submitter, external_id):
        return next((v for v in self.rows.values() if v.submitter == submitter and v.draft.external_id == external_id),
                    None)

    def list(self, flt, limit, after):
        rows = sorted((v for v in self.rows.values() if _matches(v, flt)), key=sort_key, reverse=True)
        if after is not None:
            rows = [v for v in rows if sort_key(v) < tuple(after)]
        return rows[:limit]


class MemoryEmployers:
    def __init__(self):
        self.rows: dict[str, Employer] = {}

    def get(self, org_id):
        return self.rows.get(org_id)

    def add(self, employer):
        if employer.org_id in self.rows:
            raise AlreadyExists("employer_registered", ALREADY_REGISTERED, existing_id=employer.org_id)
        self.rows[employer.org_id] = employer


class MemoryUnitOfWork(InMemoryUnitOfWork):
    """Repositories in dictionaries; a failed block leaves them as they were and publishes nothing.

    The instance is its own factory (``uow()`` returns it), so a test hands it to the service and then reads
    what was stored and ``published``. Staged events are checked against their contract when a registry is given.
    """

    def __init__(self, registry: SchemaRegistry | None = None):
        super().__init__()
        self.vacancies, self.employers = MemoryVacancies(), MemoryEmployers()
        self.registry = registry

    def __call__(self) -> MemoryUnitOfWork:
        return self

    def stage(self, event: Event) -> None:
        if self.registry is not None:
            self.registry.validate(event)
        super().stage(event)

    def begin(self) -> None:
        self._snapshot = (copy.copy(self.vacancies.rows), copy.copy(self.employers.rows))

    def rollback(self) -> None:
        self.vacancies.rows, self.employers.rows = self._snapshot


class MemorySuggester:
    """Suggests occupations from a fixed title -> code table."""

    def __init__(self, table: dict[str, str], skills: tuple[str, ...] = ()):
        self.table, self.skills = table, set(skills)

    def suggest(self, text, lang, limit=5):
        low = text.lower()
        return [Suggestion(code, word, 1.0) for word, code in self.table.items() if word in low][:limit]

    def is_occupation(self, code):
        return code in self.table.values()

    def is_skill(self, code):
        return code in self.skills
