"""The insights use cases: keep the open vacancies up to date from events, and publish their counts."""

from __future__ import annotations

from collections.abc import Iterable

from services.insights.domain.disclosure import THRESHOLD, VacancyTable, publish
from services.insights.domain.model import OpenVacancy
from services.insights.ports import UnitOfWorkFactory, Within
from shared.published.vacancies import VacancyEvent, VacancyPublished


class InsightsService:
    """Aggregated statistics over the events of other services, with small cells suppressed."""

    def __init__(self, uow: UnitOfWorkFactory, *, threshold: int = THRESHOLD):
        self.uow, self.threshold = uow, threshold

    def record(self, events: Iterable[VacancyEvent], *, within: Within = None) -> None:
        """Apply vacancy events in log order: published opens a vacancy (again); held or closed, it is not open."""
        with self.uow(within) as uow:
            for event in events:
                if isinstance(event, VacancyPublished):
                    uow.vacancies.open(OpenVacancy(event.vacancy_id, event.occupation, event.country))
                else:
                    uow.vacancies.remove(event.vacancy_id)

    def forget(self, vacancy_id: str, *, within: Within = None) -> None:
        """Forget an erased vacancy (its tombstone on the vacancies topic)."""
        with self.uow(within) as uow:
            uow.vacancies.remove(vacancy_id)

    def open_vacancies(self) -> VacancyTable:
        """Return open vacancies by ISCO-08 occupation and country, cells under the threshold suppressed."""
        with self.uow() as uow:
            counts = uow.vacancies.counts()
        return publish(counts, self.threshold)
