"""Vacancies and employers: plain objects whose state changes follow the decent-work gate's outcome."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from services.vacancies.domain.messages import ALREADY_CLOSED, CANNOT_CHANGE, ONLY_HELD_REVIEWED, UNKNOWN_DECISION
from shared.errors import Conflict, Invalid

PERIODS = ("hour", "day", "week", "month", "year")
CONTRACT_TYPES = ("permanent", "fixed_term", "temporary", "seasonal", "apprenticeship", "other")
LANGUAGES = ("es", "pt", "en", "fr", "ht", "qu", "ay", "gn", "wayuu", "other")
CEFR = ("A1", "A2", "B1", "B2", "C1", "C2", "native")

PUBLISHED, WITH_WARNINGS, HELD, CLOSED, REJECTED = (
    "published", "published_with_warnings", "held", "closed", "rejected")
STATUSES = (PUBLISHED, WITH_WARNINGS, HELD, CLOSED, REJECTED)
OPEN = (PUBLISHED, WITH_WARNINGS)
HOLD, WARNING = "hold", "warning"


@dataclass(frozen=True)
class Finding:
    """One decent-work problem: a code, the field it points at (JSON pointer) and whether it holds the vacancy."""

    code: str
    field: str
    severity: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as a plain mapping (stored as JSON)."""
        return {"code": self.code, "field": self.field, "severity": self.severity, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        """Build a finding from its stored mapping."""
        return cls(d["code"], d["field"], d["severity"], dict(d.get("params") or {}))


@dataclass(frozen=True)
class Pay:
    """Base pay as the employer states it."""

    amount: float
    currency: str
    period: str


@dataclass(frozen=True)
class Draft:
    """What an employer (or a feed) says about a vacancy, before the gate has judged it."""

    title: str
    description: str
    language: str
    country: str
    pay: Pay
    hours_per_week: float
    contract_type: str
    occupation: str | None = None
    required_skills: tuple[str, ...] = ()
    nice_skills: tuple[str, ...] = ()
    languages: tuple[dict[str, str], ...] = ()
    city: str | None = None
    remote: bool = False
    openings: int = 1
    shifts: str | None = None
    start_date: date | None = None
    closing_date: date | None = None
    licence_required: bool = False
    credential_required: dict[str, Any] | None = None
    work_authorization_required: bool = False
    benefits: dict[str, bool | None] = field(default_factory=dict)
    external_id: str | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Draft:
        """Build a draft from a loaded (already type-checked) mapping."""
        values = dict(d)
        pay = values.pop("pay")
        values["pay"] = pay if isinstance(pay, Pay) else Pay(float(pay["amount"]), pay["currency"], pay["period"])
        for key in ("required_skills", "nice_skills"):
            values[key] = tuple(values.get(key) or ())
        values["languages"] = tuple(dict(x) for x in values.get("languages") or ())
        values["benefits"] = dict(values.get("benefits") or {})
        for key in ("start_date", "closing_date"):
            if isinstance(values.get(key), str):
                values[key] = date.fromisoformat(values[key])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})

    def to_dict(self) -> dict[str, Any]:
        """Return the draft as JSON-ready data."""
        d = asdict(self)
        d["required_skills"], d["nice_skills"] = list(self.required_skills), list(self.nice_skills)
        d["languages"] = [dict(x) for x in self.languages]
        for key in ("start_date", "closing_date"):
            d[key] = d[key].isoformat() if d[key] else None
        return d

    def merged(self, changes: dict[str, Any]) -> Draft:
        """Return a copy with ``changes`` applied (a PATCH)."""
        return Draft.from_dict({**self.to_dict(), **changes})

    def problems(self, today: date) -> list[dict[str, str]]:
        """Return the consistency errors a form cannot catch field by field ({pointer, reason code})."""
        errors = []
        if self.closing_date and self.closing_date < today:
            errors.append({"pointer": "/closing_date", "reason": "closing_date_past"})
        if self.closing_date and self.start_date and self.closing_date > self.start_date + _YEARS_2:
            errors.append({"pointer": "/closing_date", "reason": "closing_date_too_far"})
        if len(set(self.required_skills) & set(self.nice_skills)):
            errors.append({"pointer": "/nice_skills", "reason": "skill_listed_twice"})
        return errors


