"""Matching on the real parts: events on Kafka topics -> the matching consumer -> PostgreSQL -> the API.

The consumer is built as ``puente consume matching`` builds it (``make_consumer(SERVICE, container)``). The
broker is shared with other test runs, so the bus given to the container renames every topic and group with
a per-test prefix on the wire; the code under test still names the real topics.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from services.matching.app import SERVICE
from services.matching.sql_store import SqlReadModelStore, vacancies_table
from services.matching.wiring import MATCHER_KEY, rebuild
from shared.bus import PrefixedBus, Record
from shared.events import new_event
from shared.kafka_bus import KafkaBus
from shared.service import build_container, ensure_topics, make_consumer, run_until
from shared.settings import load_settings
from tests.unit.matching.support import credential, profile, vacancy

pytestmark = pytest.mark.integration
SOURCE = "/services/test"


@pytest.fixture
def world(kafka_bootstrap, postgres_database, tmp_path, monkeypatch):
    """Return a factory of matching services (a fresh database each) on one shared, renamed set of topics."""
    monkeypatch.setenv("PUENTE_MATCHING_ENCODER", "hashing")
    monkeypatch.setenv("PUENTE_MATCHING_LABEL_CACHE", str(tmp_path / "labels"))
    prefix = f"t{uuid.uuid4().hex[:8]}."
    made, stops = [], []

    def service(start_consumer: bool = True):
        settings = load_settings({}, bus="kafka", kafka_bootstrap=kafka_bootstrap, secret_key="k" * 40,
                                 database_url=postgres_database("match"))
        container = build_container(SERVICE, settings, bus=PrefixedBus(KafkaBus(kafka_bootstrap), prefix, partitions=3),
                                    data_dir=tmp_path)
        ensure_topics(container)
        made.append(container)
        if start_consumer:
            consumer = make_consumer(SERVICE, container)
            stop = threading.Event()
            thread = run_until(stop, consumer.run, "matching-consumer")
            stops.append((stop, thread, consumer))
        return container, SERVICE.create_app(container).test_client()

    yield service
    for stop, thread, consumer in stops:
        stop.set()
        thread.join(10)
        consumer.subscription.close()
    for container in made:
        container.engine.dispose()


def publish(container, topic, type_, data, key):
    """Publish one event as the producing service's relay does: key = entity id, CloudEvents JSON."""
    event = new_event(f"org.puente.{type_}.v1", SOURCE, data[key], data)
    send(container, topic, [event])
    return event


def send(container, topic, events):
    producer = container.bus.producer()
    try:
        errors = producer.send_many([Record(topic, e.key, e.to_json(),
                                            (("content-type", b"application/cloudevents+json"),)) for e in events])
    finally:
        producer.close()
    assert errors == [None] * len(events)


def close(container, job):
    publish(container, "vacancies", "vacancy.closed", {"vacancy_id": job["vacancy_id"], "reason": "filled",
                                                       "closed_at": "2026-03-01T11:00:00+00:00"}, "vacancy_id")


def admin(container):
    return {"Authorization": "Bearer " + container.issuer.issue("admin-1", "admin", "puente")}


def ranking(container, client, profile_id):
    r = client.get(f"/api/v1/matches?profile={profile_id}&limit=100", headers=admin(container))
    if r.status_code == 404:
        return None
    assert r.status_code == 200, r.json
    return [(i["vacancy_id"], i["score"], i["eligible"], [b["code"] for b in i["blockers"]]) for i in r.json["items"]]


def wait_for(check, timeout_s=45.0):
    """Poll ``check`` until it returns something truthy; fail with its last value otherwise."""
    deadline, value = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"not reached in {timeout_s}s; last value {value!r}")


def seed(container):
    """Publish a nurse in Lima and four nursing vacancies: plain, licence-required, held, published-then-held."""
    nurse = profile()
    plain = vacancy(title="Enfermera para clínica en Lima")
    licensed = vacancy(licence_required=True, title="Enfermera colegiada para UCI")
    held = vacancy(title="Enfermera turno noche sin contrato")
    later_held = vacancy(title="Enfermera para residencia")
    publish(container, "profiles", "profile.published", nurse, "profile_id")
    for v in (plain, licensed, later_held):
        publish(container, "vacancies", "vacancy.published", v, "vacancy_id")
    hold = {"employer_id": "employer-clinic", "country": "PE", "occupation": "2221",
            "reasons": [{"code": "below_minimum_wage", "field": "/pay/amount"}], "held_at": "2026-03-01T10:05:00+00:00"}
    publish(container, "vacancies", "vacancy.held", {"vacancy_id": held["vacancy_id"], **hold}, "vacancy_id")
    publish(container, "vacancies", "vacancy.held", {"vacancy_id": later_held["vacancy_id"], **hold}, "vacancy_id")
    return nurse, plain, licensed, held, later_held


