"""The pipeline's REST API on a SQLite file, with the vacancies it knows arriving as real CloudEvents through the
in-memory bus and the profiles consumer: placements, introductions, requests, the list's search and columns."""

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import func, select, text

from services.profiles.adapters.sql import (
    introduction_requests_table,
    introductions_table,
    known_vacancies_table,
    placements_table,
    profile_keys_table,
)
from services.profiles.adapters.taxonomy import TaxonomyCodeBook
from services.profiles.app import MIGRATIONS, SERVICE, build_placements, build_service
from shared.bus import InMemoryBus, Record
from shared.db import alembic_config
from shared.events import new_event
from shared.service import build_container, ensure_topics, make_consumer
from shared.settings import load_settings
from tests.unit.profiles.factories import NORMALIZER, Clock
from tests.unit.profiles.test_api import BODY

HOTEL, BUILDER = "hotel-miraflores", "constructora-andina"
COOK, MASON = "5b0c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4", "6c1d2e3f-4a5b-4c6d-9e7f-8091a2b3c4d5"
AT = "2026-03-01T10:00:00+00:00"


def published(vacancy_id, employer, title):
    return new_event("org.puente.vacancy.published.v1", "/services/vacancies", vacancy_id, {
        "vacancy_id": vacancy_id, "employer_id": employer, "title": title, "description": "…", "language": "es",
        "occupation": "5120", "required_skills": [], "nice_skills": [], "languages": [], "country": "PE",
        "city": "Lima", "remote": False, "openings": 1,
        "pay": {"amount": 1500, "currency": "PEN", "period": "month", "monthly_equivalent": 1500},
        "hours_per_week": 44, "contract_type": "permanent", "licence_required": False,
        "work_authorization_required": True, "warnings": [], "published_at": AT})


def held(vacancy_id, employer):
    return new_event("org.puente.vacancy.held.v1", "/services/vacancies", vacancy_id, {
        "vacancy_id": vacancy_id, "employer_id": employer, "country": "PE", "occupation": "5120",
        "reasons": [{"code": "pay_below_minimum", "field": "/pay/amount"}], "held_at": AT})


def closed(vacancy_id):
    return new_event("org.puente.vacancy.closed.v1", "/services/vacancies", vacancy_id,
                     {"vacancy_id": vacancy_id, "reason": "filled", "closed_at": AT})


@pytest.fixture
def app(tmp_path):
    app = pipeline_app(tmp_path)
    yield app
    app.container.engine.dispose()


def pipeline_app(tmp_path):
    """Return the profiles app on a SQLite file, with a hand-moved clock, the consumer and two known vacancies."""
    container = build_container(SERVICE, load_settings({}, bus="memory", secret_key="k" * 40), bus=InMemoryBus(),
                                data_dir=tmp_path)
    clock = Clock()
    app = SERVICE.create_app(container, profiles=build_service(container, codes=TaxonomyCodeBook(),
                                                                normalizer=NORMALIZER, clock=clock),
                             placements=build_placements(container, clock=clock))
    app.container, app.clock = container, clock
    ensure_topics(container)
    app.consumer = make_consumer(SERVICE, container)
    app.feed = lambda *events, tombstone=None: feed(app, *events, tombstone=tombstone)
    app.feed(published(COOK, HOTEL, "Cocinero de línea"), published(MASON, BUILDER, "Albañil"))
    return app


def feed(app, *events, tombstone=None):
    """Publish vacancy CloudEvents on the vacancies topic and let the profiles consumer take them."""
    records = [Record("vacancies", e.key, e.to_json()) for e in events]
    if tombstone:
        records.append(Record("vacancies", tombstone.encode(), None))
    app.container.bus.producer().send_many(records)
    app.consumer.run_once(0)


def auth(app, role="counsellor", org="centre-lima", lang="es", **extra):
    return {"Authorization": "Bearer " + app.container.issuer.issue("u-" + org, role, org), "Accept-Language": lang,
            **extra}


