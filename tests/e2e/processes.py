"""Run Puente's parts as separate ``puente`` processes for end-to-end tests, talk to them and read Kafka."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import text

from shared.db import make_engine
from tests.conftest import ROOT


def free_port() -> int:
    """Return a loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fresh_databases(admin_url: str) -> Iterator[Callable[[str], str]]:
    """Yield a factory of new PostgreSQL databases (returning their URLs), all dropped at the end.

    The same as the ``postgres_database`` fixture, for fixtures that outlive one test.
    """
    created: list[str] = []
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")

    def new(prefix: str = "t") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    try:
        yield new
    finally:
        with admin.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Part:
    """One running ``puente`` command; its output goes to a file so a chatty process never blocks on a pipe."""

    def __init__(self, name: str, args: tuple[str, ...], env: dict[str, str], log_dir: Path):
        self.name, self.terminated = name, False
        self.log = log_dir / f"{name}.log"
        log_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen([sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=env,
                                         stdout=out, stderr=subprocess.STDOUT, text=True)

    def output(self) -> str:
        """Return what the process wrote so far."""
        return self.log.read_text(errors="replace")

    def tail(self, chars: int = 3000) -> str:
        """Return the end of the process's output, for failure messages."""
        return f"--- {self.name} (exit {self.proc.poll()}) ---\n{self.output()[-chars:]}"

    def assert_running(self) -> None:
        """Fail with the process's output if it has exited."""
        assert self.proc.poll() is None, f"{self.name} exited early\n{self.tail()}"

    def terminate(self) -> None:
        """Send SIGTERM once: a second one can land after Python restored the default handler on its way out."""
        if not self.terminated and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.terminated = True

    def stop(self, timeout_s: float = 30) -> int:
        """Send SIGTERM (unless already sent) and return the exit status; kill it if it does not stop in time."""
        self.terminate()
        try:
            return self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{self.name} ignored SIGTERM for {timeout_s}s\n{self.tail()}") from None


def start(*args: str, env: dict[str, str], log_dir: Path, name: str | None = None) -> Part:
    """Start ``puente <args>`` as its own process."""
    return Part(name or "-".join(a for a in args[:2]), args, env, log_dir)


def puente(*args: str, env: dict[str, str]) -> str:
    """Run a ``puente`` command to completion and return what it printed on stdout."""
    done = subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"puente {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}"
    return done.stdout.strip()


def http(method: str, url: str, body=None, headers: dict[str, str] | None = None) -> tuple[int, object]:
    """Send a JSON request and return the status and the decoded JSON body (problem documents included)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def wait_ready(url: str, part: Part, timeout_s: float = 60) -> None:
    """Wait until ``url`` answers 200, failing early with the output if the process dies."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        part.assert_running()
        try:
            if http("GET", url)[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.3)
    raise AssertionError(f"{url} never became ready\n{part.tail()}")


def wait_for_line(part: Part, text: str, timeout_s: float = 120) -> None:
    """Wait until the process's output contains ``text``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if text in part.output():
            return
        part.assert_running()
        time.sleep(0.2)
    raise AssertionError(f"never saw {text!r}\n{part.tail()}")


def topic_records(bootstrap: str, topic: str) -> list:
    """Return every record on ``topic`` so far (none when it does not exist)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                             auto_offset_reset="earliest")
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        records = []
        for tp in partitions:
            while consumer.position(tp) < end[tp]:
                for batch in consumer.poll(timeout_ms=1000).values():
                    records.extend(batch)
        return records
    finally:
        consumer.close()
