"""The integration events the vacancies service publishes: one frozen dataclass per event type.

Each builds its payload exactly as ``contracts/schemas/<TYPE>.json`` describes it (``to_data``) and reads one
back (``from_data``); :func:`announcement` picks the event that tells other services a vacancy's new state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from services.vacancies.domain.gate import summary
from services.vacancies.domain.model import HELD, Vacancy
from shared.events import Event, new_event

SOURCE = "/services/vacancies"
TITLE_MAX, DESCRIPTION_MAX = 200, 10000  # the contract's maxLength


@dataclass(frozen=True)
class FindingRef:
    """A finding as events carry it: its code and the field it points at, never free text."""

    code: str
    field: str

    def to_data(self) -> dict[str, str]:
        """Return the payload item."""
        return {"code": self.code, "field": self.field}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Read a payload item."""
        return cls(data["code"], data["field"])


def _refs(vacancy_findings) -> tuple[FindingRef, ...]:
    return tuple(FindingRef(**item) for item in summary(tuple(vacancy_findings)))


def _iso(dt: datetime) -> str:
    return dt.isoformat()


@dataclass(frozen=True)
class PublishedPay:
    """Pay as the employer stated it, with its monthly equivalent by the country's conversion rules."""

    amount: float
    currency: str
    period: str
    monthly_equivalent: float

    def to_data(self) -> dict[str, Any]:
        """Return the payload's ``pay`` object."""
        return {"amount": self.amount, "currency": self.currency, "period": self.period,
                "monthly_equivalent": self.monthly_equivalent}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Read the payload's ``pay`` object."""
        return cls(data["amount"], data["currency"], data["period"], data["monthly_equivalent"])