def count(app, table):
    with app.container.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def outbox(app):
    with app.container.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT event_type, topic FROM outbox ORDER BY id"))]


def person(app, org="centre-lima", **identity):
    body = {**BODY, "identity": {**BODY["identity"], **identity},
            "consents": {"matching": True, "introductions": True, "statistics": True}}
    response = app.test_client().post("/api/v1/profiles", json=body, headers=auth(app, org=org))
    assert response.status_code == 201, response.json
    return response.json["id"]


def introduce(app, pid, vacancy=COOK, given=True, org="centre-lima"):
    return app.test_client().post("/api/v1/introductions", headers=auth(app, org=org), json={
        "profile_id": pid, "vacancy_id": vacancy, "consent": {"given": given, "language": "ht", "read_aloud": True}})


# --- the consumer ------------------------------------------------------------------------------------------

def test_vacancy_events_from_the_topic_are_kept_once_and_follow_each_vacancy(app):
    cook = published(COOK, HOTEL, "Cocinero de línea")
    app.feed(cook, cook)  # the same event again (a redelivery): skipped by the inbox
    assert app.consumer.outcomes["duplicate"] >= 1 and app.consumer.outcomes["dead_lettered"] == 0
    with app.container.engine.connect() as conn:
        rows = {r.vacancy_id: (r.employer_org, r.title, r.status)
                for r in conn.execute(select(known_vacancies_table))}
    assert rows == {COOK: (HOTEL, "Cocinero de línea", "open"), MASON: (BUILDER, "Albañil", "open")}
    app.feed(held(COOK, HOTEL), closed(MASON))
    pid = person(app)
    assert introduce(app, pid, COOK).status_code == 409
    assert introduce(app, pid, MASON).status_code == 409
    app.feed(published(COOK, HOTEL, "Cocinero"), tombstone=MASON)
    assert app.consumer.outcomes["tombstone"] == 1
    assert introduce(app, pid, COOK).json["placement"]["vacancy_title"] == "Cocinero"
    assert introduce(app, pid, MASON).json["errors"][0]["pointer"] == "/vacancy_id"  # forgotten: unknown


# --- placements --------------------------------------------------------------------------------------------

def test_a_counsellor_proposes_reads_and_moves_a_placement_with_etags(app):
    client, pid = app.test_client(), person(app)
    created = client.post("/api/v1/placements", json={"profile_id": pid, "vacancy_id": COOK, "note": "Lunes"},
                          headers=auth(app))
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    url = created.headers["Location"]
    assert url == f"/api/v1/placements/{created.json['id']}"
    assert created.json["vacancy_title"] == "Cocinero de línea" and created.json["employer_org"] == HOTEL
    assert created.json["history"][0] | {"at": None} == {"stage": "proposed", "note": "Lunes", "by": "u-centre-lima",
                                                        "on": "2026-03-10", "at": None}
    again = client.post("/api/v1/placements", json={"profile_id": pid, "vacancy_id": COOK}, headers=auth(app))
    assert again.status_code == 409 and again.headers["Location"] == url
    assert client.get(url, headers=auth(app)).headers["ETag"] == '"1"'
    stages = url + "/stages"
    assert client.post(stages, json={"stage": "not_hired", "note": "x"}, headers=auth(app)).status_code == 428
    stale = client.post(stages, json={"stage": "not_hired", "note": "x"}, headers=auth(app, **{"If-Match": '"5"'}))
    assert stale.status_code == 412 and stale.headers["ETag"] == '"1"'
    skip = client.post(stages, json={"stage": "applied"}, headers=auth(app, **{"If-Match": '"1"'}))
    assert skip.status_code == 409 and skip.json["errors"][0]["pointer"] == "/stage"
    assert "«proposed»" in skip.json["errors"][0]["reason"]
    assert client.post(stages, json={"stage": "introduced"}, headers=auth(app, **{"If-Match": '"1"'})).status_code \
        == 409
    no_reason = client.post(stages, json={"stage": "not_hired"}, headers=auth(app, lang="pt", **{"If-Match": '"1"'}))
    assert no_reason.status_code == 422
    assert no_reason.json["errors"] == [{"pointer": "/note",
                                         "reason": "Informe o motivo: a pessoa recusou, ou a vaga não é para ela."}]
    declined = client.post(stages, json={"stage": "not_hired", "note": "Prefiere otro turno", "on": "2026-03-10"},
                           headers=auth(app, **{"If-Match": '"1"'}))
    assert declined.status_code == 200 and declined.headers["ETag"] == '"2"' and declined.json["stage"] == "not_hired"
    assert outbox(app) == [("org.puente.profile.published.v1", "profiles"),
                           ("org.puente.placement.recorded.v2", "placements"),
                           ("org.puente.placement.recorded.v2", "placements"),
                           ("org.puente.placement.recorded.v1", "placements")]


