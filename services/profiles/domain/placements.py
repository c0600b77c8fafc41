"""A person's way to one job: the placement and its stage machine, the consent-gated introduction to the
employer, the employer's request for one, and what profiles knows of the vacancy (from the vacancies topic).

The pipeline: proposed → introduced → applied → interview → hired, and then left (only after hired);
not_hired ends any stage before an outcome (from proposed it needs a reason: the person declined, or the
job is not for them). ``introduced`` is reached only through an introduction, which records the person's
consent to share their name and contact with that employer for that vacancy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.profiles.domain.messages import (
    CONSENT_REQUIRED,
    INTRODUCED_THROUGH_INTRODUCTIONS,
    REASONS,
    STAGE_NOT_ALLOWED,
)
from shared.errors import Conflict, Invalid

PROPOSED, INTRODUCED, APPLIED, INTERVIEW = "proposed", "introduced", "applied", "interview"
HIRED, NOT_HIRED, LEFT = "hired", "not_hired", "left"
STAGES = (PROPOSED, INTRODUCED, APPLIED, INTERVIEW, HIRED, NOT_HIRED, LEFT)
OUTCOMES = frozenset({HIRED, NOT_HIRED, LEFT})  # the final stages, but for hired → left
NEXT: dict[str, tuple[str, ...]] = {
    PROPOSED: (INTRODUCED, NOT_HIRED),
    INTRODUCED: (APPLIED, NOT_HIRED),
    APPLIED: (INTERVIEW, NOT_HIRED),
    INTERVIEW: (HIRED, NOT_HIRED),
    HIRED: (LEFT,),
    NOT_HIRED: (),
    LEFT: (),
}
NOTE_MAX = 2000
# The latest zone is UTC+14: a date a counsellor reads on their own calendar is never later than this.
LOCAL_DAY_AHEAD = timedelta(hours=14)
STALE_AFTER = timedelta(days=30)  # a person not contacted for longer shows as stale in the workspace

# Introduction requests: open until the counsellor introduces the person or the placement ends not_hired.
REQUEST_OPEN, REQUEST_INTRODUCED, REQUEST_DECLINED = "open", "introduced", "declined"
REQUEST_STATUSES = (REQUEST_OPEN, REQUEST_INTRODUCED, REQUEST_DECLINED)

# What profiles knows of a vacancy's state from the vacancies topic.
VACANCY_OPEN, VACANCY_HELD, VACANCY_CLOSED = "open", "held", "closed"


def allowed(current: str, wanted: str) -> bool:
    """Return whether the pipeline lets a placement at ``current`` move to ``wanted``."""
    return wanted in NEXT.get(current, ())


@dataclass
class Step:
    """One stage change: the stage reached, the day it happened, when and by whom it was recorded."""

    stage: str
    at: datetime  # when it was recorded (UTC)
    on: date  # the day it happened, as the counsellor says (default: the day it was recorded)
    by: str
    note: str | None = None  # free text for the centre; never published


@dataclass
class Placement:
    """One person (profile) put forward for one vacancy, owned by the person's centre."""

    id: str
    profile_id: str
    centre: str
    vacancy_id: str
    history: list[Step]
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @property
    def stage(self) -> str:
        """Return the stage the placement is at now."""
        return self.history[-1].stage

    @property
    def previous_stage(self) -> str | None:
        """Return the stage before the current one (None while proposed)."""
        return self.history[-2].stage if len(self.history) > 1 else None

    def move(self, stage: str, by: str, at: datetime, *, on: date | None = None, note: str | None = None,
             introduction: bool = False) -> Step:
        """Record a move to ``stage``; raise Conflict when the pipeline does not allow it, Invalid for a bad day
        or a missing reason. ``introduced`` is only reached through an introduction (``introduction=True``)."""
        if stage == INTRODUCED and not introduction:
            raise Conflict("introduced_through_introductions", INTRODUCED_THROUGH_INTRODUCTIONS, pointer="/stage")
        if not allowed(self.stage, stage):
            raise Conflict("stage_not_allowed", STAGE_NOT_ALLOWED, pointer="/stage", current=self.stage,
                           wanted=stage)
        note = (note or "").strip() or None
        if self.stage == PROPOSED and stage == NOT_HIRED and note is None:
            raise Invalid("reason_required", REASONS["reason_required"], pointer="/note")
        on = on or at.date()
        if on > (at + LOCAL_DAY_AHEAD).date():
            raise Invalid("date_future", REASONS["date_future"], pointer="/on")
        if on < self.history[-1].on:
            raise Invalid("before_previous_step", REASONS["before_previous_step"], pointer="/on",
                          previous=self.history[-1].on.isoformat())
        step = Step(stage, at, on, by, note)
        self.history.append(step)
        self.updated_at, self.version = at, self.version + 1
        return step


def propose(placement_id: str, profile_id: str, centre: str, vacancy_id: str, by: str, at: datetime,
            note: str | None = None) -> Placement:
    """Return a new placement at ``proposed``."""
    return Placement(placement_id, profile_id, centre, vacancy_id,
                     [Step(PROPOSED, at, at.date(), by, (note or "").strip() or None)], at, at)


@dataclass
class ConsentRecord:
    """The person's consent to share their name and contact with one employer for one vacancy."""

    given: bool
    language: str  # the language it was explained in
    read_aloud: bool  # the counsellor read the consent text aloud to the person
    recorded_by: str
    recorded_at: datetime


@dataclass
class Introduction:
    """The person, who consented, introduced to the employer of one vacancy (one per placement)."""

    id: str
    placement_id: str
    profile_id: str
    centre: str
    vacancy_id: str
    employer_org: str
    consent: ConsentRecord

    @property
    def consented_at(self) -> datetime:
        """Return when the person consented (and was introduced)."""
        return self.consent.recorded_at


def introduce(introduction_id: str, placement: Placement, employer_org: str, consent: ConsentRecord) -> Introduction:
    """Return the introduction of ``placement``'s person to ``employer_org``; Invalid unless consent is given."""
    if not consent.given:
        raise Invalid("consent_required", CONSENT_REQUIRED, pointer="/consent/given")
    return Introduction(introduction_id, placement.id, placement.profile_id, placement.centre, placement.vacancy_id,
                        employer_org, consent)


@dataclass
class IntroductionRequest:
    """An employer asks a centre to introduce a candidate (a pseudonymous profile id) for their vacancy."""

    id: str
    vacancy_id: str
    employer_org: str
    profile_id: str
    centre: str
    requested_by: str
    requested_at: datetime
    status: str = REQUEST_OPEN
    closed_at: datetime | None = None

    def close(self, status: str, at: datetime) -> None:
        """Close an open request as introduced or declined."""
        self.status, self.closed_at = status, at


@dataclass(frozen=True)
class KnownVacancy:
    """What profiles knows of a vacancy from the vacancies topic: enough to check an introduction."""

    vacancy_id: str
    employer_org: str
    country: str
    status: str  # open, held or closed
    changed_at: datetime
    title: str | None = None  # held vacancies never published carry none

    @property
    def is_open(self) -> bool:
        """Return whether people may be put forward for it now."""
        return self.status == VACANCY_OPEN


@dataclass(frozen=True)
class Contact:
    """The latest pipeline activity of one person: the stage their latest-moved placement is at, and when."""

    latest_stage: str
    at: datetime

