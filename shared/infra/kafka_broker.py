"""Run a real single-node Apache Kafka broker (KRaft, broker+controller) from Maven Central jars.

The jars come from ``org.apache.kafka:kafka_2.13`` and its runtime dependencies, copied by
Maven (``infra/kafka/pom.xml``) into ``<cache>/kafka-<version>/libs``; the cache is
``$PUENTE_CACHE`` or ``~/.cache/puente``.  Java 17+ and ``mvn`` must be on PATH (or JAVA_HOME).

Layout inside ``workdir``::

    broker.json          ports, cluster id and version, so a restart reuses the same ports
    config/              server.properties (rewritten on every start) and log4j2.yaml
    data/                log.dirs: partitions and the KRaft metadata log
    logs/server.log      broker log (log4j2), appended on every start
    logs/console.log     JVM stdout/stderr: crashes, log4j status errors
    state.json           only in detached mode: pid, ports and bootstrap for scripts

Scripts use the detached mode, whose broker outlives the Python process::

    puente kafka fetch
    puente kafka start --state-dir .puente/kafka [--port N]   # last line: bootstrap
    puente kafka status --state-dir .puente/kafka
    puente kafka stop --state-dir .puente/kafka
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import functools
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

log = logging.getLogger(__name__)

DEFAULT_VERSION = os.environ.get("PUENTE_KAFKA_VERSION", "4.4.0")
HOST = "127.0.0.1"
NODE_ID = 1
STATE_FILE = "state.json"
SETTINGS_FILE = "broker.json"
MIN_JAVA = 17

_INFRA_DIR = Path(__file__).resolve().parents[2] / "infra" / "kafka"
POM_PATH = _INFRA_DIR / "pom.xml"
LOG4J_CONFIG_PATH = _INFRA_DIR / "log4j2.yaml"

_FETCH_MARKER = "fetch-complete.json"
_FETCH_TIMEOUT_S = 900
_LOG_TAIL_LINES = 40
_MAIN_CLASS = "kafka.Kafka"
_STORAGE_TOOL = "kafka.tools.StorageTool"


class KafkaBrokerError(RuntimeError):
    """Signal that the broker could not be fetched, formatted, started or stopped."""


# -- jars -----------------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """Return the download cache: $PUENTE_CACHE or ~/.cache/puente."""
    env = os.environ.get("PUENTE_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "puente"


def _require_mvn() -> str:
    """Return the mvn executable or explain how to get one."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KafkaBrokerError(
            "Apache Maven (mvn) is not on PATH; it fetches the Kafka jars from Maven Central. "
            "Install it, e.g. `apt-get install -y maven`."
        )
    return mvn


