import pytest

from shared.context import correlation
from shared.events import EnvelopeError, Event, SchemaViolation, new_event
from tests.support import NOTED, noted


def test_an_event_survives_a_round_trip_through_json():
    event = noted(7, "ciao")
    assert Event.from_json(event.to_json()) == event
    body = event.to_dict()
    assert body["specversion"] == "1.0" and body["subject"] == "note-7"
    assert body["dataschema"].endswith(f"contracts/schemas/{NOTED}.json")


def test_event_types_must_carry_a_version_suffix():
    with pytest.raises(EnvelopeError, match="type"):
        Event(type="org.puente.note.written", source="/services/x", subject="1", data={})


def test_bytes_that_are_not_a_cloudevent_are_refused():
    with pytest.raises(EnvelopeError):
        Event.from_json(b"\xff\x00garbage")
    with pytest.raises(EnvelopeError, match="missing"):
        Event.from_json(b'{"id": "1"}')


def test_data_that_breaks_its_schema_is_reported_with_a_pointer(registry):
    with pytest.raises(SchemaViolation) as err:
        registry.validate(noted(0, "x" * 300))
    pointers = {e["pointer"] for e in err.value.errors}
    assert pointers == {"/note_id", "/body"}


def test_an_event_type_without_a_schema_is_refused(registry):
    event = Event(type="org.puente.unknown.happened.v1", source="/services/x", subject="1", data={})
    with pytest.raises(SchemaViolation, match="no schema"):
        registry.validate(event)


def test_new_events_carry_the_current_correlation_id():
    with correlation("req-123"):
        event = new_event(NOTED, "/services/x", "1", {"note_id": 1, "body": "b"})
    assert event.correlationid == "req-123"
    assert Event.from_json(event.to_json()).correlationid == "req-123"
