"""In-memory fakes of the vacancies ports, for unit tests."""

from __future__ import annotations

import copy
from contextlib import contextmanager

from services.vacancies.domain.model import Employer, Vacancy
from services.vacancies.ports import Suggestion, VacancyFilter
from shared.events import Event, SchemaRegistry


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
        self.rows[vacancy.id] = vacancy

    save = add

    def find_external(self, submitter, external_id):
        return next((v for v in self.rows.values() if v.submitter == submitter and v.draft.external_id == external_id),
                    None)

    def list(self, flt, limit, after):
        rows = sorted((v for v in self.rows.values() if _matches(v, flt)), key=sort_key, reverse=True)
        if after is not None:
            rows = [v for v in rows if sort_key(v) < after]
        return rows[:limit]


class MemoryEmployers:
    def __init__(self):
        self.rows: dict[str, Employer] = {}

    def get(self, org_id):
        return self.rows.get(org_id)

    def add(self, employer):
        self.rows[employer.org_id] = employer


class MemoryUnitOfWork:
    """Repositories in dictionaries and an event list; a failed block leaves both as they were."""

    def __init__(self, registry: SchemaRegistry | None = None):
        self.vacancies, self.employers, self.events = MemoryVacancies(), MemoryEmployers(), []
        self.registry = registry

    def emit(self, event: Event) -> None:
        if self.registry is not None:
            self.registry.validate(event)
        self.events.append(event)

    @contextmanager
    def __call__(self):
        snapshot = (copy.copy(self.vacancies.rows), copy.copy(self.employers.rows), list(self.events))
        try:
            yield self
        except BaseException:
            self.vacancies.rows, self.employers.rows, self.events = snapshot[0], snapshot[1], snapshot[2]
            raise


class MemorySuggester:
    """Suggests occupations from a fixed title -> code table."""

    def __init__(self, table: dict[str, str], skills: tuple[str, ...] = ()):
        self.table, self.skills = table, set(skills)

    def suggest(self, text, lang, limit=5):
        low = text.lower()
        return [Suggestion(code, word, 1.0) for word, code in self.table.items() if word in low][:limit]

    def is_unit_group(self, code):
        return code in self.table.values()

    def is_skill(self, code):
        return code in self.skills