@functools.lru_cache(maxsize=1)
def find_java() -> str:
    """Return a java executable of version 17 or newer, preferring $JAVA_HOME."""
    candidates = []
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidates.append(str(Path(java_home) / "bin" / "java"))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(on_path)
    found = []
    for java in candidates:
        try:
            out = subprocess.run(
                [java, "-version"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL
            )
        except (OSError, subprocess.SubprocessError):
            continue
        match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
        if not match:
            continue
        # "1.8.0_392" is Java 8; "17.0.15" is Java 17.
        major = int(match.group(2) or 0) if match.group(1) == "1" else int(match.group(1))
        if major >= MIN_JAVA:
            return java
        found.append(f"{java} is Java {major}")
    detail = f" ({'; '.join(found)})" if found else ""
    raise KafkaBrokerError(
        f"Kafka 4 needs Java {MIN_JAVA}+ and none was found on PATH or in JAVA_HOME{detail}; "
        "install one, e.g. `apt-get install -y openjdk-17-jre-headless`."
    )


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (parallel test workers share one cache)."""
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fetched_libs(home: Path) -> Path | None:
    """Return ``home/libs`` if an earlier fetch completed and every jar it listed is still there."""
    try:
        marker = json.loads((home / _FETCH_MARKER).read_text())
    except (OSError, ValueError):
        return None
    libs = home / "libs"
    jars = marker.get("jars") or []
    if jars and all((libs / jar).is_file() for jar in jars):
        return libs
    return None


def fetch_jars(version: str = DEFAULT_VERSION, cache_dir: Path | None = None) -> Path:
    """Copy kafka_2.13 and its runtime classpath from Maven Central into the cache; return libs/."""
    home = (Path(cache_dir).expanduser() if cache_dir else default_cache_dir()) / f"kafka-{version}"
    libs = _fetched_libs(home)
    if libs is not None:
        return libs

    mvn = _require_mvn()
    find_java()  # Maven needs a JDK as well; fail with the clearer message first.
    if not POM_PATH.is_file():
        raise KafkaBrokerError(f"{POM_PATH} is missing; it lists the jars to fetch")
    home.mkdir(parents=True, exist_ok=True)
    with _file_lock(home / ".fetch.lock"):
        libs = _fetched_libs(home)
        if libs is not None:  # another process finished the fetch while we waited for the lock
            return libs
        # Copy into a staging folder and rename it at the end, so an interrupted fetch never
        # leaves a libs/ that looks usable but misses jars.
        staging = Path(tempfile.mkdtemp(prefix="libs.staging.", dir=home))
        started = time.monotonic()
        log.info("fetching Kafka %s jars from Maven Central into %s", version, home)
        try:
            cmd = [
                mvn,
                "-q",
                "-B",
                "-Dstyle.color=never",
                "-f",
                str(POM_PATH),
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={staging}",
                f"-Dkafka.version={version}",
            ]
            try:
                result = subprocess.run(
                    cmd, capture_output=True, text=True, timeout=_FETCH_TIMEOUT_S, stdin=subprocess.DEVNULL
                )
            except subprocess.TimeoutExpired as exc:
                raise KafkaBrokerError(f"mvn did not finish within {_FETCH_TIMEOUT_S}s: {' '.join(cmd)}") from exc
            if result.returncode != 0:
                output = (result.stdout + result.stderr).strip().splitlines()[-_LOG_TAIL_LINES:]
                raise KafkaBrokerError(
                    f"mvn could not fetch Kafka {version} (exit {result.returncode}): {' '.join(cmd)}\n"
                    + "\n".join(output)
                )
            jars = sorted(p.name for p in staging.glob("*.jar"))
            if f"kafka_2.13-{version}.jar" not in jars:
                raise KafkaBrokerError(f"mvn succeeded but kafka_2.13-{version}.jar is not in {staging}")
            # mkdtemp made it 0700; other users sharing a PUENTE_CACHE must be able to read it.
            staging.chmod(0o755)
            libs = home / "libs"
            if libs.exists():
                shutil.rmtree(libs)
            staging.rename(libs)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        marker = {"version": version, "jars": jars, "fetched_at": time.time()}
        tmp = home / f".{_FETCH_MARKER}.tmp"
        tmp.write_text(json.dumps(marker, indent=2) + "\n")
        tmp.replace(home / _FETCH_MARKER)
        log.info("fetched %d jars in %.1fs", len(jars), time.monotonic() - started)
    return libs


# -- small helpers --------------------------------------------------------------------------------


def _free_ports(count: int) -> list[int]:
    """Return ``count`` distinct loopback TCP ports that are free right now."""
    socks = []
    try:
        # Hold every socket until all are bound, or the kernel may hand out one port twice.
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(sock)
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def _port_is_free(port: int) -> bool:
    """Tell whether the broker could bind ``port`` on the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # The JVM binds with SO_REUSEADDR, so sockets of the previous run in TIME_WAIT are no obstacle.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def _port_accepts(port: int) -> bool:
    """Tell whether something accepts TCP connections on ``port``."""
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def _random_cluster_id() -> str:
    """Return a cluster id as ``StorageTool random-uuid`` would, without starting a JVM."""
    # Kafka's Uuid: 16 random bytes in URL-safe base64 without padding; it never hands out ids
    # starting with "-" (they look like CLI flags).
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _tail(path: Path, offset: int = 0, lines: int = _LOG_TAIL_LINES) -> str:
    """Return the last ``lines`` lines written to ``path`` after byte ``offset``."""
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return f"({path.name} does not exist)"
    kept = text.strip().splitlines()[-lines:]
    return "\n".join(kept) if kept else f"({path.name} is empty)"


def _pid_alive(pid: int) -> bool:
    """Tell whether process ``pid`` exists and is not a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        # Reap it if it is our own exited child, or kill(0) would keep seeing the zombie.
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except (OSError, IndexError):
        return not Path("/proc/self").exists()  # no procfs: trust kill(0); else it just vanished
    # The JVM's main thread turns zombie first while its other threads still tear down (and
    # still hold the listening sockets); only a lone zombie is really gone, awaiting its reaper.
    return not (state == "Z" and threads <= 1)


def _pid_runs_broker(pid: int, config_path: Path) -> bool:
    """Tell whether ``pid`` is a live Kafka JVM started with this work directory's config."""
    if not _pid_alive(pid):
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no procfs: cannot rule out PID reuse, assume it is ours
    # Guards against a PID the kernel has since given to an unrelated process.
    return _MAIN_CLASS.encode() in argv and str(config_path).encode() in argv


def _probe(bootstrap: str) -> bool:
    """Tell whether the broker answers ApiVersions and DescribeCluster and lists itself unfenced."""
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="puente-broker-probe",
            request_timeout_ms=5000,
            bootstrap_timeout_ms=5000,
            reconnect_backoff_max_ms=500,
        )
    except (KafkaError, OSError, ValueError):
        return False
    try:
        cluster = admin.describe_cluster()
    except (KafkaError, OSError, ValueError):
        return False
    finally:
        with contextlib.suppress(Exception):
            admin.close()
    # DescribeCluster also lists fenced brokers; until ours is unfenced, produce would fail.
    return any(
        broker.get("broker_id") == NODE_ID and not broker.get("is_fenced", False)
        for broker in cluster.get("brokers", [])
    )