_YEARS_2 = date(2002, 1, 1) - date(2000, 1, 1)


@dataclass(frozen=True)
class Review:
    """An administrator's decision on a held vacancy."""

    decision: str  # release | reject
    note: str
    reviewer: str
    at: datetime


@dataclass(frozen=True)
class Vacancy:
    """A vacancy with its gate outcome; ``version`` grows on every change (it is the ETag)."""

    id: str
    employer_id: str
    submitter: str
    draft: Draft
    status: str
    findings: tuple[Finding, ...]
    version: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None
    monthly_equivalent: float = 0.0  # the pay as a monthly amount, by the country's conversion rules
    released: bool = False  # an admin released it: hold findings no longer hold it until the next change
    reviews: tuple[Review, ...] = ()

    @property
    def is_open(self) -> bool:
        """Return whether migrants may see and be matched to it."""
        return self.status in OPEN

    @property
    def holds(self) -> tuple[Finding, ...]:
        """Return the findings that hold it."""
        return tuple(f for f in self.findings if f.severity == HOLD)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Return the findings that only warn."""
        return tuple(f for f in self.findings if f.severity == WARNING)


def new_vacancy_id() -> str:
    """Return a fresh vacancy id (a random UUID: pseudonymous, safe in events)."""
    return str(uuid.uuid4())


def status_for(findings: tuple[Finding, ...] | list[Finding]) -> str:
    """Return the status the gate's findings lead to."""
    if any(f.severity == HOLD for f in findings):
        return HELD
    if findings:
        return WITH_WARNINGS
    return PUBLISHED


def judged(vacancy: Vacancy, draft: Draft, findings: list[Finding], monthly: float, now: datetime) -> Vacancy:
    """Return the vacancy after an edit and a fresh gate run (a release does not survive an edit)."""
    if vacancy.status in (CLOSED, REJECTED):
        raise Conflict("vacancy_final", CANNOT_CHANGE, state=vacancy.status)
    status = status_for(findings)
    return replace(vacancy, draft=draft, findings=tuple(findings), status=status, version=vacancy.version + 1,
                   updated_at=now, released=False, monthly_equivalent=monthly,
                   published_at=(vacancy.published_at or now) if status in OPEN else vacancy.published_at)


def reviewed(vacancy: Vacancy, decision: str, note: str, reviewer: str, now: datetime) -> Vacancy:
    """Return the vacancy after an administrator released or rejected it."""
    if vacancy.status != HELD:
        raise Conflict("not_held", ONLY_HELD_REVIEWED, state=vacancy.status)
    review = Review(decision, note, reviewer, now)
    if decision == "release":
        return replace(vacancy, status=PUBLISHED, released=True, version=vacancy.version + 1, updated_at=now,
                       published_at=vacancy.published_at or now, reviews=(*vacancy.reviews, review))
    if decision == "reject":
        return replace(vacancy, status=REJECTED, version=vacancy.version + 1, updated_at=now, closed_at=now,
                       close_reason="rejected", reviews=(*vacancy.reviews, review))
    raise Invalid("unknown_decision", UNKNOWN_DECISION, decision=repr(decision))


def closed(vacancy: Vacancy, reason: str, now: datetime) -> Vacancy:
    """Return the vacancy closed for ``reason`` (filled, withdrawn or expired)."""
    if vacancy.status in (CLOSED, REJECTED):
        raise Conflict("already_closed", ALREADY_CLOSED, state=vacancy.status)
    return replace(vacancy, status=CLOSED, closed_at=now, close_reason=reason, version=vacancy.version + 1,
                   updated_at=now)


@dataclass(frozen=True)
class Employer:
    """An employing organisation; its id is the organisation id in the caller's token."""

    org_id: str
    name: str
    tax_id: str
    country: str
    sector: str
    contact_email: str
    created_at: datetime
