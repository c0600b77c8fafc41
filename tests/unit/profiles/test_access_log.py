"""Every read of a person's identifying fields is recorded (who, when, which person, why), and admins read the record
(issue 13): a profile read in full, the centre's list with names, introductions read by an employer or the centre,
and the centre's queue of introduction requests."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.profiles.adapters.sql import access_log_table
from tests.unit.profiles.factories import NOW
from tests.unit.profiles.test_pipeline_api import COOK, HOTEL, auth, introduce, person, pipeline_app


@pytest.fixture
def app(tmp_path):
    app = pipeline_app(tmp_path)
    yield app
    app.container.engine.dispose()


ADMIN = {"role": "admin", "org": "puente"}


def audit(app, query="", **who):
    response = app.test_client().get(f"/api/v1/audit{query}", headers=auth(app, **(who or ADMIN)))
    assert response.status_code == 200, response.json
    return response.json


def entries(app, query=""):
    return [(e["actor"], e["actor_role"], e["profile_id"], e["action"], e["purpose"])
            for e in audit(app, query)["items"]]


def test_a_profile_read_in_full_is_recorded_with_who_when_which_person_and_why(app):
    pid = person(app)
    app.clock.tick(5)
    read = app.test_client().get(f"/api/v1/profiles/{pid}", headers=auth(app, **{"X-Purpose": "data_request"}))
    assert read.status_code == 200
    (entry,) = audit(app, f"?profile_id={pid}")["items"]
    assert entry == {"id": entry["id"], "at": (NOW + timedelta(minutes=5)).isoformat(), "actor": "u-centre-lima",
                     "actor_role": "counsellor", "actor_org": "centre-lima", "profile_id": pid,
                     "action": "profile.read", "purpose": "data_request"}


def test_without_a_purpose_each_read_records_its_roles_default(app):
    client = app.test_client()
    pid = person(app)
    app.clock.tick()  # the list is oldest first: pid's page comes first
    other = person(app, given_names="Ana", documents=[], phone="+51 912 000 111")
    client.get(f"/api/v1/profiles/{pid}", headers=auth(app))
    client.get(f"/api/v1/profiles/{pid}", headers=auth(app, **ADMIN))
    client.get("/api/v1/profiles?limit=1", headers=auth(app))  # one page: one person's names
    assert introduce(app, other).status_code == 201
    client.get(f"/api/v1/introductions?vacancy_id={COOK}", headers=auth(app, role="employer", org=HOTEL))
    client.get(f"/api/v1/introductions?vacancy_id={COOK}", headers=auth(app))
    assert entries(app) == [
        ("u-centre-lima", "counsellor", pid, "profile.read", "casework"),
        ("u-puente", "admin", pid, "profile.read", "oversight"),
        ("u-centre-lima", "counsellor", pid, "profile.listed", "casework"),
        (f"u-{HOTEL}", "employer", other, "introduction.read", "introduction"),
        ("u-centre-lima", "counsellor", other, "introduction.read", "casework"),
    ]


def test_the_centres_queue_of_introduction_requests_records_the_people_it_names(app):
    client = app.test_client()
    pid = person(app)
    asked = client.post("/api/v1/introduction-requests", json={"vacancy_id": COOK, "candidate": pid},
                        headers=auth(app, role="employer", org=HOTEL))
    assert asked.status_code == 202
    client.get("/api/v1/introduction-requests", headers=auth(app, role="employer", org=HOTEL))  # no names
    client.get("/api/v1/introduction-requests", headers=auth(app, **{"X-Purpose": "introduction"}))
    assert entries(app) == [("u-centre-lima", "counsellor", pid, "request.listed", "introduction")]


def test_an_unknown_purpose_is_refused_in_the_readers_language_naming_the_header_and_nothing_is_recorded(app):
    pid = person(app)
    refused = app.test_client().get(f"/api/v1/profiles/{pid}",
                                    headers=auth(app, lang="pt", **{"X-Purpose": "curiosity"}))
    assert refused.status_code == 422
    (error,) = refused.json["errors"]
    assert error["pointer"] == "/X-Purpose" and "casework" in error["reason"] and error["reason"].startswith("Diga")
    assert audit(app)["items"] == []


def test_only_admins_read_the_record_filtered_by_person_actor_and_time_a_page_at_a_time(app):
    client = app.test_client()
    pid, other = person(app), person(app, given_names="Ana", documents=[], phone="+51 912 000 111")
    for _ in range(3):
        client.get(f"/api/v1/profiles/{pid}", headers=auth(app))
        app.clock.tick(10)
    client.get(f"/api/v1/profiles/{other}", headers=auth(app, org="centre-lima", **{"X-Purpose": "support"}))
    client.get(f"/api/v1/profiles/{pid}", headers=auth(app, **ADMIN))
    for who in ({}, {"role": "employer", "org": HOTEL}):
        assert client.get("/api/v1/audit", headers=auth(app, **who)).status_code == 403
    assert len(entries(app, f"?profile_id={pid}")) == 4
    assert entries(app, "?actor=u-puente") == [("u-puente", "admin", pid, "profile.read", "oversight")]
    since = (NOW + timedelta(minutes=20)).isoformat().replace("+", "%2B")
    assert [e[2] for e in entries(app, f"?since={since}")] == [pid, other, pid]
    first = client.get(f"/api/v1/audit?profile_id={pid}&limit=3", headers=auth(app, **ADMIN))
    assert len(first.json["items"]) == 3 and 'rel="next"' in first.headers["Link"]
    rest = audit(app, f"?profile_id={pid}&limit=3&cursor={first.json['next_cursor']}")
    assert [e["actor"] for e in rest["items"]] == ["u-puente"] and rest["next_cursor"] is None
    bad = client.get("/api/v1/audit?since=yesterday", headers=auth(app, **ADMIN))
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/since"


def test_an_erased_persons_record_stays_and_holds_only_their_pseudonymous_id(app):
    client = app.test_client()
    pid = person(app)
    client.get(f"/api/v1/profiles/{pid}", headers=auth(app))
    assert client.delete(f"/api/v1/profiles/{pid}", headers=auth(app)).status_code == 204
    assert entries(app, f"?profile_id={pid}") == [("u-centre-lima", "counsellor", pid, "profile.read", "casework")]
    with app.container.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(select(access_log_table)) for v in row)
    for identifying in ("Yenny", "Salazar", "AB123456", "987654321"):
        assert identifying not in stored