def test_events_on_the_topics_become_ranked_matches_and_a_credential_assessment_unblocks_a_licensed_job(world):
    container, client = world()
    nurse, plain, licensed, held, later_held = seed(container)

    seen: set[str] = set()

    def answer():
        ranked = ranking(container, client, nurse["profile_id"]) or []
        seen.update(i for i, *_ in ranked)
        return ranked

    expected = {plain["vacancy_id"], licensed["vacancy_id"]}
    ranked = wait_for(lambda: (r := answer()) and {i for i, *_ in r} == expected and r)
    ids = [r[0] for r in ranked]
    assert held["vacancy_id"] not in seen  # held by the gate before publication: never shown, not for a moment
    assert ids[0] == plain["vacancy_id"] and ranked[0][2] is True
    assert (licensed["vacancy_id"], False, ["licence_required"]) in [(i, e, b) for i, _, e, b in ranked]
    assert held["vacancy_id"] not in ids and later_held["vacancy_id"] not in ids

    publish(container, "credentials", "credential.assessed", credential(nurse["profile_id"]), "credential_id")
    ranked = wait_for(lambda: (a := answer()) and all(r[2] for r in a) and a)
    assert sorted(r[0] for r in ranked) == sorted([plain["vacancy_id"], licensed["vacancy_id"]])
    assert held["vacancy_id"] not in seen
    for vacancy_id in (held["vacancy_id"], later_held["vacancy_id"]):
        r = client.get(f"/api/v1/matches?vacancy={vacancy_id}", headers=admin(container))
        assert r.status_code == 404
    with container.engine.connect() as conn:
        statuses = dict(conn.execute(select(vacancies_table.c.vacancy_id, vacancies_table.c.status)).all())
    assert statuses[held["vacancy_id"]] == "held" and statuses[later_held["vacancy_id"]] == "held"


def test_duplicated_events_change_nothing_and_an_older_profile_version_never_overwrites_a_newer_one(world):
    container, client = world()
    nurse = profile(updated_at="2026-03-02T10:00:00+00:00")
    job = vacancy()
    events = [publish(container, "profiles", "profile.published", nurse, "profile_id"),
              publish(container, "vacancies", "vacancy.published", job, "vacancy_id")]
    before = wait_for(lambda: ranking(container, client, nurse["profile_id"]))
    matcher = container.extras[MATCHER_KEY]
    encoded = matcher.embedder.encoded

    with container.sessions() as session:
        revision = SqlReadModelStore(session).revision()
    send(container, "profiles", [events[0]] * 3)
    send(container, "vacancies", [events[1]] * 2)
    stale = profile(**{**nurse, "updated_at": "2026-03-01T09:00:00+00:00", "country": "CL"})
    publish(container, "profiles", "profile.published", stale, "profile_id")
    marker = vacancy(title="Marcador de fin de lote")
    publish(container, "vacancies", "vacancy.published", marker, "vacancy_id")
    wait_for(lambda: marker["vacancy_id"] in [r[0] for r in ranking(container, client, nurse["profile_id"])])

    after = [r for r in ranking(container, client, nurse["profile_id"]) if r[0] != marker["vacancy_id"]]
    # A float32 scan over a larger matrix may round the cosine differently in its last bit, nothing more.
    assert [(v, e, b) for v, _, e, b in after] == [(v, e, b) for v, _, e, b in before]
    assert [s for _, s, _, _ in after] == pytest.approx([s for _, s, _, _ in before], abs=1e-5)
    with container.sessions() as session:
        store = SqlReadModelStore(session)
        assert store.get_profile(nurse["profile_id"]).country == "PE"
        # The three copies and the stale version were no-ops; only the marker vacancy wrote.
        assert store.revision() == revision + 1
    assert matcher.embedder.encoded == encoded + 1  # the marker's text only


def test_a_replay_through_rebuild_gives_the_same_ranking_as_live_in_place_and_on_a_fresh_database(world):
    container, client = world()
    nurse, plain, licensed, held, later_held = seed(container)
    other = profile(country="CO", city="Bogotá", willing_to_relocate=True, relocation_countries=["PE"],
                    work_authorization=[{"country": "CO", "category": "permit", "expires": None}])
    publish(container, "profiles", "profile.published", other, "profile_id")
    publish(container, "credentials", "credential.assessed", credential(nurse["profile_id"]), "credential_id")
    gone = vacancy(title="Vacante cerrada")
    publish(container, "vacancies", "vacancy.published", gone, "vacancy_id")
    close(container, gone)

    def settled():
        a, b = ranking(container, client, nurse["profile_id"]), ranking(container, client, other["profile_id"])
        return a and b and len(a) == 2 and all(r[2] for r in a) and (a, b)

    live = wait_for(settled)

    applied = rebuild(container, poll_timeout_s=0.5)
    assert applied == 10  # every event published above, each once
    assert (ranking(container, client, nurse["profile_id"]),
            ranking(container, client, other["profile_id"])) == live

    fresh, fresh_client = world(start_consumer=False)
    assert rebuild(fresh, poll_timeout_s=0.5) == applied
    assert (ranking(fresh, fresh_client, nurse["profile_id"]),
            ranking(fresh, fresh_client, other["profile_id"])) == live
    with fresh.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(vacancies_table)
                            .where(vacancies_table.c.status == "open")).scalar() == 2


def test_a_new_vacancy_reaches_an_api_that_has_already_loaded_its_index_without_a_full_reload(world):
    container, client = world()
    nurse = profile()
    publish(container, "profiles", "profile.published", nurse, "profile_id")
    first = vacancy()
    publish(container, "vacancies", "vacancy.published", first, "vacancy_id")
    wait_for(lambda: ranking(container, client, nurse["profile_id"]))
    matcher = container.extras[MATCHER_KEY]
    reloads = []
    original = matcher._reload
    matcher._reload = lambda store: (reloads.append(1), original(store))

    second = vacancy(title="Enfermera para hospital")
    publish(container, "vacancies", "vacancy.published", second, "vacancy_id")
    wait_for(lambda: second["vacancy_id"] in [r[0] for r in ranking(container, client, nurse["profile_id"])])
    close(container, first)
    wait_for(lambda: [r[0] for r in ranking(container, client, nurse["profile_id"])] == [second["vacancy_id"]])
    assert reloads == []
