"""The unit of work every use case runs in, and the one way it stages an integration event.

A use case changes its aggregates and stages the events that announce the change; both are committed in
one transaction (the SQL unit of work writes staged events to the outbox) or neither is.
"""

from __future__ import annotations

from typing import Protocol

from shared.events import Event


class UnitOfWork(Protocol):
    """One transaction: opened by ``with``, committed on success, rolled back on error."""

    def stage(self, event: Event, topic: str | None = None) -> None:
        """Stage ``event`` for publication when (and only if) the transaction commits, on ``topic`` if given
        (else the service's own topic)."""

    def stage_tombstone(self, key: str) -> None:
        """Stage a tombstone for ``key`` on this service's compacted topic (erasure)."""

    def forget_messages(self, key: str) -> None:
        """Delete this service's outbox rows keyed ``key`` on its own topic, sent or waiting, and have the store
        forget the deleted data once the transaction commits (erasure; stage the erasure's own events after)."""

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc) -> None: ...


class InMemoryUnitOfWork:
    """Base of the in-memory fakes: staged events become ``published`` only when the work commits."""

    def __init__(self) -> None:
        self.published: list[Event] = []
        self.topics: dict[str, str | None] = {}  # event id -> the topic it was staged for (None: the default)
        self.tombstones: list[str] = []
        self.commits = 0
        self._staged: list[Event] = []
        self._staged_tombstones: list[str] = []
        self._staged_topics: dict[str, str | None] = {}
        self._staged_forgotten: list[str] = []
        self.forgotten: list[str] = []  # keys whose messages an erasure deleted

    def stage(self, event: Event, topic: str | None = None) -> None:
        """Stage ``event`` (for ``topic``, if given) until commit."""
        self._staged.append(event)
        self._staged_topics[event.id] = topic

    def stage_tombstone(self, key: str) -> None:
        """Stage a tombstone for ``key`` until commit."""
        self._staged_tombstones.append(key)

    def forget_messages(self, key: str) -> None:
        """Drop what was staged for ``key`` on the default topic now, and what was committed for it on commit."""
        self._staged = [e for e in self._staged if not self._on_default_topic(e, key, self._staged_topics)]
        self._staged_tombstones = [k for k in self._staged_tombstones if k != key]
        self._staged_forgotten.append(key)

    @staticmethod
    def _on_default_topic(event: Event, key: str, topics: dict[str, str | None]) -> bool:
        return event.subject == key and topics.get(event.id) is None

    def begin(self) -> None:
        """Start a transaction (override to snapshot the fake's state)."""

    def commit(self) -> None:
        """Keep the changes (override to keep the fake's state) and release what was staged."""
        for key in self._staged_forgotten:
            self.published = [e for e in self.published if not self._on_default_topic(e, key, self.topics)]
            self.tombstones = [k for k in self.tombstones if k != key]
        self.forgotten += self._staged_forgotten
        self.published += self._staged
        self.topics.update(self._staged_topics)
        self.tombstones += self._staged_tombstones
        self.commits += 1

    def rollback(self) -> None:
        """Drop the changes (override to restore the fake's state) and what was staged."""

    def __enter__(self):
        self._staged, self._staged_tombstones, self._staged_topics, self._staged_forgotten = [], [], {}, []
        self.begin()
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()
        self._staged, self._staged_tombstones, self._staged_topics, self._staged_forgotten = [], [], {}, []
