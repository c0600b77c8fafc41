"""The backbone on the real parts: PostgreSQL outbox -> Kafka -> consumer in another process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from shared.consumer import EventConsumer, SqlInbox
from shared.db import make_engine, session_factory
from shared.events import Event, SchemaViolation
from shared.kafka_bus import KafkaBus
from shared.outbox import Outbox, OutboxRelay, SqlOutboxStore
from shared.topics import TopicSpec, dead_letter_topic
from tests.conftest import ROOT
from tests.integration.harness import CONSUMER_CRASH, RELAY_CRASH
from tests.integration.kafka_tools import topic_records
from tests.support import NOTED, applied_counts, apply_note, create_tables, noted, notes, write_note

pytestmark = pytest.mark.integration


def harness(*args, timeout=180) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tests.integration.harness", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def databases(postgres_database):
    engines = []

    def new(prefix):
        url = postgres_database(prefix)
        engine = make_engine(url)
        create_tables(engine)
        engines.append(engine)
        return url, engine

    yield new
    for engine in engines:
        engine.dispose()


def test_an_outbox_event_has_its_effect_exactly_once_across_crashed_relay_and_consumer(
        kafka_bootstrap, databases, registry, unique_topic):
    topic, group = unique_topic("notes"), unique_topic("grp")
    KafkaBus(kafka_bootstrap).ensure_topics([TopicSpec(topic, 3), TopicSpec(dead_letter_topic(group), 1)])
    producer_url, producer_db = databases("producer")
    consumer_url, consumer_db = databases("consumer")
    sessions, outbox = session_factory(producer_db), Outbox(registry)
    for i in range(1, 201):
        write_note(sessions, outbox, topic, i, f"nota {i}")

    crashed = harness("relay", "--db", producer_url, "--bootstrap", kafka_bootstrap, "--batch", "50", "--crash")
    assert crashed.returncode == RELAY_CRASH, crashed.stderr
    assert SqlOutboxStore(sessions).pending_count() == 200  # the acknowledged batch was never marked
    finished = harness("relay", "--db", producer_url, "--bootstrap", kafka_bootstrap)
    assert finished.returncode == 0, finished.stderr
    on_topic = topic_records(kafka_bootstrap, topic)
    assert len(on_topic) == 250  # 50 published twice
    assert len({Event.from_json(r.value).id for r in on_topic}) == 200

    crashed = harness("consume", "--db", consumer_url, "--bootstrap", kafka_bootstrap, "--topic", topic,
                      "--group", group, "--expect", "200", "--crash-after", "30")
    assert crashed.returncode == CONSUMER_CRASH, crashed.stderr
    stored_before_crash, distinct = applied_counts(consumer_db)
    assert stored_before_crash == distinct >= 30  # effects stored, their offsets never committed
    finished = harness("consume", "--db", consumer_url, "--bootstrap", kafka_bootstrap, "--topic", topic,
                       "--group", group, "--expect", "200")
    assert finished.returncode == 0, finished.stderr
    assert applied_counts(consumer_db) == (200, 200)  # every note once, none twice


def test_a_poison_message_is_dead_lettered_and_the_messages_after_it_are_processed(
        kafka_bootstrap, databases, registry, unique_topic):
    topic, group = unique_topic("notes"), unique_topic("grp")
    bus = KafkaBus(kafka_bootstrap)
    bus.ensure_topics([TopicSpec(topic, 1), TopicSpec(dead_letter_topic(group), 1)])
    _, consumer_db = databases("consumer")
    from shared.bus import Record

    bus.producer().send_many([
        Record(topic, b"k", noted(1).to_json()),
        Record(topic, b"k", b"{broken json"),
        Record(topic, b"k", noted(2, fail=True).to_json()),
        Record(topic, b"k", noted(3).to_json()),
    ])
    consumer = EventConsumer(bus.subscribe(group, [topic]), group=group, handlers={NOTED: apply_note},
                             registry=registry, inbox=SqlInbox(session_factory(consumer_db), group),
                             dead_letters=bus.producer(), max_attempts=3, base_backoff_s=0.01)
    deadline = time.monotonic() + 60
    while sum(consumer.outcomes.values()) < 4 and time.monotonic() < deadline:
        consumer.run_once(0.5)
    consumer.subscription.close()
    assert applied_counts(consumer_db) == (2, 2)
    dead = topic_records(kafka_bootstrap, dead_letter_topic(group))
    reasons = [dict(r.headers)["puente-error-type"] for r in dead]
    assert reasons == [b"EnvelopeError", b"RuntimeError"]
    assert dict(dead[1].headers)["puente-attempts"] == b"3"
    assert b"asked to fail" in dict(dead[1].headers)["puente-error"]


def test_event_data_that_violates_its_schema_never_reaches_the_topic(kafka_bootstrap, databases, registry,
                                                                     unique_topic):
    topic = unique_topic("notes")
    bus = KafkaBus(kafka_bootstrap)
    bus.ensure_topics([TopicSpec(topic, 1)])
    _, producer_db = databases("producer")
    sessions = session_factory(producer_db)
    with pytest.raises(SchemaViolation):
        write_note(sessions, Outbox(registry), topic, 1, body="x" * 500)
    OutboxRelay(SqlOutboxStore(sessions), bus.producer()).relay_once()
    assert topic_records(kafka_bootstrap, topic) == []
    with producer_db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(notes)).scalar_one() == 0


def test_writes_succeed_while_the_broker_is_down_and_all_are_delivered_when_it_returns(
        tmp_path, databases, registry, unique_topic):
    from shared.infra.kafka_broker import KafkaBroker

    broker = KafkaBroker(tmp_path / "broker")
    bootstrap = broker.start()
    try:
        topic, group = unique_topic("notes"), unique_topic("grp")
        bus = KafkaBus(bootstrap, max_block_ms=2000, delivery_timeout_ms=8000)
        bus.ensure_topics([TopicSpec(topic, 3), TopicSpec(dead_letter_topic(group), 1)])
        _, producer_db = databases("producer")
        _, consumer_db = databases("consumer")
        sessions = session_factory(producer_db)
        store = SqlOutboxStore(sessions)
        relay = OutboxRelay(store, bus.producer(), batch_size=200, base_backoff_s=0.5, max_backoff_s=2)
        stop = threading.Event()
        relay_thread = threading.Thread(target=relay.run, args=(stop, 0.05), daemon=True)
        relay_thread.start()

        broker.stop()
        outbox = Outbox(registry)
        for i in range(1, 1001):
            write_note(sessions, outbox, topic, i)  # every write succeeds with the broker gone
        deadline = time.monotonic() + 20
        while not store.failed_rows() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert store.failed_rows(), "the relay should have tried and failed while the broker was down"
        assert store.pending_count() == 1000

        broker.start()
        deadline = time.monotonic() + 120
        while store.pending_count() and time.monotonic() < deadline:
            time.sleep(0.5)
        stop.set()
        relay_thread.join(30)
        assert store.pending_count() == 0

        records = topic_records(bootstrap, topic)
        assert len({Event.from_json(r.value).id for r in records}) == 1000  # 0 lost

        consumer = EventConsumer(bus.subscribe(group, [topic]), group=group, handlers={NOTED: apply_note},
                                 registry=registry, inbox=SqlInbox(session_factory(consumer_db), group),
                                 dead_letters=bus.producer())
        deadline = time.monotonic() + 120
        while applied_counts(consumer_db)[1] < 1000 and time.monotonic() < deadline:
            consumer.run_once(0.5)
        consumer.subscription.close()
        assert applied_counts(consumer_db) == (1000, 1000)  # 0 duplicated effects
    finally:
        broker.stop()
