"""The workspace's rules on plain data: what needs doing first, a profile's request body, resuming the intake,
the pipeline's choices and why a vacancy ranks where it does."""

from datetime import UTC, datetime, timedelta

from services.portal.adapters.memory import match_item
from services.portal.workspace import logic

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def person(pid, days_ago=0, **extra):
    return {"id": pid, "given_names": pid.title(), "family_names": "X",
            "last_contact_at": (NOW - timedelta(days=days_ago)).isoformat(), **extra}


def test_the_queue_puts_requests_first_then_interviews_strong_matches_unanswered_introductions_and_stale_people():
    queue = logic.build_queue(
        requests=[({"candidate": "rosa", "vacancy_id": "v1", "vacancy_title": "Cook",
                    "requested_at": NOW.isoformat()}, "Rosa X")],
        interviews=[person("ivan")], strong=[(person("sara"), 2), (person("nobody"), 0)],
        introduced=[person("nina", days_ago=8), person("newly", days_ago=2)], stale=[person("olga", days_ago=40)],
        now=NOW)
    assert [t.profile_id for t in queue] == ["rosa", "ivan", "sara", "nina", "olga"]
    assert queue[2].reasons[0].count == 2 and queue[0].reasons[0].title == "Cook"


def test_a_person_with_several_reasons_is_listed_once_under_the_most_urgent():
    queue = logic.build_queue(stale=[person("ana", days_ago=50)], strong=[(person("ana", days_ago=50), 1)],
                              interviews=[person("ben")], now=NOW)
    assert [t.profile_id for t in queue] == ["ben", "ana"]
    assert [r.kind for r in queue[1].reasons] == [logic.STRONG_MATCH, logic.STALE]


def test_among_equals_who_waited_longest_comes_first():
    queue = logic.build_queue(stale=[person("recent", days_ago=31), person("oldest", days_ago=90)], now=NOW)
    assert [t.profile_id for t in queue] == ["oldest", "recent"]


def test_only_eligible_strong_matches_not_yet_proposed_count():
    ranked = [match_item("a", 0.8), match_item("b", 0.5), match_item("c", 0.49),
              match_item("d", 0.9, blockers=({"code": "language", "message": "", "next_step": ""},))]
    assert logic.strong_matches(ranked) == 2
    assert logic.strong_matches(ranked, proposed=["a"]) == 1


def test_a_profile_body_keeps_every_recorded_detail_and_turns_consents_into_answers():
    read = {"id": "p", "centre": "c", "version": 3, "redacted": False, "created_at": "x", "updated_at": "y",
            "identity": {"given_names": "A"}, "location": {"country": "CO"}, "skills": ["S1"],
            "consents": {"matching": {"given": True, "recorded_at": "t", "recorded_by": "u"},
                         "introductions": {"given": False}}, "consent_history": []}
    body = logic.profile_body(read, skills=["S1", "S2"])
    assert body == {"identity": {"given_names": "A"}, "location": {"country": "CO"}, "skills": ["S1", "S2"],
                    "consents": {"matching": True, "introductions": False, "statistics": False}}


def test_the_intake_resumes_at_the_first_step_without_an_answer():
    done = logic.steps_done({"languages": [{"code": "es"}], "experience": []})
    assert logic.resume_step(done) == "experience"
    assert logic.steps_done({}, credentials=1)["education"] is True
    full = {"languages": [1], "skills_text": "x", "education": [1], "availability": "immediate"}
    assert logic.resume_step(logic.steps_done(full)) is None


def test_the_pipeline_offers_only_the_next_steps_and_never_introduction_as_a_plain_stage():
    assert logic.next_stages("proposed") == ("not_hired",)
    assert logic.next_stages("introduced") == ("applied", "not_hired")
    assert logic.next_stages("hired") == ("left",)
    assert logic.next_stages("not_hired") == () and logic.next_stages(None) == ()
    assert all("introduced" not in moves for moves in logic.NEXT_STAGES.values())


def test_trade_fit_is_said_from_the_isco_distance():
    assert logic.trade_fit(match_item("v", 0.5, distance=0)["explanation"]) == logic.SAME_TRADE
    assert logic.trade_fit(match_item("v", 0.5, distance=2)["explanation"]) == logic.CLOSE_TRADE
    assert logic.trade_fit(match_item("v", 0.5, distance=4)["explanation"]) == logic.OTHER_TRADE
    assert logic.trade_fit(match_item("v", 0.5, closest=None)["explanation"]) is None


def test_why_not_higher_names_the_blockers_and_each_weak_part_of_the_score():
    item = match_item("v", 0.4, blockers=({"code": "language", "message": "Needs B2.", "next_step": "A course."},),
                      missing=("S2", "S3"), matched=("S1",), distance=1,
                      components={"semantic": 0.2, "experience": None, "location": 0.4, "language": 0.5})
    reasons = {w.code: w.params for w in logic.why_not_higher(item, above=4)}
    assert reasons["blocked"] == {"blockers": ["Needs B2."]}
    assert reasons["skills"] == {"have": 1, "needed": 3, "missing": ["S2", "S3"]}
    assert set(reasons) == {"blocked", "text", "trade", "skills", "no_experience", "language", "location_move"}


def test_a_strong_match_below_others_is_a_close_call_and_the_first_needs_no_excuse():
    strong = match_item("v", 0.9, components={"experience": 1.0})
    assert [w.code for w in logic.why_not_higher(strong, above=2)] == ["close_call"]
    assert [w.code for w in logic.why_not_higher(strong, above=0)] == ["first"]
