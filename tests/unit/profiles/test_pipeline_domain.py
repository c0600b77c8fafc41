"""The placement stage machine and the introduction's consent, on plain objects."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.profiles.domain.placements import (
    APPLIED,
    HIRED,
    INTERVIEW,
    INTRODUCED,
    LEFT,
    NEXT,
    NOT_HIRED,
    PROPOSED,
    STAGES,
    ConsentRecord,
    allowed,
    introduce,
    propose,
)
from shared.errors import Conflict, Invalid

AT = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
PROFILE, VACANCY = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


def placement(*stages: str):
    """Return a placement moved through ``stages`` one day apart (introduced as an introduction does it)."""
    p = propose("33333333-3333-4333-8333-333333333333", PROFILE, "centre-lima", VACANCY, "c-1", AT - timedelta(30))
    for i, stage in enumerate(stages, start=1):
        p.move(stage, "c-1", AT - timedelta(30 - i), introduction=stage == INTRODUCED)
    return p


def test_a_placement_walks_the_whole_pipeline_and_keeps_each_step_in_its_history():
    p = placement(INTRODUCED, APPLIED, INTERVIEW, HIRED, LEFT)
    assert [s.stage for s in p.history] == [PROPOSED, INTRODUCED, APPLIED, INTERVIEW, HIRED, LEFT]
    assert p.stage == LEFT and p.previous_stage == HIRED and p.version == 6
    assert p.updated_at == p.history[-1].at and p.history[0].on == (AT - timedelta(30)).date()


def test_the_allowed_moves_are_exactly_the_pipeline_and_not_hired_from_any_stage_before_an_outcome():
    moves = {(a, b) for a in STAGES for b in STAGES if allowed(a, b)}
    forward = {(PROPOSED, INTRODUCED), (INTRODUCED, APPLIED), (APPLIED, INTERVIEW), (INTERVIEW, HIRED), (HIRED, LEFT)}
    declined = {(s, NOT_HIRED) for s in (PROPOSED, INTRODUCED, APPLIED, INTERVIEW)}
    assert moves == forward | declined
    assert NEXT[NOT_HIRED] == NEXT[LEFT] == ()


@pytest.mark.parametrize(("path", "wanted"), [
    ((), APPLIED),  # no skipping the introduction
    ((INTRODUCED,), HIRED),  # no skipping application and interview
    ((INTRODUCED, APPLIED), APPLIED),  # no standing still
    ((INTRODUCED, APPLIED, INTERVIEW), LEFT),  # left only after hired
    ((INTRODUCED, APPLIED, INTERVIEW, HIRED), NOT_HIRED),  # hired is an outcome
    ((INTRODUCED, APPLIED, INTERVIEW, HIRED, LEFT), HIRED),  # left is final
    ((INTRODUCED, APPLIED), INTRODUCED),  # no going back
])
def test_a_move_the_pipeline_does_not_allow_is_refused_and_changes_nothing(path, wanted):
    p = placement(*path)
    before = (p.stage, len(p.history), p.version)
    with pytest.raises(Conflict) as refused:
        p.move(wanted, "c-1", AT, note="x", introduction=True)
    assert refused.value.code == "stage_not_allowed" and refused.value.status == 409
    assert refused.value.params == {"current": p.stage, "wanted": wanted}
    assert (p.stage, len(p.history), p.version) == before


def test_introduced_is_refused_as_a_plain_stage_change_even_from_proposed():
    p = placement()
    with pytest.raises(Conflict) as refused:
        p.move(INTRODUCED, "c-1", AT)
    assert refused.value.code == "introduced_through_introductions" and p.stage == PROPOSED


def test_declining_at_proposed_needs_a_reason_later_a_not_hired_does_not():
    p = placement()
    for empty in (None, "   "):
        with pytest.raises(Invalid) as refused:
            p.move(NOT_HIRED, "c-1", AT, note=empty)
        assert (refused.value.code, refused.value.pointer) == ("reason_required", "/note")
    step = p.move(NOT_HIRED, "c-1", AT, note=" Prefiere trabajar en Lima norte ")
    assert step.note == "Prefiere trabajar en Lima norte" and p.stage == NOT_HIRED
    assert placement(INTRODUCED, APPLIED).move(NOT_HIRED, "c-1", AT).note is None


def test_the_day_of_a_step_defaults_to_the_day_it_is_recorded_and_may_be_earlier_but_not_later():
    p = placement(INTRODUCED)
    step = p.move(APPLIED, "c-2", AT, on=date(2026, 3, 1), note="Envió la hoja de vida")
    assert (step.on, step.at, step.by) == (date(2026, 3, 1), AT, "c-2")
    assert p.move(INTERVIEW, "c-2", AT).on == AT.date()
    with pytest.raises(Invalid) as future:
        placement(INTRODUCED).move(APPLIED, "c-1", AT, on=AT.date() + timedelta(days=2))
    assert (future.value.code, future.value.pointer) == ("date_future", "/on")


def test_a_step_cannot_be_dated_before_the_step_it_follows():
    p = placement(INTRODUCED)  # introduced on AT - 29 days
    with pytest.raises(Invalid) as refused:
        p.move(APPLIED, "c-1", AT, on=(AT - timedelta(days=31)).date())
    assert (refused.value.code, refused.value.pointer) == ("before_previous_step", "/on")
    assert refused.value.params == {"previous": (AT - timedelta(days=29)).date().isoformat()}


def test_an_introduction_needs_the_persons_consent():
    p = placement()
    with pytest.raises(Invalid) as refused:
        introduce("i-1", p, "employer-1", ConsentRecord(False, "ht", True, "c-1", AT))
    assert (refused.value.code, refused.value.pointer) == ("consent_required", "/consent/given")
    done = introduce("i-1", p, "employer-1", ConsentRecord(True, "ht", True, "c-1", AT))
    assert (done.profile_id, done.vacancy_id, done.employer_org, done.consented_at) == (PROFILE, VACANCY,
                                                                                          "employer-1", AT)
