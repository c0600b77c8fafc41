from contextlib import contextmanager

import pytest

from services.matching.api import SERVICE_KEY
from services.matching.app import SERVICE
from services.matching.domain.scoring import Weights
from services.matching.index import ExactIndex
from shared.bus import InMemoryBus
from shared.consumer import SqlInbox
from shared.events import Event
from shared.service import build_container
from shared.settings import load_settings
from tests.unit.matching.support import HashingTestEncoder, new_id, profile, sql_service, vacancy


@pytest.fixture
def service(tmp_path):
    settings = load_settings({}, bus="memory", secret_key="k" * 40,
                             database_url=f"sqlite:///{tmp_path / 'matching.db'}")
    container = build_container(SERVICE, settings, bus=InMemoryBus(), data_dir=tmp_path)
    encoder = HashingTestEncoder()
    container.extras[SERVICE_KEY] = sql_service(container, encoder, ExactIndex(encoder.dim), ExactIndex(encoder.dim),
                                                strong=0.5)
    handlers = SERVICE.handlers(container)

    def deliver(*events):
        with SqlInbox(container.sessions, "matching").transaction() as tx:
            fresh = tx.claim(list(events))
            for e in fresh:
                handlers[e.type]([e], tx)
        return len(fresh)

    app = SERVICE.create_app(container)
    return container, deliver, app.test_client()


def ev(type_, data, key):
    return Event(type=f"org.puente.{type_}.v1", source="/services/test", subject=data[key], data=data)


@contextmanager
def nothing():
    yield


def auth(container, role, org):
    return {"Authorization": f"Bearer {container.issuer.issue('u1', role, org)}"}


def test_a_counsellor_gets_an_eligible_vacancy_above_a_blocked_one_of_the_same_fit_with_next_steps(service):
    container, deliver, client = service
    p = profile()
    ok, blocked = vacancy(), vacancy(licence_required=True)
    deliver(ev("profile.published", p, "profile_id"), ev("vacancy.published", ok, "vacancy_id"),
            ev("vacancy.published", blocked, "vacancy_id"))
    r = client.get(f"/api/v1/matches?profile={p['profile_id']}", headers={
        **auth(container, "counsellor", "centre-lima"), "Accept-Language": "pt-BR"})
    assert r.status_code == 200, r.json
    items = r.json["items"]
    assert [(i["vacancy_id"], i["eligible"]) for i in items] == [(ok["vacancy_id"], True),
                                                                  (blocked["vacancy_id"], False)]
    assert items[1]["blockers"][0]["code"] == "licence_required"
    assert "diploma" in items[1]["blockers"][0]["message"]
    assert set(items[0]) == {"vacancy_id", "score", "eligible", "blockers", "explanation"}
    assert items[0]["explanation"]["sentence"] and r.json["model_version"].startswith("blend-1")


def test_blocked_jobs_rank_by_usefulness_jobs_out_of_reach_come_last_and_non_matches_are_left_out(service):
    """A job in another trade is no match; a job abroad is listed with its location blocker (never silent)."""
    container, deliver, client = service
    p = profile()
    blocked = vacancy(licence_required=True)  # the profile's own text and trade: the highest score
    ok = vacancy(title="Puesto en clínica", description="Se necesita personal para turno de tarde en Lima.")
    cook = vacancy(occupation="5120", title="Cocinero", description="Restaurante busca cocinero.", required_skills=[])
    abroad = vacancy(country="CL", city="Santiago")  # the person will not move
    deliver(ev("profile.published", p, "profile_id"),
            *[ev("vacancy.published", v, "vacancy_id") for v in (blocked, ok, cook, abroad)])
    r = client.get(f"/api/v1/matches?profile={p['profile_id']}", headers=auth(container, "counsellor", "centre-lima"))
    items = r.json["items"]
    assert {i["vacancy_id"] for i in items} == {ok["vacancy_id"], blocked["vacancy_id"], abroad["vacancy_id"]}
    by_id = {i["vacancy_id"]: i for i in items}
    # Out of reach (the person will not move): last, though it scores above the eligible job.
    assert items[-1]["vacancy_id"] == abroad["vacancy_id"]
    assert by_id[abroad["vacancy_id"]]["score"] > by_id[ok["vacancy_id"]]["score"]
    assert "location" in [b["code"] for b in by_id[abroad["vacancy_id"]]["blockers"]]
    # The reachable ones by usefulness: the blocked one's score times the blend's blocked factor.
    factor = Weights().blocked
    useful = [i["score"] * (1 if i["eligible"] else factor) for i in items[:-1]]
    assert useful == sorted(useful, reverse=True) and not by_id[blocked["vacancy_id"]]["eligible"]


