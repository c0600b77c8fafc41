"""SQLAlchemy 2 helpers: a SQLite file by default, PostgreSQL by URL, and Alembic migrations per service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

ALEMBIC_DIR = Path(__file__).resolve().parent / "alembic"
SERVICES_DIR = Path(__file__).resolve().parents[1] / "services"


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path).resolve()}"


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout, PostgreSQL pre-ping."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    return create_engine(url, **kwargs)


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


def alembic_config(engine: Engine, service: str) -> Config:
    """Return the Alembic configuration of one service: shared env, the service's own versions."""
    versions = SERVICES_DIR / service / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.set_main_option("version_locations", str(versions))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, service: str, revision: str = "head") -> None:
    """Bring a service's database to ``revision``."""
    command.upgrade(alembic_config(engine, service), revision)


class UnitOfWork:
    """One database transaction for a use case: opened on ``with``, committed on success, else rolled back.

    Services subclass it and attach their repositories to ``self.session`` in ``bind``.
    """

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def bind(self, session: Session) -> None:
        """Attach the service's repositories to the session (override)."""

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
