"""The event-bus port over Apache Kafka, through kafka-python.

Producer: idempotent, ``acks=all``, unlimited retries within a delivery timeout, lz4, key = entity id.
Consumer: auto-commit off; the caller commits a message's offset after its effect is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from contextlib import suppress

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError
from kafka.structs import OffsetAndMetadata

from shared.bus import Message, PublishError, Record
from shared.topics import TopicSpec

log = logging.getLogger(__name__)


class KafkaBus:
    """Creates Kafka producers, consumer-group subscriptions and topics for one bootstrap address."""

    def __init__(self, bootstrap: str, client_id: str = "puente", *, max_block_ms: int = 5000,
                 delivery_timeout_ms: int = 30000, linger_ms: int = 5):
        self.bootstrap = bootstrap
        self.client_id = client_id
        self._producer_config = {
            "bootstrap_servers": bootstrap.split(","),
            "client_id": client_id,
            "acks": "all",
            "enable_idempotence": True,
            # Bounded waits so an unreachable broker turns into a retryable error the outbox records.
            "max_block_ms": max_block_ms,
            "request_timeout_ms": min(10000, delivery_timeout_ms // 2),
            "delivery_timeout_ms": delivery_timeout_ms,
            "linger_ms": linger_ms,
            "compression_type": "lz4",
            "batch_size": 64 * 1024,
        }

    def producer(self) -> KafkaRecordProducer:
        """Return a producer; the caller closes it."""
        return KafkaRecordProducer(KafkaProducer(**self._producer_config))

    def subscribe(self, group: str, topics: Sequence[str], **overrides) -> KafkaSubscription:
        """Join ``group`` and read ``topics`` from its committed offsets (earliest when none)."""
        config = {
            "bootstrap_servers": self.bootstrap.split(","),
            "client_id": f"{self.client_id}-{group}",
            "group_id": group,
            "enable_auto_commit": False,
            "auto_offset_reset": "earliest",
            "fetch_min_bytes": 1,
            "fetch_max_wait_ms": 100,
            "max_poll_interval_ms": 300000,
            "session_timeout_ms": 10000,
            "heartbeat_interval_ms": 3000,
        }
        config.update(overrides)
        consumer = KafkaConsumer(**config)
        consumer.subscribe(list(topics))
        return KafkaSubscription(consumer)

    def _admin(self) -> KafkaAdminClient:
        return KafkaAdminClient(bootstrap_servers=self.bootstrap.split(","), client_id=f"{self.client_id}-admin",
                                request_timeout_ms=10000)

    def ensure_topics(self, specs: Iterable[TopicSpec]) -> None:
        """Create missing topics with their settings; leave existing ones alone."""
        specs = list(specs)
        admin = self._admin()
        try:
            existing = set(admin.list_topics())
            new = [NewTopic(s.name, s.partitions, 1, topic_configs=s.configs())
                   for s in specs if s.name not in existing]
            if new:
                with suppress(TopicAlreadyExistsError):  # another process created it in the meantime
                    admin.create_topics(new, timeout_ms=15000)
                log.info("created topics", extra={"topics": [t.name for t in new]})
        finally:
            admin.close()

    def ping(self, timeout_s: float = 5.0) -> None:
        """Raise PublishError unless the broker answers within ``timeout_s``."""
        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap.split(","), client_id=f"{self.client_id}-ping",
                                     request_timeout_ms=int(timeout_s * 1000),
                                     bootstrap_timeout_ms=int(timeout_s * 1000))
        except KafkaError as exc:
            raise PublishError(f"Kafka at {self.bootstrap} is unreachable: {exc}") from None
        admin.close()

    def close(self) -> None:
        """Nothing pooled to release; producers and subscriptions are closed by their owners."""


class KafkaRecordProducer:
    """Sends records and waits for the broker's acknowledgement."""

    def __init__(self, producer: KafkaProducer):
        self._producer = producer

    def send(self, record: Record) -> None:
        """Send one record and wait until all in-sync replicas have it."""
        error = self.send_many([record])[0]
        if error is not None:
            raise error

    def send_many(self, records: Sequence[Record]) -> list[Exception | None]:
        """Send a batch, flush once, and report per record."""
        futures: list = []
        for i, record in enumerate(records):
            try:
                futures.append(self._producer.send(record.topic, key=record.key, value=record.value,
                                                   headers=list(record.headers)))
            except KafkaError as exc:
                # Typically a metadata timeout: the broker is unreachable, and every later record would
                # block just as long, so fail them all now and let the caller retry later.
                error = PublishError(f"{type(exc).__name__}: {exc}")
                futures.extend([error] * (len(records) - i))
                break
        try:
            self._producer.flush()
        except KafkaError as exc:
            log.warning("flush failed: %s", exc)
        results: list[Exception | None] = []
        for future in futures:
            if isinstance(future, Exception):
                results.append(future)
                continue
            try:
                future.get(timeout=0.001 if future.is_done else 30)
                results.append(None)
            except Exception as exc:  # noqa: BLE001 - every failure is reported per record
                results.append(PublishError(f"{type(exc).__name__}: {exc}"))
        return results

    def close(self) -> None:
        """Flush and close the underlying producer."""
        self._producer.close(timeout=5)


class KafkaSubscription:
    """A consumer-group member; offsets move only when ``commit`` is called."""

    def __init__(self, consumer: KafkaConsumer):
        self._consumer = consumer

    def poll(self, timeout_s: float, max_records: int = 500) -> list[Message]:
        """Fetch the next records from the assigned partitions."""
        batches = self._consumer.poll(timeout_ms=int(timeout_s * 1000), max_records=max_records)
        out = []
        for tp, records in batches.items():
            for r in records:
                out.append(Message(tp.topic, tp.partition, r.offset, r.key, r.value,
                                   tuple((k, v) for k, v in (r.headers or []))))
        return out

    def commit(self, *messages: Message) -> None:
        """Commit, in one request, the offset after the last of ``messages`` in each partition."""
        offsets: dict[TopicPartition, int] = {}
        for m in messages:
            tp = TopicPartition(m.topic, m.partition)
            offsets[tp] = max(offsets.get(tp, 0), m.offset + 1)
        if offsets:
            self._consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in offsets.items()})

    def close(self) -> None:
        """Leave the group without committing anything more."""
        self._consumer.close(autocommit=False)
