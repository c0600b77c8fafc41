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
