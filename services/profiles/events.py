"""The integration events the profiles service publishes (topic ``profiles``, keyed by profile id).

One frozen dataclass per event type: ``to_data()`` is the payload exactly as the contract in
``contracts/schemas/<TYPE>.json`` reads, ``from_data()`` reads it back, ``event(source)`` makes the
CloudEvent whose subject is the profile id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from services.profiles.domain.model import CONSENT_WITHDRAWN, ERASED, Profile
from services.profiles.domain.publishing import (
    education_level,
    public_city,
    public_text_language,
    public_texts,
    years_by_occupation,
)
from shared.events import Event, new_event

__all__ = ["CONSENT_WITHDRAWN", "ERASED", "LanguageLevel", "OccupationClaim", "ProfilePublished",
           "ProfileWithdrawn", "PublishedConsents", "PublishedText", "WorkAuthorizationCategory"]


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
