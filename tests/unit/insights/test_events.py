"""The typed views of the vacancy events insights reads: they read contract-valid payloads as published."""

from datetime import UTC, datetime

import pytest

from services.insights.events import CONSUMED, VacancyClosed, VacancyHeld, VacancyPublished, parse
from tests.unit.insights.support import closed, held, new_id, published


def test_every_consumed_type_has_a_contract_schema(registry):
    assert set(CONSUMED) <= set(registry.types)


def test_a_published_vacancy_is_read_with_its_occupation_country_and_time(registry):
    vacancy_id = new_id()
    event = published(vacancy_id, "2221", "PE", published_at="2026-12-01T10:00:00Z")
    registry.validate(event)
    assert parse(event.type, event.data) == VacancyPublished(vacancy_id, "2221", "PE",
                                                             datetime(2026, 12, 1, 10, tzinfo=UTC))


def test_held_and_closed_vacancies_are_read_even_without_an_occupation(registry):
    vacancy_id = new_id()
    on_hold, gone = held(vacancy_id, occupation=None), closed(vacancy_id, "withdrawn")
    for event in (on_hold, gone):
        registry.validate(event)
    at = datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert parse(on_hold.type, on_hold.data) == VacancyHeld(vacancy_id, "CO", None, at)
    assert parse(gone.type, gone.data) == VacancyClosed(vacancy_id, "withdrawn", at)


def test_an_event_type_insights_does_not_read_is_refused():
    with pytest.raises(KeyError):
        parse("org.puente.profile.published.v1", {})
