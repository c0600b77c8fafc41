"""The event-bus port, and its in-process adapter used by ``puente up`` and by unit tests.

The port is deliberately Kafka-shaped (topics, partitions, offsets, consumer groups, keys, headers),
so code written against the in-process bus behaves the same on a real broker.
"""

from __future__ import annotations

import threading
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from shared.topics import TopicSpec

Headers = Sequence[tuple[str, bytes]]


@dataclass(frozen=True)
class Record:
    """What a producer sends."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: Headers = ()


@dataclass(frozen=True)
class Message:
    """What a consumer receives: a record plus where it sits in the log."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers = ()

    def header(self, name: str) -> bytes | None:
        """Return the first header with that name, if any."""
        return next((v for k, v in self.headers if k == name), None)


class PublishError(RuntimeError):
    """Raised when the bus did not confirm that it stored a record."""


class Producer(Protocol):
    """Sends records; a send returns only once the bus has stored the record."""

    def send(self, record: Record) -> None: ...

    def send_many(self, records: Sequence[Record]) -> list[Exception | None]:
        """Send records in order; return, per record, None when stored or the error."""

    def close(self) -> None: ...


class Subscription(Protocol):
    """A consumer-group member reading some topics from the group's committed offsets."""

    def poll(self, timeout_s: float, max_records: int = 500) -> list[Message]: ...

    def commit(self, *messages: Message) -> None:
        """Record that everything up to and including each message, in its partition, is done."""

    def close(self) -> None: ...


class EventBus(Protocol):
    """Creates producers and subscriptions, and the topics they use."""

    def producer(self) -> Producer: ...

    def subscribe(self, group: str, topics: Sequence[str]) -> Subscription: ...

    def ensure_topics(self, specs: Iterable[TopicSpec]) -> None: ...

    def ping(self, timeout_s: float = 5.0) -> None:
        """Raise if the bus cannot be reached."""

    def close(self) -> None: ...


def partition_for(key: bytes | None, partitions: int, counter: int) -> int:
    """Pick a partition: by key hash (so an entity's events stay in order), round-robin without one."""
    if key is None:
        return counter % partitions
    return zlib.crc32(key) % partitions


@dataclass
class _Topic:
    spec: TopicSpec
    partitions: list[list[Message]] = field(default_factory=list)


class InMemoryBus:
    """A thread-safe, in-process bus with Kafka's semantics: logs, consumer groups, committed offsets."""

    def __init__(self, auto_create: bool = False, default_partitions: int = 3):
        self._topics: dict[str, _Topic] = {}
        self._committed: dict[tuple[str, str, int], int] = defaultdict(int)
        self._cond = threading.Condition()
        self._counter = 0
        self._auto_create = auto_create
        self._default_partitions = default_partitions
        self.fail_sends = False  # lets tests stand in for an unreachable broker

    # -- administration -------------------------------------------------------------------
    def ensure_topics(self, specs: Iterable[TopicSpec]) -> None:
        """Create the topics that do not exist yet."""
        with self._cond:
            for spec in specs:
                if spec.name not in self._topics:
                    self._topics[spec.name] = _Topic(spec, [[] for _ in range(spec.partitions)])

    def ping(self, timeout_s: float = 5.0) -> None:
        """Raise PublishError while the bus is marked unreachable."""
        if self.fail_sends:
            raise PublishError("in-memory bus is marked unreachable")

    def close(self) -> None:
        """Nothing to release."""

    def messages(self, topic: str) -> list[Message]:
        """Return every message in a topic, partition by partition (for tests and tooling)."""
        with self._cond:
            t = self._topics.get(topic)
            return [m for part in t.partitions for m in part] if t else []

    def lag(self, group: str, topics: Iterable[str]) -> int:
        """Return how many messages of ``topics`` the consumer ``group`` has not committed yet."""
        with self._cond:
            return sum(len(log) - self._committed[(group, name, p)]
                       for name in topics if name in self._topics
                       for p, log in enumerate(self._topics[name].partitions))

    # -- producing ------------------------------------------------------------------------
    def _append(self, record: Record) -> None:
        if self.fail_sends:
            raise PublishError("in-memory bus is marked unreachable")
        topic = self._topics.get(record.topic)
        if topic is None:
            if not self._auto_create:
                raise PublishError(f"topic '{record.topic}' does not exist")
            self.ensure_topics([TopicSpec(record.topic, self._default_partitions)])
            topic = self._topics[record.topic]
        self._counter += 1
        p = partition_for(record.key, len(topic.partitions), self._counter)
        log = topic.partitions[p]
        log.append(Message(record.topic, p, len(log), record.key, record.value, tuple(record.headers)))

    def producer(self) -> _InMemoryProducer:
        """Return a producer writing to this bus."""
        return _InMemoryProducer(self)

    # -- consuming ------------------------------------------------------------------------
    def subscribe(self, group: str, topics: Sequence[str]) -> _InMemorySubscription:
        """Join ``group`` reading ``topics`` from the group's committed offsets."""
        return _InMemorySubscription(self, group, list(topics))


