"""How a vacancy's state becomes the event that announces it: every announcement matches its contract.

The payload classes themselves (``shared.published.vacancies``) are checked in tests/contract/test_published.py.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from services.vacancies import events
from services.vacancies.domain.model import Draft, Finding, Pay, Vacancy, closed, reviewed
from services.vacancies.events import SOURCE, announcement
from shared.events import SchemaViolation
from shared.published.vacancies import VacancyClosed, VacancyHeld, VacancyPublished

NOW = datetime(2025, 8, 1, 12, tzinfo=UTC)
HOLD = Finding("pay_below_minimum", "/pay/amount", "hold", {"minimum": 1130.0})
WARN = Finding("long_shifts", "/shifts", "warning", {"evidence": "turnos de 12 horas"})


def vacancy(**kw) -> Vacancy:
    draft = Draft(title="Cocinero de menú", description="Restaurante en Surco busca cocinero con planilla.",
                  language="es", country="PE", city="Lima", pay=Pay(1800.0, "PEN", "month"), hours_per_week=48,
                  contract_type="permanent", occupation="5120", required_skills=("S1001",), nice_skills=("S1002",),
                  languages=({"code": "es", "min_level": "B1"},), start_date=date(2025, 9, 1),
                  closing_date=date(2025, 10, 1), credential_required={"min_level": 3, "field": None})
    base = dict(id="0b8a4c3e-8d1f-4a57-9a0e-6f2f0c1d2e3f", employer_id="employer-a", submitter="employer-a",
                draft=draft, status="published_with_warnings", findings=(WARN,), version=1, created_at=NOW,
                updated_at=NOW, published_at=NOW, monthly_equivalent=1800.0)
    return Vacancy(**{**base, **kw})


def lifecycle() -> list[Vacancy]:
    """A vacancy in every state an event announces."""
    held = vacancy(status="held", findings=(HOLD, WARN), published_at=None)
    later = NOW + timedelta(hours=1)
    return [vacancy(), vacancy(status="published", findings=(), draft=replace(vacancy().draft, city=None,
                                                                            start_date=None, closing_date=None,
                                                                            credential_required=None)),
            held, reviewed(held, "release", "Checked with the ministry.", "a1", later),
            reviewed(held, "reject", "Pay far below the minimum.", "a1", later), closed(vacancy(), "filled", later)]


@pytest.mark.parametrize("state", lifecycle(), ids=lambda v: f"{v.status}-{v.close_reason}")
def test_every_announcement_matches_its_contract_and_is_keyed_by_the_vacancy(registry, state):
    built = announcement(state)
    event = built.event(SOURCE)
    registry.validate(event)
    assert (event.type, event.source, event.subject) == (built.TYPE, SOURCE, state.id)


def test_the_published_payload_carries_every_field_matching_reads():
    data = events.published(vacancy()).to_data()
    assert list(data) == ["vacancy_id", "employer_id", "title", "description", "language", "occupation",
                          "required_skills", "nice_skills", "languages", "country", "city", "remote", "openings",
                          "pay", "hours_per_week", "contract_type", "start_date", "closing_date", "licence_required",
                          "credential_required", "work_authorization_required", "warnings", "published_at"]
    assert data["pay"] == {"amount": 1800.0, "currency": "PEN", "period": "month", "monthly_equivalent": 1800.0}
    assert data["warnings"] == [{"code": "long_shifts", "field": "/shifts"}]
    assert data["start_date"] == "2025-09-01" and data["published_at"] == NOW.isoformat()
    assert data["languages"] == [{"code": "es", "min_level": "B1"}]
    assert data["credential_required"] == {"min_level": 3, "field": None}


def test_a_credential_requirement_carries_only_the_keys_the_employer_stated():
    stated = vacancy(draft=replace(vacancy().draft, credential_required={"field": "0913"}))
    nothing = vacancy(draft=replace(vacancy().draft, credential_required={}))
    assert events.published(stated).to_data()["credential_required"] == {"field": "0913"}
    assert events.published(nothing).to_data()["credential_required"] == {}


def test_a_released_vacancy_announces_its_overridden_holds_as_warnings():
    held = vacancy(status="held", findings=(HOLD,), published_at=None)
    released = announcement(reviewed(held, "release", "Lawful.", "a1", NOW))
    assert isinstance(released, VacancyPublished)
    assert [w.to_data() for w in released.warnings] == [{"code": "pay_below_minimum", "field": "/pay/amount"}]


def test_a_held_vacancy_announces_only_its_holds():
    held = announcement(vacancy(status="held", findings=(HOLD, WARN), published_at=None))
    assert isinstance(held, VacancyHeld)
    assert held.to_data()["reasons"] == [{"code": "pay_below_minimum", "field": "/pay/amount"}]


def test_a_rejected_vacancy_is_announced_closed_as_rejected():
    rejected = reviewed(vacancy(status="held", findings=(HOLD,)), "reject", "No.", "a1", NOW)
    assert announcement(rejected) == VacancyClosed(rejected.id, "rejected", NOW)


def test_long_texts_are_cut_to_the_contracts_limits(registry):
    long = vacancy(draft=replace(vacancy().draft, title="T" * 250, description="D" * 12000))
    event = announcement(long).event(SOURCE)
    registry.validate(event)
    assert len(event.data["title"]) == 200 and len(event.data["description"]) == 10000


def test_the_contract_refuses_a_payload_that_breaks_it(registry):
    bad = replace(events.closed(closed(vacancy(), "filled", NOW)), reason="sold")
    with pytest.raises(SchemaViolation):
        registry.validate(bad.event(SOURCE))
