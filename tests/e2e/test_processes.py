"""Each part runs as its own process against real Kafka and PostgreSQL, and stops cleanly on SIGTERM."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.e2e.processes import free_port, http, start, wait_for_line, wait_ready
from tests.integration.kafka_tools import topic_records

pytestmark = pytest.mark.e2e


@pytest.fixture
def env(postgres_database, kafka_bootstrap, tmp_path, smtp_url):
    base = {k: v for k, v in os.environ.items() if not k.startswith("PUENTE_")}
    base.update(PYTHONPATH=str(ROOT), PUENTE_ENV="production", PUENTE_KAFKA_BOOTSTRAP=kafka_bootstrap,
                PUENTE_SECRET_KEY="e2e-" + "s" * 40, PUENTE_STATE_DIR=str(tmp_path), PUENTE_SMTP_URL=smtp_url)
    return lambda service: {**base, "PUENTE_DATABASE_URL": postgres_database(service)}


def test_a_service_a_relay_and_a_consumer_run_as_processes_and_stop_on_sigterm(env, kafka_bootstrap, tmp_path):
    port = free_port()
    portal_env = env("portal")
    server = start("serve", "portal", "--bind", f"127.0.0.1:{port}", "--workers", "2", env=portal_env,
                   log_dir=tmp_path / "logs")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{base}/readyz", server)
        status, ready = http("GET", f"{base}/readyz")
        assert ready["checks"] == {"database": "ok", "bus": "ok"}

        admin = subprocess.run([sys.executable, "-m", "services.cli", "token", "--role", "admin", "--org", "puente"],
                               cwd=ROOT, env=portal_env, capture_output=True, text=True, check=True).stdout.strip()
        status, created = http("POST", f"{base}/api/v1/auth/api-keys",
                               {"role": "ministry", "org": "mtpe-pe", "label": "vacancy feed"},
                               {"Authorization": f"Bearer {admin}"})
        assert status == 201
        status, issued = http("POST", f"{base}/api/v1/auth/token", {"api_key": created["api_key"]})
        assert status == 200
        status, me = http("GET", f"{base}/api/v1/auth/whoami",
                          headers={"Authorization": f"Bearer {issued['access_token']}"})
        assert status == 200, me
        assert (me["role"], me["org"]) == ("ministry", "mtpe-pe")
    finally:
        assert server.stop() == 0

    relay = start("relay", "profiles", env=env("profiles"), log_dir=tmp_path / "logs")
    consumer = start("consume", "matching", env=env("matching"), log_dir=tmp_path / "logs")
    for proc, line in ((relay, "relay for profiles running"), (consumer, "consumer for matching running")):
        wait_for_line(proc, line)
    assert relay.stop() == 0
    assert consumer.stop() == 0
    # The processes created Puente's topics with their settings, nobody else did.
    assert topic_records(kafka_bootstrap, "profiles") is not None


def test_puente_up_serves_every_service_on_one_port_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUENTE_")}
    env["PYTHONPATH"] = str(ROOT)
    proc = start("up", "--port", str(port), "--data-dir", str(tmp_path / "embedded"), env=env,
                 log_dir=tmp_path / "logs")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{base}/readyz", proc, timeout_s=120)
        for service in ("profiles", "vacancies", "credentials", "matching", "insights", "portal"):
            status, body = http("GET", f"{base}/services/{service}/readyz")
            assert (status, body["checks"]) == (200, {"database": "ok", "bus": "ok"}), service
    finally:
        assert proc.stop() == 0
    assert (tmp_path / "embedded" / "profiles.db").exists()
