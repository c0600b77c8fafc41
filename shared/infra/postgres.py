"""Run a throwaway PostgreSQL cluster on a free loopback port for tests and distributed dev runs.

Layout inside ``workdir``::

    data/          the cluster (PGDATA), owned by the user that runs the server
    data/puente.conf  settings rewritten on every start (port, sockets, no-fsync, ...)
    run/           unix socket directory
    postgres.log   server log, appended on every start
    state.json     only in detached mode: port, data dir and URL for scripts

``initdb`` and ``pg_ctl`` refuse to run as root, so when this process is root they run as the
``postgres`` system user through ``runuser``; ``data/``, ``run/`` and the log are chowned to
that user, and every directory above ``workdir`` that ``postgres`` cannot traverse gets the
world-execute bit (``o+x``: enter only, never list or read).  That is the case for pytest's
``/tmp/pytest-of-root`` (mode 0700), for example.  Clients always connect over TCP to
127.0.0.1 with a SCRAM password, so root needs no access to the socket.

Scripts use the detached mode, whose server outlives the Python process::

    puente postgres start --state-dir .puente/pg [--port N]   # last line: URL
    puente postgres status --state-dir .puente/pg
    puente postgres stop --state-dir .puente/pg
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import math
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

SYSTEM_USER = "postgres"
HOST = "127.0.0.1"
STATE_FILE = "state.json"
CONF_FILE = "puente.conf"

# Linux sun_path holds 108 bytes including the trailing NUL.
_MAX_SOCKET_PATH = 107
_PORT_RE = re.compile(r"^\s*port\s*=\s*(\d+)\s*$", re.MULTILINE)
# Only a port we picked ourselves may be swapped when another process grabs it first.
_PORT_RETRIES = 3
_LOG_TAIL_LINES = 40


class PostgresClusterError(RuntimeError):
    """Signal that a throwaway cluster could not be found, started or stopped."""


def _has_server_tools(bindir: Path) -> bool:
    """Tell whether a directory holds the server tools this module drives."""
    return (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file()


def _version_key(bindir: Path) -> tuple[int, ...]:
    """Turn /usr/lib/postgresql/<version>/bin into a sortable version tuple."""
    try:
        return tuple(int(part) for part in bindir.parent.name.split("."))
    except ValueError:
        return (-1,)


def find_bindir() -> Path:
    """Return the directory holding initdb and pg_ctl."""
    env = os.environ.get("PG_BINDIR")
    if env:
        # An explicit choice that is wrong should fail loudly, not fall back silently.
        if _has_server_tools(Path(env)):
            return Path(env)
        raise PostgresClusterError(f"PG_BINDIR={env} does not contain initdb and pg_ctl")

    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)

    # pg_config also ships with libpq-dev alone, so its bindir may lack the server tools.
    for candidate in candidates:
        if _has_server_tools(candidate):
            return candidate
    raise PostgresClusterError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install them with "
        "`apt-get install -y postgresql`, or point PG_BINDIR at their directory"
    )


def _free_port() -> int:
    """Return a loopback TCP port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _conf_quote(value: str) -> str:
    """Quote a string for postgresql.conf."""
    return "'" + value.replace("'", "''") + "'"


def _can_traverse(st: os.stat_result, uid: int, groups: set[int]) -> bool:
    """Tell whether a user may enter a directory, by POSIX owner/group/other rules."""
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid in groups:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


