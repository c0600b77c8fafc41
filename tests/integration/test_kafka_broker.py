"""Start a real single-node Kafka broker, round-trip a message, and read it back after a restart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from shared.infra.kafka_broker import (
    DEFAULT_VERSION,
    KafkaBroker,
    KafkaBrokerError,
    default_cache_dir,
    find_java,
    status_detached,
    stop_detached,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def _missing_toolchain() -> str | None:
    """Say what is missing to fetch and run the broker, or None."""
    try:
        find_java()
    except KafkaBrokerError as exc:
        return str(exc)
    jars_cached = (default_cache_dir() / f"kafka-{DEFAULT_VERSION}" / "fetch-complete.json").is_file()
    if not jars_cached and shutil.which("mvn") is None:
        return "mvn is not on PATH and the Kafka jars are not cached yet"
    return None


_MISSING = _missing_toolchain()
if _MISSING:
    if os.environ.get("CI"):  # CI must never skip the real parts silently
        pytest.fail(_MISSING, pytrace=False)
    pytest.skip(_MISSING, allow_module_level=True)


def _poll(consumer: KafkaConsumer, count: int, timeout_s: float = 30) -> list:
    """Return the first ``count`` records ``consumer`` receives within ``timeout_s``."""
    records: list = []
    deadline = time.monotonic() + timeout_s
    while len(records) < count and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=1000).values():
            records.extend(batch)
    return records[:count]


def _read_from_start(bootstrap: str, topic: str) -> list[tuple[bytes, bytes]]:
    """Return every (key, value) in partition 0 of ``topic``, read without a consumer group."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        end = consumer.end_offsets([tp])[tp]
        return [(r.key, r.value) for r in _poll(consumer, end)]
    finally:
        consumer.close()


@pytest.mark.integration
def test_broker_keeps_data_and_port_across_restart(tmp_path: Path) -> None:
    broker = KafkaBroker(tmp_path / "kafka")
    topic = f"it.broker.{uuid.uuid4().hex[:8]}"
    message = ("hola, ¿qué tal?".encode(), "¡bienvenida!".encode())
    try:
        bootstrap = broker.start()
        assert broker.is_running()
        assert bootstrap == broker.bootstrap == f"127.0.0.1:{broker.port}"

        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        try:
            admin.create_topics(
                [
                    NewTopic(topic, num_partitions=1, replication_factor=1),
                    NewTopic(
                        f"{topic}.compacted",
                        num_partitions=1,
                        replication_factor=1,
                        topic_configs={"cleanup.policy": "compact"},
                    ),
                ]
            )
        finally:
            admin.close()

        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
        try:
            producer.send(topic, key=message[0], value=message[1]).get(timeout=30)
        finally:
            producer.close()

        consumer = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=f"it-{uuid.uuid4().hex[:8]}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        try:
            records = _poll(consumer, 1)
        finally:
            consumer.close()
        assert [(r.key, r.value) for r in records] == [message]

        broker.stop()
        assert not broker.is_running()

        # A fresh object on the same workdir must find the ports the first start picked.
        assert KafkaBroker(tmp_path / "kafka").port == broker.port
        assert broker.start() == bootstrap
        assert _read_from_start(bootstrap, topic) == [message]
    finally:
        broker.stop()
    assert not broker.is_running()


@pytest.mark.integration
def test_detached_broker_outlives_its_starter(tmp_path: Path) -> None:
    state_dir = tmp_path / "detached"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "services.cli", "kafka", "start", "--state-dir", str(state_dir)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
        bootstrap = result.stdout.strip().splitlines()[-1]
        state = json.loads((state_dir / "state.json").read_text())
        assert state["bootstrap"] == bootstrap == f"127.0.0.1:{state['port']}"

        # The starter has exited; the broker must still answer.
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        try:
            assert admin.describe_cluster()["brokers"][0]["port"] == state["port"]
        finally:
            admin.close()

        status = subprocess.run(
            [sys.executable, "-m", "services.cli", "kafka", "status", "--state-dir", str(state_dir)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["pid"] == state["pid"]
    finally:
        stop_detached(state_dir)
    assert not (state_dir / "state.json").exists()
    assert status_detached(state_dir)["running"] is False