# -- the broker -----------------------------------------------------------------------------------


class KafkaBroker:
    """A single-node Kafka (KRaft broker+controller) JVM living in one work directory."""

    def __init__(
        self,
        workdir: Path,
        port: int | None = None,
        controller_port: int | None = None,
        version: str = DEFAULT_VERSION,
        heap: str = "512m",
        *,
        cache_dir: Path | None = None,
    ) -> None:
        """Describe a broker in ``workdir``; nothing runs until ``start``.

        Ports left as None are taken from the work directory's last start, else picked free on
        the first start, and then kept, so clients can reconnect after a stop/start.
        """
        self.workdir = Path(workdir).expanduser().resolve()
        self.config_dir = self.workdir / "config"
        self.config_path = self.config_dir / "server.properties"
        self.data_dir = self.workdir / "data"
        self.logs_dir = self.workdir / "logs"
        self.log_path = self.logs_dir / "server.log"
        self.console_log_path = self.logs_dir / "console.log"
        self.version = version
        self.heap = heap
        self.cache_dir = cache_dir
        saved = self._load_settings()
        self.port: int | None = port or saved.get("port")
        self.controller_port: int | None = controller_port or saved.get("controller_port")
        self._proc: subprocess.Popen[bytes] | None = None

    # -- public API -------------------------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        """Return the bootstrap address, "127.0.0.1:PORT"."""
        if self.port is None:
            raise KafkaBrokerError(f"broker in {self.workdir} has no port yet: start it first")
        return f"{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        """Return the JVM's process id while this object's broker runs."""
        return self._proc.pid if self.is_running() and self._proc else None

    def is_formatted(self) -> bool:
        """Tell whether the storage directory has been formatted already."""
        return (self.data_dir / "meta.properties").is_file()

    def is_running(self) -> bool:
        """Tell whether the JVM this object started is still alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 120) -> str:
        """Format storage if needed, start the JVM, wait until it serves clients; return the bootstrap.

        ``timeout`` covers formatting and startup, not the one-off jar download.
        """
        return self._start(timeout, detach=False)

    def stop(self, timeout: float = 30) -> None:
        """Stop the broker with SIGTERM (controlled shutdown); SIGKILL it after ``timeout`` seconds."""
        atexit.unregister(self._stop_quietly)
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("Kafka pid %s ignored SIGTERM for %.0fs; killing it", proc.pid, timeout)
            proc.kill()
            proc.wait(30)

    def __enter__(self) -> KafkaBroker:
        """Start the broker for a ``with`` block."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the broker when the ``with`` block ends."""
        self.stop()

    def __repr__(self) -> str:
        """Show where the broker lives and its ports."""
        return (
            f"KafkaBroker(workdir={str(self.workdir)!r}, port={self.port!r}, "
            f"controller_port={self.controller_port!r}, version={self.version!r})"
        )

    # -- startup ----------------------------------------------------------------------------------

    def _start(self, timeout: float, *, detach: bool, on_spawn: Callable[[KafkaBroker], None] | None = None) -> str:
        """Start the JVM, in its own session when ``detach`` so it outlives this process."""
        if self.is_running():
            return self.bootstrap
        libs = fetch_jars(self.version, self.cache_dir)
        java = find_java()
        deadline = time.monotonic() + timeout
        for directory in (self.config_dir, self.data_dir, self.logs_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self._choose_ports()
        self._write_config()
        cluster_id = self._format_if_needed(java, libs, deadline)
        self._save_settings(cluster_id)

        log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        console_offset = self.console_log_path.stat().st_size if self.console_log_path.exists() else 0
        cmd = self._java_command(java, libs, _MAIN_CLASS, str(self.config_path))
        with self.console_log_path.open("ab") as console:
            console.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting Kafka {self.version}\n".encode())
            console.flush()
            # stdin/stdout never point at our pipes, so `BOOTSTRAP=$(python -m ... start)` returns
            # as soon as Python exits instead of waiting for the JVM to close them.
            self._proc = subprocess.Popen(
                cmd,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=detach,
            )
        if not detach:
            # A crashed test run must not leak JVMs; detached brokers are meant to outlive us.
            atexit.register(self._stop_quietly)
        if on_spawn is not None:
            on_spawn(self)
        try:
            self._wait_ready(deadline, timeout, log_offset, console_offset)
        except BaseException:
            self._kill()
            raise
        return self.bootstrap

    def _choose_ports(self) -> None:
        """Pick free ports for whatever is still unset, and refuse ports someone else holds."""
        missing = [name for name in ("port", "controller_port") if getattr(self, name) is None]
        for name, port in zip(missing, _free_ports(len(missing)), strict=True):
            setattr(self, name, port)
        for name in ("port", "controller_port"):
            port = getattr(self, name)
            if not _port_is_free(port):
                raise KafkaBrokerError(
                    f"{name.replace('_', ' ')} {HOST}:{port} is already in use "
                    f"(another broker on {self.workdir}?); stop it or pass another port"
                )

    def _write_config(self) -> None:
        """Write server.properties and the log4j2 config; rewritten on every start."""
        if not LOG4J_CONFIG_PATH.is_file():
            raise KafkaBrokerError(f"{LOG4J_CONFIG_PATH} is missing")
        # A private copy keeps a running broker independent of edits to the repository.
        shutil.copyfile(LOG4J_CONFIG_PATH, self.config_dir / "log4j2.yaml")
        settings = {
            "process.roles": "broker,controller",
            "node.id": NODE_ID,
            "controller.quorum.bootstrap.servers": f"{HOST}:{self.controller_port}",
            "listeners": f"PLAINTEXT://{HOST}:{self.port},CONTROLLER://{HOST}:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port}",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": self.data_dir.as_posix(),
            # One node: every internal topic must make do with one replica.
            "offsets.topic.replication.factor": 1,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "share.coordinator.state.topic.replication.factor": 1,
            "share.coordinator.state.topic.min.isr": 1,
            "default.replication.factor": 1,
            "min.insync.replicas": 1,
            # The default 50 partitions per internal topic make the first consumer group or
            # transaction wait seconds for 50 logs to be created; tests need one.
            "offsets.topic.num.partitions": 1,
            "transaction.state.log.num.partitions": 1,
            "share.coordinator.state.topic.num.partitions": 1,
            "num.partitions": 1,
            # Topics come from the project's topic registry, never from a typo in a client.
            "auto.create.topics.enable": "false",
            # Consumers join at once instead of waiting 3 s for more members.
            "group.initial.rebalance.delay.ms": 0,
            # Let the cleaner look for compactable logs every second (default 15 s) so
            # compaction tests finish quickly; 16 MiB dedupe buffer instead of 128 MiB of heap.
            "log.cleaner.backoff.ms": 1000,
            "log.cleaner.dedupe.buffer.size": 16 * 1024 * 1024,
            # 2-core CI machines: fewer threads than the production defaults.
            "num.network.threads": 2,
            "num.io.threads": 4,
            "num.recovery.threads.per.data.dir": 1,
        }
        lines = ["# Written by shared.infra.kafka_broker on every start; edits are overwritten."]
        lines += [f"{key}={value}" for key, value in settings.items()]
        self.config_path.write_text("\n".join(lines) + "\n")

    def _java_command(self, java: str, libs: Path, main_class: str, *args: str) -> list[str]:
        """Build the JVM command line for one of Kafka's main classes."""
        return [
            java,
            f"-Xmx{self.heap}",
            # Kafka's default collector; SerialGC measured no faster to start on 2 cores.
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            # A broker out of heap should die loudly, not limp on and time out tests.
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            f"-Dkafka.logs.dir={self.logs_dir}",
            f"-Dlog4j2.configurationFile={self.config_dir / 'log4j2.yaml'}",
            "-cp",
            # The JVM expands "dir/*" to every jar in dir.
            str(libs / "*"),
            main_class,
            *args,
        ]

    def _format_if_needed(self, java: str, libs: Path, deadline: float) -> str:
        """Format the storage once, as a standalone KRaft quorum; return the cluster id."""
        if self.is_formatted():
            meta = (self.data_dir / "meta.properties").read_text()
            match = re.search(r"^cluster\.id=(\S+)", meta, re.MULTILINE)
            return match.group(1) if match else ""
        cluster_id = _random_cluster_id()
        cmd = self._java_command(
            java, libs, _STORAGE_TOOL, "format", "-t", cluster_id, "-c", str(self.config_path), "--standalone"
        )
        try:
            result = subprocess.run(
                cmd,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=max(10.0, deadline - time.monotonic()),
            )
        except subprocess.TimeoutExpired as exc:
            raise KafkaBrokerError(f"formatting {self.data_dir} timed out") from exc
        if result.returncode != 0 or not self.is_formatted():
            raise KafkaBrokerError(
                f"kafka-storage format failed for {self.data_dir} (exit {result.returncode}):\n"
                f"{(result.stdout + result.stderr).strip()}\n--- server log tail ---\n{_tail(self.log_path)}"
            )
        log.info("formatted %s with cluster id %s", self.data_dir, cluster_id)
        return cluster_id

    def _wait_ready(self, deadline: float, timeout: float, log_offset: int, console_offset: int) -> None:
        """Wait until the broker answers DescribeCluster as an unfenced broker, or fail with the log tail."""
        assert self._proc is not None
        while True:
            code = self._proc.poll()
            if code is not None:
                raise KafkaBrokerError(
                    f"Kafka exited with code {code} during startup in {self.workdir}"
                    + self._failure_logs(log_offset, console_offset)
                )
            if _port_accepts(self.port) and _probe(self.bootstrap):
                return
            if time.monotonic() >= deadline:
                raise KafkaBrokerError(
                    f"Kafka on {self.bootstrap} was not ready within {timeout:.0f}s"
                    + self._failure_logs(log_offset, console_offset)
                )
            time.sleep(0.25)

    def _failure_logs(self, log_offset: int, console_offset: int) -> str:
        """Return the tails of the server log and JVM console written since this start."""
        return (
            f"\n--- {self.log_path} (tail) ---\n{_tail(self.log_path, log_offset)}"
            f"\n--- {self.console_log_path} (tail) ---\n{_tail(self.console_log_path, console_offset, 15)}"
        )

    # -- settings and shutdown --------------------------------------------------------------------

    def _load_settings(self) -> dict[str, Any]:
        """Return what the last start of this work directory recorded."""
        try:
            return json.loads((self.workdir / SETTINGS_FILE).read_text())
        except (OSError, ValueError):
            return {}

    def _save_settings(self, cluster_id: str) -> None:
        """Record ports, cluster id and version so later starts reuse them."""
        settings = {
            "port": self.port,
            "controller_port": self.controller_port,
            "cluster_id": cluster_id,
            "version": self.version,
            "node_id": NODE_ID,
        }
        tmp = self.workdir / f".{SETTINGS_FILE}.tmp"
        tmp.write_text(json.dumps(settings, indent=2) + "\n")
        tmp.replace(self.workdir / SETTINGS_FILE)

    def _kill(self) -> None:
        """Kill the JVM outright after a failed start."""
        atexit.unregister(self._stop_quietly)
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(30)

    def _stop_quietly(self) -> None:
        """Stop the broker from the exit hook, where raising helps nobody."""
        try:
            self.stop()
        except Exception:  # the interpreter is going away: log, never raise
            log.exception("could not stop %r at exit", self)


# -- detached mode --------------------------------------------------------------------------------


def _read_state(state_dir: Path) -> dict[str, Any] | None:
    """Return state.json of a detached broker, or None."""
    try:
        return json.loads((state_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def _write_state(state_dir: Path, state: dict[str, Any]) -> None:
    """Write state.json atomically so a reader never sees half a file."""
    tmp = state_dir / f".{STATE_FILE}.tmp"
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.replace(state_dir / STATE_FILE)


def _state_of(broker: KafkaBroker, status: str) -> dict[str, Any]:
    """Describe a detached broker for state.json."""
    return {
        "status": status,
        "pid": broker.pid,
        "port": broker.port,
        "controller_port": broker.controller_port,
        "bootstrap": broker.bootstrap,
        "version": broker.version,
        "workdir": str(broker.workdir),
        "config": str(broker.config_path),
        "log_path": str(broker.log_path),
    }


def start_detached(state_dir: Path, port: int | None = None, *, timeout: float = 120) -> str:
    """Start a broker in ``state_dir`` that outlives this process; write state.json, return the bootstrap.

    If the broker of ``state_dir`` already runs, return its bootstrap without starting another.
    """
    broker = KafkaBroker(Path(state_dir), port=port)
    state = _read_state(broker.workdir)
    if state and state.get("pid") and _pid_runs_broker(state["pid"], broker.config_path):
        if port is not None and port != state.get("port"):
            raise KafkaBrokerError(f"broker in {broker.workdir} already runs on port {state.get('port')}, not {port}")
        return state["bootstrap"]

    # state.json goes down as soon as the JVM exists, so `stop` can find it even if this
    # process dies while waiting for readiness.
    bootstrap = broker._start(
        timeout, detach=True, on_spawn=lambda b: _write_state(b.workdir, _state_of(b, "starting"))
    )
    _write_state(broker.workdir, _state_of(broker, "running"))
    return bootstrap


def stop_detached(state_dir: Path, timeout: float = 30) -> None:
    """Stop the broker that ``start_detached`` started in ``state_dir`` and remove state.json."""
    workdir = Path(state_dir).expanduser().resolve()
    state = _read_state(workdir)
    if not state:
        return
    pid = state.get("pid")
    config_path = Path(state.get("config") or workdir / "config" / "server.properties")
    if pid and _pid_runs_broker(pid, config_path):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _pid_alive(pid):
            log.warning("Kafka pid %s ignored SIGTERM for %.0fs; killing it", pid, timeout)
            os.kill(pid, signal.SIGKILL)
            while _pid_alive(pid):
                time.sleep(0.1)
    # The data and broker.json stay; the next start reuses them and the same ports.
    (workdir / STATE_FILE).unlink(missing_ok=True)


def status_detached(state_dir: Path) -> dict[str, Any]:
    """Describe the broker in ``state_dir``: running, pid, ports and bootstrap."""
    broker = KafkaBroker(Path(state_dir))
    state = _read_state(broker.workdir) or {}
    pid = state.get("pid")
    running = bool(pid) and _pid_runs_broker(pid, broker.config_path)
    return {
        "state_dir": str(broker.workdir),
        "formatted": broker.is_formatted(),
        "running": running,
        "pid": pid if running else None,
        "port": broker.port,
        "controller_port": broker.controller_port,
        "bootstrap": broker.bootstrap if broker.port else None,
        "version": state.get("version", broker.version),
        "log_path": str(broker.log_path),
    }

