"""What the profiles use cases need from the outside world; each port has an in-memory fake in adapters/memory.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from services.profiles.domain.access import AccessRecord
from services.profiles.domain.model import Profile
from services.profiles.domain.placements import Contact, Introduction, IntroductionRequest, KnownVacancy, Placement
from services.profiles.domain.rules import CodeBook
from shared.uow import UnitOfWork as BaseUnitOfWork

__all__ = ["AccessFilters", "AccessLog", "Clock", "CodeBook", "ConceptSuggestion", "IntroductionRepository",
           "IntroductionRequestRepository", "KnownVacancyRepository", "ListFilters", "PlacementFilters",
           "PlacementRepository", "ProfileRepository", "SkillNormalizer", "UnitOfWork"]

Position = tuple[datetime, str]  # a keyset cursor's (time, id): lists continue after it

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
    q: str | None = None  # a name, document number or phone (see domain/search.py)
    stage: str | None = None  # one of the person's placements is at this stage now
    stale: bool | None = None  # the last contact is older (True) or not older (False) than STALE_AFTER
    stale_cutoff: datetime | None = None  # set by the use case from its clock: what "older" is measured against


@dataclass(frozen=True)
class PlacementFilters:
    """Filters of a centre's placements; None means "any"."""

    profile_id: str | None = None
    vacancy_id: str | None = None
    stage: str | None = None


class ProfileRepository(Protocol):
    """Stores profiles and finds them again."""

    def get(self, profile_id: str) -> Profile | None: ...

    def get_many(self, profile_ids: Iterable[str]) -> dict[str, Profile]:
        """Return the profiles with these ids that exist, by id."""
        ...

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


class PlacementRepository(Protocol):
    """Stores placements (one per person and vacancy) with their history."""

    def get(self, placement_id: str) -> Placement | None: ...

    def find(self, profile_id: str, vacancy_id: str) -> Placement | None: ...

    def get_many(self, placement_ids: Iterable[str]) -> dict[str, Placement]: ...

    def add(self, placement: Placement) -> None: ...

    def save(self, placement: Placement) -> None: ...

    def delete(self, placement_id: str) -> None: ...

    def of_profile(self, profile_id: str) -> list[Placement]: ...

    def page(self, centre: str, filters: PlacementFilters, after: Position | None, limit: int) -> list[Placement]:
        """Return up to ``limit`` of ``centre``'s placements ordered by (created_at, id), after the cursor."""
        ...

    def contacts(self, profile_ids: Iterable[str]) -> dict[str, Contact]:
        """Return, per person who has placements, the stage of the latest-moved one and when it moved."""
        ...

    def delete_for_profile(self, profile_id: str) -> None: ...

    def reassign(self, from_profile: str, to_profile: str) -> None:
        """Give ``from_profile``'s placements to ``to_profile`` (a merge; the caller removed clashes first)."""
        ...


class IntroductionRepository(Protocol):
    """Stores introductions (one per placement) with the consent each records."""

    def add(self, introduction: Introduction) -> None: ...

    def for_placement(self, placement_id: str) -> Introduction | None: ...

    def page(self, vacancy_id: str, centre: str | None, after: Position | None, limit: int) -> list[Introduction]:
        """Return up to ``limit`` introductions for a vacancy (of one centre, or every centre's when None), ordered
        by (consented_at, id), after the cursor."""
        ...

    def delete_for_placement(self, placement_id: str) -> None: ...

    def delete_for_profile(self, profile_id: str) -> None: ...

    def reassign(self, from_profile: str, to_profile: str) -> None: ...


class IntroductionRequestRepository(Protocol):
    """Stores employers' requests for introductions."""

    def add(self, request: IntroductionRequest) -> None: ...

    def save(self, request: IntroductionRequest) -> None: ...

    def open_for(self, vacancy_id: str, profile_id: str) -> list[IntroductionRequest]: ...

    def page(self, after: Position | None, limit: int, *, centre: str | None = None,
             employer_org: str | None = None, status: str | None = None) -> list[IntroductionRequest]:
        """Return up to ``limit`` requests of a centre or of an employer, ordered by (requested_at, id)."""
        ...

    def delete_for_profile(self, profile_id: str) -> None: ...

    def reassign(self, from_profile: str, to_profile: str) -> None: ...


@dataclass(frozen=True)
class AccessFilters:
    """Filters of the access log; None means "any"."""

    profile_id: str | None = None
    actor: str | None = None
    since: datetime | None = None  # records at or after this time


AccessPosition = tuple[datetime, int]  # (at, seq): the access log continues after it


class AccessLog(Protocol):
    """Records of reads of people's identifying fields; never deleted with the person."""

    def add(self, records: Iterable[AccessRecord]) -> None: ...

    def page(self, filters: AccessFilters, after: AccessPosition | None, limit: int) -> list[AccessRecord]:
        """Return up to ``limit`` records ordered by (at, seq), after the cursor."""
        ...


class KnownVacancyRepository(Protocol):
    """The vacancies profiles knows from the vacancies topic."""

    def get(self, vacancy_id: str) -> KnownVacancy | None: ...

    def get_many(self, vacancy_ids: Iterable[str]) -> dict[str, KnownVacancy]: ...

    def put(self, vacancy: KnownVacancy) -> None:
        """Record what is known of a vacancy now, replacing what was known."""
        ...

    def remove(self, vacancy_id: str) -> None: ...


class UnitOfWork(BaseUnitOfWork, Protocol):
    """One transaction: the profile changes and the events staged with them commit together or not at all."""

    profiles: ProfileRepository
    placements: PlacementRepository
    introductions: IntroductionRepository
    introduction_requests: IntroductionRequestRepository
    vacancies: KnownVacancyRepository
    access_log: AccessLog

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
