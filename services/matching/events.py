"""How the integration events matching reads become its read models, and how a suggestion becomes the one it
publishes.

The events themselves are the published language in ``shared.published`` (the consumer has validated each
payload against its contract before it is read); this module only maps them onto matching's read models and
builds ``matches.MatchSuggested``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from services.matching.domain.readmodels import CEFR, CredentialView, Placement, ProfileView, VacancyView
from shared.published import credentials, matches, placements, profiles, vacancies
from shared.published.credentials import CredentialAssessed
from shared.published.matches import MatchSuggested
from shared.published.placements import PlacementRecordedV1
from shared.published.profiles import ProfilePublished
from shared.published.vacancies import VacancyPublished

MATCHES = matches.TOPIC  # the topic match.suggested goes to, keyed by profile id
CONSUMES = (profiles.TOPIC, vacancies.TOPIC, credentials.TOPIC, placements.TOPIC)


def profile_view(event: ProfilePublished) -> ProfileView:
    """Return the profile as matching knows it; fields matching does not read are left behind."""
    occupations: dict[str, float] = {}
    desired = []
    for occ in event.occupations:
        if occ.source == profiles.EXPERIENCE:
            occupations[occ.code] = max(occupations.get(occ.code, 0.0), float(occ.years or 0.0))
        else:
            desired.append(occ.code)
    text = event.text
    return ProfileView(
        profile_id=event.profile_id, centre=event.centre, country=event.country, city=event.city,
        willing_to_relocate=bool(event.willing_to_relocate), relocation_countries=event.relocation_countries,
        languages={lang.code: CEFR[lang.level] for lang in event.languages},
        work_authorization=tuple((w.country, w.category, w.expires.isoformat() if w.expires else None)
                                 for w in event.work_authorization),
        occupations=occupations, desired=tuple(desired), skills=frozenset(event.skills),
        text_language=event.text_language,
        text=" ".join(t for t in (text.experience, text.skills) if t).strip(),
        introductions=bool(event.consents.introductions), updated_at=event.updated_at.isoformat(),
    )


def vacancy_view(event: VacancyPublished) -> VacancyView:
    """Return the open vacancy as matching knows it."""
    credential = event.credential_required
    return VacancyView(
        vacancy_id=event.vacancy_id, employer_id=event.employer_id, status="open", country=event.country,
        city=event.city, remote=bool(event.remote), occupation=event.occupation,
        required_skills=frozenset(event.required_skills), nice_skills=frozenset(event.nice_skills),
        languages=tuple((lang.code, CEFR[lang.min_level]) for lang in event.languages),
        licence_required=bool(event.licence_required),
        credential_required=credential.to_data() if credential is not None else None,
        work_authorization_required=bool(event.work_authorization_required), title=event.title,
        description=event.description, language=event.language, changed_at=event.published_at.isoformat(),
    )


def credential_view(event: CredentialAssessed) -> CredentialView:
    """Return what the credential opens in one destination country."""
    return CredentialView(
        credential_id=event.credential_id, profile_id=event.profile_id,
        destination_country=event.destination_country, status=event.status,
        workflow_status=event.workflow_status, regulated=bool(event.regulated),
        occupations_now=frozenset(event.occupations_now), occupations_later=frozenset(event.occupations_later),
        level=event.level, field=event.field, assessed_at=event.assessed_at.isoformat(),
    )


def placement_outcome(event: PlacementRecordedV1) -> Placement:
    """Return an application's outcome, for the re-ranker and the fairness audit."""
    return Placement(placement_id=event.placement_id, profile_id=event.profile_id, vacancy_id=event.vacancy_id,
                     outcome=event.outcome, recorded_at=event.recorded_at.isoformat())


def suggestion(profile_id: str, vacancy_id: str, score: float, eligible: bool, model_version: str,
               at: datetime) -> MatchSuggested:
    """Return the event of a suggestion: a match id stable per pair, the score clamped to 0..1, to the second."""
    return MatchSuggested(match_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"puente:match:{profile_id}:{vacancy_id}")),
                          profile_id=profile_id, vacancy_id=vacancy_id, score=round(min(1.0, max(0.0, score)), 6),
                          eligible=eligible, model_version=model_version, suggested_at=at.replace(microsecond=0))
