"""The placement events profiles publishes (v2, and v1 for compatibility) against their contracts, and profiles'
own readers of the vacancy events against theirs."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.profiles.domain.placements import APPLIED, INTRODUCED, NOT_HIRED, PROPOSED, STAGES, propose
from services.profiles.events import compatible, placement_events, recorded
from shared.events import SchemaViolation, new_event
from shared.published.placements import PlacementRecordedV2
from tests.unit.profiles.factories import REGISTRY as CONTRACTS

SOURCE = "/services/profiles"

AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PROFILE, VACANCY = "8b3c4d5e-6f7a-4b8c-8d9e-1f2a3b4c5d6e", "5b0c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4"
PLACEMENT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def walked(*stages):
    p = propose(PLACEMENT, PROFILE, "centre-lima", VACANCY, "c-1", AT, note="Nota privada: vive lejos")
    for stage in stages:
        p.move(stage, "c-1", AT + timedelta(days=1), on=date(2026, 3, 10), note="Le fue bien; llamar al 987654321",
               introduction=stage == INTRODUCED)
    return p


@pytest.mark.parametrize("path", [(), (INTRODUCED,), (INTRODUCED, APPLIED), (NOT_HIRED,)], ids=str)
def test_each_step_matches_the_v2_contract_reads_back_and_carries_no_note(path):
    p = walked(*path)
    events = placement_events(p, p.history[-1], p.previous_stage, SOURCE)
    for event in events:
        CONTRACTS.validate(event)
        assert event.subject == PLACEMENT and "Nota" not in event.to_json().decode()
        assert "987654321" not in event.to_json().decode()
    v2 = PlacementRecordedV2.from_data(events[0].data)
    assert v2 == recorded(p, p.history[-1], p.previous_stage)
    assert (v2.stage, v2.previous_stage) == (p.stage, p.previous_stage)


def test_the_v1_twin_exists_only_for_the_stages_v1_knows_and_says_the_same_step():
    expected = {"applied": "applied", "interview": "interviewed", "hired": "hired", "not_hired": "rejected",
                "left": "withdrawn"}
    for stage in STAGES:
        v2 = PlacementRecordedV2(PLACEMENT, PROFILE, VACANCY, stage, PROPOSED, AT, AT.date())
        v1 = compatible(v2)
        if stage not in expected:
            assert v1 is None, stage
            continue
        CONTRACTS.validate(v1.event(SOURCE))
        assert (v1.outcome, v1.recorded_at, v1.placement_id) == (expected[stage], AT, PLACEMENT)


def test_the_v2_contract_refuses_a_previous_stage_at_proposed_and_its_absence_later():
    good = PlacementRecordedV2(PLACEMENT, PROFILE, VACANCY, APPLIED, INTRODUCED, AT, AT.date())
    for bad in ({**good.to_data(), "previous_stage": None},
                {**good.to_data(), "stage": PROPOSED},
                {**good.to_data(), "note": "x"}):
        with pytest.raises(SchemaViolation):
            CONTRACTS.validate(new_event(PlacementRecordedV2.TYPE, SOURCE, PLACEMENT, bad))
