"""Open vacancies as the statistics see them, and their count by occupation and country."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

Cell = tuple[str, str]  # (ISCO-08 unit group, ISO 3166-1 alpha-2 country)


@dataclass(frozen=True)
class OpenVacancy:
    """A vacancy open to applicants: which occupation and which country, nothing about its employer."""

    vacancy_id: str
    occupation: str
    country: str

    @property
    def cell(self) -> Cell:
        """Return the (occupation, country) cell the vacancy is counted in."""
        return self.occupation, self.country


def count_by_cell(vacancies: Iterable[OpenVacancy]) -> dict[Cell, int]:
    """Count open vacancies by (occupation, country)."""
    return dict(Counter(v.cell for v in vacancies))
