"""The events of the ``vacancies`` topic (compacted, keyed by vacancy id): a vacancy's state after the gate.

A vacancy is published (open), held for review (never matched while held) or closed; findings travel as codes
and the field they point at, never as free text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from shared.events import Event, new_event

TOPIC = "vacancies"
TITLE_MAX, DESCRIPTION_MAX = 200, 10000  # the contract's maxLength


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class FindingRef:
    """A finding of the decent-work gate: its code and the field it points at."""

    code: str
    field: str

    def to_data(self) -> dict[str, str]:
        """Return the payload item."""
        return {"code": self.code, "field": self.field}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> FindingRef:
        """Read a payload item."""
        return cls(data["code"], data["field"])


@dataclass(frozen=True)
class PublishedPay:
    """Pay as the employer stated it, with its monthly equivalent by the country's conversion rules."""

    amount: float
    currency: str
    period: str  # hour, day, week, month or year
    monthly_equivalent: float

    def to_data(self) -> dict[str, Any]:
        """Return the payload's ``pay`` object."""
        return {"amount": self.amount, "currency": self.currency, "period": self.period,
                "monthly_equivalent": self.monthly_equivalent}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PublishedPay:
        """Read the payload's ``pay`` object."""
        return cls(data["amount"], data["currency"], data["period"], data["monthly_equivalent"])


@dataclass(frozen=True)
class LanguageRequirement:
    """A language the job needs, at least at a CEFR level (or native)."""

    code: str
    min_level: str

    def to_data(self) -> dict[str, str]:
        """Return the payload item."""
        return {"code": self.code, "min_level": self.min_level}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> LanguageRequirement:
        """Read a payload item."""
        return cls(data["code"], data["min_level"])


@dataclass(frozen=True)
class CredentialRequirement:
    """A credential the job needs: an ISCED 2011 level and/or a field.

    The contract makes both keys optional and an absent key is not a null one (a requirement stating neither
    asks for nothing), so ``stated`` keeps which keys the employer gave; ``to_data`` writes only those.
    """

    KEYS: ClassVar[tuple[str, str]] = ("min_level", "field")

    min_level: int | None = None
    field: str | None = None
    stated: tuple[str, ...] = KEYS

    def to_data(self) -> dict[str, Any]:
        """Return the payload's ``credential_required`` object: the stated keys, in the contract's order."""
        values = {"min_level": self.min_level, "field": self.field}
        return {key: values[key] for key in self.KEYS if key in self.stated}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CredentialRequirement:
        """Read the payload's ``credential_required`` object (either key may be absent)."""
        return cls(data.get("min_level"), data.get("field"), tuple(key for key in cls.KEYS if key in data))


@dataclass(frozen=True)
class VacancyPublished:
    """A vacancy passed the decent-work gate (possibly with warnings) and is open (again) to matching."""

    TYPE: ClassVar[str] = "org.puente.vacancy.published.v1"

    vacancy_id: str
    employer_id: str  # the employer's organisation id, as in its users' tokens
    title: str
    description: str
    language: str
    occupation: str
    required_skills: tuple[str, ...]
    nice_skills: tuple[str, ...]
    languages: tuple[LanguageRequirement, ...]
    country: str
    city: str | None
    remote: bool
    openings: int
    pay: PublishedPay
    hours_per_week: float
    contract_type: str
    start_date: date | None
    closing_date: date | None
    licence_required: bool
    credential_required: CredentialRequirement | None
    work_authorization_required: bool
    warnings: tuple[FindingRef, ...]
    published_at: datetime

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {
            "vacancy_id": self.vacancy_id, "employer_id": self.employer_id, "title": self.title,
            "description": self.description, "language": self.language, "occupation": self.occupation,
            "required_skills": list(self.required_skills), "nice_skills": list(self.nice_skills),
            "languages": [x.to_data() for x in self.languages], "country": self.country, "city": self.city,
            "remote": self.remote, "openings": self.openings, "pay": self.pay.to_data(),
            "hours_per_week": self.hours_per_week, "contract_type": self.contract_type,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "closing_date": self.closing_date.isoformat() if self.closing_date else None,
            "licence_required": self.licence_required,
            "credential_required": self.credential_required.to_data() if self.credential_required else None,
            "work_authorization_required": self.work_authorization_required,
            "warnings": [w.to_data() for w in self.warnings], "published_at": self.published_at.isoformat(),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VacancyPublished:
        """Read a payload (the optional fields may be absent)."""
        credential = data.get("credential_required")
        return cls(
            vacancy_id=data["vacancy_id"], employer_id=data["employer_id"], title=data["title"],
            description=data["description"], language=data["language"], occupation=data["occupation"],
            required_skills=tuple(data["required_skills"]), nice_skills=tuple(data["nice_skills"]),
            languages=tuple(LanguageRequirement.from_data(x) for x in data["languages"]), country=data["country"],
            city=data.get("city"), remote=data["remote"], openings=data["openings"],
            pay=PublishedPay.from_data(data["pay"]), hours_per_week=data["hours_per_week"],
            contract_type=data["contract_type"], start_date=_date(data.get("start_date")),
            closing_date=_date(data.get("closing_date")), licence_required=data["licence_required"],
            credential_required=CredentialRequirement.from_data(credential) if credential is not None else None,
            work_authorization_required=data["work_authorization_required"],
            warnings=tuple(FindingRef.from_data(w) for w in data["warnings"]),
            published_at=datetime.fromisoformat(data["published_at"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent (subject and key: the vacancy id)."""
        return new_event(self.TYPE, source, self.vacancy_id, self.to_data())


@dataclass(frozen=True)
class VacancyHeld:
    """The decent-work gate held a vacancy for review: nobody is matched with or put forward for it while held."""

    TYPE: ClassVar[str] = "org.puente.vacancy.held.v1"

    vacancy_id: str
    employer_id: str
    country: str
    occupation: str | None
    reasons: tuple[FindingRef, ...]
    held_at: datetime

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {"vacancy_id": self.vacancy_id, "employer_id": self.employer_id, "country": self.country,
                "occupation": self.occupation, "reasons": [r.to_data() for r in self.reasons],
                "held_at": self.held_at.isoformat()}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VacancyHeld:
        """Read a payload."""
        return cls(data["vacancy_id"], data["employer_id"], data["country"], data.get("occupation"),
                   tuple(FindingRef.from_data(r) for r in data["reasons"]), datetime.fromisoformat(data["held_at"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent (subject and key: the vacancy id)."""
        return new_event(self.TYPE, source, self.vacancy_id, self.to_data())


@dataclass(frozen=True)
class VacancyClosed:
    """A vacancy closed (filled, withdrawn, expired or rejected at review)."""

    TYPE: ClassVar[str] = "org.puente.vacancy.closed.v1"

    vacancy_id: str
    reason: str
    closed_at: datetime

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {"vacancy_id": self.vacancy_id, "reason": self.reason, "closed_at": self.closed_at.isoformat()}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VacancyClosed:
        """Read a payload."""
        return cls(data["vacancy_id"], data["reason"], datetime.fromisoformat(data["closed_at"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent (subject and key: the vacancy id)."""
        return new_event(self.TYPE, source, self.vacancy_id, self.to_data())


VacancyEvent = VacancyPublished | VacancyHeld | VacancyClosed
EVENTS: dict[str, type[VacancyEvent]] = {c.TYPE: c for c in (VacancyPublished, VacancyHeld, VacancyClosed)}


def parse(event_type: str, data: Mapping[str, Any]) -> VacancyEvent:
    """Return the typed event of a payload (KeyError for a type this topic does not carry)."""
    return EVENTS[event_type].from_data(data)
