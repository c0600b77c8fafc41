"""Profiles on the real parts: PostgreSQL outbox -> Kafka, with the contracts checked on what arrives."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.profiles.adapters.memory import KeywordNormalizer
from services.profiles.adapters.sql import SqlUnitOfWork, profile_keys_table, profiles_table
from services.profiles.adapters.taxonomy import TaxonomyCodeBook
from services.profiles.usecases import ProfileService
from services.registry import load_service
from shared.db import make_engine, migrate, session_factory
from shared.events import Event
from shared.kafka_bus import KafkaBus
from shared.outbox import Outbox, OutboxRelay, SqlOutboxStore, outbox_table
from shared.published.profiles import ProfilePublished, ProfileWithdrawn
from shared.topics import TopicSpec
from tests.integration.kafka_tools import topic_records
from tests.unit.profiles.factories import LIMA, YES, details

pytestmark = pytest.mark.integration


@pytest.fixture
def setup(postgres_database, kafka_bootstrap, registry, unique_topic):
    engine = make_engine(postgres_database("profiles"))
    migrate(engine, load_service("profiles").migrations)
    sessions = session_factory(engine)
    topic = unique_topic("profiles")
    bus = KafkaBus(kafka_bootstrap)
    bus.ensure_topics([TopicSpec(topic, 3, compacted=True)])
    profiles = ProfileService(lambda: SqlUnitOfWork(sessions, Outbox(registry), topic),
                              TaxonomyCodeBook(), KeywordNormalizer({}), lambda: datetime.now(UTC))
    store = SqlOutboxStore(sessions)
    relay = OutboxRelay(store, bus.producer())

    def publish_all():
        deadline = time.monotonic() + 60
        while store.pending_count() and time.monotonic() < deadline:
            relay.relay_once()
        assert store.pending_count() == 0

    yield profiles, engine, topic, publish_all
    engine.dispose()


def test_a_created_profile_reaches_kafka_keyed_by_its_id_and_valid_against_its_schema(
        setup, kafka_bootstrap, registry):
    profiles, _engine, topic, publish_all = setup
    created = profiles.create(LIMA, details(), YES).profile
    profiles.update(LIMA, created.id, details(availability="later"), YES, 1)
    publish_all()
    records = topic_records(kafka_bootstrap, topic)
    assert [r.key.decode() for r in records] == [created.id, created.id]
    events = [Event.from_json(r.value) for r in records]
    for event in events:
        registry.validate(event)
    assert [e.type for e in events] == [ProfilePublished.TYPE] * 2
    assert ProfilePublished.from_data(events[1].data).availability == "later" and events[1].subject == created.id
    assert "Pérez" not in records[0].value.decode()


def test_erasure_deletes_the_rows_and_puts_withdrawal_and_tombstone_on_the_topic(setup, kafka_bootstrap, registry):
    profiles, engine, topic, publish_all = setup
    created = profiles.create(LIMA, details(), YES).profile
    publish_all()
    profiles.erase(LIMA, created.id)
    publish_all()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(profiles_table)) == 0
        assert conn.scalar(select(func.count()).select_from(profile_keys_table)) == 0
        # The published profile's row went at the erasure, not after the outbox's retention.
        left = conn.execute(select(outbox_table.c.event_type).where(outbox_table.c.msg_key == created.id)
                            .order_by(outbox_table.c.id)).scalars().all()
    assert left == [ProfileWithdrawn.TYPE, "tombstone"]
    records = topic_records(kafka_bootstrap, topic)
    assert [r.key.decode() for r in records] == [created.id] * 3
    published, withdrawn, tombstone = records
    event = Event.from_json(withdrawn.value)
    registry.validate(event)
    assert event.type == ProfileWithdrawn.TYPE and ProfileWithdrawn.from_data(event.data).reason == "erased"
    assert tombstone.value is None


def test_a_profile_erased_before_the_relay_ran_never_reaches_the_topic(setup, kafka_bootstrap):
    profiles, _engine, topic, publish_all = setup
    created = profiles.create(LIMA, details(), YES).profile
    profiles.erase(LIMA, created.id)
    publish_all()
    records = topic_records(kafka_bootstrap, topic)
    assert [Event.from_json(r.value).type if r.value else None for r in records] == [ProfileWithdrawn.TYPE, None]


def test_the_relay_purges_rows_published_longer_ago_than_the_retention_on_postgresql(setup, registry):
    profiles, engine, _topic, publish_all = setup
    for _ in range(3):
        profiles.create(LIMA, details(identity_documents=[], identity_phone=None), YES)
    publish_all()
    store = SqlOutboxStore(session_factory(engine))
    assert store.purge_published(datetime.now(UTC) - timedelta(hours=1)) == 0
    assert store.purge_published(datetime.now(UTC) + timedelta(seconds=1)) == 3
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(outbox_table)) == 0


def test_withdrawing_consent_puts_withdrawal_and_tombstone_on_the_topic(setup, kafka_bootstrap):
    profiles, _engine, topic, publish_all = setup
    created = profiles.create(LIMA, details(), YES).profile
    profiles.update(LIMA, created.id, details(), {**YES, "matching": False}, 1)
    publish_all()
    records = topic_records(kafka_bootstrap, topic)
    assert ProfileWithdrawn.from_data(Event.from_json(records[1].value).data).reason == "consent_withdrawn"
    assert records[2].value is None