class _InMemoryProducer:
    def __init__(self, bus: InMemoryBus):
        self._bus = bus

    def send(self, record: Record) -> None:
        error = self.send_many([record])[0]
        if error:
            raise error

    def send_many(self, records: Sequence[Record]) -> list[Exception | None]:
        results: list[Exception | None] = []
        with self._bus._cond:
            for record in records:
                try:
                    self._bus._append(record)
                    results.append(None)
                except PublishError as exc:
                    results.append(exc)
            self._bus._cond.notify_all()
        return results

    def close(self) -> None:
        pass


class _InMemorySubscription:
    def __init__(self, bus: InMemoryBus, group: str, topics: list[str]):
        self._bus, self._group, self._topics = bus, group, topics
        self._position: dict[tuple[str, int], int] = {}
        self._closed = False

    def _pending(self, max_records: int) -> list[Message]:
        out: list[Message] = []
        for name in self._topics:
            topic = self._bus._topics.get(name)
            if topic is None:
                continue
            for p, log in enumerate(topic.partitions):
                pos = self._position.setdefault((name, p), self._bus._committed[(self._group, name, p)])
                take = log[pos: pos + max_records - len(out)]
                out.extend(take)
                self._position[(name, p)] = pos + len(take)
                if len(out) >= max_records:
                    return out
        return out

    def poll(self, timeout_s: float, max_records: int = 500) -> list[Message]:
        with self._bus._cond:
            batch = self._pending(max_records)
            if not batch and timeout_s > 0 and not self._closed:
                self._bus._cond.wait(timeout_s)
                batch = self._pending(max_records)
            return batch

    def commit(self, *messages: Message) -> None:
        with self._bus._cond:
            for message in messages:
                key = (self._group, message.topic, message.partition)
                self._bus._committed[key] = max(self._bus._committed[key], message.offset + 1)

    def close(self) -> None:
        with self._bus._cond:
            self._closed = True
            self._bus._cond.notify_all()


class PrefixedBus:
    """Any bus with a prefix on every topic and group name on the wire, while the code names the real topics.

    Lets tests and benchmarks share one broker without meeting each other's records.
    """

    def __init__(self, bus: EventBus, prefix: str, *, partitions: int | None = None):
        self.bus, self.prefix, self.partitions = bus, prefix, partitions

    def producer(self) -> Producer:
        """Return a producer that sends to the prefixed topics."""
        return _PrefixedProducer(self.bus.producer(), self.prefix)

    def subscribe(self, group: str, topics: Sequence[str], **overrides) -> Subscription:
        """Join the prefixed group on the prefixed topics."""
        return _PrefixedSubscription(self.bus.subscribe(self.prefix + group, [self.prefix + t for t in topics],
                                                        **overrides), self.prefix)

    def ensure_topics(self, specs: Iterable[TopicSpec]) -> None:
        """Create the prefixed topics (with ``partitions`` instead of the real count when given)."""
        changes = {} if self.partitions is None else {"partitions": self.partitions}
        self.bus.ensure_topics([replace(s, name=self.prefix + s.name, **changes) for s in specs])

    def ping(self, timeout_s: float = 5.0) -> None:
        """Check the broker answers."""
        self.bus.ping(timeout_s)

    def close(self) -> None:
        """Release the bus."""
        self.bus.close()


class _PrefixedProducer:
    def __init__(self, producer: Producer, prefix: str):
        self.producer, self.prefix = producer, prefix

    def send(self, record: Record) -> None:
        self.producer.send(replace(record, topic=self.prefix + record.topic))

    def send_many(self, records: Sequence[Record]):
        return self.producer.send_many([replace(r, topic=self.prefix + r.topic) for r in records])

    def close(self) -> None:
        self.producer.close()


class _PrefixedSubscription:
    def __init__(self, subscription: Subscription, prefix: str):
        self.subscription, self.prefix = subscription, prefix

    def poll(self, timeout_s: float, max_records: int = 500) -> list[Message]:
        return [replace(m, topic=m.topic.removeprefix(self.prefix))
                for m in self.subscription.poll(timeout_s, max_records)]

    def commit(self, *messages: Message) -> None:
        self.subscription.commit(*[replace(m, topic=self.prefix + m.topic) for m in messages])

    def close(self) -> None:
        self.subscription.close()
