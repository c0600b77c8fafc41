"""How a profile and a placement step become the events that announce them, and the topics the service uses.

Publishes profiles (topic ``profiles``, keyed by profile id) and placement steps (topic ``placements``, keyed by
placement id); reads vacancies (topic ``vacancies``), for what it must know of a vacancy to introduce a person and
to show an employer only their own vacancies' introductions. The events themselves are the published language in
``shared.published``; this module only maps the domain onto them.
"""

from __future__ import annotations

from datetime import date

from services.profiles.domain.model import Profile
from services.profiles.domain.placements import APPLIED, HIRED, INTERVIEW, LEFT, NOT_HIRED, Placement, Step
from services.profiles.domain.publishing import (
    education_level,
    public_city,
    public_text_language,
    public_texts,
    years_by_occupation,
)
from shared.events import Event
from shared.published import placements, profiles, vacancies
from shared.published.placements import PlacementRecordedV1, PlacementRecordedV2
from shared.published.profiles import (
    DESIRED,
    EXPERIENCE,
    LanguageLevel,
    OccupationClaim,
    ProfilePublished,
    PublishedConsents,
    PublishedText,
    WorkAuthorizationCategory,
)

PROFILES = profiles.TOPIC  # compacted; key = profile id
PLACEMENTS = placements.TOPIC  # a stream; key = placement id
VACANCIES = vacancies.TOPIC  # read: compacted; key = vacancy id

# The v1 outcome of each stage v1 knows; v1 is published beside v2 until its readers (matching) move to v2.
V1_OUTCOMES = {APPLIED: "applied", INTERVIEW: "interviewed", HIRED: "hired", NOT_HIRED: "rejected",
               LEFT: "withdrawn"}


def published(profile: Profile, text_language: str | None, today: date) -> ProfilePublished:
    """Return what may be published of ``profile``: codes, categories and scrubbed free text only."""
    d = profile.details
    occupations = [OccupationClaim(code, EXPERIENCE, years)
                   for code, years in years_by_occupation(profile, today).items()]
    occupations += [OccupationClaim(code, DESIRED) for code in d.desired_occupations]
    skills_text, experience_text = public_texts(profile)
    return ProfilePublished(
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


def recorded(placement: Placement, step: Step, previous_stage: str | None) -> PlacementRecordedV2:
    """Return the v2 event of ``step`` of ``placement``."""
    return PlacementRecordedV2(placement.id, placement.profile_id, placement.vacancy_id, step.stage, previous_stage,
                               step.at, step.on)


def compatible(v2: PlacementRecordedV2) -> PlacementRecordedV1 | None:
    """Return the v1 event saying what ``v2`` says, or None for a stage v1 has no outcome for."""
    outcome = V1_OUTCOMES.get(v2.stage)
    if outcome is None:
        return None
    return PlacementRecordedV1(v2.placement_id, v2.profile_id, v2.vacancy_id, outcome, v2.recorded_at)


def placement_events(placement: Placement, step: Step, previous_stage: str | None, source: str) -> list[Event]:
    """Return the events announcing ``step``: v2 always, then v1 when v1 knows the stage."""
    v2 = recorded(placement, step, previous_stage)
    v1 = compatible(v2)
    return [v2.event(source)] + ([v1.event(source)] if v1 is not None else [])
