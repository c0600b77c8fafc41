from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shared.bus import InMemoryBus
from shared.db import make_engine, session_factory, transaction
from shared.events import Event, SchemaViolation
from shared.outbox import InMemoryOutbox, Outbox, OutboxRelay, SqlOutboxStore, outbox_table, utcnow
from shared.topics import TopicSpec
from tests.support import create_tables, noted, notes, write_note


@pytest.fixture
def db(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    create_tables(engine)
    return engine, session_factory(engine)


@pytest.fixture
def bus():
    bus = InMemoryBus()
    bus.ensure_topics([TopicSpec("notes", 3)])
    return bus


def test_rows_written_with_the_business_change_are_published_in_order_per_key(db, bus, registry):
    _, sessions = db
    outbox = Outbox(registry)
    # Three notes, each changed several times, the changes interleaved across notes as a busy service does.
    writes = [(note, f"v{version}") for version in range(1, 5) for note in (1, 2, 3)]
    for note, body in writes:
        with transaction(sessions) as session:
            outbox.add(session, "notes", noted(note, body))
    relay = OutboxRelay(SqlOutboxStore(sessions), bus.producer(), batch_size=5)  # several passes
    while relay.relay_once().published:
        pass
    received: dict[bytes, list[str]] = {}
    for message in bus.messages("notes"):  # partition by partition, each in the order it was appended
        received.setdefault(message.key, []).append(Event.from_json(message.value).data["body"])
    assert received == {f"note-{n}".encode(): ["v1", "v2", "v3", "v4"] for n in (1, 2, 3)}
    assert relay.relay_once().published == 0  # nothing is sent twice
    assert SqlOutboxStore(sessions).pending_count() == 0


def test_a_schema_violation_rolls_back_the_business_change_too(db, registry):
    engine, sessions = db
    with pytest.raises(SchemaViolation):
        write_note(sessions, Outbox(registry), "notes", 1, "x" * 500)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(notes)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(outbox_table)).scalar_one() == 0


def test_failed_rows_are_retried_with_growing_backoff_until_the_bus_returns(db, bus, registry):
    _, sessions = db
    write_note(sessions, Outbox(registry), "notes", 1)
    now = [utcnow()]
    relay = OutboxRelay(SqlOutboxStore(sessions), bus.producer(), base_backoff_s=1, max_backoff_s=8,
                        clock=lambda: now[0])
    bus.fail_sends = True
    assert relay.relay_once().failed == 1
    assert relay.relay_once().failed == 0  # not due yet: backing off
    now[0] += timedelta(seconds=2)
    assert relay.relay_once().failed == 1
    (row_id, attempts, error), = SqlOutboxStore(sessions).failed_rows()
    assert attempts == 2 and "unreachable" in error
    bus.fail_sends = False
    now[0] += timedelta(seconds=10)
    assert relay.relay_once().published == 1
    assert len(bus.messages("notes")) == 1


def test_the_backoff_is_capped():
    relay = OutboxRelay(store=None, producer=None, base_backoff_s=0.5, max_backoff_s=30)
    assert relay.backoff(20) <= timedelta(seconds=30)
    assert relay.backoff(0) <= timedelta(seconds=0.5)


def test_the_in_memory_outbox_behaves_like_the_sql_one(bus, registry):
    outbox = InMemoryOutbox(registry)
    outbox.add(None, "notes", noted(1))
    outbox.add_tombstone(None, "notes", "note-1")
    relay = OutboxRelay(outbox, bus.producer())
    assert relay.relay_once().published == 2
    assert [m.value is None for m in bus.messages("notes")] == [False, True]
    assert outbox.pending_count() == 0


# --- retention and erasure: published payloads do not stay in the outbox ------------------------------------

def keys_left(sessions) -> list[tuple[str, bool]]:
    with sessions() as session:
        return [(k, p is not None) for k, p in session.execute(
            select(outbox_table.c.msg_key, outbox_table.c.published_at).order_by(outbox_table.c.id))]


