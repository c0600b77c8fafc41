"""Credentials and the status workflow a counsellor moves them along, with who and when."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from services.credentials.domain.messages import REASONS, STALE
from shared.errors import Conflict, Invalid, PreconditionFailed, etag

DOCUMENT_KINDS = ("original", "apostilled", "legalised", "certified_translation", "none")
ORIENTATIONS = ("general", "vocational")
PARTIAL_DOCUMENTS = ("transcript", "enrolment_record", "professional_card", "diploma_copy", "employer_letter")
ACCREDITATIONS = ("arcu_sur",)
WORKFLOW = ("declared", "assessed", "procedure_started", "recognised", "denied")
# Where a counsellor may move a credential by hand; assessing moves it to "assessed" (see Credential.assessed).
TRANSITIONS = {
    "declared": (),
    "assessed": ("procedure_started", "recognised", "denied"),
    "procedure_started": ("recognised", "denied"),
    "recognised": (),
    "denied": ("procedure_started",),  # an appeal or a new application
}
COUNTRY = re.compile(r"^[A-Z]{2}$")
FIELD = re.compile(r"^[0-9]{2,4}$")


def invalid(code: str, pointer: str, **params) -> Invalid:
    """Return the refusal of a value (422), its message looked up by ``code``."""
    return Invalid(code, REASONS[code], pointer=pointer, **params)


def conflict(code: str, pointer: str, **params) -> Conflict:
    """Return the refusal of a move the credential's current state forbids (409)."""
    return Conflict(code, REASONS[code], pointer=pointer, **params)


def stale(current_version: int) -> PreconditionFailed:
    """Return the refusal of a change made to a version that is no longer the stored one (412)."""
    current = etag(current_version)
    return PreconditionFailed("stale_version", STALE, current_etag=current, etag=current)


@dataclass(frozen=True)
class Evidence:
    """What stands in for missing documents, in the manner of the UNESCO Qualifications Passport."""

    interview_completed: bool = False
    interview_date: str | None = None
    partial_documents: tuple[str, ...] = ()
    qualifications_passport: bool = False
    notes: str = ""  # free text for the counsellor; never leaves this service

    @property
    def usable(self) -> bool:
        """Return whether the evidence can back an application that lacks the diploma."""
        return self.qualifications_passport or (self.interview_completed and bool(self.partial_documents))


@dataclass(frozen=True)
class StatusChange:
    """One move along the workflow: from, to, by whom, when, and an optional note."""

    from_status: str | None
    to_status: str
    by: str
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class Credential:
    """A foreign credential as its holder declared it, with its workflow status and history."""

    id: str
    profile_id: str
    org: str
    title: str
    level: int
    orientation: str
    field: str | None
    country: str
    institution: str
    year: int | None
    documents: tuple[str, ...]
    evidence: Evidence = field(default_factory=Evidence)
    accreditations: tuple[str, ...] = ()
    workflow_status: str = "declared"
    history: tuple[StatusChange, ...] = ()
    assessment: object | None = None  # the latest Assessment
    version: int = 1
    declared_at: datetime | None = None

    @property
    def documents_missing(self) -> bool:
        """Return whether the holder has no document of the credential at all."""
        return not self.documents or set(self.documents) == {"none"}

    def assessed(self, assessment, by: str, at: datetime) -> Credential:
        """Return this credential with a new assessment; a running procedure keeps its destination."""
        if self.workflow_status in ("procedure_started", "recognised") and self.assessment is not None \
                and self.assessment.destination != assessment.destination:
            raise conflict("procedure_elsewhere", "/destination", destination=self.assessment.destination)
        history = self.history
        if self.workflow_status in ("declared", "denied"):
            history += (StatusChange(self.workflow_status, "assessed", by, at),)
            status = "assessed"
        else:
            status = self.workflow_status
        return replace(self, assessment=assessment, workflow_status=status, history=history,
                       version=self.version + 1)

    def moved_to(self, status: str, by: str, at: datetime, note: str = "") -> Credential:
        """Return this credential moved along the workflow; raise Invalid or Conflict if the move is not allowed."""
        if status not in WORKFLOW:
            raise invalid("unknown_status", "/status")
        if status not in TRANSITIONS[self.workflow_status]:
            raise conflict("bad_transition", "/status", current=self.workflow_status, target=status)
        change = StatusChange(self.workflow_status, status, by, at, note)
        return replace(self, workflow_status=status, history=self.history + (change,), version=self.version + 1)


def declare(*, profile_id: str, org: str, title: str, level: int, orientation: str, field: str | None,
            country: str, institution: str, year: int | None, documents: tuple[str, ...] = (),
            evidence: Evidence | None = None, accreditations: tuple[str, ...] = (), by: str, at: datetime,
            credential_id: str | None = None) -> Credential:
    """Return a newly declared credential, or raise Invalid naming the first bad field."""
    problems = declaration_problems(level=level, orientation=orientation, field=field, country=country,
                                    documents=documents, accreditations=accreditations)
    if problems:
        raise problems[0]
    return Credential(
        id=credential_id or str(uuid.uuid4()), profile_id=profile_id, org=org, title=title, level=level,
        orientation=orientation, field=field, country=country, institution=institution, year=year,
        documents=tuple(documents), evidence=evidence or Evidence(), accreditations=tuple(accreditations),
        history=(StatusChange(None, "declared", by, at),), declared_at=at)


def declaration_problems(*, level, orientation, field, country, documents, accreditations) -> list[Invalid]:
    """Return every rule a declaration breaks (the HTTP layer checks types; this checks meaning)."""
    problems = []
    if not 0 <= level <= 8:
        problems.append(invalid("bad_level", "/level"))
    if orientation not in ORIENTATIONS:
        problems.append(invalid("bad_orientation", "/orientation"))
    if field is not None and not FIELD.match(field):
        problems.append(invalid("bad_field", "/field"))
    if not COUNTRY.match(country or ""):
        problems.append(invalid("bad_country", "/country"))
    if any(d not in DOCUMENT_KINDS for d in documents):
        problems.append(invalid("bad_document", "/documents"))
    elif "none" in documents and len(set(documents)) > 1:
        problems.append(invalid("none_with_documents", "/documents"))
    if any(a not in ACCREDITATIONS for a in accreditations):
        problems.append(invalid("bad_accreditation", "/accreditations"))
    return problems
