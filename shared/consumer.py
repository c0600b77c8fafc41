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
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from shared.bus import Message, Producer, Record, Subscription
from shared.context import correlation
from shared.events import EnvelopeError, Event, SchemaRegistry, SchemaViolation
from shared.outbox import inbox_table, utcnow
from shared.topics import dead_letter_topic

log = logging.getLogger(__name__)


class InboxTransaction(Protocol):
    """One unit of work on the consumer's side: the effect and the inbox row commit together."""

    def seen(self, event: Event) -> bool: ...

    def mark(self, event: Event) -> None: ...


class Inbox(Protocol):
    """Opens inbox transactions."""

    def transaction(self) -> AbstractContextManager[InboxTransaction]: ...


Handler = Callable[[Event, Any], None]
TombstoneHandler = Callable[[str, str, Any], None]


@dataclass
class SqlInboxTransaction:
    """An inbox transaction on a SQLAlchemy session; handlers write their effect through ``session``."""

    session: Session
    group: str

    def seen(self, event: Event) -> bool:
        """Return whether this group already processed (source, id)."""
        q = select(inbox_table.c.event_id).where(
            inbox_table.c.consumer_group == self.group, inbox_table.c.source == event.source,
            inbox_table.c.event_id == event.id)
        return self.session.execute(q).first() is not None

    def mark(self, event: Event) -> None:
        """Record (source, id) as processed, in the same transaction as the effect."""
        self.session.execute(insert(inbox_table).values(
            consumer_group=self.group, source=event.source, event_id=event.id, event_type=event.type,
            processed_at=utcnow()))


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

    def seen(self, event: Event) -> bool:
        """Return whether (source, id) was processed."""
        return (event.source, event.id) in self.processed

    def mark(self, event: Event) -> None:
        """Record (source, id) as processed."""
        self.processed.add((event.source, event.id))


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
        self._commit(message)
        return outcome

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
                with correlation(event.correlationid), self.inbox.transaction() as tx:
                    if tx.seen(event):
                        return "duplicate"
                    handler(event, tx)
                    tx.mark(event)
                return "done"
            except IntegrityError:
                # Another member of the group stored the same event first: it is done.
                with self.inbox.transaction() as tx:
                    if tx.seen(event):
                        return "duplicate"
                error: Exception = RuntimeError("integrity error")
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

    def _commit(self, message: Message) -> None:
        self.subscription.commit(message)

    # -- the loop -------------------------------------------------------------------------
    def run_once(self, timeout_s: float = 0.5, max_records: int = 200) -> int:
        """Poll once and process what arrived; return how many messages were processed."""
        messages: Sequence[Message] = self.subscription.poll(timeout_s, max_records)
        for message in messages:
            self.handle(message)
        return len(messages)

    def run(self, stop: threading.Event, timeout_s: float = 0.5) -> None:
        """Consume until ``stop`` is set."""
        while not stop.is_set():
            self.run_once(timeout_s)
