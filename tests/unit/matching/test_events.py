"""The events matching reads and the one it publishes, checked against contracts/schemas."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.matching.events import (
    CredentialAssessed,
    MatchSuggested,
    PlacementRecorded,
    ProfilePublished,
    ProfileWithdrawn,
    VacancyClosed,
    VacancyHeld,
    VacancyPublished,
)
from shared.events import Event, SchemaRegistry, SchemaViolation
from tests.unit.matching.support import NOW, credential, new_id, profile, vacancy

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"
CONSUMED = (ProfilePublished, ProfileWithdrawn, VacancyPublished, VacancyHeld, VacancyClosed, CredentialAssessed,
            PlacementRecorded)


@pytest.fixture(scope="module")
def contracts() -> SchemaRegistry:
    return SchemaRegistry.from_contracts(CONTRACTS)


def valid(contracts, type_, data) -> dict:
    contracts.validate(Event(type=type_, source="/services/test", subject="k", data=data))
    return data


def examples() -> dict[type, dict]:
    """Return contract-shaped data of every event type matching consumes."""
    vacancy_id, profile_id = new_id(), new_id()
    return {
        ProfilePublished: profile(profile_id=profile_id),
        ProfileWithdrawn: {"profile_id": profile_id, "reason": "consent_withdrawn", "withdrawn_at": NOW},
        VacancyPublished: vacancy(vacancy_id=vacancy_id),
        VacancyHeld: {"vacancy_id": vacancy_id, "employer_id": "employer-clinic", "country": "PE", "occupation": "2221",
                      "reasons": [{"code": "discrimination_nationality", "field": "/description"}], "held_at": NOW},
        VacancyClosed: {"vacancy_id": vacancy_id, "reason": "filled", "closed_at": NOW},
        CredentialAssessed: credential(profile_id),
        PlacementRecorded: {"placement_id": new_id(), "profile_id": profile_id, "vacancy_id": vacancy_id,
                            "outcome": "hired", "recorded_at": NOW},
    }


def test_every_event_type_matching_names_has_a_contract(contracts):
    assert {e.TYPE for e in (*CONSUMED, MatchSuggested)} <= set(contracts.types)


@pytest.mark.parametrize("event", CONSUMED, ids=lambda e: e.__name__)
def test_contract_shaped_data_of_every_consumed_event_parses(contracts, event):
    data = valid(contracts, event.TYPE, examples()[event])
    parsed = event.from_data(data)
    assert parsed == event.from_data(dict(data))  # frozen, comparable, nothing but the data decides it


def test_a_published_profile_becomes_a_read_model_of_codes_and_text_only():
    data = profile(occupations=[{"code": "2221", "source": "experience", "years": 6},
                                {"code": "2221", "source": "experience", "years": 2},
                                {"code": "3221", "source": "desired"}])
    view = ProfilePublished.from_data(data).profile
    assert view.occupations == {"2221": 6.0} and view.desired == ("3221",)
    assert view.text == "Auxiliar de enfermería en hospital cuidado de pacientes" and view.languages == {"es": 7}
    assert view.work_authorization == (("PE", "permit", None),)


def test_the_consumer_handles_exactly_the_consumed_event_types(tmp_path):
    from services.matching.app import SERVICE
    from shared.bus import InMemoryBus
    from shared.service import build_container
    from shared.settings import load_settings

    settings = load_settings({"PUENTE_MATCHING_ENCODER": "hashing", "PUENTE_MATCHING_LABEL_CACHE": str(tmp_path)},
                             bus="memory", secret_key="k" * 40)
    container = build_container(SERVICE, settings, bus=InMemoryBus(), data_dir=tmp_path)
    try:
        assert set(SERVICE.handlers(container)) == {e.TYPE for e in CONSUMED}
    finally:
        container.engine.dispose()


def test_a_match_suggested_payload_is_exactly_the_contracts_shape_and_round_trips(contracts):
    profile_id, vacancy_id = new_id(), new_id()
    at = datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=UTC)
    suggested = MatchSuggested.of(profile_id, vacancy_id, 0.8123456789, True, "blend-1+abc+hashing:256", at)
    data = valid(contracts, MatchSuggested.TYPE, suggested.to_data())
    assert data == {"match_id": suggested.match_id, "profile_id": profile_id, "vacancy_id": vacancy_id,
                    "score": 0.812346, "eligible": True, "model_version": "blend-1+abc+hashing:256",
                    "suggested_at": "2026-03-01T10:00:00+00:00"}
    assert MatchSuggested.from_data(data) == suggested
    event = suggested.event("/services/matching")
    assert (event.type, event.source, event.subject, event.data) == (
        MatchSuggested.TYPE, "/services/matching", profile_id, data)


def test_a_pair_keeps_one_match_id_and_scores_outside_0_to_1_are_clamped(contracts):
    at = datetime(2026, 3, 1, tzinfo=UTC)
    first = MatchSuggested.of("p", "v", 1.2, True, "m", at)
    again = MatchSuggested.of("p", "v", -0.1, False, "m", at)
    assert first.match_id == again.match_id != MatchSuggested.of("p", "w", 0.5, True, "m", at).match_id
    assert (first.score, again.score) == (1.0, 0.0)


def test_the_contract_refuses_a_suggestion_payload_with_a_field_it_does_not_name(contracts):
    data = MatchSuggested.of(new_id(), new_id(), 0.7, True, "m", datetime(2026, 3, 1, tzinfo=UTC)).to_data()
    with pytest.raises(SchemaViolation):
        valid(contracts, MatchSuggested.TYPE, {**data, "nationality": "VE"})
