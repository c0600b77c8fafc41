"""A tiny test-only domain (notes) used to exercise the backbone: a row, its event, and an effect."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, func, insert, select

from shared.consumer import batch_handler
from shared.db import transaction
from shared.events import Event
from shared.outbox import create_messaging_tables

metadata = MetaData()
notes = Table("notes", metadata, Column("id", Integer, primary_key=True), Column("body", Text))
# No unique constraint on purpose: a duplicated effect must show up as a second row.
applied = Table("applied", metadata, Column("seq", Integer, primary_key=True, autoincrement=True),
                Column("note_id", Integer, nullable=False), Column("event_id", String(64), nullable=False))


NOTED = "org.puente.test.noted.v1"
SOURCE = "/services/testnotes"


def create_tables(engine) -> None:
    """Create the notes tables plus the outbox and inbox."""
    metadata.create_all(engine)
    create_messaging_tables(engine)


def noted(note_id: int, body: str = "hello", **extra) -> Event:
    """Return the event announcing a note."""
    return Event(type=NOTED, source=SOURCE, subject=f"note-{note_id}", data={"note_id": note_id, "body": body, **extra})


def write_note(sessions, outbox, topic: str, note_id: int, body: str = "hello", **extra) -> None:
    """Store a note and its event in one transaction."""
    with transaction(sessions) as session:
        session.execute(insert(notes).values(id=note_id, body=body))
        outbox.add(session, topic, noted(note_id, body, **extra))


@batch_handler
def apply_notes(events: list[Event], tx) -> None:
    """The consumer's effect: record, in one statement, that the notes were applied (fails on request)."""
    for event in events:
        if event.data.get("fail"):
            raise RuntimeError(f"note {event.data['note_id']} asked to fail")
    if hasattr(tx, "session"):
        tx.session.execute(insert(applied), [{"note_id": e.data["note_id"], "event_id": e.id} for e in events])
    else:
        tx.state.setdefault("applied", []).extend(e.data["note_id"] for e in events)


def apply_note(event: Event, tx) -> None:
    """The consumer's effect for one event, written as a plain per-event handler."""
    apply_notes([event], tx)


def applied_counts(engine) -> tuple[int, int]:
    """Return (rows in applied, distinct notes applied)."""
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(applied)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(applied.c.note_id)))).scalar_one()
    return total, distinct
