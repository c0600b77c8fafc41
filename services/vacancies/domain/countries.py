"""Country labour data (minimum wages, weekly-hour limits, pay conversion), read from dated, sourced files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "countries"


@dataclass(frozen=True)
class MinimumWage:
    """One monthly minimum wage in force from a date, with its legal source."""

    monthly: float
    currency: str
    effective_date: date
    kind: str
    source: dict[str, str]
    note: str | None = None
    status: str | None = None  # e.g. "contested": in force, but its legality is before a court
    status_note: str | None = None


@dataclass(frozen=True)
class HoursLimit:
    """The legal weekly (and daily) maximum of ordinary hours in force from a date."""

    max_per_week: float
    max_per_day: float
    effective_date: date
    source: dict[str, str]


@dataclass(frozen=True)
class Conversion:
    """How a day, hour, week or year rate becomes a monthly amount in one country."""

    days_per_month: float
    monthly_hours_per_weekly_hour: float
    weeks_per_month: float
    months_per_year: float
    basis: str


@dataclass(frozen=True)
class CountryRules:
    """One country's labour data as of every date it covers."""

    country: str
    name: str
    currency: str
    minimum_wages: tuple[MinimumWage, ...]
    working_hours: tuple[HoursLimit, ...]
    conversion: Conversion
    review_after: date
    verified: bool

    def minimum_wage(self, on: date, currency: str | None = None) -> MinimumWage | None:
        """Return the minimum in force on ``on`` in ``currency`` (the national currency by default)."""
        currency = currency or self.currency
        candidates = [w for w in self.minimum_wages if w.currency == currency and w.effective_date <= on]
        return max(candidates, key=lambda w: w.effective_date, default=None)

    def hours_limit(self, on: date) -> HoursLimit | None:
        """Return the weekly-hours limit in force on ``on``."""
        candidates = [h for h in self.working_hours if h.effective_date <= on]
        return max(candidates, key=lambda h: h.effective_date, default=None)

    def is_stale(self, on: date) -> bool:
        """Return whether the data is past its review date (a newer figure is probably in force)."""
        return on > self.review_after


def _parse(doc: dict[str, Any]) -> CountryRules:
    conv = doc["conversion"]
    return CountryRules(
        country=doc["country"], name=doc["name"], currency=doc["currency"],
        minimum_wages=tuple(MinimumWage(float(w["monthly"]), w["currency"], date.fromisoformat(w["effective_date"]),
                                        w["kind"], dict(w["source"]), w.get("note"), w.get("status"),
                                        w.get("status_note")) for w in doc["minimum_wages"]),
        working_hours=tuple(HoursLimit(float(h["max_per_week"]), float(h["max_per_day"]),
                                       date.fromisoformat(h["effective_date"]), dict(h["source"]))
                            for h in doc["working_hours"]),
        conversion=Conversion(float(conv["days_per_month"]), float(conv["monthly_hours_per_weekly_hour"]),
                              float(conv["weeks_per_month"]), float(conv["months_per_year"]), conv["basis"]),
        review_after=date.fromisoformat(doc["review_after"]), verified=bool(doc.get("verified")),
    )


@lru_cache(maxsize=4)
def load_countries(data_dir: str | None = None) -> dict[str, CountryRules]:
    """Load every ``<CC>.json`` file in the data folder, keyed by ISO 3166-1 alpha-2 code."""
    folder = Path(data_dir) if data_dir else DATA_DIR
    out = {}
    for path in sorted(folder.glob("*.json")):
        rules = _parse(json.loads(path.read_text(encoding="utf-8")))
        if rules.country != path.stem:
            raise ValueError(f"{path.name}: country {rules.country!r} does not match the file name")
        out[rules.country] = rules
    return out
