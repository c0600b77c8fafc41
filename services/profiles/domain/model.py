"""A migrant's profile as the orientation centre records it, with consents and who recorded them."""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

LANGUAGE_CODES = ("es", "pt", "en", "fr", "ht", "qu", "ay", "gn", "wayuu", "other")
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
AUTHORIZATION_STATUSES = ("permit", "in_process", "none")
AVAILABILITY = ("immediate", "within_month", "later")
CONSENT_PURPOSES = ("matching", "introductions", "statistics", "notifications")
# Asked later than the others: recorded only once answered, so a client that does not send it changes nothing.
OPTIONAL_PURPOSES = ("notifications",)
DOCUMENT_TYPES = ("passport", "national_id", "residence_permit", "refugee_id", "tax_id", "other")
PAY_PERIODS = ("hour", "day", "week", "month")
CONSENT_WITHDRAWN, ERASED = "consent_withdrawn", "erased"


@dataclass(frozen=True)
class Actor:
    """Who acts: a user or machine client with one role in one organisation."""

    subject: str
    role: str
    org: str


@dataclass
class Document:
    type: str
    number: str
    country: str


@dataclass
class Identity:
    given_names: str
    family_names: str
    date_of_birth: date | None = None
    nationalities: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    phone: str | None = None  # E.164 once validated
    whatsapp: bool = False
    email: str | None = None

    @property
    def full_name(self) -> str:
        """Return given and family names as one string."""
        return f"{self.given_names} {self.family_names}".strip()


@dataclass
class LanguageSkill:
    code: str
    level: str


@dataclass
class Location:
    country: str
    city: str | None = None
    willing_to_relocate: bool = False
    relocation_countries: list[str] = field(default_factory=list)


@dataclass
class WorkAuthorization:
    country: str
    status: str  # permit, in_process or none: the category others may see
    permit_type: str | None = None  # sensitive: migration status details
    expires: date | None = None
    details: str | None = None  # sensitive


@dataclass
class Experience:
    title: str
    occupation: str | None = None  # ISCO-08 unit group confirmed by the counsellor
    country: str | None = None
    start: date | None = None
    end: date | None = None
    description: str = ""


@dataclass
class Education:
    title: str
    level: int | None = None  # ISCED 2011
    field: str | None = None
    country: str | None = None
    institution: str | None = None
    year: int | None = None
    credential_id: str | None = None  # set once the credentials service holds it


@dataclass
class PayExpectation:
    amount: float
    currency: str
    period: str


@dataclass
class ProfileDetails:
    """Everything the counsellor records about the person (the parts a request may replace)."""

    identity: Identity
    location: Location
    languages: list[LanguageSkill] = field(default_factory=list)
    work_authorizations: list[WorkAuthorization] = field(default_factory=list)
    experience: list[Experience] = field(default_factory=list)
    skills_text: str = ""
    skills: list[str] = field(default_factory=list)  # skill codes confirmed by the counsellor
    education: list[Education] = field(default_factory=list)
    desired_occupations: list[str] = field(default_factory=list)
    availability: str | None = None
    pay_expectation: PayExpectation | None = None
    accessibility_needs: str | None = None  # sensitive
    situation_notes: str | None = None  # sensitive
    text_language: str | None = None

    def redacted(self) -> ProfileDetails:
        """Return a copy without the fields only the owning centre's counsellors may read."""
        return replace(
            self, accessibility_needs=None, situation_notes=None,
            work_authorizations=[replace(w, permit_type=None, details=None) for w in self.work_authorizations])


@dataclass
class Consent:
    given: bool
    recorded_at: datetime
    recorded_by: str


@dataclass
class ConsentChange:
    purpose: str
    given: bool
    recorded_at: datetime
    recorded_by: str


@dataclass
class Profile:
    """One person's profile, owned by one orientation centre; ``id`` is the person's pseudonym."""

    id: str
    centre: str
    details: ProfileDetails
    consents: dict[str, Consent]
    consent_history: list[ConsentChange]
    created_at: datetime
    updated_at: datetime
    version: int = 1

    def consents_to(self, purpose: str) -> bool:
        """Return whether the person currently consents to ``purpose``."""
        consent = self.consents.get(purpose)
        return bool(consent and consent.given)

    def record_consents(self, wanted: dict[str, bool], by: str, at: datetime) -> list[ConsentChange]:
        """Set each purpose's consent; only a changed answer gets a new time, author and history entry.

        An optional purpose (``notifications``) left out of ``wanted`` keeps its answer, or stays unanswered.
        """
        changes = []
        for purpose in CONSENT_PURPOSES:
            if purpose in OPTIONAL_PURPOSES and purpose not in wanted:
                continue
            given = bool(wanted.get(purpose, False))
            current = self.consents.get(purpose)
            if current is not None and current.given == given:
                continue
            self.consents[purpose] = Consent(given, at, by)
            changes.append(ConsentChange(purpose, given, at, by))
        self.consent_history.extend(changes)
        return changes


def new_profile(profile_id: str, centre: str, details: ProfileDetails, consents: dict[str, bool], by: str,
                at: datetime) -> Profile:
    """Return a fresh profile whose every consent answer is stamped with its time and author."""
    profile = Profile(profile_id, centre, details, {}, [], at, at)
    profile.record_consents(consents, by, at)
    return profile


# --- plain-data conversion, so adapters can store and rebuild profiles without knowing their shape ---

def to_plain(value: Any) -> Any:
    """Return ``value`` as JSON-ready data (dates as ISO strings)."""
    if dataclasses.is_dataclass(value):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def from_plain(cls: Any, data: Any) -> Any:
    """Rebuild an instance of ``cls`` (a dataclass or a typed container) from ``to_plain`` output."""
    if data is None:
        return None
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(cls) if a is not type(None)]
        return from_plain(inner[0], data)
    if origin is list:
        (item,) = typing.get_args(cls)
        return [from_plain(item, v) for v in data]
    if origin is dict:
        _key, item = typing.get_args(cls)
        return {k: from_plain(item, v) for k, v in data.items()}
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        return cls(**{f.name: from_plain(hints[f.name], data[f.name])
                      for f in dataclasses.fields(cls) if f.name in data})
    if cls is datetime:
        return data if isinstance(data, datetime) else datetime.fromisoformat(data)
    if cls is date:
        return data if isinstance(data, date) else date.fromisoformat(data)
    if cls is float and isinstance(data, int | str):
        return float(data)
    return data
