"""The integration events the insights service reads: typed views of the vacancy events it counts.

Insights publishes nothing. Each class reads only the fields the statistics use from an event's data, which
the consumer has already validated against contracts/schemas/; no other module reads ``data[...]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

VACANCIES = "vacancies"  # the topic they arrive on, keyed by vacancy id


@dataclass(frozen=True)
class VacancyPublished:
    """A vacancy passed the decent-work gate and is open (again, if it was held and then changed)."""

    TYPE: ClassVar[str] = "org.puente.vacancy.published.v1"

    vacancy_id: str
    occupation: str
    country: str
    published_at: datetime

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VacancyPublished:
        """Read the event's data."""
        return cls(data["vacancy_id"], data["occupation"], data["country"],
                   datetime.fromisoformat(data["published_at"]))


@dataclass(frozen=True)
class VacancyHeld:
    """The gate held a vacancy for review: it is not open while held."""

    TYPE: ClassVar[str] = "org.puente.vacancy.held.v1"

    vacancy_id: str
    country: str
    occupation: str | None
    held_at: datetime

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VacancyHeld:
        """Read the event's data."""
        return cls(data["vacancy_id"], data["country"], data.get("occupation"), datetime.fromisoformat(data["held_at"]))


@dataclass(frozen=True)
class VacancyClosed:
    """A vacancy closed (filled, withdrawn, expired or rejected at review)."""

    TYPE: ClassVar[str] = "org.puente.vacancy.closed.v1"

    vacancy_id: str
    reason: str
    closed_at: datetime

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VacancyClosed:
        """Read the event's data."""
        return cls(data["vacancy_id"], data["reason"], datetime.fromisoformat(data["closed_at"]))


VacancyEvent = VacancyPublished | VacancyHeld | VacancyClosed
CONSUMED: dict[str, type[VacancyEvent]] = {cls.TYPE: cls for cls in (VacancyPublished, VacancyHeld, VacancyClosed)}


def parse(event_type: str, data: Mapping[str, Any]) -> VacancyEvent:
    """Return the typed view of a vacancy event's data; KeyError for a type insights does not read."""
    return CONSUMED[event_type].from_data(data)
