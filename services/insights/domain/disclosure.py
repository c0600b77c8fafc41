"""What may be published of a count: small cells are suppressed so that no employer's vacancy can be singled out.

A cell counting fewer than ``THRESHOLD`` open vacancies is shown without its number. No totals are published
beside the cells: with a row or column total, one suppressed cell could be recovered by subtraction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.insights.domain.model import Cell

THRESHOLD = 5


@dataclass(frozen=True)
class PublishedCell:
    """One (occupation, country) cell as published: its count, or None with ``suppressed`` when under the threshold."""

    occupation: str
    country: str
    open_vacancies: int | None
    suppressed: bool


@dataclass(frozen=True)
class VacancyTable:
    """Open vacancies by ISCO-08 occupation and country, with small cells suppressed."""

    threshold: int
    cells: tuple[PublishedCell, ...]


def publish(counts: Mapping[Cell, int], threshold: int = THRESHOLD) -> VacancyTable:
    """Return the publishable table of ``counts``: cells ordered by country then occupation, empty ones left out."""
    if threshold < 1:
        raise ValueError("the suppression threshold must be at least 1")
    cells = []
    for (occupation, country), count in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0])):
        if count <= 0:
            continue
        hidden = count < threshold
        cells.append(PublishedCell(occupation, country, None if hidden else count, hidden))
    return VacancyTable(threshold, tuple(cells))
