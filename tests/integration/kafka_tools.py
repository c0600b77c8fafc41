"""Read what is really on a Kafka topic, independently of the code under test."""

from __future__ import annotations

from kafka import KafkaConsumer, TopicPartition


def topic_records(bootstrap: str, topic: str, timeout_s: float = 10.0) -> list:
    """Return every record currently in ``topic`` (all partitions, no consumer group)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                             consumer_timeout_ms=int(timeout_s * 1000))
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    records = []
    for tp in partitions:
        while consumer.position(tp) < end[tp]:
            for batch in consumer.poll(timeout_ms=1000).values():
                records.extend(batch)
    consumer.close()
    return records
