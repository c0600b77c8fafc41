"""Benchmark: outbox -> Kafka -> consumer, beside a bare kafka-python producer/consumer on the same broker.

Both paths have the shape Puente is deployed in: the sending side (a bare producer, or Puente's outbox
relay) runs in its own process and the consuming side in this one. Printed for both, in the same run:
throughput as the consumer sees it (events/s between the first and the last stored effect) and
propagation latency p50/p95/p99 at a steady rate (from the business write, or the bare send, to the
effect). Starts a throwaway Kafka broker and PostgreSQL cluster unless --bootstrap / --database-url
are given.

    PYTHONPATH=. .venv/bin/python bench/outbox_pipeline.py --events 5000 --repeat 3 --rate 200 --seconds 10
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kafka import KafkaConsumer, KafkaProducer  # noqa: E402
from sqlalchemy import text  # noqa: E402

from shared.consumer import EventConsumer, SqlInbox, batch_handler  # noqa: E402
from shared.db import make_engine, session_factory  # noqa: E402
from shared.events import SchemaRegistry  # noqa: E402
from shared.kafka_bus import KafkaBus  # noqa: E402
from shared.outbox import Outbox, OutboxRelay, SqlOutboxStore  # noqa: E402
from shared.topics import TopicSpec, dead_letter_topic  # noqa: E402
from tests.support import NOTED, apply_notes, create_tables, write_note  # noqa: E402

PARTITIONS = 6
PADDING = "x" * 180  # makes an event about the size of a real one (~450 bytes)


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def spawn(*args) -> subprocess.Popen:
    """Start the sending side and return once it says it is connected and ready."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, __file__, *args], env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


# -- the sending side, in its own process ---------------------------------------------------------
def bare_producer(bootstrap: str, topic: str, n: int, rate: float) -> None:
    """Send n event-sized records with plain kafka-python (acks=all, lz4), at ``rate``/s if > 0."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, compression_type="lz4",
                             batch_size=64 * 1024)
    producer.partitions_for(topic)  # connected, metadata loaded
    print("ready", flush=True)
    start = time.time()
    for i in range(1, n + 1):
        if rate:
            time.sleep(max(0.0, start + i / rate - time.time()))
        sent = time.time()
        producer.send(topic, key=f"note-{i}".encode(), value=json.dumps({
            "specversion": "1.0", "id": uuid.uuid4().hex, "source": "/services/bench", "type": NOTED,
            "subject": f"note-{i}", "data": {"note_id": i, "body": f"{sent:.6f}{PADDING}"}}).encode())
    producer.flush()
    producer.close()


def puente_relay(database_url: str, bootstrap: str, topic: str) -> None:
    """Run Puente's outbox relay until SIGTERM, as ``puente relay`` does."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    producer = KafkaBus(bootstrap).producer()
    relay = OutboxRelay(SqlOutboxStore(session_factory(make_engine(database_url))), producer)
    relay.store.pending_count()  # database connected
    producer._producer.partitions_for(topic)  # broker connected, metadata loaded
    print("ready", flush=True)
    relay.run(stop, 0.02)


# -- the consuming side, here -----------------------------------------------------------------------
def run_bare(bootstrap: str, n: int, rate: float) -> tuple[float, list[float]]:
    """Return (events/s seen by the consumer, latencies in ms) for the bare client."""
    topic = f"bench.bare.{uuid.uuid4().hex[:6]}"
    KafkaBus(bootstrap).ensure_topics([TopicSpec(topic, PARTITIONS)])
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"bare-{topic}", enable_auto_commit=False,
                             auto_offset_reset="earliest", fetch_max_wait_ms=100)
    consumer.poll(timeout_ms=3000)  # join the group before anything is sent
    producer = spawn("bare-producer", bootstrap, topic, str(n), str(rate))
    latencies, seen = [], []
    deadline = time.time() + 600
    while len(latencies) < n and time.time() < deadline:
        for records in consumer.poll(timeout_ms=200, max_records=500).values():
            for r in records:
                now = time.time()
                latencies.append((now - float(json.loads(r.value)["data"]["body"][:17])) * 1000)
                seen.append(now)
        consumer.commit()
    producer.wait(60)
    consumer.close()
    return (len(seen) - 1) / (seen[-1] - seen[0]), latencies