def test_rows_published_longer_ago_than_the_retention_are_purged_and_newer_or_pending_ones_stay(db, bus, registry):
    _, sessions = db
    outbox = Outbox(registry)
    write_note(sessions, outbox, "notes", 1)
    now = [utcnow()]
    relay = OutboxRelay(SqlOutboxStore(sessions), bus.producer(), retention=timedelta(hours=168),
                        clock=lambda: now[0])
    assert relay.relay_once().published == 1
    write_note(sessions, outbox, "notes", 2)
    now[0] = utcnow() + timedelta(hours=100)
    assert relay.relay_once().published == 1
    write_note(sessions, outbox, "notes", 3)  # stays pending: nothing relays it
    now[0] += timedelta(hours=69)  # note 1 went out 169 h ago, note 2 69 h ago
    assert relay.purge_once() == 1
    assert keys_left(sessions) == [("note-2", True), ("note-3", False)]


def test_without_a_retention_the_relay_purges_nothing(db, bus, registry):
    _, sessions = db
    write_note(sessions, Outbox(registry), "notes", 1)
    relay = OutboxRelay(SqlOutboxStore(sessions), bus.producer())
    relay.relay_once()
    assert relay.purge_once() == 0 and keys_left(sessions) == [("note-1", True)]


def test_the_relay_loop_purges_expired_rows_as_it_goes(db, bus, registry):
    import threading
    import time

    _, sessions = db
    write_note(sessions, Outbox(registry), "notes", 1)
    relay = OutboxRelay(SqlOutboxStore(sessions), bus.producer(), retention=timedelta(0), purge_every_s=0.01)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop, 0.01))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while keys_left(sessions) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join()
    assert len(bus.messages("notes")) == 1 and keys_left(sessions) == []


def test_forgetting_a_key_deletes_its_rows_on_that_topic_sent_or_not_and_nothing_else(db, bus, registry):
    _, sessions = db
    outbox = Outbox(registry)
    write_note(sessions, outbox, "notes", 1)
    write_note(sessions, outbox, "notes", 2)
    OutboxRelay(SqlOutboxStore(sessions), bus.producer()).relay_once()
    with transaction(sessions) as session:
        outbox.add(session, "notes", noted(1, "again"))  # pending
    with transaction(sessions) as session:
        outbox.add(session, "other", noted(1))  # the same key on another topic
    with transaction(sessions) as session:
        assert outbox.forget(session, "notes", "note-1") == 2
    with sessions() as session:
        left = session.execute(select(outbox_table.c.topic, outbox_table.c.msg_key).order_by(outbox_table.c.id)).all()
    assert [tuple(r) for r in left] == [("notes", "note-2"), ("other", "note-1")]


def test_the_in_memory_outbox_purges_and_forgets_like_the_sql_one(bus, registry):
    outbox = InMemoryOutbox(registry)
    outbox.add(None, "notes", noted(1))
    outbox.add(None, "notes", noted(2))
    now = [utcnow()]
    relay = OutboxRelay(outbox, bus.producer(), retention=timedelta(hours=1), clock=lambda: now[0])
    relay.relay_once()
    outbox.add(None, "notes", noted(3))
    now[0] += timedelta(hours=2)
    assert relay.purge_once() == 2 and [r["key"] for r in outbox.rows] == ["note-3"]
    assert outbox.forget(None, "notes", "note-3") == 1 and outbox.rows == []


def test_the_outbox_retention_defaults_to_seven_days_is_bounded_and_reaches_the_relay(tmp_path):
    from services.profiles.app import SERVICE
    from shared.service import build_container, make_relay
    from shared.settings import SettingsError, load_settings

    assert load_settings({}, bus="memory").outbox_retention_h == 168
    with pytest.raises(SettingsError) as err:
        load_settings({"PUENTE_OUTBOX_RETENTION_H": "-1"}, bus="memory")
    assert "PUENTE_OUTBOX_RETENTION_H" in err.value.problems
    settings = load_settings({"PUENTE_OUTBOX_RETENTION_H": "12"}, bus="memory", secret_key="k" * 40)
    container = build_container(SERVICE, settings, bus=InMemoryBus(), data_dir=tmp_path)
    assert make_relay(container).retention == timedelta(hours=12)
