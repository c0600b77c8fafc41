"""Matching's side of the events: what it reads of each into its read models, and the suggestion it builds.

The payload classes themselves (``shared.published``) are checked against contracts/schemas in
tests/contract/test_published.py.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.matching.domain.readmodels import CEFR
from services.matching.events import CONSUMES, credential_view, placement_outcome, suggestion, vacancy_view
from shared.events import Event, SchemaRegistry, SchemaViolation
from shared.published import credentials, placements, profiles, vacancies
from shared.published.credentials import CredentialAssessed
from shared.published.matches import MatchSuggested
from shared.published.placements import PlacementRecordedV1
from shared.published.vacancies import VacancyPublished
from tests.unit.matching.support import NOW, credential, new_id, profile, profile_view, vacancy

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"


@pytest.fixture(scope="module")
def contracts() -> SchemaRegistry:
    return SchemaRegistry.from_contracts(CONTRACTS)


def valid(contracts, type_, data) -> dict:
    contracts.validate(Event(type=type_, source="/services/test", subject="k", data=data))
    return data


def test_a_published_profile_becomes_a_read_model_of_codes_and_text_only():
    data = profile(occupations=[{"code": "2221", "source": "experience", "years": 6},
                                {"code": "2221", "source": "experience", "years": 2},
                                {"code": "3221", "source": "desired"}])
    view = profile_view(data)
    assert view.occupations == {"2221": 6.0} and view.desired == ("3221",)
    assert view.text == "Auxiliar de enfermería en hospital cuidado de pacientes" and view.languages == {"es": 7}
    assert view.work_authorization == (("PE", "permit", None),) and view.updated_at == NOW


def test_a_published_vacancy_becomes_an_open_read_model_keeping_the_credential_keys_it_states():
    stated = vacancy(vacancy_id=new_id(), credential_required={"field": "0913"})
    view = vacancy_view(VacancyPublished.from_data(stated))
    assert (view.status, view.changed_at, view.credential_required) == ("open", NOW, {"field": "0913"})
    assert view.languages == (("es", CEFR["B2"]),)


def test_an_assessment_and_an_outcome_keep_their_timestamps_as_the_producer_wrote_them():
    profile_id = new_id()
    view = credential_view(CredentialAssessed.from_data(credential(profile_id)))
    assert (view.profile_id, view.assessed_at) == (profile_id, NOW)
    outcome = placement_outcome(PlacementRecordedV1.from_data(
        {"placement_id": "pl", "profile_id": profile_id, "vacancy_id": "v", "outcome": "hired", "recorded_at": NOW}))
    assert (outcome.outcome, outcome.recorded_at) == ("hired", NOW)


def test_the_consumer_handles_exactly_the_event_types_of_the_topics_it_reads(tmp_path):
    from services.matching.app import SERVICE
    from shared.bus import InMemoryBus
    from shared.service import build_container
    from shared.settings import load_settings

    settings = load_settings({"PUENTE_MATCHING_ENCODER": "hashing", "PUENTE_MATCHING_LABEL_CACHE": str(tmp_path)},
                             bus="memory", secret_key="k" * 40)
    container = build_container(SERVICE, settings, bus=InMemoryBus(), data_dir=tmp_path)
    try:
        read = {*profiles.EVENTS, *vacancies.EVENTS, *credentials.EVENTS, PlacementRecordedV1.TYPE}
        assert set(SERVICE.handlers(container)) == read
        assert set(CONSUMES) == {profiles.TOPIC, vacancies.TOPIC, credentials.TOPIC, placements.TOPIC}
    finally:
        container.engine.dispose()


def test_a_match_suggested_payload_is_exactly_the_contracts_shape_to_the_second(contracts):
    profile_id, vacancy_id = new_id(), new_id()
    at = datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=UTC)
    suggested = suggestion(profile_id, vacancy_id, 0.8123456789, True, "blend-1+abc+hashing:256", at)
    data = valid(contracts, MatchSuggested.TYPE, suggested.to_data())
    assert data == {"match_id": suggested.match_id, "profile_id": profile_id, "vacancy_id": vacancy_id,
                    "score": 0.812346, "eligible": True, "model_version": "blend-1+abc+hashing:256",
                    "suggested_at": "2026-03-01T10:00:00+00:00"}
    event = suggested.event("/services/matching")
    assert (event.type, event.source, event.subject, event.data) == (
        MatchSuggested.TYPE, "/services/matching", profile_id, data)


def test_a_pair_keeps_one_match_id_and_scores_outside_0_to_1_are_clamped():
    at = datetime(2026, 3, 1, tzinfo=UTC)
    first = suggestion("p", "v", 1.2, True, "m", at)
    again = suggestion("p", "v", -0.1, False, "m", at)
    assert first.match_id == again.match_id != suggestion("p", "w", 0.5, True, "m", at).match_id
    assert (first.score, again.score) == (1.0, 0.0)


def test_the_contract_refuses_a_suggestion_payload_with_a_field_it_does_not_name(contracts):
    data = suggestion(new_id(), new_id(), 0.7, True, "m", datetime(2026, 3, 1, tzinfo=UTC)).to_data()
    with pytest.raises(SchemaViolation):
        valid(contracts, MatchSuggested.TYPE, {**data, "nationality": "VE"})
