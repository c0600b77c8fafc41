"""What matching knows of profiles, vacancies, credentials and placements: only what the events carry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CEFR = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "native": 7}


@dataclass(frozen=True)
class ProfileView:
    """What matching knows of a profile: only what the published event carries, nothing about identity."""

    profile_id: str
    centre: str
    country: str
    city: str | None
    willing_to_relocate: bool
    relocation_countries: tuple[str, ...]
    languages: Mapping[str, int]  # code -> CEFR rank
    work_authorization: tuple[tuple[str, str, str | None], ...]  # (country, category, expires)
    occupations: Mapping[str, float]  # ISCO unit group -> years (0 when unknown); declared by the counsellor
    desired: tuple[str, ...]
    skills: frozenset[str]
    text_language: str
    text: str
    introductions: bool
    updated_at: str
    inferred_occupations: Mapping[str, float] = field(default_factory=dict)  # code -> confidence 0..1
    inferred_skills: frozenset[str] = frozenset()

    def all_skills(self) -> frozenset[str]:
        """Return declared and text-inferred skill codes."""
        return self.skills | self.inferred_skills


@dataclass(frozen=True)
class VacancyView:
    """What matching knows of a vacancy, and whether it may be shown (``open``) at all."""

    vacancy_id: str
    employer_id: str
    status: str  # open, held or closed
    country: str
    city: str | None = None
    remote: bool = False
    occupation: str | None = None
    required_skills: frozenset[str] = frozenset()
    nice_skills: frozenset[str] = frozenset()
    languages: tuple[tuple[str, int], ...] = ()
    licence_required: bool = False
    credential_required: Mapping[str, Any] | None = None
    work_authorization_required: bool = False
    title: str = ""
    description: str = ""
    language: str = "es"
    changed_at: str = ""


@dataclass(frozen=True)
class CredentialView:
    """A credential assessment for one destination country."""

    credential_id: str
    profile_id: str
    destination_country: str
    status: str
    workflow_status: str
    regulated: bool
    occupations_now: frozenset[str]
    occupations_later: frozenset[str]
    level: int | None
    field: str | None
    assessed_at: str

    @property
    def recognised(self) -> bool:
        """Return whether the credential may be used now in its destination country."""
        return self.status == "recognised" or self.workflow_status == "recognised"



@dataclass(frozen=True)
class Placement:
    """An application outcome a counsellor recorded, kept for the re-ranker and the fairness audit."""

    placement_id: str
    profile_id: str
    vacancy_id: str
    outcome: str  # applied, interviewed, hired, rejected or withdrawn
    recorded_at: str


def level_name(rank: int) -> str:
    """Return the CEFR name of a rank ("-" for none)."""
    return next((name for name, r in CEFR.items() if r == rank), "-")
