"""Idempotent event consumption: inbox on (source, id), commit after the effect, dead-letter after N tries.

For each message: decode and validate; skip if the inbox already holds (source, id); otherwise run the
handler and record the inbox row in one transaction; then commit the offset. A handler that keeps
failing, or a message that cannot be decoded or validated, goes to the group's dead-letter topic with
the reason in its headers, and the stream keeps flowing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from shared.bus import Message, Producer, Record, Subscription
from shared.context import correlation
from shared.events import EnvelopeError, Event, SchemaRegistry, SchemaViolation
from shared.outbox import inbox_table, utcnow
from shared.topics import dead_letter_topic

log = logging.getLogger(__name__)


class InboxTransaction(Protocol):
    """One unit of work on the consumer's side: the effect and the inbox row commit together."""

    def claim(self, events: Sequence[Event]) -> list[Event]:
        """Record ``events`` as processed in this transaction; return those not processed before."""


class Inbox(Protocol):
    """Opens inbox transactions."""

    def transaction(self) -> AbstractContextManager[InboxTransaction]: ...


Handler = Callable[[Event, Any], None]
TombstoneHandler = Callable[[str, str, Any], None]


def batch_handler(fn: Callable[[Sequence[Event], Any], None]) -> Callable:
    """Mark a handler that takes a list of events of one type, so it can write or encode them in bulk.

    It is called with each run of consecutive events of its type in a poll batch (so per-entity order
    holds across types), and with a single event on the careful one-by-one path.
    """
    fn.takes_batches = True
    return fn


def _call(handler, events: Sequence[Event], tx) -> None:
    if getattr(handler, "takes_batches", False):
        with correlation(events[0].correlationid):
            handler(events, tx)
        return
    for event in events:
        with correlation(event.correlationid):
            handler(event, tx)


_PG_CLAIM = text("""
    INSERT INTO inbox (consumer_group, source, event_id, event_type, processed_at)
    SELECT :group, s, i, t, now()
    FROM unnest(CAST(:sources AS varchar[]), CAST(:ids AS varchar[]), CAST(:types AS varchar[])) AS u(s, i, t)
    ON CONFLICT DO NOTHING
    RETURNING source, event_id
""")


@dataclass
class SqlInboxTransaction:
    """An inbox transaction on a SQLAlchemy session; handlers write their effect through ``session``."""

    session: Session
    group: str

    def claim(self, events: Sequence[Event]) -> list[Event]:
        """Insert inbox rows, skipping those that exist; return the events whose rows are new.

        One ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` for the whole batch: a concurrent member of
        the group that claims the same event waits for this transaction and then gets nothing back.
        """
        unique = {(e.source, e.id): e for e in events}
        if not unique:
            return []
        if self.session.get_bind().dialect.name == "postgresql":
            # Three array parameters instead of one parameter per column and row: binding thousands of
            # scalars was the costliest part of a batch.
            rows = self.session.execute(_PG_CLAIM, {
                "group": self.group, "sources": [s for s, _ in unique], "ids": [i for _, i in unique],
                "types": [e.type for e in unique.values()]})
        else:
            now = utcnow()
            stmt = (sqlite_insert(inbox_table).on_conflict_do_nothing()
                    .returning(inbox_table.c.source, inbox_table.c.event_id))
            rows = self.session.execute(stmt, [
                {"consumer_group": self.group, "source": e.source, "event_id": e.id, "event_type": e.type,
                 "processed_at": now} for e in unique.values()])
        return [unique[(source, event_id)] for source, event_id in rows]


class SqlInbox:
    """The inbox in the consumer service's own database."""

    def __init__(self, sessions: sessionmaker[Session], group: str):
        self.sessions, self.group = sessions, group

    @contextmanager
    def transaction(self) -> Iterator[SqlInboxTransaction]:
        """Open a transaction that commits the effect and the inbox row together."""
        with self.sessions() as session, session.begin():
            yield SqlInboxTransaction(session, self.group)


@dataclass
class InMemoryInboxTransaction:
    """An inbox transaction over plain dictionaries; ``state`` is the handler's scratch store."""

    processed: set
    state: dict

    def claim(self, events: Sequence[Event]) -> list[Event]:
        """Record the events as processed; return those that were not."""
        fresh = []
        for event in events:
            if (event.source, event.id) not in self.processed:
                self.processed.add((event.source, event.id))
                fresh.append(event)
        return fresh


@dataclass
class InMemoryInbox:
    """An inbox whose transactions apply all-or-nothing to in-memory state."""

    processed: set = field(default_factory=set)
    state: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def transaction(self) -> Iterator[InMemoryInboxTransaction]:
        """Work on copies and publish them only if the block succeeds."""
        import copy

        with self._lock:
            tx = InMemoryInboxTransaction(set(self.processed), copy.deepcopy(self.state))
            yield tx
            self.processed, self.state = tx.processed, tx.state


class DeadLetterError(RuntimeError):
    """Raised when a message could neither be handled nor dead-lettered; its offset stays uncommitted."""