@dataclass(frozen=True)
class VacancyPublished:
    """A vacancy passed the decent-work gate (possibly with warnings) and is open to matching."""

    TYPE: ClassVar[str] = "org.puente.vacancy.published.v1"

    vacancy_id: str
    employer_id: str
    title: str
    description: str
    language: str
    occupation: str
    required_skills: tuple[str, ...]
    nice_skills: tuple[str, ...]
    languages: tuple[dict[str, str], ...]
    country: str
    city: str | None
    remote: bool
    openings: int
    pay: PublishedPay
    hours_per_week: float
    contract_type: str
    start_date: str | None
    closing_date: str | None
    licence_required: bool
    credential_required: dict[str, Any] | None
    work_authorization_required: bool
    warnings: tuple[FindingRef, ...]
    published_at: str

    @classmethod
    def of(cls, vacancy: Vacancy) -> Self:
        """Return the event of an open vacancy."""
        d = vacancy.draft
        return cls(
            vacancy_id=vacancy.id, employer_id=vacancy.employer_id, title=d.title[:TITLE_MAX],
            description=d.description[:DESCRIPTION_MAX], language=d.language, occupation=d.occupation,
            required_skills=tuple(d.required_skills), nice_skills=tuple(d.nice_skills),
            languages=tuple(dict(x) for x in d.languages), country=d.country, city=d.city, remote=d.remote,
            openings=d.openings,
            pay=PublishedPay(d.pay.amount, d.pay.currency, d.pay.period, vacancy.monthly_equivalent),
            hours_per_week=d.hours_per_week, contract_type=d.contract_type,
            start_date=d.start_date.isoformat() if d.start_date else None,
            closing_date=d.closing_date.isoformat() if d.closing_date else None,
            licence_required=d.licence_required, credential_required=d.credential_required,
            work_authorization_required=d.work_authorization_required,
            # After a release, the overridden holds travel as warnings so matching can still explain them.
            warnings=_refs(vacancy.findings), published_at=_iso(vacancy.published_at or vacancy.updated_at))

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {
            "vacancy_id": self.vacancy_id, "employer_id": self.employer_id, "title": self.title,
            "description": self.description, "language": self.language, "occupation": self.occupation,
            "required_skills": list(self.required_skills), "nice_skills": list(self.nice_skills),
            "languages": [dict(x) for x in self.languages], "country": self.country, "city": self.city,
            "remote": self.remote, "openings": self.openings, "pay": self.pay.to_data(),
            "hours_per_week": self.hours_per_week, "contract_type": self.contract_type,
            "start_date": self.start_date, "closing_date": self.closing_date,
            "licence_required": self.licence_required, "credential_required": self.credential_required,
            "work_authorization_required": self.work_authorization_required,
            "warnings": [w.to_data() for w in self.warnings], "published_at": self.published_at,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Read a payload (the optional fields may be absent)."""
        credential = data.get("credential_required")
        return cls(
            vacancy_id=data["vacancy_id"], employer_id=data["employer_id"], title=data["title"],
            description=data["description"], language=data["language"], occupation=data["occupation"],
            required_skills=tuple(data["required_skills"]), nice_skills=tuple(data["nice_skills"]),
            languages=tuple(dict(x) for x in data["languages"]), country=data["country"], city=data.get("city"),
            remote=data["remote"], openings=data["openings"], pay=PublishedPay.from_data(data["pay"]),
            hours_per_week=data["hours_per_week"], contract_type=data["contract_type"],
            start_date=data.get("start_date"), closing_date=data.get("closing_date"),
            licence_required=data["licence_required"],
            credential_required=dict(credential) if credential is not None else None,
            work_authorization_required=data["work_authorization_required"],
            warnings=tuple(FindingRef.from_data(w) for w in data["warnings"]), published_at=data["published_at"])

    def event(self) -> Event:
        """Return the CloudEvent (subject and key: the vacancy id)."""
        return new_event(self.TYPE, SOURCE, self.vacancy_id, self.to_data())


@dataclass(frozen=True)
class VacancyHeld:
    """The decent-work gate held a vacancy for review; it must never be matched while held."""

    TYPE: ClassVar[str] = "org.puente.vacancy.held.v1"

    vacancy_id: str
    employer_id: str
    country: str
    occupation: str | None
    reasons: tuple[FindingRef, ...]
    held_at: str

    @classmethod
    def of(cls, vacancy: Vacancy) -> Self:
        """Return the event of a held vacancy: the holds that keep it back."""
        return cls(vacancy.id, vacancy.employer_id, vacancy.draft.country, vacancy.draft.occupation,
                   _refs(vacancy.holds), _iso(vacancy.updated_at))

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {"vacancy_id": self.vacancy_id, "employer_id": self.employer_id, "country": self.country,
                "occupation": self.occupation, "reasons": [r.to_data() for r in self.reasons],
                "held_at": self.held_at}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Read a payload."""
        return cls(data["vacancy_id"], data["employer_id"], data["country"], data.get("occupation"),
                   tuple(FindingRef.from_data(r) for r in data["reasons"]), data["held_at"])

    def event(self) -> Event:
        """Return the CloudEvent (subject and key: the vacancy id)."""
        return new_event(self.TYPE, SOURCE, self.vacancy_id, self.to_data())


@dataclass(frozen=True)
class VacancyClosed:
    """A vacancy closed (filled, withdrawn, expired or rejected at review)."""

    TYPE: ClassVar[str] = "org.puente.vacancy.closed.v1"

    vacancy_id: str
    reason: str
    closed_at: str

    @classmethod
    def of(cls, vacancy: Vacancy) -> Self:
        """Return the event of a closed or rejected vacancy."""
        return cls(vacancy.id, vacancy.close_reason or "withdrawn", _iso(vacancy.closed_at or vacancy.updated_at))

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {"vacancy_id": self.vacancy_id, "reason": self.reason, "closed_at": self.closed_at}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Read a payload."""
        return cls(data["vacancy_id"], data["reason"], data["closed_at"])

    def event(self) -> Event:
        """Return the CloudEvent (subject and key: the vacancy id)."""
        return new_event(self.TYPE, SOURCE, self.vacancy_id, self.to_data())


VacancyEvent = VacancyPublished | VacancyHeld | VacancyClosed
EVENTS: dict[str, type[VacancyEvent]] = {e.TYPE: e for e in (VacancyPublished, VacancyHeld, VacancyClosed)}


def announcement(vacancy: Vacancy) -> VacancyEvent:
    """Return the event that tells other services the vacancy's new state (held ones are never published)."""
    if vacancy.is_open:
        return VacancyPublished.of(vacancy)
    if vacancy.status == HELD:
        return VacancyHeld.of(vacancy)
    return VacancyClosed.of(vacancy)


def parse(event: Event) -> VacancyEvent:
    """Return the typed event of a vacancy CloudEvent (KeyError for a type this service does not publish)."""
    return EVENTS[event.type].from_data(event.data)
