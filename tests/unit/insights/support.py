"""Vacancy events as the vacancies service publishes them (full contract payloads), for the insights tests."""

from __future__ import annotations

import uuid

from shared.events import Event, new_event

SOURCE = "/services/vacancies"
AT = "2026-12-01T10:00:00+00:00"


def new_id() -> str:
    """Return a random vacancy id."""
    return str(uuid.uuid4())


def published(vacancy_id: str, occupation: str = "5120", country: str = "CO", **over) -> Event:
    """Return a ``vacancy.published`` CloudEvent for a cook's job in Bogotá, with overrides."""
    data = {
        "vacancy_id": vacancy_id, "employer_id": "employer-x", "title": "Cocinero de línea",
        "description": "Preparar platos calientes.", "language": "es", "occupation": occupation,
        "required_skills": [], "nice_skills": [], "languages": [{"code": "es", "min_level": "B1"}],
        "country": country, "city": "Bogotá", "remote": False, "openings": 2,
        "pay": {"amount": 1500000, "currency": "COP", "period": "month", "monthly_equivalent": 1500000},
        "hours_per_week": 44, "contract_type": "permanent", "licence_required": False,
        "work_authorization_required": True, "warnings": [], "published_at": AT, **over,
    }
    return new_event("org.puente.vacancy.published.v1", SOURCE, vacancy_id, data)


def held(vacancy_id: str, country: str = "CO", occupation: str | None = "5120") -> Event:
    """Return a ``vacancy.held`` CloudEvent (pay under the minimum wage)."""
    return new_event("org.puente.vacancy.held.v1", SOURCE, vacancy_id, {
        "vacancy_id": vacancy_id, "employer_id": "employer-x", "country": country, "occupation": occupation,
        "reasons": [{"code": "pay_below_minimum", "field": "/pay/amount"}], "held_at": AT})


def closed(vacancy_id: str, reason: str = "filled") -> Event:
    """Return a ``vacancy.closed`` CloudEvent."""
    return new_event("org.puente.vacancy.closed.v1", SOURCE, vacancy_id,
                     {"vacancy_id": vacancy_id, "reason": reason, "closed_at": AT})