def test_the_eligible_filter_keeps_one_side_and_never_pads_the_list_with_unrelated_jobs(service):
    container, deliver, client = service
    p = profile()
    blocked = vacancy(licence_required=True)
    cook = vacancy(occupation="5120", title="Cocinero", description="Restaurante busca cocinero.", required_skills=[])
    deliver(ev("profile.published", p, "profile_id"),
            *[ev("vacancy.published", v, "vacancy_id") for v in (blocked, cook)])
    url = f"/api/v1/matches?profile={p['profile_id']}"
    h = auth(container, "counsellor", "centre-lima")
    assert [i["vacancy_id"] for i in client.get(url, headers=h).json["items"]] == [blocked["vacancy_id"]]
    only_blocked = client.get(url + "&eligible=false", headers=h).json["items"]
    assert [(i["vacancy_id"], i["eligible"]) for i in only_blocked] == [(blocked["vacancy_id"], False)]
    assert only_blocked[0]["blockers"][0]["code"] == "licence_required"
    # The cook's job is eligible but no match for a nurse: asking for eligible jobs does not bring it back.
    assert client.get(url + "&eligible=true", headers=h).json["items"] == []
    score = only_blocked[0]["score"]
    assert client.get(url + f"&min_score={score + 0.001:.4f}", headers=h).json["items"] == []
    assert len(client.get(url + f"&min_score={score:.6f}", headers=h).json["items"]) == 1
    bad = client.get(url + "&min_score=2", headers=h)
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/min_score"


def test_an_employer_asking_for_blocked_candidates_is_refused_and_sees_eligible_ones_either_way(service):
    container, deliver, client = service
    v = vacancy()
    fits, no_permit = profile(), profile(work_authorization=[])
    deliver(ev("vacancy.published", v, "vacancy_id"),
            *[ev("profile.published", x, "profile_id") for x in (fits, no_permit)])
    url = f"/api/v1/matches?vacancy={v['vacancy_id']}"
    employer = auth(container, "employer", "employer-clinic")
    refused = client.get(url + "&eligible=false", headers={**employer, "Accept-Language": "es"})
    assert refused.status_code == 403 and refused.json["errors"][0]["pointer"] == "/eligible"
    assert "empleador" in refused.json["errors"][0]["reason"].lower()
    for query in ("", "&eligible=true"):
        items = client.get(url + query, headers=employer).json["items"]
        assert [i["profile_id"] for i in items] == [fits["profile_id"]]
    counsellor = client.get(url + "&eligible=false", headers=auth(container, "counsellor", "centre-lima")).json
    assert [i["profile_id"] for i in counsellor["items"]] == [no_permit["profile_id"]]


