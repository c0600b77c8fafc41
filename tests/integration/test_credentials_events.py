"""Credentials on the real parts: PostgreSQL store and outbox, relayed to a real Kafka topic."""

import json

import pytest
from sqlalchemy import text

from services.credentials.adapters.sql import SqlUnitOfWork
from services.credentials.app import SERVICE
from shared.events import Event
from shared.kafka_bus import KafkaBus
from shared.published.credentials import CredentialAssessed
from shared.service import build_container, make_relay
from shared.settings import load_settings
from shared.topics import TopicSpec
from tests.integration.kafka_tools import topic_records

pytestmark = pytest.mark.integration
PROFILE = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"


def test_an_assessment_and_a_status_change_reach_the_topic_keyed_by_credential_and_valid_against_the_schema(
        kafka_bootstrap, postgres_database, registry, unique_topic, tmp_path):
    topic = unique_topic("credentials")
    bus = KafkaBus(kafka_bootstrap)
    bus.ensure_topics([TopicSpec(topic, 3)])
    settings = load_settings({}, bus="kafka", kafka_bootstrap=kafka_bootstrap, secret_key="k" * 40,
                             database_url=postgres_database("cred"))
    container = build_container(SERVICE, settings, bus=bus, data_dir=tmp_path)
    app = SERVICE.create_app(container, uow=lambda: SqlUnitOfWork(container.sessions, container.outbox, topic))
    client = app.test_client()
    headers = {"Authorization": "Bearer " + container.issuer.issue("c-1", "counsellor", "centre-lima")}
    # What the profiles topic says of the person: credentials are declared only for the caller's centre.
    app.extensions["puente.credentials"].person_registered(PROFILE, "centre-lima")

    declared = client.post("/api/v1/credentials", headers=headers, json={
        "profile_id": PROFILE, "title": "Licenciada en Enfermería", "level": 6, "orientation": "general",
        "field": "0913", "country": "VE", "institution": "UCV", "year": 2011, "documents": ["original", "apostilled"],
        "evidence": {"notes": "entrevista: trabajó 6 años en un hospital"}})
    assert declared.status_code == 201, declared.json
    url = f"/api/v1/credentials/{declared.json['id']}"
    assessed = client.post(url + "/assessments", headers=headers, json={"destination": "PE"})
    assert assessed.status_code == 200, assessed.json
    moved = client.post(url + "/status", headers={**headers, "If-Match": assessed.headers["ETag"]},
                        json={"status": "procedure_started"})
    assert moved.status_code == 200, moved.json
    refused = client.post(url + "/status", headers={**headers, "If-Match": '"2"'}, json={"status": "recognised"})
    assert refused.status_code == 412  # stale ETag: nothing stored, no event

    assert make_relay(container).relay_once().published == 2
    records = topic_records(kafka_bootstrap, topic)
    events = [Event.from_json(r.value) for r in records]
    assert [r.key.decode() for r in records] == [declared.json["id"]] * 2
    assert [e.type for e in events] == [CredentialAssessed.TYPE] * 2
    for event in events:
        registry.validate(event)
        assert "notes" not in json.dumps(event.data) and "UCV" not in json.dumps(event.data)
    assert [e.data["workflow_status"] for e in events] == ["assessed", "procedure_started"]
    assert events[0].data["status"] == "procedure_required" and events[0].data["occupations_later"] == ["2221", "2222"]

    with container.engine.connect() as conn:
        assert conn.execute(text("SELECT version, workflow_status FROM credentials")).one() == (3, "procedure_started")
    listed = client.get(f"/api/v1/credentials?profile_id={PROFILE}", headers=headers)
    assert [c["workflow_status"] for c in listed.json["items"]] == ["procedure_started"]
    assert len(listed.json["items"][0]["history"]) == 3
    container.engine.dispose()
