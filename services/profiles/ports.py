"""What the profiles use cases need from the outside world; each port has an in-memory fake in adapters/memory.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from services.profiles.domain.model import Profile
from services.profiles.domain.rules import CodeBook
from shared.uow import UnitOfWork as BaseUnitOfWork

__all__ = ["Clock", "CodeBook", "ConceptSuggestion", "ListFilters", "ProfileRepository", "SkillNormalizer",
           "UnitOfWork"]

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ListFilters:
    """Filters of a centre's profile list; None means "any"."""

    country: str | None = None
    city: str | None = None
    occupation: str | None = None
    skill: str | None = None
    language: str | None = None
    availability: str | None = None
    matching: bool | None = None


class ProfileRepository(Protocol):
    """Stores profiles and finds them again."""

    def get(self, profile_id: str) -> Profile | None: ...

    def add(self, profile: Profile, import_key: str | None = None) -> None: ...

    def save(self, profile: Profile) -> None:
        """Store ``profile`` if the stored one is still at ``profile.version - 1``, in one atomic step.

        Raise PreconditionFailed (with the current version) when another change got there first.
        """
        ...

    def delete(self, profile_id: str) -> bool: ...

    def candidates(self, document_keys: Iterable[str], phone: str | None, born: date | None) -> list[Profile]:
        """Return profiles sharing a document key, the phone or the birth date (for duplicate checks)."""
        ...

    def page(self, centre: str, filters: ListFilters, after: tuple[datetime, str] | None,
             limit: int) -> list[Profile]:
        """Return up to ``limit`` profiles of ``centre`` ordered by (created_at, id), after the cursor."""
        ...

    def imported(self, import_key: str) -> str | None:
        """Return the profile id created from an import row with this key, if any."""
        ...


class UnitOfWork(BaseUnitOfWork, Protocol):
    """One transaction: the profile changes and the events staged with them commit together or not at all."""

    profiles: ProfileRepository

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc) -> None: ...


@dataclass(frozen=True)
class ConceptSuggestion:
    """A taxonomy concept the normaliser proposes for free text, for the counsellor to confirm."""

    code: str
    kind: str  # "skill" or "occupation"
    label: str
    score: float
    via: str


class SkillNormalizer(Protocol):
    """Turns free text into ranked taxonomy concepts and tells which language a text is in."""

    def suggest(self, text: str, lang: str | None = None, kind: str | None = None,
                limit: int = 5) -> list[ConceptSuggestion]: ...

    def detect_language(self, text: str) -> str: ...