def test_placements_refuse_bad_input_naming_the_field_and_list_only_the_centres_own(app):
    client, pid = app.test_client(), person(app)
    bad = client.post("/api/v1/placements", json={"profile_id": pid, "vacancy_id": "cook"}, headers=auth(app))
    assert bad.status_code == 422 and bad.json["errors"] == [
        {"pointer": "/vacancy_id", "reason": "Ingrese el identificador de la vacante tal como se lo dieron (un UUID)."}]
    assert client.post("/api/v1/placements", json={"profile_id": pid, "vacancy_id": COOK},
                       headers=auth(app, org="centre-cucuta")).status_code == 404
    made = client.post("/api/v1/placements", json={"profile_id": pid, "vacancy_id": COOK}, headers=auth(app)).json
    assert client.get(f"/api/v1/placements/{made['id']}", headers=auth(app, org="centre-cucuta")).status_code == 404
    assert client.get("/api/v1/placements", headers=auth(app, org="centre-cucuta")).json["items"] == []
    listed = client.get(f"/api/v1/placements?profile_id={pid}&stage=proposed", headers=auth(app)).json
    assert [p["id"] for p in listed["items"]] == [made["id"]] and listed["next_cursor"] is None
    for role in ("employer", "admin", "ministry"):
        assert client.get("/api/v1/placements", headers=auth(app, role=role, org=HOTEL)).status_code == 403


# --- introductions -----------------------------------------------------------------------------------------

def test_no_introduction_without_consent_and_none_for_another_centres_person(app):
    pid = person(app)
    refused = introduce(app, pid, given=False)
    assert refused.status_code == 422 and refused.json["errors"][0]["pointer"] == "/consent/given"
    assert introduce(app, pid, org="centre-cucuta").status_code == 404
    assert count(app, introductions_table) == 0 and count(app, placements_table) == 0


def test_the_employer_sees_identity_only_after_introduction_and_only_for_their_own_vacancy(app):
    client = app.test_client()
    pid, other = person(app), person(app, given_names="Ana", documents=[], phone="+51 912 000 111")
    client.post("/api/v1/placements", json={"profile_id": other, "vacancy_id": COOK}, headers=auth(app))
    hotel = auth(app, role="employer", org=HOTEL)
    assert client.get(f"/api/v1/introductions?vacancy_id={COOK}", headers=hotel).json["items"] == []
    done = introduce(app, pid)
    assert done.status_code == 201 and done.json["placement"]["stage"] == "introduced"
    assert done.json["introduction"]["employer_org"] == HOTEL
    assert [s["stage"] for s in done.json["placement"]["history"]] == ["proposed", "introduced"]
    seen = client.get(f"/api/v1/introductions?vacancy_id={COOK}", headers=hotel)
    (item,) = seen.json["items"]
    assert (item["given_names"], item["family_names"], item["phone"]) == ("Yenny", "Salazar", "+51987654321")
    assert item["stage"] == "introduced" and item["languages"] == [{"code": "es", "level": "native"}]
    assert item["profile_id"] == pid and "consent" not in item and "situation_notes" not in item
    builder = auth(app, role="employer", org=BUILDER)
    assert client.get(f"/api/v1/introductions?vacancy_id={COOK}", headers=builder).status_code == 404
    assert client.get(f"/api/v1/introductions?vacancy_id={MASON}", headers=hotel).status_code == 404
    centre = client.get(f"/api/v1/introductions?vacancy_id={COOK}", headers=auth(app)).json["items"]
    assert centre[0]["consent"] == {"language": "ht", "read_aloud": True, "recorded_by": "u-centre-lima"}
    assert client.get(f"/api/v1/introductions?vacancy_id={COOK}",
                      headers=auth(app, org="centre-cucuta")).json["items"] == []
    assert client.get(f"/api/v1/introductions?vacancy_id={COOK}",
                      headers=auth(app, role="admin", org="puente")).status_code == 403
    assert client.get("/api/v1/introductions", headers=hotel).status_code == 422