class PostgresCluster:
    """A throwaway PostgreSQL cluster living in one work directory."""

    def __init__(
        self,
        workdir: Path,
        port: int | None = None,
        user: str = "puente",
        password: str = "puente",
        *,
        stop_at_exit: bool = True,
    ) -> None:
        """Describe a cluster in ``workdir``; nothing runs until ``start``.

        ``stop_at_exit`` stops a server this object started when the interpreter exits, so a
        crashed test run does not leak servers; the detached mode turns it off.
        """
        # Absolute and resolved: the server tools run with cwd "/" as another user.
        self.workdir = Path(workdir).resolve()
        self.data_dir = self.workdir / "data"
        self.socket_dir = self.workdir / "run"
        self.log_file = self.workdir / "postgres.log"
        self.user = user
        self.password = password
        self._requested_port = port
        self._port = port
        self._stop_at_exit = stop_at_exit
        self._bindir: Path | None = None
        self._owner_pid: int | None = None

    # -- public API -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """Return the TCP port the cluster listens (or last listened) on."""
        if self._port is None:
            self._port = self._persisted_port()
        if self._port is None:
            raise PostgresClusterError(f"cluster in {self.workdir} has no port yet: start it first")
        return self._port

    def is_initialised(self) -> bool:
        """Tell whether initdb has already run in the work directory."""
        return (self.data_dir / "PG_VERSION").is_file()

    def is_running(self) -> bool:
        """Tell whether the server of this data directory is up."""
        if not self.is_initialised():
            return False
        # pg_ctl status: 0 running, 3 not running, 4 no usable data directory.
        return self._pg_ctl("status", timeout=30).returncode == 0

    def start(self, timeout: float = 60) -> str:
        """Initialise the cluster if needed, start it, wait for a real connection, return the admin URL."""
        deadline = time.monotonic() + timeout
        self._prepare_workdir()
        if not self.is_initialised():
            self._initdb(deadline)
        self._ensure_include()

        if self.is_running():
            running_port = self._persisted_port()
            if self._requested_port is not None and running_port != self._requested_port:
                raise PostgresClusterError(
                    f"cluster in {self.workdir} already runs on port {running_port}, not {self._requested_port}"
                )
            self._port = running_port
            self._wait_ready(deadline, self._log_size())
            # Someone else started it (a detached run, say): attaching must not adopt its shutdown.
            return self.url()

        port = self._requested_port or self._persisted_port()
        picked = port is None
        if port is None:
            port = _free_port()

        for attempt in range(_PORT_RETRIES if picked else 1):
            self._write_conf(port)
            offset = self._log_size()
            result = self._pg_ctl(
                "start",
                "-w",
                "-t",
                str(max(1, math.ceil(deadline - time.monotonic()))),
                "-l",
                str(self.log_file),
                timeout=max(5.0, deadline - time.monotonic() + 10),
            )
            if result.returncode == 0:
                break
            tail = self._log_tail(offset)
            # Another process may grab the port between _free_port() and bind().
            if picked and "already in use" in tail and attempt + 1 < _PORT_RETRIES:
                log.info("port %s was taken before postgres could bind it; trying another", port)
                port = _free_port()
                continue
            # pg_ctl gives up after -t but leaves a slow server running; do not leak it.
            self._pg_ctl("stop", "-m", "immediate", "-w", "-t", "10", timeout=30)
            hint = ""
            if "already in use" in tail:
                hint = f"port {port} is busy: free it or pass another port (a restart reuses the last one)\n"
            raise PostgresClusterError(
                f"postgres in {self.data_dir} failed to start on port {port}:\n{hint}"
                f"{(result.stdout + result.stderr).strip()}\n--- server log tail ---\n{tail}"
            )

        self._port = port
        self._arm_atexit()
        self._wait_ready(deadline, offset)
        return self.url()

    def stop(self, timeout: float = 30) -> None:
        """Stop the server with a fast shutdown; do nothing if it is not running."""
        self._disarm_atexit()
        if not self.is_running():
            return
        offset = self._log_size()
        result = self._pg_ctl("stop", "-m", "fast", "-w", "-t", str(max(1, math.ceil(timeout))), timeout=timeout + 10)
        if result.returncode != 0:
            raise PostgresClusterError(
                f"postgres in {self.data_dir} did not stop:\n"
                f"{(result.stdout + result.stderr).strip()}\n--- server log tail ---\n"
                f"{self._log_tail(offset)}"
            )

    def url(self, dbname: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        """Return a connection URL; ``driver="postgresql"`` gives a plain libpq URL."""
        return (
            f"{driver}://{quote(self.user, safe='')}:{quote(self.password, safe='')}"
            f"@{HOST}:{self.port}/{quote(dbname, safe='')}"
        )

    def create_database(self, name: str, *, exist_ok: bool = False) -> None:
        """Create a database owned by the admin user."""
        with self._admin_connection() as conn:
            if exist_ok and conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                return
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop_database(self, name: str) -> None:
        """Drop a database if it exists, terminating its connections first."""
        with self._admin_connection() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            # FORCE (13+) also kicks clients that connect between the terminate and the drop.
            force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), force))

    def __enter__(self) -> PostgresCluster:
        """Start the cluster for a ``with`` block."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the cluster when the ``with`` block ends."""
        self.stop()

    def __repr__(self) -> str:
        """Show where the cluster lives and its port, if known."""
        return f"PostgresCluster(workdir={str(self.workdir)!r}, port={self._port!r})"

    # -- process plumbing -------------------------------------------------------------------

    def _bin(self, tool: str) -> str:
        """Return the full path of a server tool."""
        if self._bindir is None:
            self._bindir = find_bindir()
        return str(self._bindir / tool)

    @staticmethod
    def _as_root() -> bool:
        """Tell whether the tools must be run as the postgres system user."""
        return os.geteuid() == 0

    def _run(self, argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
        """Run a server tool, as the postgres user when we are root."""
        if self._as_root():
            runuser = shutil.which("runuser")
            if runuser is None:
                raise PostgresClusterError("running as root needs runuser (util-linux) to drop to postgres")
            argv = [runuser, "-u", SYSTEM_USER, "--", *argv]
        env = dict(os.environ, LC_ALL="C")
        try:
            # cwd "/": the postgres user may not be allowed into our working directory.
            # stdin/stdout are never inherited by the server because pg_ctl -l redirects them,
            # so `URL=$(puente postgres start ...)` does not hang.
            return subprocess.run(
                argv,
                cwd="/",
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresClusterError(f"{argv[0]} timed out after {timeout:.0f}s: {' '.join(argv)}") from exc

    def _pg_ctl(self, action: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        """Run one pg_ctl action against this data directory."""
        return self._run([self._bin("pg_ctl"), action, "-D", str(self.data_dir), *args], timeout)

    def _system_user(self) -> pwd.struct_passwd:
        """Return the postgres system account."""
        try:
            return pwd.getpwnam(SYSTEM_USER)
        except KeyError as exc:
            raise PostgresClusterError(
                "running as root needs a 'postgres' system user (apt-get install -y postgresql creates it)"
            ) from exc

    def _give_to_postgres(self, path: Path) -> None:
        """Hand a path we created over to the postgres user when we are root."""
        if self._as_root():
            pg = self._system_user()
            os.chown(path, pg.pw_uid, pg.pw_gid)

    def _prepare_workdir(self) -> None:
        """Create the work directory layout and make it usable by the server's user."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self._as_root():
            self._grant_traverse(self._system_user())
        for directory in (self.data_dir, self.socket_dir):
            if not directory.exists():
                directory.mkdir(mode=0o700)
                self._give_to_postgres(directory)
        if not self.log_file.exists():
            self.log_file.touch(mode=0o640)
            self._give_to_postgres(self.log_file)

    def _grant_traverse(self, pg: pwd.struct_passwd) -> None:
        """Add o+x to every directory from / down to workdir that postgres cannot enter."""
        groups = set(os.getgrouplist(pg.pw_name, pg.pw_gid))
        changed = []
        for directory in [*reversed(self.workdir.parents), self.workdir]:
            st = directory.stat()
            if not _can_traverse(st, pg.pw_uid, groups):
                # Execute only: postgres can pass through, but not list or read anything.
                os.chmod(directory, stat.S_IMODE(st.st_mode) | stat.S_IXOTH)
                changed.append(str(directory))
        if changed:
            log.warning("granted o+x on %s so the postgres user can reach its data", ", ".join(changed))

    def _initdb(self, deadline: float) -> None:
        """Create the cluster with a SCRAM-protected superuser."""
        # Outside data/ because initdb wants an empty directory; run/ is private to postgres.
        pwfile = self.socket_dir / ".initdb-password"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        self._give_to_postgres(pwfile)
        try:
            result = self._run(
                [
                    self._bin("initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    self.user,
                    f"--pwfile={pwfile}",
                    "-A",
                    "scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    # Throwaway data: skip the fsync of every file initdb wrote.
                    "--no-sync",
                ],
                timeout=max(30.0, deadline - time.monotonic()),
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise PostgresClusterError(f"initdb failed for {self.data_dir}:\n{(result.stdout + result.stderr).strip()}")

    def _ensure_include(self) -> None:
        """Make postgresql.conf read puente.conf, which holds everything we set."""
        main_conf = self.data_dir / "postgresql.conf"
        line = f"include_if_exists = {_conf_quote(CONF_FILE)}"
        if line not in main_conf.read_text():
            with main_conf.open("a") as fh:
                fh.write(f"\n# Added by shared.infra.postgres\n{line}\n")

    def _write_conf(self, port: int) -> None:
        """Write the server settings, port included, so a plain restart keeps them."""
        socket_path = self.socket_dir / f".s.PGSQL.{port}"
        if len(str(socket_path)) > _MAX_SOCKET_PATH:
            # Deep work directories overflow sun_path; we only connect over TCP anyway.
            log.info("socket path %s is too long; disabling unix sockets", socket_path)
            socket_dirs = ""
        else:
            socket_dirs = str(self.socket_dir)
        conf = self.data_dir / CONF_FILE
        conf.write_text(
            "# Written by shared.infra.postgres on every start; edits are overwritten.\n"
            f"listen_addresses = {_conf_quote(HOST)}\n"
            f"port = {port}\n"
            f"unix_socket_directories = {_conf_quote(socket_dirs)}\n"
            "max_connections = 200\n"
            "# Throwaway cluster: trade crash safety for speed.\n"
            "fsync = off\n"
            "synchronous_commit = off\n"
            "full_page_writes = off\n"
        )
        self._give_to_postgres(conf)

    def _persisted_port(self) -> int | None:
        """Return the port of the last start, if any."""
        try:
            match = _PORT_RE.search((self.data_dir / CONF_FILE).read_text())
        except OSError:
            return None
        return int(match.group(1)) if match else None

    def _log_size(self) -> int:
        """Return the current size of the server log, to read only what follows."""
        try:
            return self.log_file.stat().st_size
        except OSError:
            return 0

    def _log_tail(self, offset: int = 0) -> str:
        """Return the last lines the server logged after ``offset``."""
        try:
            with self.log_file.open("rb") as fh:
                fh.seek(offset)
                text = fh.read().decode("utf-8", "replace")
        except OSError:
            return "(no server log)"
        lines = text.strip().splitlines()[-_LOG_TAIL_LINES:]
        return "\n".join(lines) if lines else "(server log is empty)"

    def _connect(self, dbname: str = "postgres", **kwargs: Any) -> psycopg.Connection:
        """Open a psycopg connection as the admin user over TCP."""
        return psycopg.connect(
            host=HOST,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=dbname,
            **kwargs,
        )

    def _admin_connection(self) -> psycopg.Connection:
        """Open an autocommit connection to the maintenance database."""
        # CREATE/DROP DATABASE cannot run inside a transaction block.
        return self._connect(autocommit=True, connect_timeout=10)

    def _wait_ready(self, deadline: float, log_offset: int) -> None:
        """Wait until a real login succeeds, not just until the postmaster is up."""
        last_error: Exception | None = None
        while True:
            remaining = deadline - time.monotonic()
            try:
                with self._connect(connect_timeout=max(1, min(5, math.ceil(remaining)))) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.Error as exc:
                last_error = exc
            if time.monotonic() >= deadline:
                raise PostgresClusterError(
                    f"postgres on {HOST}:{self.port} accepted no connection in time: {last_error}\n"
                    f"--- server log tail ---\n{self._log_tail(log_offset)}"
                )
            time.sleep(0.1)

    def _arm_atexit(self) -> None:
        """Stop the server at interpreter exit unless it is meant to outlive us."""
        if self._stop_at_exit:
            # A forked child (a gunicorn worker, say) runs inherited exit hooks too; only the
            # process that started the server may stop it.
            self._owner_pid = os.getpid()
            atexit.register(self._stop_quietly)

    def _disarm_atexit(self) -> None:
        """Forget the exit hook once the server is stopped on purpose."""
        atexit.unregister(self._stop_quietly)

    def _stop_quietly(self) -> None:
        """Stop the server from the exit hook, where raising helps nobody."""
        if os.getpid() != self._owner_pid:
            return
        try:
            self.stop()
        except Exception:  # the interpreter is going away: log, never raise
            log.exception("could not stop %r at exit", self)


# -- detached mode ------------------------------------------------------------------------------


def _write_state(state_dir: Path, state: dict[str, Any]) -> None:
    """Write state.json atomically so a reader never sees half a file."""
    tmp = state_dir / f".{STATE_FILE}.tmp"
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.chmod(0o600)  # it holds the password
    tmp.replace(state_dir / STATE_FILE)


def start_detached(state_dir: Path, port: int | None = None) -> str:
    """Start a cluster in ``state_dir`` that outlives this process; write state.json, return the URL."""
    cluster = PostgresCluster(Path(state_dir), port=port, stop_at_exit=False)
    url = cluster.start()
    _write_state(
        cluster.workdir,
        {
            "port": cluster.port,
            "data_dir": str(cluster.data_dir),
            "url": url,
            "libpq_url": cluster.url(driver="postgresql"),
            "log_file": str(cluster.log_file),
            "user": cluster.user,
        },
    )
    return url


def stop_detached(state_dir: Path) -> None:
    """Stop the cluster that ``start_detached`` started in ``state_dir`` and remove state.json."""
    cluster = PostgresCluster(Path(state_dir), stop_at_exit=False)
    cluster.stop()
    # The data stays; the next start reuses it and its port.
    (cluster.workdir / STATE_FILE).unlink(missing_ok=True)


def status_detached(state_dir: Path) -> dict[str, Any]:
    """Describe the cluster in ``state_dir``: initialised, running, port and URL."""
    cluster = PostgresCluster(Path(state_dir), stop_at_exit=False)
    running = cluster.is_running()
    port = cluster._persisted_port()
    return {
        "state_dir": str(cluster.workdir),
        "initialised": cluster.is_initialised(),
        "running": running,
        "port": port,
        "url": cluster.url() if port is not None else None,
    }

