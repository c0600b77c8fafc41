"""The order a ranking shows pairs in: usefulness to the person, not eligible-first.

Each case below is built so that the former rule (every eligible pair before every ineligible one) gives a
different order, so these tests fail under it.
"""

import pytest

from services.matching.domain.eligibility import Blocker
from services.matching.domain.scoring import Match, Weights, order, out_of_reach, usefulness


def _match(vacancy_id, score, *blockers):
    return Match("p", vacancy_id, score, tuple(Blocker(code, reason) for code, reason in blockers), {}, None, 4,
                 (), (), "not_required", "v")


LICENCE = ("licence_required", "procedure")
LANGUAGE = ("language", "below_level")
WONT_MOVE = ("location", "not_relocating")
OTHER_COUNTRY = ("location", "other_country")
NO_PERMIT = ("work_authorization", "none")
PERMIT_UNDER_WAY = ("work_authorization", "in_process")


def ids(ranked):
    return [m.vacancy_id for m in ranked]


def test_a_nursing_job_recognition_would_unlock_ranks_above_an_eligible_kitchen_job():
    ranked = order([_match("kitchen-helper", 0.45), _match("nursing-needs-recognition", 0.8, LICENCE)],
                   blocked=0.85)
    assert ids(ranked) == ["nursing-needs-recognition", "kitchen-helper"]


def test_an_eligible_job_of_the_same_fit_ranks_above_the_one_a_next_step_would_unlock():
    ranked = order([_match("nursing-needs-recognition", 0.8, LICENCE), _match("nursing-eligible", 0.8)],
                   blocked=0.85)
    assert ids(ranked) == ["nursing-eligible", "nursing-needs-recognition"]


def test_a_blocked_job_ranks_by_its_score_times_the_penalty_among_the_eligible_ones():
    ranked = order([_match("eligible-0.75", 0.75), _match("blocked-0.85", 0.85, LANGUAGE),
                    _match("eligible-0.70", 0.70), _match("blocked-0.80", 0.80, LICENCE, LANGUAGE)], blocked=0.85)
    # 0.85 x 0.85 = 0.7225 and 0.80 x 0.85 = 0.68
    assert ids(ranked) == ["eligible-0.75", "blocked-0.85", "eligible-0.70", "blocked-0.80"]


def test_a_job_out_of_reach_ranks_after_every_reachable_one_whatever_its_score():
    ranked = order([_match("abroad-will-not-move", 0.95, WONT_MOVE), _match("needs-course", 0.5, LANGUAGE),
                    _match("no-permit-no-application", 0.9, NO_PERMIT), _match("permit-under-way", 0.6,
                                                                                PERMIT_UNDER_WAY),
                    _match("other-country", 0.9, OTHER_COUNTRY)], blocked=0.85)
    assert ids(ranked) == ["permit-under-way", "needs-course", "abroad-will-not-move", "no-permit-no-application",
                           "other-country"]
    assert [out_of_reach(m) for m in ranked] == [False, False, True, True, True]


def test_a_blocked_factor_of_zero_gives_back_eligible_first_and_one_ranks_by_score_alone():
    matches = [_match("ok", 0.5), _match("blocked", 0.9, LICENCE)]
    assert ids(order(matches, blocked=0.0)) == ["ok", "blocked"]
    assert ids(order(matches, blocked=1.0)) == ["blocked", "ok"]
    assert usefulness(matches[1], 0.5) == pytest.approx(0.45) and usefulness(matches[0], 0.5) == 0.5


def test_pairs_below_the_plausible_score_are_left_out_but_a_job_elsewhere_stays_out_of_reach():
    ranked = order([_match("unrelated-ok", 0.3), _match("strong-blocked", 0.8, LICENCE),
                    _match("strong-ok", 0.7), _match("unrelated-blocked", 0.35, LICENCE),
                    _match("elsewhere", 0.9, OTHER_COUNTRY)], plausible=0.5, blocked=0.85)
    assert ids(ranked) == ["strong-ok", "strong-blocked", "elsewhere"]


def test_when_nothing_scores_as_plausible_the_pairs_near_the_best_reachable_one_are_kept():
    ranked = order([_match("near-best", 0.25), _match("best-blocked", 0.3, LICENCE),
                    _match("far", 0.1), _match("elsewhere", 0.3, OTHER_COUNTRY)],
                   plausible=0.5, relative=0.5, blocked=0.85)
    assert ids(ranked) == ["best-blocked", "near-best", "elsewhere"]


def test_ties_in_usefulness_are_broken_by_id_so_pages_stay_stable():
    ranked = order([_match("b", 0.5), _match("a", 0.5), _match("c", 0.5)])
    assert ids(ranked) == ["a", "b", "c"]


def test_the_blocked_factor_is_a_weight_between_zero_and_one():
    assert Weights.from_mapping({"blocked": 0.7}).blocked == 0.7
    with pytest.raises(ValueError, match="blocked"):
        Weights.from_mapping({"blocked": 1.2})
