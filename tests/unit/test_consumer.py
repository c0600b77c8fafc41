import pytest

from shared.bus import InMemoryBus, Record
from shared.consumer import EventConsumer, InMemoryInbox, SqlInbox
from shared.db import make_engine, session_factory
from shared.topics import TopicSpec
from tests.support import NOTED, applied_counts, apply_note, create_tables, noted


@pytest.fixture
def bus():
    bus = InMemoryBus()
    bus.ensure_topics([TopicSpec("notes", 1), TopicSpec("notes-group.dlt", 1)])
    return bus


def consumer_for(bus, registry, inbox, **kw):
    return EventConsumer(bus.subscribe("notes-group", ["notes"]), group="notes-group", handlers={NOTED: apply_note},
                         registry=registry, inbox=inbox, dead_letters=bus.producer(), sleep=lambda s: None, **kw)


def send(bus, *values):
    bus.producer().send_many([Record("notes", b"k", v) for v in values])


def test_a_redelivered_event_has_its_effect_only_once(bus, registry):
    inbox = InMemoryInbox()
    event = noted(1)
    send(bus, event.to_json(), event.to_json())
    consumer = consumer_for(bus, registry, inbox)
    assert consumer.run_once(0) == 2
    assert inbox.state["applied"] == [1]
    assert consumer.outcomes == {"done": 1, "duplicate": 1}


def test_offsets_are_committed_only_after_the_effect(bus, registry):
    inbox = InMemoryInbox()
    send(bus, noted(1).to_json())
    first = consumer_for(bus, registry, inbox)
    message = first.subscription.poll(0)[0]  # fetched, but the process "dies" before handling it
    assert message.offset == 0
    second = consumer_for(bus, registry, inbox)  # a new member of the group starts from the committed offset
    assert second.run_once(0) == 1
    assert inbox.state["applied"] == [1]


def test_a_poison_message_is_dead_lettered_with_its_reason_and_the_stream_keeps_flowing(bus, registry):
    inbox = InMemoryInbox()
    send(bus, b"not json at all", noted(2, fail=True).to_json(), noted(3, "x" * 999).to_json(), noted(4).to_json())
    consumer = consumer_for(bus, registry, inbox, max_attempts=3)
    consumer.run_once(0)
    assert inbox.state["applied"] == [4]
    dead = bus.messages("notes-group.dlt")
    assert [m.header("puente-error-type") for m in dead] == [b"EnvelopeError", b"RuntimeError", b"SchemaViolation"]
    assert dead[1].header("puente-attempts") == b"3"
    assert b"asked to fail" in dead[1].header("puente-error")
    assert dead[0].header("puente-original-offset") == b"0"
    assert consumer.outcomes == {"dead_lettered": 3, "done": 1}


def test_a_handler_that_recovers_within_the_attempts_is_not_dead_lettered(bus, registry):
    inbox, calls = InMemoryInbox(), []

    def flaky(event, tx):
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("database blinked")
        apply_note(event, tx)

    send(bus, noted(5).to_json())
    consumer = EventConsumer(bus.subscribe("notes-group", ["notes"]), group="notes-group", handlers={NOTED: flaky},
                             registry=registry, inbox=inbox, dead_letters=bus.producer(), sleep=lambda s: None)
    consumer.run_once(0)
    assert inbox.state["applied"] == [5] and len(calls) == 3
    assert bus.messages("notes-group.dlt") == []


def test_a_failed_attempt_leaves_no_partial_effect(tmp_path, bus, registry):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    create_tables(engine)
    inbox = SqlInbox(session_factory(engine), "notes-group")

    def half_then_fail(event, tx):
        apply_note(event, tx)
        raise RuntimeError("crashed after writing half")

    send(bus, noted(6).to_json())
    consumer = EventConsumer(bus.subscribe("notes-group", ["notes"]), group="notes-group",
                             handlers={NOTED: half_then_fail}, registry=registry, inbox=inbox,
                             dead_letters=bus.producer(), max_attempts=2, sleep=lambda s: None)
    consumer.run_once(0)
    assert applied_counts(engine) == (0, 0)
    assert len(bus.messages("notes-group.dlt")) == 1


def test_events_of_types_the_group_does_not_handle_are_skipped(bus, registry):
    from shared.events import Event

    other = Event(type="org.puente.test.noted.v1", source="/services/x", subject="1", data={"note_id": 1, "body": "b"})
    send(bus, other.to_json())
    consumer = EventConsumer(bus.subscribe("g2", ["notes"]), group="g2", handlers={}, registry=registry,
                             inbox=InMemoryInbox(), dead_letters=bus.producer())
    consumer.run_once(0)
    assert consumer.outcomes == {"ignored": 1}


def test_a_batch_handler_gets_runs_of_its_type_in_log_order(bus, registry):
    from shared.consumer import batch_handler
    from shared.events import Event

    calls = []

    @batch_handler
    def record(events, tx):
        calls.append([e.subject for e in events])

    other = "org.puente.test.other.v1"
    registry._validators[other] = registry._validators[NOTED]
    registry._fast[other] = registry._fast[NOTED]
    events = [noted(1), noted(2), Event(type=other, source="/services/x", subject="x", data={"note_id": 9, "body": ""}),
              noted(3)]
    send(bus, *(e.to_json() for e in events))
    consumer = EventConsumer(bus.subscribe("notes-group", ["notes"]), group="notes-group",
                             handlers={NOTED: record, other: record}, registry=registry, inbox=InMemoryInbox(),
                             dead_letters=bus.producer())
    consumer.run_once(0)
    assert calls == [["note-1", "note-2"], ["x"], ["note-3"]]