def test_explanations_default_to_the_persons_language_and_a_stated_language_adds_it_to_read_aloud(service):
    container, deliver, client = service
    p = profile(text_language="pt", languages=[{"code": "pt", "level": "native"}, {"code": "es", "level": "B2"}])
    v = vacancy(languages=[{"code": "es", "min_level": "B1"}])
    deliver(ev("profile.published", p, "profile_id"), ev("vacancy.published", v, "vacancy_id"))
    url = f"/api/v1/matches?profile={p['profile_id']}"
    h = auth(container, "counsellor", "centre-lima")
    unstated = client.get(url, headers=h).json["items"][0]["explanation"]
    assert unstated["lang"] == "pt" and "read_aloud" not in unstated
    assert "pode se candidatar" in unstated["sentence"]
    stated = client.get(url, headers={**h, "Accept-Language": "es-PE,es;q=0.9"}).json["items"][0]["explanation"]
    assert stated["lang"] == "es" and "puede postularse" in stated["sentence"]
    assert stated["read_aloud"] == {"lang": "pt", "sentence": unstated["sentence"]}
    assert client.get(url + "&lang=fr", headers=h).json["items"][0]["explanation"]["lang"] == "fr"
    # A ranking of candidates has no one person to read it to: the reader's language, else English.
    candidates = client.get(f"/api/v1/matches?vacancy={v['vacancy_id']}", headers=h).json["items"]
    assert candidates[0]["explanation"]["lang"] == "en" and "read_aloud" not in candidates[0]["explanation"]


def test_pages_follow_the_cursor_and_a_forged_cursor_is_a_pointed_400(service):
    container, deliver, client = service
    p = profile()
    vs = [vacancy() for _ in range(3)]
    deliver(ev("profile.published", p, "profile_id"), *[ev("vacancy.published", v, "vacancy_id") for v in vs])
    h = auth(container, "admin", "puente")
    first = client.get(f"/api/v1/matches?profile={p['profile_id']}&limit=2", headers=h).json
    second = client.get(f"/api/v1/matches?profile={p['profile_id']}&limit=2&cursor={first['next_cursor']}",
                        headers=h).json
    seen = [i["vacancy_id"] for i in first["items"] + second["items"]]
    assert sorted(seen) == sorted(v["vacancy_id"] for v in vs) and second["next_cursor"] is None
    bad = client.get(f"/api/v1/matches?profile={p['profile_id']}&cursor=!!", headers=h)
    assert bad.status_code == 400 and bad.json["errors"][0]["pointer"] == "/cursor"
    both = client.get(f"/api/v1/matches?profile={p['profile_id']}&vacancy={vs[0]['vacancy_id']}", headers=h)
    assert both.status_code in (400, 422)


def test_profile_queries_are_for_the_profiles_own_centre_and_not_for_employers(service):
    container, deliver, client = service
    p = profile()
    deliver(ev("profile.published", p, "profile_id"))
    url = f"/api/v1/matches?profile={p['profile_id']}"
    assert client.get(url, headers=auth(container, "counsellor", "centre-cucuta")).status_code == 403
    assert client.get(url, headers=auth(container, "employer", "employer-clinic")).status_code == 403
    assert client.get(url).status_code == 401


def test_the_employer_sees_only_eligible_consenting_candidates_by_pseudonym(service):
    container, deliver, client = service
    v = vacancy()
    fits, no_permit, no_intro = profile(), profile(work_authorization=[]), profile(
        consents={"matching": True, "introductions": False, "statistics": True})
    deliver(ev("vacancy.published", v, "vacancy_id"),
            *[ev("profile.published", x, "profile_id") for x in (fits, no_permit, no_intro)])
    url = f"/api/v1/matches?vacancy={v['vacancy_id']}"
    r = client.get(url, headers=auth(container, "employer", "employer-clinic"))
    assert [i["profile_id"] for i in r.json["items"]] == [fits["profile_id"]]
    assert client.get(url, headers=auth(container, "employer", "employer-other")).status_code == 403
    counsellor = client.get(url, headers=auth(container, "counsellor", "centre-lima")).json["items"]
    assert len(counsellor) == 3 and counsellor[-1]["eligible"] is False


