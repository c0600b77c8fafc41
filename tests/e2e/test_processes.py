"""Each part runs as its own process against real Kafka and PostgreSQL, and stops cleanly on SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.integration.kafka_tools import topic_records

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*args, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def http(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def wait_ready(url, proc, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        try:
            if http("GET", url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never became ready")


def wait_for_line(proc, text, timeout_s=120):
    """Read the process's stderr until a line contains ``text``."""
    deadline = time.monotonic() + timeout_s
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"never saw {text!r}; stderr: {''.join(seen)[-2000:]}")


def stop(proc, timeout_s=30) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout_s)


@pytest.fixture
def env(postgres_database, kafka_bootstrap, tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith("PUENTE_")}
    base.update(PYTHONPATH=str(ROOT), PUENTE_ENV="production", PUENTE_KAFKA_BOOTSTRAP=kafka_bootstrap,
                PUENTE_SECRET_KEY="e2e-" + "s" * 40, PUENTE_STATE_DIR=str(tmp_path))
    return lambda service: {**base, "PUENTE_DATABASE_URL": postgres_database(service)}


def test_a_service_a_relay_and_a_consumer_run_as_processes_and_stop_on_sigterm(env, kafka_bootstrap):
    port = free_port()
    portal_env = env("portal")
    server = start("serve", "portal", "--bind", f"127.0.0.1:{port}", "--workers", "2", env=portal_env)
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
        assert stop(server) == 0

    relay = start("relay", "profiles", env=env("profiles"))
    consumer = start("consume", "matching", env=env("matching"))
    for proc, line in ((relay, "relay for profiles running"), (consumer, "consumer for matching running")):
        wait_for_line(proc, line)
    assert stop(relay) == 0
    assert stop(consumer) == 0
    # The processes created Puente's topics with their settings, nobody else did.
    assert topic_records(kafka_bootstrap, "profiles") is not None


def test_puente_up_serves_every_service_on_one_port_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUENTE_")}
    env["PYTHONPATH"] = str(ROOT)
    proc = start("up", "--port", str(port), "--data-dir", str(tmp_path / "embedded"), env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{base}/readyz", proc, timeout_s=120)
        for service in ("profiles", "vacancies", "credentials", "matching", "insights", "portal"):
            status, body = http("GET", f"{base}/services/{service}/readyz")
            assert (status, body["checks"]) == (200, {"database": "ok", "bus": "ok"}), service
    finally:
        assert stop(proc) == 0
    assert (tmp_path / "embedded" / "profiles.db").exists()
