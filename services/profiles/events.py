"""The integration events the profiles service publishes and reads.

Publishes: profiles (topic ``profiles``, keyed by profile id) and placement steps (topic ``placements``, keyed
by placement id). Reads: vacancies (topic ``vacancies``), for what it must know of a vacancy to introduce a
person and to show an employer only their own vacancies' introductions.

One frozen dataclass per event type: ``to_data()`` is the payload exactly as the contract in
``contracts/schemas/<TYPE>.json`` reads, ``from_data()`` reads it back, ``event(source)`` makes the
CloudEvent whose subject is the entity id. The vacancy readers are profiles' own, written from the contract
schemas (services never import each other), and read only the fields profiles keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from services.profiles.domain.model import CONSENT_WITHDRAWN, ERASED, Profile
from services.profiles.domain.placements import APPLIED, HIRED, INTERVIEW, LEFT, NOT_HIRED, Placement, Step
from services.profiles.domain.publishing import (
    education_level,
    public_city,
    public_text_language,
    public_texts,
    years_by_occupation,
)
from shared.events import Event, new_event

__all__ = ["CONSENT_WITHDRAWN", "ERASED", "PLACEMENTS", "PROFILES", "VACANCIES", "VACANCY_EVENTS", "LanguageLevel",
           "OccupationClaim", "PlacementRecordedV1", "PlacementRecordedV2", "ProfilePublished", "ProfileWithdrawn",
           "PublishedConsents", "PublishedText", "VacancyClosed", "VacancyHeld", "VacancyPublished",
           "WorkAuthorizationCategory", "placement_events", "read_vacancy_event"]

PROFILES = "profiles"  # compacted; key = profile id
PLACEMENTS = "placements"  # a stream; key = placement id
VACANCIES = "vacancies"  # read: compacted; key = vacancy id


@dataclass(frozen=True)
class LanguageLevel:
    code: str
    level: str  # CEFR level, or native


@dataclass(frozen=True)
class WorkAuthorizationCategory:
    country: str
    category: str  # permit, in_process or none; never the permit type or its details
    expires: date | None = None


@dataclass(frozen=True)
class OccupationClaim:
    code: str  # ISCO-08 unit group
    source: str  # "experience" (carries years, possibly unknown) or "desired" (carries none)
    years: float | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "source": self.source}
        if self.source == "experience":
            data["years"] = self.years
        return data


@dataclass(frozen=True)
class PublishedText:
    skills: str
    experience: str


@dataclass(frozen=True)
class PublishedConsents:
    introductions: bool
    statistics: bool  # matching is always given: without it nothing is published


@dataclass(frozen=True)
class ProfilePublished:
    """A profile was created or changed and the person consents to matching (pseudonymous)."""

    TYPE: ClassVar[str] = "org.puente.profile.published.v1"

    profile_id: str
    centre: str
    country: str
    city: str | None
    willing_to_relocate: bool
    relocation_countries: tuple[str, ...]
    languages: tuple[LanguageLevel, ...]
    work_authorization: tuple[WorkAuthorizationCategory, ...]
    occupations: tuple[OccupationClaim, ...]
    skills: tuple[str, ...]
    education_level: int | None
    availability: str | None
    text_language: str
    text: PublishedText
    consents: PublishedConsents
    updated_at: datetime

    @classmethod
    def of(cls, profile: Profile, text_language: str | None, today: date) -> ProfilePublished:
        """Return what may be published of ``profile``: codes, categories and scrubbed free text only."""
        d = profile.details
        occupations = [OccupationClaim(code, "experience", years)
                       for code, years in years_by_occupation(profile, today).items()]
        occupations += [OccupationClaim(code, "desired") for code in d.desired_occupations]
        skills_text, experience_text = public_texts(profile)
        return cls(
            profile_id=profile.id,
            centre=profile.centre,
            country=d.location.country,
            city=public_city(profile),
            willing_to_relocate=d.location.willing_to_relocate,
            relocation_countries=tuple(dict.fromkeys(d.location.relocation_countries)),
            languages=tuple(LanguageLevel(lang.code, lang.level) for lang in d.languages),
            work_authorization=tuple(WorkAuthorizationCategory(a.country, a.status, a.expires)
                                     for a in d.work_authorizations),
            occupations=tuple(occupations),
            skills=tuple(sorted(set(d.skills))),
            education_level=education_level(profile),
            availability=d.availability,
            text_language=public_text_language(text_language),
            text=PublishedText(skills_text, experience_text),
            consents=PublishedConsents(profile.consents_to("introductions"), profile.consents_to("statistics")),
            updated_at=profile.updated_at,
        )

    def to_data(self) -> dict[str, Any]:
        """Return the event's payload as the contract reads it."""
        return {
            "profile_id": self.profile_id,
            "centre": self.centre,
            "country": self.country,
            "city": self.city,
            "willing_to_relocate": self.willing_to_relocate,
            "relocation_countries": list(self.relocation_countries),
            "languages": [{"code": lang.code, "level": lang.level} for lang in self.languages],
            "work_authorization": [{"country": a.country, "category": a.category,
                                    "expires": a.expires.isoformat() if a.expires else None}
                                   for a in self.work_authorization],
            "occupations": [o.to_data() for o in self.occupations],
            "skills": list(self.skills),
            "education_level": self.education_level,
            "availability": self.availability,
            "text_language": self.text_language,
            "text": {"skills": self.text.skills, "experience": self.text.experience},
            "consents": {"matching": True, "introductions": self.consents.introductions,
                         "statistics": self.consents.statistics},
            "updated_at": self.updated_at.isoformat(),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ProfilePublished:
        """Read the event's payload back (the optional fields default as the contract allows)."""
        return cls(
            profile_id=data["profile_id"],
            centre=data["centre"],
            country=data["country"],
            city=data.get("city"),
            willing_to_relocate=data["willing_to_relocate"],
            relocation_countries=tuple(data.get("relocation_countries", ())),
            languages=tuple(LanguageLevel(x["code"], x["level"]) for x in data["languages"]),
            work_authorization=tuple(
                WorkAuthorizationCategory(a["country"], a["category"],
                                          date.fromisoformat(a["expires"]) if a.get("expires") else None)
                for a in data["work_authorization"]),
            occupations=tuple(OccupationClaim(o["code"], o["source"], o.get("years")) for o in data["occupations"]),
            skills=tuple(data["skills"]),
            education_level=data.get("education_level"),
            availability=data.get("availability"),
            text_language=data["text_language"],
            text=PublishedText(data["text"]["skills"], data["text"]["experience"]),
            consents=PublishedConsents(data["consents"]["introductions"], data["consents"]["statistics"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
        )

    def event(self, source: str) -> Event:
        """Return the CloudEvent announcing this profile (subject and key: the profile id)."""
        return new_event(self.TYPE, source, self.profile_id, self.to_data())


@dataclass(frozen=True)
class ProfileWithdrawn:
    """A profile left matching: consent withdrawn or the person's data erased; a tombstone follows."""

    TYPE: ClassVar[str] = "org.puente.profile.withdrawn.v1"

    profile_id: str
    reason: str  # CONSENT_WITHDRAWN or ERASED
    withdrawn_at: datetime

    def to_data(self) -> dict[str, Any]:
        """Return the event's payload as the contract reads it."""
        return {"profile_id": self.profile_id, "reason": self.reason, "withdrawn_at": self.withdrawn_at.isoformat()}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ProfileWithdrawn:
        """Read the event's payload back."""
        return cls(data["profile_id"], data["reason"], datetime.fromisoformat(data["withdrawn_at"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent announcing the withdrawal (subject and key: the profile id)."""
        return new_event(self.TYPE, source, self.profile_id, self.to_data())


# --- placements (published on PLACEMENTS) ------------------------------------------------------------------

@dataclass(frozen=True)
class PlacementRecordedV2:
    """A placement reached a stage (pseudonymous: ids, stages and dates; never a note or a name)."""

    TYPE: ClassVar[str] = "org.puente.placement.recorded.v2"

    placement_id: str
    profile_id: str
    vacancy_id: str
    stage: str
    previous_stage: str | None  # None at proposed
    recorded_at: datetime
    on: date  # the day the step happened

    @classmethod
    def of(cls, placement: Placement, step: Step, previous_stage: str | None) -> PlacementRecordedV2:
        """Return the event of ``step`` of ``placement``."""
        return cls(placement.id, placement.profile_id, placement.vacancy_id, step.stage, previous_stage, step.at,
                   step.on)

    def to_data(self) -> dict[str, Any]:
        """Return the event's payload as the contract reads it."""
        return {"placement_id": self.placement_id, "profile_id": self.profile_id, "vacancy_id": self.vacancy_id,
                "stage": self.stage, "previous_stage": self.previous_stage,
                "recorded_at": self.recorded_at.isoformat(), "on": self.on.isoformat()}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PlacementRecordedV2:
        """Read the event's payload back."""
        return cls(data["placement_id"], data["profile_id"], data["vacancy_id"], data["stage"],
                   data.get("previous_stage"), datetime.fromisoformat(data["recorded_at"]),
                   date.fromisoformat(data["on"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent of the step (subject and key: the placement id)."""
        return new_event(self.TYPE, source, self.placement_id, self.to_data())


@dataclass(frozen=True)
class PlacementRecordedV1:
    """The v1 outcome of a step v1 knows, published beside v2 until its readers (matching) move to v2."""

    TYPE: ClassVar[str] = "org.puente.placement.recorded.v1"
    OUTCOMES: ClassVar[dict[str, str]] = {APPLIED: "applied", INTERVIEW: "interviewed", HIRED: "hired",
                                          NOT_HIRED: "rejected", LEFT: "withdrawn"}

    placement_id: str
    profile_id: str
    vacancy_id: str
    outcome: str
    recorded_at: datetime

    @classmethod
    def compatible(cls, v2: PlacementRecordedV2) -> PlacementRecordedV1 | None:
        """Return the v1 event saying what ``v2`` says, or None for a stage v1 has no outcome for."""
        outcome = cls.OUTCOMES.get(v2.stage)
        if outcome is None:
            return None
        return cls(v2.placement_id, v2.profile_id, v2.vacancy_id, outcome, v2.recorded_at)

    def to_data(self) -> dict[str, Any]:
        """Return the event's payload as the contract reads it."""
        return {"placement_id": self.placement_id, "profile_id": self.profile_id, "vacancy_id": self.vacancy_id,
                "outcome": self.outcome, "recorded_at": self.recorded_at.isoformat()}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PlacementRecordedV1:
        """Read the event's payload back."""
        return cls(data["placement_id"], data["profile_id"], data["vacancy_id"], data["outcome"],
                   datetime.fromisoformat(data["recorded_at"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent of the outcome (subject and key: the placement id)."""
        return new_event(self.TYPE, source, self.placement_id, self.to_data())


def placement_events(placement: Placement, step: Step, previous_stage: str | None, source: str) -> list[Event]:
    """Return the events announcing ``step``: v2 always, then v1 when v1 knows the stage."""
    v2 = PlacementRecordedV2.of(placement, step, previous_stage)
    v1 = PlacementRecordedV1.compatible(v2)
    return [v2.event(source)] + ([v1.event(source)] if v1 is not None else [])


# --- vacancies (read from VACANCIES) ------------------------------------------------------------------------

@dataclass(frozen=True)
class VacancyPublished:
    """A vacancy passed the decent-work gate and is open (again)."""

    TYPE: ClassVar[str] = "org.puente.vacancy.published.v1"

    vacancy_id: str
    employer_id: str  # the employer's organisation id, as in its users' tokens
    title: str
    country: str
    published_at: datetime

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VacancyPublished:
        """Read the fields profiles keeps from the event's data."""
        return cls(data["vacancy_id"], data["employer_id"], data["title"], data["country"],
                   datetime.fromisoformat(data["published_at"]))


@dataclass(frozen=True)
class VacancyHeld:
    """The decent-work gate held a vacancy for review: nobody is put forward for it while held."""

    TYPE: ClassVar[str] = "org.puente.vacancy.held.v1"

    vacancy_id: str
    employer_id: str
    country: str
    held_at: datetime

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VacancyHeld:
        """Read the fields profiles keeps from the event's data."""
        return cls(data["vacancy_id"], data["employer_id"], data["country"], datetime.fromisoformat(data["held_at"]))


@dataclass(frozen=True)
class VacancyClosed:
    """A vacancy closed (filled, withdrawn, expired or rejected at review)."""

    TYPE: ClassVar[str] = "org.puente.vacancy.closed.v1"

    vacancy_id: str
    reason: str
    closed_at: datetime

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VacancyClosed:
        """Read the fields profiles keeps from the event's data."""
        return cls(data["vacancy_id"], data["reason"], datetime.fromisoformat(data["closed_at"]))


VacancyEvent = VacancyPublished | VacancyHeld | VacancyClosed
VACANCY_EVENTS: dict[str, type[VacancyEvent]] = {c.TYPE: c for c in (VacancyPublished, VacancyHeld, VacancyClosed)}


def read_vacancy_event(event_type: str, data: Mapping[str, Any]) -> VacancyEvent:
    """Return the typed view of a vacancy event's data (KeyError for a type profiles does not read)."""
    return VACANCY_EVENTS[event_type].from_data(data)
