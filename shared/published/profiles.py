"""The events of the ``profiles`` topic (compacted, keyed by profile id): a person's pseudonymous profile.

Codes, categories and scrubbed free text only: never a name, a phone, a document or a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from shared.events import Event, new_event

TOPIC = "profiles"
CONSENT_WITHDRAWN, ERASED = "consent_withdrawn", "erased"  # why a profile was withdrawn
EXPERIENCE, DESIRED = "experience", "desired"  # where an occupation claim comes from


@dataclass(frozen=True)
class LanguageLevel:
    """A language the person speaks and how well."""

    code: str
    level: str  # a CEFR level, or native


@dataclass(frozen=True)
class WorkAuthorizationCategory:
    """Whether the person may work in a country: a category, never the permit type or its details."""

    country: str
    category: str  # permit, in_process or none
    expires: date | None = None


@dataclass(frozen=True)
class OccupationClaim:
    """An occupation (ISCO-08 unit group) the person has worked in (with years, possibly unknown) or wants."""

    code: str
    source: str  # EXPERIENCE or DESIRED
    years: float | None = None

    def to_data(self) -> dict[str, Any]:
        """Return the payload item: ``years`` only for experience."""
        data: dict[str, Any] = {"code": self.code, "source": self.source}
        if self.source == EXPERIENCE:
            data["years"] = self.years
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> OccupationClaim:
        """Read a payload item."""
        return cls(data["code"], data["source"], data.get("years"))


@dataclass(frozen=True)
class PublishedText:
    """The person's own words about their skills and experience, scrubbed of anything identifying."""

    skills: str
    experience: str


@dataclass(frozen=True)
class PublishedConsents:
    """What the person consents to; matching is always given, else nothing is published."""

    introductions: bool
    statistics: bool


@dataclass(frozen=True)
class ProfilePublished:
    """A profile was created or changed and the person consents to matching."""

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

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
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
    def from_data(cls, data: Mapping[str, Any]) -> ProfilePublished:
        """Read a payload (the optional fields default as the contract allows)."""
        return cls(
            profile_id=data["profile_id"],
            centre=data["centre"],
            country=data["country"],
            city=data.get("city"),
            willing_to_relocate=data["willing_to_relocate"],
            relocation_countries=tuple(data.get("relocation_countries") or ()),
            languages=tuple(LanguageLevel(x["code"], x["level"]) for x in data["languages"]),
            work_authorization=tuple(
                WorkAuthorizationCategory(a["country"], a["category"],
                                          date.fromisoformat(a["expires"]) if a.get("expires") else None)
                for a in data["work_authorization"]),
            occupations=tuple(OccupationClaim.from_data(o) for o in data["occupations"]),
            skills=tuple(data["skills"]),
            education_level=data.get("education_level"),
            availability=data.get("availability"),
            text_language=data["text_language"],
            text=PublishedText(data["text"]["skills"], data["text"]["experience"]),
            consents=PublishedConsents(data["consents"]["introductions"], data["consents"]["statistics"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
        )

    def event(self, source: str) -> Event:
        """Return the CloudEvent (subject and key: the profile id)."""
        return new_event(self.TYPE, source, self.profile_id, self.to_data())


@dataclass(frozen=True)
class ProfileWithdrawn:
    """A profile left matching: consent withdrawn (other copies may stay) or data erased (every copy goes)."""

    TYPE: ClassVar[str] = "org.puente.profile.withdrawn.v1"

    profile_id: str
    reason: str  # CONSENT_WITHDRAWN or ERASED
    withdrawn_at: datetime

    @property
    def erased(self) -> bool:
        """Return whether the person's data was erased (not only their consent to matching withdrawn)."""
        return self.reason == ERASED

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {"profile_id": self.profile_id, "reason": self.reason, "withdrawn_at": self.withdrawn_at.isoformat()}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ProfileWithdrawn:
        """Read a payload."""
        return cls(data["profile_id"], data["reason"], datetime.fromisoformat(data["withdrawn_at"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent (subject and key: the profile id)."""
        return new_event(self.TYPE, source, self.profile_id, self.to_data())


ProfileEvent = ProfilePublished | ProfileWithdrawn
EVENTS: dict[str, type[ProfileEvent]] = {c.TYPE: c for c in (ProfilePublished, ProfileWithdrawn)}


def parse(event_type: str, data: Mapping[str, Any]) -> ProfileEvent:
    """Return the typed event of a payload (KeyError for a type this topic does not carry)."""
    return EVENTS[event_type].from_data(data)
