"""SQLAlchemy 2 helpers: a SQLite file by default, PostgreSQL by URL, and Alembic migrations per service."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from shared.events import Event
    from shared.outbox import Outbox

log = logging.getLogger(__name__)

ALEMBIC_DIR = Path(__file__).resolve().parent / "alembic"


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path).resolve()}"


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and secure_delete, PostgreSQL pre-ping.

    Bound parameters never appear in the engine's error messages (they hold phones, birth dates, whole
    profiles, and error messages end up in logs). SQLite overwrites deleted content with zeros
    (``secure_delete``), so an erased person's rows do not stay readable in freed space of the file.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    return create_engine(url, **kwargs)


def is_unique_violation(error: BaseException) -> bool:
    """Return whether a database error says a unique key is taken (PostgreSQL 23505, SQLite's UNIQUE)."""
    orig = getattr(error, "orig", None)
    if orig is None:
        return False
    if getattr(orig, "sqlstate", None) == "23505":
        return True
    return type(orig).__name__ == "IntegrityError" and str(orig).startswith("UNIQUE constraint failed")


_FORGET_PENDING = "puente.forget_after_commit"


def forget_after_commit(session: Session) -> None:
    """Once ``session``'s transaction commits, make the database forget what it deleted (an erasure).

    SQLite keeps the pages a transaction changed, old content included, in its write-ahead log until a
    checkpoint copies them back, and the log file keeps them even then until it is overwritten or
    truncated: ``wal_checkpoint(TRUNCATE)`` writes the log into the database (whose freed space
    ``secure_delete`` has zeroed) and truncates it to nothing. PostgreSQL needs nothing here: deleted rows
    are dead tuples until (auto)vacuum reclaims them, and its WAL and backups follow the operator's
    retention.
    """
    engine = session.get_bind().engine
    if engine.dialect.name != "sqlite" or session.info.get(_FORGET_PENDING):
        return  # one checkpoint per commit, however many people one transaction erased
    session.info[_FORGET_PENDING] = True

    def checkpoint(_session) -> None:
        session.info.pop(_FORGET_PENDING, None)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if busy:
            log.warning("erasure: SQLite's write-ahead log could not be truncated now (a reader held it); "
                        "the next checkpoint will")

    event.listen(session, "after_commit", checkpoint, once=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Open a session in a transaction that commits on success and rolls back on error."""
    with sessions() as session, session.begin():
        yield session


def ping(engine: Engine) -> None:
    """Raise unless the database answers a trivial query."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def alembic_config(engine: Engine, versions: Path) -> Config:
    """Return the Alembic configuration of one service: shared env, the service's own versions folder."""
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.set_main_option("version_locations", str(versions))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, versions: Path, revision: str = "head") -> None:
    """Bring a service's database to ``revision`` with the migrations in the folder ``versions``."""
    command.upgrade(alembic_config(engine, versions), revision)


class UtcDateTime(TypeDecorator):
    """A timestamp column that stores UTC and always reads back an aware UTC datetime.

    SQLite keeps no zone and returns naive values even for ``DateTime(timezone=True)``; PostgreSQL returns
    the session's zone. Both come back as UTC here, so no caller has to patch them.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SqlUnitOfWork:
    """One database transaction for a use case: opened on ``with``, committed on success, else rolled back.

    Events staged with :meth:`stage` are written to the outbox in the same transaction, so a change and
    its announcement are stored together or not at all. Services subclass it and attach their
    repositories to ``session`` in :meth:`bind`.
    """

    def __init__(self, sessions: sessionmaker[Session], outbox: Outbox | None = None, topic: str | None = None):
        self.sessions, self.outbox, self.topic = sessions, outbox, topic

    def bind(self, session: Session) -> None:
        """Attach the service's repositories to the session (override)."""

    def stage(self, event: Event, topic: str | None = None) -> None:
        """Write ``event`` to the outbox in this transaction (validated against its schema there).

        It goes to the unit of work's topic unless ``topic`` names another (a service that owns two topics).
        """
        self.outbox.add(self.session, topic or self.topic, event)

    def stage_tombstone(self, key: str) -> None:
        """Write a tombstone for ``key`` to the outbox in this transaction."""
        self.outbox.add_tombstone(self.session, self.topic, key)

    def forget_messages(self, key: str) -> None:
        """Delete the outbox rows keyed ``key`` on this unit's topic, sent or not, and make the database forget
        the deleted data once this transaction commits (an erasure; stage its own events after this)."""
        self.outbox.forget(self.session, self.topic, key)
        forget_after_commit(self.session)

    def __enter__(self):
        self.session = self.sessions()
        self.session.begin()
        self.bind(self.session)
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()
