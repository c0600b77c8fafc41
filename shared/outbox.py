"""Transactional outbox, and the relay that publishes pending rows and retries failed ones with backoff.

A use case writes its business change and the outbox row in one database transaction; the relay,
a separate loop (or process), sends pending rows to the bus and marks them. A crash between the
broker's acknowledgement and the mark makes the row go out twice, which consumers absorb through
their inbox; it can never make a row go missing.

A published row is a copy of what left (a profile's scrubbed texts, for one): the relay deletes rows
published longer ago than the retention (``PUENTE_OUTBOX_RETENTION_H``), and an erasure deletes the
person's rows at once (``Outbox.forget``).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, sessionmaker

from shared.bus import Producer, Record
from shared.db import UtcDateTime
from shared.events import Event, SchemaRegistry

log = logging.getLogger(__name__)

messaging_metadata = MetaData()

_Id = BigInteger().with_variant(Integer, "sqlite")  # SQLite only auto-increments INTEGER PRIMARY KEY

outbox_table = Table(
    "outbox", messaging_metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("msg_key", String(200), nullable=True),
    Column("payload", LargeBinary, nullable=True),  # NULL payload = tombstone
    Column("created_at", UtcDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Index("ix_outbox_pending", "published_at", "next_attempt_at", "id"),
)

inbox_table = Table(
    "inbox", messaging_metadata,
    Column("consumer_group", String(200), primary_key=True),
    Column("source", String(200), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("processed_at", UtcDateTime(), nullable=False),
)


def create_messaging_tables(bind) -> None:
    """Create the outbox and inbox tables (called from each service's first migration)."""
    messaging_metadata.create_all(bind=bind, tables=[outbox_table, inbox_table])


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


@dataclass
class PendingRow:
    """An outbox row waiting to be published."""

    id: int
    topic: str
    key: str | None
    payload: bytes | None
    attempts: int

    @property
    def record(self) -> Record:
        """Return the bus record for this row."""
        headers = (("content-type", b"application/cloudevents+json"),) if self.payload is not None else ()
        return Record(self.topic, self.key.encode() if self.key else None, self.payload, headers)


class OutboxBatch(Protocol):
    """Rows claimed by one relay pass, and how to settle them."""

    rows: Sequence[PendingRow]

    def mark_published(self, ids: Sequence[int], at: datetime) -> None: ...

    def mark_failed(self, row_id: int, error: str, next_attempt_at: datetime) -> None: ...


class OutboxStore(Protocol):
    """Where pending rows are claimed from."""

    def claim(self, limit: int, now: datetime) -> AbstractContextManager[OutboxBatch]: ...

    def pending_count(self) -> int: ...

    def purge_published(self, before: datetime) -> int:
        """Delete the rows published before ``before``; return how many."""
        ...


class Outbox:
    """Writes events into the outbox inside the caller's transaction, validating them first."""

    def __init__(self, registry: SchemaRegistry):
        self.registry = registry

    def add(self, session: Session, topic: str, event: Event) -> None:
        """Validate ``event`` against its schema and stage it in ``session``'s transaction."""
        self.registry.validate(event)
        now = utcnow()
        session.execute(insert(outbox_table).values(
            event_id=event.id, event_type=event.type, topic=topic, msg_key=event.subject,
            payload=event.to_json(), created_at=now, attempts=0, next_attempt_at=now,
        ))

    def add_tombstone(self, session: Session, topic: str, key: str) -> None:
        """Stage a tombstone (null value) for ``key`` so compaction removes the entity from the log."""
        now = utcnow()
        session.execute(insert(outbox_table).values(
            event_id="tombstone", event_type="tombstone", topic=topic, msg_key=key, payload=None,
            created_at=now, attempts=0, next_attempt_at=now,
        ))

    def forget(self, session: Session, topic: str, key: str) -> int:
        """Delete every row keyed ``key`` on ``topic``, published or not, in ``session``'s transaction (an
        erasure: what was sent is a copy of the person, and what was not sent must not leave); return how many.

        Call it before staging the erasure's own events, which must still go out.
        """
        result = session.execute(delete(outbox_table).where(
            and_(outbox_table.c.topic == topic, outbox_table.c.msg_key == key)))
        return result.rowcount


_PURGE_CHUNK = 1000  # rows per DELETE, so a first purge of a large outbox never holds long locks
_PG_MARK_PUBLISHED = text("UPDATE outbox SET published_at = :at WHERE id = ANY(:ids)")


@dataclass
class _SqlBatch:
    session: Session
    rows: list[PendingRow]

    def mark_published(self, ids: Sequence[int], at: datetime) -> None:
        if not ids:
            return
        if self.session.get_bind().dialect.name == "postgresql":
            # One array parameter rather than one per row: binding was most of this statement's cost.
            self.session.execute(_PG_MARK_PUBLISHED, {"at": at, "ids": list(ids)})
        else:
            self.session.execute(update(outbox_table).where(outbox_table.c.id.in_(ids)).values(published_at=at))

    def mark_failed(self, row_id: int, error: str, next_attempt_at: datetime) -> None:
        self.session.execute(update(outbox_table).where(outbox_table.c.id == row_id).values(
            attempts=outbox_table.c.attempts + 1, last_error=error[:2000], next_attempt_at=next_attempt_at))


class SqlOutboxStore:
    """Claims pending rows with ``FOR UPDATE SKIP LOCKED`` so several relays can share one outbox."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    @contextmanager
    def claim(self, limit: int, now: datetime) -> Iterator[_SqlBatch]:
        """Lock up to ``limit`` due rows, oldest first, for the duration of the block."""
        query = (
            select(outbox_table.c.id, outbox_table.c.topic, outbox_table.c.msg_key, outbox_table.c.payload,
                   outbox_table.c.attempts)
            .where(and_(outbox_table.c.published_at.is_(None), outbox_table.c.next_attempt_at <= now))
            .order_by(outbox_table.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        with self.sessions() as session, session.begin():
            rows = [PendingRow(*r) for r in session.execute(query)]
            yield _SqlBatch(session, rows)

    def pending_count(self) -> int:
        """Return how many rows are not yet published."""
        with self.sessions() as session:
            return session.scalar(select(func.count()).where(outbox_table.c.published_at.is_(None)))

    def failed_rows(self) -> list[tuple[int, int, str]]:
        """Return (id, attempts, last_error) of rows that have failed at least once and are still pending."""
        with self.sessions() as session:
            q = select(outbox_table.c.id, outbox_table.c.attempts, outbox_table.c.last_error).where(
                and_(outbox_table.c.published_at.is_(None), outbox_table.c.attempts > 0))
            return [tuple(r) for r in session.execute(q)]

    def purge_published(self, before: datetime) -> int:
        """Delete the rows published before ``before``, a chunk per transaction; return how many."""
        t = outbox_table
        chunk = (select(t.c.id).where(and_(t.c.published_at.is_not(None), t.c.published_at < before))
                 .order_by(t.c.id).limit(_PURGE_CHUNK))
        purged = 0
        while True:
            with self.sessions() as session, session.begin():
                deleted = session.execute(delete(t).where(t.c.id.in_(chunk.scalar_subquery()))).rowcount
            purged += deleted
            if deleted < _PURGE_CHUNK:
                return purged


@dataclass
class InMemoryOutbox:
    """The outbox and its store in memory, for unit tests of use cases and of the relay."""

    registry: SchemaRegistry
    rows: list[dict] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _last_id: int = 0

    def add(self, session, topic: str, event: Event) -> None:
        """Validate and stage an event (``session`` is ignored)."""
        self.registry.validate(event)
        self._append(topic, event.subject, event.to_json())

    def add_tombstone(self, session, topic: str, key: str) -> None:
        """Stage a tombstone."""
        self._append(topic, key, None)

    def forget(self, session, topic: str, key: str) -> int:
        """Delete every row keyed ``key`` on ``topic``, published or not (``session`` is ignored)."""
        with self._lock:
            kept = [r for r in self.rows if not (r["topic"] == topic and r["key"] == key)]
            forgotten, self.rows[:] = len(self.rows) - len(kept), kept
            return forgotten

    def purge_published(self, before: datetime) -> int:
        """Delete the rows published before ``before``."""
        with self._lock:
            kept = [r for r in self.rows if r["published_at"] is None or r["published_at"] >= before]
            purged, self.rows[:] = len(self.rows) - len(kept), kept
            return purged

    def _append(self, topic, key, payload):
        with self._lock:
            now = utcnow()
            self._last_id += 1
            self.rows.append({"id": self._last_id, "topic": topic, "key": key, "payload": payload,
                              "attempts": 0, "next_attempt_at": now, "published_at": None, "last_error": None})

    @contextmanager
    def claim(self, limit: int, now: datetime):
        """Yield the due rows."""
        with self._lock:
            due = [r for r in self.rows if r["published_at"] is None and r["next_attempt_at"] <= now][:limit]
            outbox = self

            class _Batch:
                rows = [PendingRow(r["id"], r["topic"], r["key"], r["payload"], r["attempts"]) for r in due]

                def mark_published(self, ids, at):
                    for r in outbox.rows:
                        if r["id"] in ids:
                            r["published_at"] = at

                def mark_failed(self, row_id, error, next_attempt_at):
                    r = next(r for r in outbox.rows if r["id"] == row_id)
                    r.update(attempts=r["attempts"] + 1, last_error=error, next_attempt_at=next_attempt_at)

            yield _Batch()

    def pending_count(self) -> int:
        """Return how many rows are not yet published."""
        return sum(1 for r in self.rows if r["published_at"] is None)


@dataclass(frozen=True)
class RelayResult:
    """What one relay pass did."""

    published: int = 0
    failed: int = 0


class OutboxRelay:
    """Publishes pending outbox rows in order; a failed row is retried with exponential backoff."""

    def __init__(self, store: OutboxStore, producer: Producer, *, batch_size: int = 500,
                 base_backoff_s: float = 0.5, max_backoff_s: float = 30.0,
                 clock: Callable[[], datetime] = utcnow, retention: timedelta | None = None,
                 purge_every_s: float = 60.0):
        self.store, self.producer = store, producer
        self.batch_size, self.base_backoff_s, self.max_backoff_s = batch_size, base_backoff_s, max_backoff_s
        self.clock = clock
        # How long a published row is kept (None: for ever), and how often the loop looks for expired ones.
        self.retention, self.purge_every_s = retention, purge_every_s
        self._next_purge: datetime | None = None

    def backoff(self, attempts: int) -> timedelta:
        """Return the wait before the next try after ``attempts`` failures (with jitter)."""
        seconds = min(self.max_backoff_s, self.base_backoff_s * (2 ** max(0, attempts)))
        return timedelta(seconds=seconds * random.uniform(0.8, 1.0))

    def relay_once(self) -> RelayResult:
        """Publish one batch of due rows."""
        now = self.clock()
        with self.store.claim(self.batch_size, now) as batch:
            if not batch.rows:
                return RelayResult()
            results = self.producer.send_many([row.record for row in batch.rows])
            return self._settle(batch, results)

    def _settle(self, batch: OutboxBatch, results: Sequence[Exception | None]) -> RelayResult:
        now = self.clock()
        done = [row.id for row, err in zip(batch.rows, results, strict=True) if err is None]
        batch.mark_published(done, now)
        failed = [(row, err) for row, err in zip(batch.rows, results, strict=True) if err is not None]
        for row, err in failed:
            batch.mark_failed(row.id, str(err), now + self.backoff(row.attempts))
        if failed:
            log.warning("outbox relay: %d of %d rows failed, will retry: %s", len(failed), len(results), failed[0][1])
        return RelayResult(len(done), len(failed))

    def purge_once(self) -> int:
        """Delete the rows published longer ago than the retention; return how many (none without one)."""
        if self.retention is None:
            return 0
        purged = self.store.purge_published(self.clock() - self.retention)
        if purged:
            log.info("outbox relay: purged %d rows published more than %s ago", purged, self.retention)
        return purged

    def purge_when_due(self) -> int:
        """Purge once every ``purge_every_s`` (the loop calls this on each pass)."""
        now = self.clock()
        if self.retention is None or (self._next_purge is not None and now < self._next_purge):
            return 0
        self._next_purge = now + timedelta(seconds=self.purge_every_s)
        return self.purge_once()

    def run(self, stop: threading.Event, idle_s: float = 0.05) -> None:
        """Relay until ``stop`` is set; sleep ``idle_s`` when there is nothing due; purge expired rows as it goes."""
        while not stop.is_set():
            try:
                self.purge_when_due()
                result = self.relay_once()
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the relay
                log.exception("outbox relay pass failed")
                stop.wait(min(self.max_backoff_s, 1.0))
                continue
            if result.published == 0:
                stop.wait(idle_s if result.failed == 0 else min(self.max_backoff_s, self.base_backoff_s))


def upgrade_messaging() -> None:
    """Alembic step shared by every service's first migration: create the outbox and inbox."""
    from alembic import op

    create_messaging_tables(op.get_bind())


def downgrade_messaging() -> None:
    """Alembic step: drop the outbox and inbox."""
    from alembic import op

    op.drop_table("inbox")
    op.drop_table("outbox")