def test_a_counsellor_sees_a_vacancys_candidates_only_from_their_own_centre_and_an_admin_sees_all(service):
    container, deliver, client = service
    v = vacancy()
    lima, cucuta = profile(), profile(centre="centre-cucuta", languages=[{"code": "es", "level": "B2"}])
    deliver(ev("vacancy.published", v, "vacancy_id"),
            *[ev("profile.published", x, "profile_id") for x in (lima, cucuta)])
    url = f"/api/v1/matches?vacancy={v['vacancy_id']}"

    def candidates(role, org):
        r = client.get(url, headers=auth(container, role, org))
        assert r.status_code == 200, r.json
        return {i["profile_id"] for i in r.json["items"]}

    assert candidates("counsellor", "centre-lima") == {lima["profile_id"]}
    assert candidates("counsellor", "centre-cucuta") == {cucuta["profile_id"]}
    assert candidates("counsellor", "centre-elsewhere") == set()
    assert candidates("admin", "puente") == {lima["profile_id"], cucuta["profile_id"]}


def test_held_vacancies_leave_the_ranking_duplicates_are_ignored_and_suggestions_go_through_the_outbox(service):
    container, deliver, client = service
    p, v = profile(), vacancy()
    published = ev("vacancy.published", v, "vacancy_id")
    assert deliver(ev("profile.published", p, "profile_id"), published) == 2
    assert deliver(published) == 0
    from sqlalchemy import text
    with container.sessions() as s:
        rows = s.execute(text("SELECT topic, msg_key FROM outbox")).all()
    assert rows == [("matches", p["profile_id"])]
    deliver(ev("vacancy.held", {"vacancy_id": v["vacancy_id"], "employer_id": "employer-clinic", "country": "PE",
                                "reasons": [{"code": "below_minimum_wage", "field": "pay"}],
                                "held_at": "2026-03-01T12:00:00+00:00"}, "vacancy_id"))
    r = client.get(f"/api/v1/matches?profile={p['profile_id']}", headers=auth(container, "admin", "puente"))
    assert r.json["items"] == []


def test_a_withdrawn_profile_is_forgotten(service):
    container, deliver, client = service
    p = profile()
    deliver(ev("profile.published", p, "profile_id"))
    deliver(ev("profile.withdrawn", {"profile_id": p["profile_id"], "reason": "erased",
                                     "withdrawn_at": "2026-03-02T00:00:00+00:00"}, "profile_id"))
    r = client.get(f"/api/v1/matches?profile={p['profile_id']}", headers=auth(container, "admin", "puente"))
    assert r.status_code == 404


def test_the_audit_reports_exposure_and_placement_rates_by_centre_to_admins_only(service):
    container, deliver, client = service
    lima = [profile() for _ in range(5)]
    cucuta = [profile(centre="centre-cucuta") for _ in range(5)]
    jobs = [vacancy() for _ in range(2)]
    deliver(*[ev("profile.published", p, "profile_id") for p in lima + cucuta],
            *[ev("vacancy.published", v, "vacancy_id") for v in jobs])
    deliver(ev("placement.recorded", {"placement_id": new_id(), "profile_id": lima[0]["profile_id"],
                                      "vacancy_id": jobs[0]["vacancy_id"], "outcome": "hired",
                                      "recorded_at": "2026-03-05T00:00:00+00:00"}, "placement_id"))
    r = client.get("/api/v1/matching/audit?by=centre&top=10", headers=auth(container, "admin", "puente"))
    assert r.status_code == 200, r.json
    groups = {g["group"]: g for g in r.json["groups"]}
    assert r.json["vacancies"] == 2 and r.json["slots"] == 20
    assert groups["centre-lima"]["top_slots"] + groups["centre-cucuta"]["top_slots"] == 20
    assert groups["centre-lima"]["placement_rate"] == 0.2 and groups["centre-cucuta"]["placement_rate"] == 0.0
    assert groups["centre-lima"]["exposure"] + groups["centre-cucuta"]["exposure"] == 1.0
    assert client.get("/api/v1/matching/audit", headers=auth(container, "counsellor", "centre-lima")).status_code == 403
    bad = client.get("/api/v1/matching/audit?by=nationality", headers=auth(container, "admin", "puente"))
    assert bad.status_code in (400, 422) and "by" in str(bad.json)
