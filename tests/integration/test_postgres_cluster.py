"""Start, use, stop and restart a throwaway PostgreSQL cluster."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from shared.infra.postgres import PostgresCluster, PostgresClusterError, find_bindir, stop_detached

REPO_ROOT = Path(__file__).resolve().parents[2]

try:
    find_bindir()
except PostgresClusterError as exc:  # the install step lives in CI, not here
    pytest.skip(str(exc), allow_module_level=True)


def _read_note(url: str) -> list[str]:
    """Return every note body stored in the database behind ``url``."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT body FROM notes ORDER BY id")).scalars())
    finally:
        # Leave no pooled connection behind for the shutdown to cut.
        engine.dispose()


@pytest.mark.integration
def test_cluster_keeps_data_and_port_across_restart(tmp_path: Path) -> None:
    cluster = PostgresCluster(tmp_path / "pg")
    try:
        admin_url = cluster.start()
        port = cluster.port
        assert admin_url == cluster.url()
        assert cluster.is_running()

        cluster.create_database("puente_test")
        url = cluster.url("puente_test")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)"))
                conn.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": "hola, ¿qué tal?"})
        finally:
            engine.dispose()
        assert _read_note(url) == ["hola, ¿qué tal?"]

        cluster.stop()
        assert not cluster.is_running()

        # A fresh object on the same workdir must find the port the first start picked.
        with PostgresCluster(tmp_path / "pg") as restarted:
            assert restarted.port == port
            assert _read_note(restarted.url("puente_test")) == ["hola, ¿qué tal?"]
            restarted.drop_database("puente_test")
        assert not restarted.is_running()
    finally:
        cluster.stop()


@pytest.mark.integration
def test_detached_cluster_outlives_its_starter(tmp_path: Path) -> None:
    state_dir = tmp_path / "detached"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "services.cli", "postgres", "start", "--state-dir", str(state_dir)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        url = result.stdout.strip().splitlines()[-1]
        state = json.loads((state_dir / "state.json").read_text())
        assert state["url"] == url
        assert url.endswith(f"@127.0.0.1:{state['port']}/postgres")

        # The starter has exited; the server must still answer.
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar() == 1
        finally:
            engine.dispose()

        status = subprocess.run(
            [sys.executable, "-m", "services.cli", "postgres", "status", "--state-dir", str(state_dir)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["running"] is True
    finally:
        stop_detached(state_dir)
    assert not PostgresCluster(state_dir).is_running()
    assert not (state_dir / "state.json").exists()
