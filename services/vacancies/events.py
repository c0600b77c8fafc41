"""How a vacancy's state becomes the event that announces it on the vacancies topic.

The events themselves (payloads, contract shapes, reading back) are the published language in
``shared.published.vacancies``; this module only maps the domain onto them: :func:`announcement` picks the event
that tells other services a vacancy's new state.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.vacancies.domain.gate import summary
from services.vacancies.domain.model import HELD, Finding, Vacancy
from shared.published.vacancies import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    CredentialRequirement,
    FindingRef,
    LanguageRequirement,
    PublishedPay,
    VacancyClosed,
    VacancyEvent,
    VacancyHeld,
    VacancyPublished,
)

SOURCE = "/services/vacancies"


def _refs(findings: Iterable[Finding]) -> tuple[FindingRef, ...]:
    return tuple(FindingRef(**item) for item in summary(tuple(findings)))


def published(vacancy: Vacancy) -> VacancyPublished:
    """Return the event of an open vacancy."""
    d = vacancy.draft
    credential = d.credential_required
    return VacancyPublished(
        vacancy_id=vacancy.id, employer_id=vacancy.employer_id, title=d.title[:TITLE_MAX],
        description=d.description[:DESCRIPTION_MAX], language=d.language, occupation=d.occupation,
        required_skills=tuple(d.required_skills), nice_skills=tuple(d.nice_skills),
        languages=tuple(LanguageRequirement.from_data(x) for x in d.languages), country=d.country, city=d.city,
        remote=d.remote, openings=d.openings,
        pay=PublishedPay(d.pay.amount, d.pay.currency, d.pay.period, vacancy.monthly_equivalent),
        hours_per_week=d.hours_per_week, contract_type=d.contract_type, start_date=d.start_date,
        closing_date=d.closing_date, licence_required=d.licence_required,
        credential_required=CredentialRequirement.from_data(credential) if credential is not None else None,
        work_authorization_required=d.work_authorization_required,
        # After a release, the overridden holds travel as warnings so matching can still explain them.
        warnings=_refs(vacancy.findings), published_at=vacancy.published_at or vacancy.updated_at)


def held(vacancy: Vacancy) -> VacancyHeld:
    """Return the event of a held vacancy: the holds that keep it back."""
    return VacancyHeld(vacancy.id, vacancy.employer_id, vacancy.draft.country, vacancy.draft.occupation,
                       _refs(vacancy.holds), vacancy.updated_at)


def closed(vacancy: Vacancy) -> VacancyClosed:
    """Return the event of a closed or rejected vacancy."""
    return VacancyClosed(vacancy.id, vacancy.close_reason or "withdrawn", vacancy.closed_at or vacancy.updated_at)


def announcement(vacancy: Vacancy) -> VacancyEvent:
    """Return the event that tells other services the vacancy's new state (held ones are never published)."""
    if vacancy.is_open:
        return published(vacancy)
    if vacancy.status == HELD:
        return held(vacancy)
    return closed(vacancy)
