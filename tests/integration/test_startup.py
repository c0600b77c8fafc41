"""Start-up fails fast, by name, when a dependency is unreachable or a setting is malformed."""

import os
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def run_puente(*args, **env) -> tuple[subprocess.CompletedProcess, float]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PUENTE_")}
    full_env.update(env, PYTHONPATH=str(ROOT), PUENTE_STARTUP_TIMEOUT_S="3")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "services.cli", *args], env=full_env, cwd=ROOT,
                          capture_output=True, text=True, timeout=90)
    return proc, time.monotonic() - started


@pytest.mark.parametrize("command", [["serve", "vacancies", "--bind", "127.0.0.1:0"], ["relay", "profiles"],
                                     ["consume", "matching"]])
def test_an_unreachable_broker_stops_start_up_with_a_clear_message(postgres_database, command):
    proc, took = run_puente(*command, PUENTE_DATABASE_URL=postgres_database("startup"),
                            PUENTE_KAFKA_BOOTSTRAP=f"127.0.0.1:{closed_port()}")
    assert proc.returncode == 2, proc.stderr
    assert "PUENTE_KAFKA_BOOTSTRAP" in proc.stderr and "unreachable" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert took < 60


def test_an_unreachable_database_stops_start_up_with_a_clear_message(kafka_bootstrap):
    proc, _ = run_puente("relay", "profiles", PUENTE_KAFKA_BOOTSTRAP=kafka_bootstrap,
                         PUENTE_DATABASE_URL=f"postgresql://puente:puente@127.0.0.1:{closed_port()}/profiles")
    assert proc.returncode == 2, proc.stderr
    assert "PUENTE_DATABASE_URL" in proc.stderr and "Traceback" not in proc.stderr


def test_malformed_settings_are_all_reported_before_anything_connects(kafka_bootstrap):
    proc, _ = run_puente("serve", "profiles", PUENTE_KAFKA_BOOTSTRAP=kafka_bootstrap, PUENTE_ENV="staging",
                         PUENTE_DATABASE_URL="oracle://x/y", PUENTE_CONSUMER_MAX_ATTEMPTS="-1")
    assert proc.returncode == 2
    for name in ("PUENTE_ENV", "PUENTE_DATABASE_URL", "PUENTE_CONSUMER_MAX_ATTEMPTS"):
        assert name in proc.stderr
    assert "Traceback" not in proc.stderr


def _migrate_matching(url: str) -> None:
    from shared.db import make_engine, migrate

    engine = make_engine(url)
    try:
        from services.registry import load_service

        migrate(engine, load_service("matching").migrations)
    finally:
        engine.dispose()


def test_parts_started_together_on_a_fresh_database_all_migrate_it_without_racing(postgres_database):
    import multiprocessing

    from sqlalchemy import inspect

    from shared.db import make_engine

    url = postgres_database()
    # Separate processes, as `serve`, `relay` and `consume` are (Alembic's context is per process).
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pool.map(_migrate_matching, [url] * 4)  # re-raises the UniqueViolation a race would cause
    engine = make_engine(url)
    try:
        assert "alembic_version" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