def run_puente(bootstrap: str, admin_url: str, n: int, rate: float) -> tuple[float, list[float]]:
    """Return (events/s seen by the consumer, latencies in ms from business write to stored effect)."""
    topic, group = f"bench.puente.{uuid.uuid4().hex[:6]}", f"bench-{uuid.uuid4().hex[:6]}"
    bus = KafkaBus(bootstrap)
    bus.ensure_topics([TopicSpec(topic, PARTITIONS), TopicSpec(dead_letter_topic(group), 1)])
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    names = [f"bench_{role}_{uuid.uuid4().hex[:6]}" for role in ("producer", "consumer")]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    urls = [admin.url.set(database=name).render_as_string(hide_password=False) for name in names]
    producer_db, consumer_db = make_engine(urls[0]), make_engine(urls[1])
    create_tables(producer_db)
    create_tables(consumer_db)
    registry = SchemaRegistry([ROOT / "contracts" / "schemas", ROOT / "tests" / "contracts" / "schemas"])
    sessions, outbox = session_factory(producer_db), Outbox(registry)
    latencies, seen = [], []

    @batch_handler
    def timed_apply(events, tx):
        apply_notes(events, tx)
        now = time.time()
        for event in events:
            latencies.append((now - float(event.data["body"][:17])) * 1000)
            seen.append(now)

    consumer = EventConsumer(bus.subscribe(group, [topic]), group=group, handlers={NOTED: timed_apply},
                             registry=registry, inbox=SqlInbox(session_factory(consumer_db), group),
                             dead_letters=bus.producer())
    consumer.run_once(3.0)  # join the group before anything is sent

    def write(i):
        write_note(sessions, outbox, topic, i, f"{time.time():.6f}{PADDING}")

    if not rate:  # throughput: the business writes come first, then the relay drains them
        for i in range(1, n + 1):
            write(i)
    relay = spawn("relay", urls[0], bootstrap, topic)
    if rate:
        def writer():
            start = time.time()
            for i in range(1, n + 1):
                time.sleep(max(0.0, start + i / rate - time.time()))
                write(i)
        threading.Thread(target=writer, daemon=True).start()
    deadline = time.time() + 600
    while consumer.outcomes["done"] < n and time.time() < deadline:
        consumer.run_once(0.2, max_records=500)
    relay.send_signal(signal.SIGTERM)
    relay.wait(30)
    consumer.subscription.close()
    assert consumer.outcomes["done"] == n, consumer.outcomes
    producer_db.dispose()
    consumer_db.dispose()
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
    return (len(seen) - 1) / (seen[-1] - seen[0]), latencies


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "bare-producer":
        bare_producer(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "relay":
        puente_relay(sys.argv[2], sys.argv[3], sys.argv[4])
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=5000)
    p.add_argument("--rate", type=float, default=200.0, help="events/s for the latency run")
    p.add_argument("--seconds", type=float, default=10.0, help="length of the latency run")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--bootstrap")
    p.add_argument("--database-url")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="puente-bench-") as tmp:
        broker = cluster = None
        if not args.bootstrap:
            from shared.infra.kafka_broker import KafkaBroker

            broker = KafkaBroker(Path(tmp) / "kafka")
            args.bootstrap = broker.start()
        if not args.database_url:
            from shared.infra.postgres import PostgresCluster

            cluster = PostgresCluster(Path(tmp) / "pg")
            args.database_url = cluster.start()
        try:
            bare_tp, puente_tp = [], []
            for _ in range(args.repeat):  # interleaved, so drift on a shared machine hits both alike
                bare_tp.append(run_bare(args.bootstrap, args.events, 0)[0])
                puente_tp.append(run_puente(args.bootstrap, args.database_url, args.events, 0)[0])
            n_lat = int(args.rate * args.seconds)
            _, bare_lat = run_bare(args.bootstrap, n_lat, args.rate)
            _, puente_lat = run_puente(args.bootstrap, args.database_url, n_lat, args.rate)
        finally:
            if broker:
                broker.stop()
            if cluster:
                cluster.stop()

    b, q = statistics.median(bare_tp), statistics.median(puente_tp)
    print(f"Outbox -> Kafka -> consumer on loopback, {os.cpu_count()} cores ({args.events} events, median of "
          f"{args.repeat}; PostgreSQL outbox and inbox; sender in its own process)")
    print(f"{'':34}{'bare kafka-python':>20}{'Puente':>12}{'ratio':>8}")
    print(f"{'throughput, events/s':34}{b:>20.0f}{q:>12.0f}{q / b:>8.2f}   target ratio >= 0.50")
    print(f"  runs, bare:   {', '.join(f'{x:.0f}' for x in bare_tp)}")
    print(f"  runs, Puente: {', '.join(f'{x:.0f}' for x in puente_tp)}")
    print(f"latency at {args.rate:.0f} events/s for {args.seconds:.0f} s ({n_lat} events), ms:")
    for label, q_ in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        print(f"{'  ' + label:34}{percentile(bare_lat, q_):>20.1f}{percentile(puente_lat, q_):>12.1f}"
              + ("           target p95 < 100 ms" if label == "p95" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
