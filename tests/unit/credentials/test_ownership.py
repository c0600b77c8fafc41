"""Credentials act only on the caller's centre's people, learnt from the profiles topic; erasure reaches them."""

import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from services.credentials.adapters.sql import credentials_table
from services.credentials.app import SERVICE
from shared.bus import InMemoryBus, Record
from shared.events import new_event
from shared.service import build_container, make_consumer
from shared.settings import load_settings
from shared.topics import puente_topics

LIMA_PERSON = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
SANTIAGO_PERSON = "7a2b3c4d-5e6f-4a7b-9c8d-0e1f2a3b4c5d"
NURSE = {"title": "Licenciada en Enfermería", "level": 6, "orientation": "general", "field": "0913",
         "country": "VE", "institution": "UCV", "year": 2011, "documents": ["original", "apostilled"]}


def published(profile_id: str, centre: str):
    return new_event("org.puente.profile.published.v1", "/services/profiles", profile_id, {
        "profile_id": profile_id, "centre": centre, "country": "PE", "willing_to_relocate": False,
        "languages": [{"code": "es", "level": "native"}], "work_authorization": [], "occupations": [],
        "skills": [], "text_language": "es", "text": {"skills": "", "experience": ""},
        "consents": {"matching": True, "introductions": False, "statistics": True},
        "updated_at": datetime.now(UTC).isoformat()})


def withdrawn(profile_id: str, reason: str):
    return new_event("org.puente.profile.withdrawn.v1", "/services/profiles", profile_id, {
        "profile_id": profile_id, "reason": reason, "withdrawn_at": datetime.now(UTC).isoformat()})


@pytest.fixture
def env(tmp_path, registry):
    bus = InMemoryBus()
    bus.ensure_topics(puente_topics())
    container = build_container(SERVICE, load_settings({}, bus="memory", secret_key="k" * 40), bus=bus,
                                data_dir=tmp_path)
    app = SERVICE.create_app(container)
    consumer = make_consumer(SERVICE, container)

    def deliver(*events):
        producer = bus.producer()
        for event in events:
            registry.validate(event)
            producer.send(Record("profiles", event.subject.encode(), event.to_json()))
        consumer.run_once(0.01)

    deliver(published(LIMA_PERSON, "centre-lima"), published(SANTIAGO_PERSON, "centre-santiago"))
    container.extras["app"] = app  # for tests that need one client per thread
    yield app.test_client(), container, deliver, bus
    container.engine.dispose()


def auth(container, org="centre-lima", **extra):
    token = container.issuer.issue("c-" + org, "counsellor", org)
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en", **extra}


def stored(container) -> int:
    with container.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(credentials_table))


def test_the_credentials_service_reads_the_profiles_topic_as_its_own_consumer_group():
    assert "profiles" in SERVICE.consumes


def test_a_counsellor_declares_a_credential_for_a_person_of_their_own_centre(env):
    client, container, _, _ = env
    response = client.post("/api/v1/credentials", json={**NURSE, "profile_id": LIMA_PERSON}, headers=auth(container))
    assert response.status_code == 201, response.json


def test_a_counsellor_cannot_declare_a_credential_for_another_centres_person(env):
    client, container, _, _ = env
    response = client.post("/api/v1/credentials", json={**NURSE, "profile_id": SANTIAGO_PERSON},
                           headers=auth(container))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert stored(container) == 0


def test_a_credential_for_a_person_nobody_announced_is_refused(env):
    client, container, _, _ = env
    response = client.post("/api/v1/credentials", json={**NURSE, "profile_id": str(uuid.uuid4())},
                           headers=auth(container))
    assert response.status_code == 404 and stored(container) == 0


def test_another_centres_counsellor_can_neither_read_assess_nor_move_a_credential(env):
    client, container, _, _ = env
    credential = client.post("/api/v1/credentials", json={**NURSE, "profile_id": LIMA_PERSON},
                             headers=auth(container)).json
    url = f"/api/v1/credentials/{credential['id']}"
    stranger = auth(container, org="centre-santiago")
    assert client.get(url, headers=stranger).status_code == 404
    assert client.post(url + "/assessments", json={"destination": "PE"}, headers=stranger).status_code == 404
    moved = client.post(url + "/status", json={"status": "recognised"}, headers={**stranger, "If-Match": '"2"'})
    assert moved.status_code == 404


def test_erasing_a_person_deletes_their_credentials_and_tombstones_them(env):
    client, container, deliver, bus = env
    for title in ("Enfermería", "Obstetricia"):
        credential = client.post("/api/v1/credentials", json={**NURSE, "title": title, "profile_id": LIMA_PERSON},
                                 headers=auth(container)).json
        client.post(f"/api/v1/credentials/{credential['id']}/assessments", json={"destination": "PE"},
                    headers=auth(container))
    client.post("/api/v1/credentials", json={**NURSE, "profile_id": SANTIAGO_PERSON},
                headers=auth(container, org="centre-santiago"))
    assert stored(container) == 3
    deliver(withdrawn(LIMA_PERSON, "erased"))
    assert stored(container) == 1
    with container.engine.connect() as conn:
        tombstones = conn.execute(text(
            "SELECT msg_key FROM outbox WHERE payload IS NULL AND topic = 'credentials'")).scalars().all()
    assert len(tombstones) == 2
    # The person is no longer known here either: nothing more can be declared for them.
    again = client.post("/api/v1/credentials", json={**NURSE, "profile_id": LIMA_PERSON}, headers=auth(container))
    assert again.status_code == 404


def test_withdrawing_consent_to_matching_keeps_the_persons_credentials(env):
    client, container, deliver, _ = env
    client.post("/api/v1/credentials", json={**NURSE, "profile_id": LIMA_PERSON}, headers=auth(container))
    deliver(withdrawn(LIMA_PERSON, "consent_withdrawn"))
    assert stored(container) == 1
    again = client.post("/api/v1/credentials", json={**NURSE, "profile_id": LIMA_PERSON}, headers=auth(container))
    assert again.status_code == 201


def test_parallel_status_changes_with_the_same_if_match_let_exactly_one_through(env):
    client, container, _, _ = env
    credential = client.post("/api/v1/credentials", json={**NURSE, "profile_id": LIMA_PERSON},
                             headers=auth(container)).json
    url = f"/api/v1/credentials/{credential['id']}"
    assert client.post(url + "/assessments", json={"destination": "PE"}, headers=auth(container)).status_code == 200
    results, barrier = [], threading.Barrier(12)

    def send():
        barrier.wait()
        response = container_client(container).post(url + "/status", json={"status": "procedure_started"},
                                                    headers=auth(container, **{"If-Match": '"2"'}))
        results.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [412] * 11, results


def container_client(container):
    return container.extras["app"].test_client()


@pytest.mark.parametrize(("field", "value"), [("country", "XX"), ("country", "SU"), ("title", "   "),
                                              ("institution", "U\u202eCV"), ("title", "Lic\u0000")])
def test_unknown_countries_blank_titles_and_hidden_characters_are_refused(env, field, value):
    client, container, _, _ = env
    response = client.post("/api/v1/credentials", json={**NURSE, "profile_id": LIMA_PERSON, field: value},
                           headers=auth(container))
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == f"/{field}"


def test_an_unknown_destination_country_is_refused(env):
    client, container, _, _ = env
    credential = client.post("/api/v1/credentials", json={**NURSE, "profile_id": LIMA_PERSON},
                             headers=auth(container)).json
    response = client.post(f"/api/v1/credentials/{credential['id']}/assessments", json={"destination": "XX"},
                           headers=auth(container))
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/destination"