class EventConsumer:
    """Runs handlers for the events of some topics as one member of a consumer group."""

    def __init__(self, subscription: Subscription, *, group: str, handlers: Mapping[str, Handler],
                 registry: SchemaRegistry, inbox: Inbox, dead_letters: Producer, max_attempts: int = 5,
                 base_backoff_s: float = 0.05, max_backoff_s: float = 2.0,
                 on_tombstone: TombstoneHandler | None = None, sleep: Callable[[float], None] = time.sleep):
        self.subscription, self.group, self.handlers = subscription, group, dict(handlers)
        self.registry, self.inbox, self.dead_letters = registry, inbox, dead_letters
        self.max_attempts, self.base_backoff_s, self.max_backoff_s = max_attempts, base_backoff_s, max_backoff_s
        self.on_tombstone, self.sleep = on_tombstone, sleep
        self.dead_letter_topic = dead_letter_topic(group)
        self.outcomes: Counter[str] = Counter()

    # -- one message ----------------------------------------------------------------------
    def handle(self, message: Message) -> str:
        """Process one message to a final outcome, then commit its offset; return the outcome."""
        outcome = self._process(message)
        self.outcomes[outcome] += 1
        self._commit_offsets([message])
        return outcome

    def _handle_batch(self, messages: Sequence[Message]) -> bool:
        """Apply a whole poll batch in one transaction; return False when it needs the one-by-one path.

        One transaction per batch (instead of per message) is what lets a consumer keep up with the
        broker; any failure rolls the batch back and hands it to ``_process``, which retries and
        dead-letters message by message.
        """
        events = []
        for message in messages:
            if message.value is None:
                return False
            try:
                event = Event.from_json(message.value)
                self.registry.validate(event)
            except (EnvelopeError, SchemaViolation):
                return False
            events.append(event)
        outcomes: Counter[str] = Counter()
        try:
            with self.inbox.transaction() as tx:
                handled = [e for e in events if e.type in self.handlers]
                outcomes["ignored"] = len(events) - len(handled)
                fresh = tx.claim(handled)
                outcomes["duplicate"] = len(handled) - len(fresh)
                for event_type, run in groupby(fresh, key=lambda e: e.type):
                    _call(self.handlers[event_type], list(run), tx)
                outcomes["done"] = len(fresh)
        except Exception as exc:  # noqa: BLE001 - the careful path below sorts it out
            log.info("a batch of %d fell back to one-by-one processing: %s", len(messages), exc)
            return False
        self.outcomes.update(+outcomes)  # unary plus drops the zero counts
        return True

    def _process(self, message: Message) -> str:
        if message.value is None:
            return self._tombstone(message)
        try:
            event = Event.from_json(message.value)
            self.registry.validate(event)
        except (EnvelopeError, SchemaViolation) as exc:
            self._dead_letter(message, exc, attempts=1)
            return "dead_lettered"
        handler = self.handlers.get(event.type)
        if handler is None:
            return "ignored"  # an event type this group does not care about
        for attempt in range(1, self.max_attempts + 1):
            try:
                with self.inbox.transaction() as tx:
                    if not tx.claim([event]):
                        return "duplicate"
                    _call(handler, [event], tx)
                return "done"
            except Exception as exc:  # noqa: BLE001 - any handler failure counts as an attempt
                error = exc
            log.warning("handler for %s failed (attempt %d/%d): %s", event.type, attempt, self.max_attempts, error)
            if attempt < self.max_attempts:
                self.sleep(min(self.max_backoff_s, self.base_backoff_s * 2 ** (attempt - 1)))
        self._dead_letter(message, error, attempts=self.max_attempts)
        return "dead_lettered"

    def _tombstone(self, message: Message) -> str:
        if self.on_tombstone is None or message.key is None:
            return "ignored"
        with self.inbox.transaction() as tx:
            self.on_tombstone(message.topic, message.key.decode(), tx)
        return "tombstone"

    def _dead_letter(self, message: Message, error: Exception, attempts: int) -> None:
        headers = [
            *message.headers,
            ("puente-error", f"{type(error).__name__}: {error}"[:1000].encode()),
            ("puente-error-type", type(error).__name__.encode()),
            ("puente-original-topic", message.topic.encode()),
            ("puente-original-partition", str(message.partition).encode()),
            ("puente-original-offset", str(message.offset).encode()),
            ("puente-attempts", str(attempts).encode()),
            ("puente-consumer-group", self.group.encode()),
        ]
        failure = self.dead_letters.send_many([Record(self.dead_letter_topic, message.key, message.value, headers)])[0]
        if failure is not None:
            raise DeadLetterError(f"could not dead-letter {message.topic}/{message.partition}@{message.offset}: "
                                  f"{failure}")
        log.error("dead-lettered %s/%d@%d after %d attempt(s): %s", message.topic, message.partition,
                  message.offset, attempts, error)

    def _commit_offsets(self, messages: Sequence[Message]) -> None:
        self.subscription.commit(*messages)

    # -- the loop -------------------------------------------------------------------------
    def run_once(self, timeout_s: float = 0.5, max_records: int = 200) -> int:
        """Poll once and process what arrived; return how many messages were processed."""
        messages: Sequence[Message] = self.subscription.poll(timeout_s, max_records)
        if not messages:
            return 0
        if not self._handle_batch(messages):
            for message in messages:
                self.outcomes[self._process(message)] += 1
        self._commit_offsets(messages)
        return len(messages)

    def run(self, stop: threading.Event, timeout_s: float = 0.5) -> None:
        """Consume until ``stop`` is set."""
        while not stop.is_set():
            self.run_once(timeout_s)