def test_an_employer_asks_for_an_introduction_and_the_centre_answers_it(app):
    client, pid = app.test_client(), person(app)
    hotel = auth(app, role="employer", org=HOTEL)
    asked = client.post("/api/v1/introduction-requests", json={"vacancy_id": COOK, "candidate": pid}, headers=hotel)
    assert asked.status_code == 202 and asked.json["status"] == "open" and "given_names" not in asked.json
    assert client.post("/api/v1/introduction-requests", json={"vacancy_id": MASON, "candidate": pid},
                       headers=hotel).status_code == 404
    assert client.post("/api/v1/introduction-requests", json={"vacancy_id": COOK, "candidate": pid},
                       headers=auth(app)).status_code == 403
    (queued,) = client.get("/api/v1/introduction-requests", headers=auth(app)).json["items"]
    assert (queued["candidate"], queued["given_names"], queued["vacancy_title"]) == (pid, "Yenny", "Cocinero de línea")
    assert client.get("/api/v1/introduction-requests", headers=auth(app, org="centre-cucuta")).json["items"] == []
    introduce(app, pid)
    assert client.get("/api/v1/introduction-requests", headers=auth(app)).json["items"] == []
    (mine,) = client.get("/api/v1/introduction-requests", headers=hotel).json["items"]
    assert mine["status"] == "introduced" and "given_names" not in mine


# --- the list ----------------------------------------------------------------------------------------------

def test_the_list_searches_names_documents_and_phones_in_sql_as_the_duplicate_check_compares_them(app):
    client = app.test_client()
    yenny = person(app, documents=[{"type": "national_id", "number": "V-14.567.890", "country": "VE"}])
    ana = person(app, given_names="Ana María", family_names="Quíspe Ñahui", documents=[], phone="912 000 111",
                 date_of_birth="1990-01-01")
    person(app, org="centre-cucuta", given_names="Ana", documents=[])

    def found(q):
        response = client.get("/api/v1/profiles", query_string={"q": q}, headers=auth(app))
        assert response.status_code == 200, response.json
        return sorted(i["id"] for i in response.json["items"])

    assert found("ana") == [ana] and found("quispe ñah") == [ana] and found("YEN sal") == [yenny]
    assert found("14567890") == [yenny] and found("v14.567.890") == [yenny] and found("014567890") == [yenny]
    assert found("912000111") == [ana] and found("+51 912 000 111") == [ana] and found("987 654 321") == [yenny]
    assert found("ana_") == [] and found("%") == [] and found("Rodríguez") == []


