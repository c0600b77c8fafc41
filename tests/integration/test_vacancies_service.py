"""The vacancies service on real PostgreSQL and Kafka: HTTP in, gate, outbox, relay, events on the topic."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from services.registry import load_service
from services.vacancies.app import build_service, create_app
from shared.events import Event
from shared.service import build_container, make_relay
from shared.settings import load_settings
from shared.topics import TopicSpec
from tests.integration.kafka_tools import topic_records

pytestmark = pytest.mark.integration


@pytest.fixture
def service(kafka_bootstrap, postgres_database, unique_topic, tmp_path: Path):
    from shared.kafka_bus import KafkaBus

    topic = unique_topic("vacancies")
    bus = KafkaBus(kafka_bootstrap, "vacancies-test")
    bus.ensure_topics([TopicSpec(topic, 3, compacted=True)])
    settings = dataclasses.replace(load_settings({}, bus="kafka", kafka_bootstrap=kafka_bootstrap),
                                   database_url=postgres_database("vac"), secret_key="integration-" + "k" * 32)
    container = build_container(load_service("vacancies"), settings, bus=bus, data_dir=tmp_path)
    app = create_app(container, service=build_service(container, topic=topic))
    yield container, app.test_client(), topic
    container.engine.dispose()


def auth(container, role="employer", org="employer-constructora-andina", lang="es"):
    return {"Authorization": "Bearer " + container.issuer.issue(f"{role}-1", role, org), "Accept-Language": lang}


VACANCY = {"title": "Oficial de mampostería", "language": "es", "country": "CO", "city": "Bogotá",
           "description": "Obra de vivienda en Kennedy con contrato por obra, salud, pensión y riesgos laborales.",
           "pay": {"amount": 2_000_000, "currency": "COP", "period": "month"}, "hours_per_week": 42,
           "contract_type": "fixed_term", "occupation": "7112"}


def relay_all(container) -> None:
    relay = make_relay(container)
    for _ in range(20):
        if not relay.store.pending_count():
            return
        relay.relay_once()
    raise AssertionError("the outbox did not drain")


def test_published_held_fixed_and_closed_vacancies_reach_the_topic_in_order(service, kafka_bootstrap):
    container, client, topic = service
    employer = auth(container)
    good = client.post("/api/v1/vacancies", json=VACANCY, headers=employer)
    assert good.status_code == 201, good.json
    assert good.json["status"] == "published" and good.headers["ETag"] == '"1"'

    low = {**VACANCY, "pay": {"amount": 900_000, "currency": "COP", "period": "month"}}
    held = client.post("/api/v1/vacancies", json=low, headers=employer)
    assert held.json["status"] == "held"
    [finding] = held.json["findings"]
    assert finding["field"] == "/pay/amount" and "por debajo del mínimo legal" in finding["message"]

    held_id = held.json["id"]
    counsellor = auth(container, "counsellor", "centre-cucuta")
    assert client.get(f"/api/v1/vacancies/{held_id}", headers=counsellor).status_code == 404
    assert [v["id"] for v in client.get("/api/v1/vacancies", headers=counsellor).json["items"]] == [good.json["id"]]

    fix = {"pay": {"amount": 1_800_000, "currency": "COP", "period": "month"}}  # above the 2026 minimum
    assert client.patch(f"/api/v1/vacancies/{held_id}", json=fix, headers=employer).status_code == 428
    stale = client.patch(f"/api/v1/vacancies/{held_id}", json=fix, headers={**employer, "If-Match": '"9"'})
    assert stale.status_code == 412
    fixed = client.patch(f"/api/v1/vacancies/{held_id}", json=fix, headers={**employer, "If-Match": '"1"'})
    assert fixed.status_code == 200 and fixed.json["status"] == "published" and fixed.headers["ETag"] == '"2"'

    other = auth(container, org="employer-hotel-miraflores")
    assert client.post(f"/api/v1/vacancies/{held_id}/close", json={}, headers=other).status_code == 403
    closed = client.post(f"/api/v1/vacancies/{good.json['id']}/close", json={"reason": "filled"}, headers=employer)
    assert closed.json["status"] == "closed"

    relay_all(container)
    events = [(r.key.decode(), Event.from_json(r.value)) for r in topic_records(kafka_bootstrap, topic)]
    by_key: dict[str, list[str]] = {}
    for key, event in sorted(events, key=lambda ke: ke[1].time):
        assert key == event.subject == event.data["vacancy_id"]
        container.registry.validate(event)
        by_key.setdefault(key, []).append(event.type)
    assert by_key[good.json["id"]] == ["org.puente.vacancy.published.v1", "org.puente.vacancy.closed.v1"]
    assert by_key[held_id] == ["org.puente.vacancy.held.v1", "org.puente.vacancy.published.v1"]


def test_a_refused_vacancy_stores_nothing_and_says_why_per_field(service):
    container, client, _topic = service
    bad = client.post("/api/v1/vacancies", json={**VACANCY, "pay": {"amount": -1, "currency": "COP"},
                                                 "contract_type": "gig"}, headers=auth(container, lang="pt"))
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    reasons = {e["pointer"]: e["reason"] for e in bad.json["errors"]}
    assert reasons["/pay/period"] == "Este campo é obrigatório."
    assert set(reasons) == {"/pay/amount", "/pay/period", "/contract_type"}
    assert container.outbox and make_relay(container).store.pending_count() == 0
    listing = client.get("/api/v1/vacancies", headers=auth(container))
    assert listing.json["items"] == []


def test_an_admin_review_is_recorded_and_a_bulk_feed_is_idempotent(service):
    container, client, _topic = service
    employer = auth(container, lang="en")
    held = client.post("/api/v1/vacancies", headers=employer, json={
        **VACANCY,
        "description": "Vigilantes para conjunto residencial. Abstenerse extranjeros. Contrato a término fijo."})
    assert held.json["status"] == "held" and held.json["findings"][0]["code"] == "discrimination_nationality"
    admin = auth(container, "admin", "puente")
    assert client.post(f"/api/v1/vacancies/{held.json['id']}/review", headers=employer,
                       json={"decision": "release", "note": "x" * 5}).status_code == 403
    done = client.post(f"/api/v1/vacancies/{held.json['id']}/review", headers=admin,
                       json={"decision": "reject", "note": "Excludes foreigners without a lawful reason."})
    assert done.json["status"] == "rejected" and done.json["reviews"][0]["reviewer"] == "admin-1"

    lines = "\n".join(['{"external_id": "feed-1", "title": "Ayudante de obra", "description": "Obra en Suba con '
                       'contrato y afiliación a seguridad social.", "language": "es", "country": "CO", "pay": '
                       '{"amount": 1500000, "currency": "COP", "period": "month"}, "hours_per_week": 42, '
                       '"contract_type": "fixed_term", "occupation": "9313"}', '{"external_id": "feed-2"}'])
    ministry = auth(container, "ministry", "ministry-mtpe-pe")
    first = client.post("/api/v1/vacancies/bulk", data=lines, headers={**ministry, "Content-Type":
                                                                          "application/x-ndjson"})
    assert (first.json["created"], first.json["errors"]) == (1, 1)
    again = client.post("/api/v1/vacancies/bulk", data=lines, headers={**ministry, "Content-Type":
                                                                          "application/x-ndjson"})
    assert (again.json["created"], again.json["unchanged"], again.json["errors"]) == (0, 1, 1)