def test_the_list_shows_last_contact_and_latest_stage_and_filters_by_stage_and_staleness(app):
    client = app.test_client()
    placed, quiet = person(app), person(app, given_names="Ana", documents=[], date_of_birth="1990-01-01")
    app.clock.tick(60 * 24 * 20)
    introduce(app, placed)
    app.clock.tick(60 * 24 * 15)  # 35 days after both were registered, 15 after the introduction

    def listed(**query):
        response = client.get("/api/v1/profiles", query_string=query, headers=auth(app))
        assert response.status_code == 200, response.json
        return {i["id"]: (i["latest_stage"], i["last_contact_at"]) for i in response.json["items"]}

    everyone = listed()
    assert everyone[placed] == ("introduced", "2026-03-30T12:00:00+00:00")
    assert everyone[quiet] == (None, "2026-03-10T12:00:00+00:00")
    assert list(listed(stale="true")) == [quiet] and list(listed(stale="false")) == [placed]
    assert list(listed(stage="introduced")) == [placed] and listed(stage="hired") == {}
    assert client.get("/api/v1/profiles?stage=done", headers=auth(app)).json["errors"][0]["pointer"] == "/stage"


# --- erasure and merging -----------------------------------------------------------------------------------

def test_erasing_a_person_deletes_their_placements_introductions_and_requests_rows(app):
    client, pid = app.test_client(), person(app)
    client.post("/api/v1/introduction-requests", json={"vacancy_id": MASON, "candidate": pid},
                headers=auth(app, role="employer", org=BUILDER))
    introduce(app, pid)
    assert client.delete(f"/api/v1/profiles/{pid}", headers=auth(app)).status_code == 204
    for table in (placements_table, introductions_table, introduction_requests_table, profile_keys_table):
        assert count(app, table) == 0, table.name
    assert outbox(app)[-2:] == [("org.puente.profile.withdrawn.v1", "profiles"), ("tombstone", "profiles")]


def test_merging_moves_the_duplicates_pipeline_in_sql_and_drops_a_clashing_placement(app):
    client = app.test_client()
    keep, twin = person(app), person(app)  # the same document: a duplicate
    client.post("/api/v1/placements", json={"profile_id": keep, "vacancy_id": COOK}, headers=auth(app))
    client.post("/api/v1/placements", json={"profile_id": twin, "vacancy_id": COOK}, headers=auth(app))
    assert introduce(app, twin, MASON).status_code == 201
    assert client.post(f"/api/v1/profiles/{keep}/merge", json={"other_id": twin}, headers=auth(app)).status_code == 200
    items = client.get(f"/api/v1/placements?profile_id={keep}", headers=auth(app)).json["items"]
    assert sorted((p["vacancy_id"], p["stage"]) for p in items) == [(COOK, "proposed"), (MASON, "introduced")]
    assert count(app, placements_table) == 2 and count(app, introductions_table) == 1


def test_the_migration_indexes_the_names_and_documents_of_people_registered_before_it(app):
    pid = person(app, documents=[{"type": "national_id", "number": "V-14.567.890", "country": "VE"}])
    config = alembic_config(app.container.engine, MIGRATIONS)
    command.downgrade(config, "profiles_0002")
    with app.container.engine.connect() as conn:
        kinds = {r[0] for r in conn.execute(text("SELECT DISTINCT kind FROM profile_keys"))}
    assert kinds == {"doc", "occupation", "skill", "language"}
    command.upgrade(config, "head")
    client = app.test_client()
    for q in ("yenny", "14567890"):
        assert [i["id"] for i in client.get("/api/v1/profiles", query_string={"q": q},
                                            headers=auth(app)).json["items"]] == [pid]


def test_a_step_dated_in_the_future_is_refused_on_its_field(app):
    client, pid = app.test_client(), person(app)
    made = client.post("/api/v1/placements", json={"profile_id": pid, "vacancy_id": COOK}, headers=auth(app)).json
    tomorrow = (app.clock.now + timedelta(days=2)).date().isoformat()
    response = client.post(f"/api/v1/placements/{made['id']}/stages", json={"stage": "not_hired", "note": "x",
                                                                             "on": tomorrow},
                           headers=auth(app, lang="en", **{"If-Match": '"1"'}))
    assert response.status_code == 422 and response.json["errors"] == [
        {"pointer": "/on", "reason": "This date cannot be in the future."}]
