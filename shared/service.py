"""What every service is made of, and the one place its adapters are built from settings."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.auth import Authenticator, SqlApiKeyStore, TokenIssuer
from shared.bus import EventBus, InMemoryBus, PrefixedBus
from shared.consumer import EventConsumer, Handler, SqlInbox, TombstoneHandler
from shared.db import make_engine, migrate, ping, session_factory, sqlite_url
from shared.events import SchemaRegistry
from shared.outbox import Outbox, OutboxRelay, SqlOutboxStore
from shared.settings import Settings
from shared.topics import puente_topics

log = logging.getLogger(__name__)


class StartupError(Exception):
    """Raised when a dependency named by a setting cannot be reached at start-up."""

    def __init__(self, setting: str, reason: str):
        self.setting, self.reason = setting, reason
        super().__init__(f"{setting}: {reason}")


@dataclass
class Container:
    """The adapters one service runs with; built once per process by ``build_container``."""

    name: str
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    bus: EventBus
    registry: SchemaRegistry
    outbox: Outbox
    issuer: TokenIssuer
    authenticator: Authenticator
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """Return the CloudEvents ``source`` of this service."""
        return f"/services/{self.name}"


@dataclass(frozen=True)
class ServiceDefinition:
    """A service's name, its HTTP app factory, the topics it reads and the handlers it runs."""

    name: str
    create_app: Callable[[Container], Flask]
    consumes: tuple[str, ...] = ()
    handlers: Callable[[Container], Mapping[str, Handler]] = lambda c: {}
    on_tombstone: Callable[[Container], TombstoneHandler | None] = lambda c: None
    owns_api_keys: bool = False
    paths: tuple[str, ...] = ()  # URL prefixes it answers when every service shares one port
    demo: Callable[[Container], int] | None = None  # loads demo data if absent; returns rows created
    migrations: Path | None = None  # the folder of its Alembic versions (services/<name>/migrations)
    # Builds, in the background of a served worker, what the first request would otherwise wait for.
    warm_up: Callable[[Flask], None] | None = None

    @property
    def url_prefixes(self) -> tuple[str, ...]:
        """Return the URL prefixes routed to this service in the embedded mode."""
        return self.paths or (f"/api/v1/{self.name}",)


def default_database_url(name: str, data_dir: Path) -> str:
    """Return the SQLite file a service uses when no database URL is set."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return sqlite_url(data_dir / f"{name}.db")


def development_secret(data_dir: Path) -> str:
    """Return a random signing secret kept in the data folder, created on first use (never in code)."""
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def build_container(service: ServiceDefinition, settings: Settings, *, bus: EventBus | None = None,
                    data_dir: Path = Path("var"), run_migrations: bool = True) -> Container:
    """Build a service's adapters from settings; nothing here runs at import time."""
    url = settings.database_url or default_database_url(service.name, data_dir)
    engine = make_engine(url)
    if run_migrations:
        try:
            migrate(engine, service.migrations)
        except Exception as exc:  # noqa: BLE001 - reported as a start-up problem with the setting's name
            raise StartupError("PUENTE_DATABASE_URL", f"cannot reach or migrate the database: "
                                                      f"{type(exc).__name__}: {str(exc).splitlines()[0]}") from None
    sessions = session_factory(engine)
    if bus is None:
        bus = make_bus(settings)
    registry = SchemaRegistry.from_contracts(settings.contracts_path)
    issuer = TokenIssuer(settings.secret_key or development_secret(data_dir), settings.token_ttl_s)
    api_keys = SqlApiKeyStore(sessions) if service.owns_api_keys else None
    return Container(service.name, settings, engine, sessions, bus, registry, Outbox(registry), issuer,
                     Authenticator(issuer, api_keys))


def make_bus(settings: Settings) -> EventBus:
    """Return the bus the settings name."""
    if settings.bus == "memory":
        return InMemoryBus()
    from shared.kafka_bus import KafkaBus  # imported here so the embedded default never loads kafka-python

    bus = KafkaBus(settings.kafka_bootstrap, settings.kafka_client_id)
    # Several Puente installations (staging beside production, a test run) can share one cluster: each
    # prefixes its topics and consumer groups, and the code still names the real topics.
    return PrefixedBus(bus, settings.kafka_prefix) if settings.kafka_prefix else bus


def served_app(service: ServiceDefinition, container: Container) -> Flask:
    """Return the service's app for a server's worker, with its warm-up (if any) started on a daemon thread.

    The worker answers (and is ready) at once; a request that arrives during the warm-up waits for the same
    build rather than starting its own.
    """
    app = service.create_app(container)
    if service.warm_up is not None:
        warm_up = service.warm_up

        def run() -> None:
            try:
                warm_up(app)
            except Exception:  # noqa: BLE001 - the first request builds it again, and reports what fails
                log.exception("warm-up of %s failed", service.name)

        threading.Thread(target=run, name=f"{service.name}-warm-up", daemon=True).start()
    return app


def check_dependencies(container: Container, timeout_s: float) -> None:
    """Raise StartupError naming the setting whose dependency does not answer."""
    try:
        ping(container.engine)
    except Exception as exc:  # noqa: BLE001
        raise StartupError("PUENTE_DATABASE_URL", f"database unreachable: {type(exc).__name__}") from None
    try:
        container.bus.ping(timeout_s)
    except Exception as exc:  # noqa: BLE001
        raise StartupError("PUENTE_KAFKA_BOOTSTRAP", f"broker unreachable: {exc}") from None


def ensure_topics(container: Container) -> None:
    """Create Puente's topics on the bus if they are missing."""
    container.bus.ensure_topics(puente_topics())


def readiness_checks(container: Container) -> dict[str, Callable[[], None]]:
    """Return the checks behind ``/readyz``: the database and the bus answer."""
    return {"database": lambda: ping(container.engine), "bus": lambda: container.bus.ping(2.0)}


def make_relay(container: Container) -> OutboxRelay:
    """Return the outbox relay of a service."""
    s = container.settings
    return OutboxRelay(SqlOutboxStore(container.sessions), container.bus.producer(), batch_size=s.relay_batch,
                       max_backoff_s=s.relay_max_backoff_s, retention=timedelta(hours=s.outbox_retention_h))


def make_consumer(service: ServiceDefinition, container: Container) -> EventConsumer:
    """Return the consumer-group member of a service (group name = service name)."""
    subscription = container.bus.subscribe(service.name, list(service.consumes))
    return EventConsumer(
        subscription, group=service.name, handlers=service.handlers(container), registry=container.registry,
        inbox=SqlInbox(container.sessions, service.name), dead_letters=container.bus.producer(),
        max_attempts=container.settings.consumer_max_attempts, on_tombstone=service.on_tombstone(container),
    )


def consumer_behind(container: Container, topics: Sequence[str]) -> bool:
    """Return whether the service's consumer group (named after the service) has events on ``topics`` it has not
    applied yet. Known on the in-process bus of the embedded mode; False where the bus cannot say (Kafka)."""
    lag = getattr(container.bus, "lag", None)
    return bool(lag(container.name, topics)) if lag is not None else False


def run_until(stop: threading.Event, target: Callable[[threading.Event], None], name: str) -> threading.Thread:
    """Run ``target(stop)`` on a daemon thread."""
    thread = threading.Thread(target=target, args=(stop,), name=name, daemon=True)
    thread.start()
    return thread


def base_app(container: Container):
    """Create a service's Flask app and OpenAPI registry with readiness checks on its own adapters."""
    from shared.http import create_service_app
    from shared.idempotency import SqlIdempotencyStore

    app, api = create_service_app(container.name, authenticator=container.authenticator,
                                  readiness=readiness_checks(container),
                                  config={"PUENTE_PROXY_HOPS": container.settings.proxy_hops})
    app.extensions["puente.container"] = container
    # Used by the views marked @idempotent; their service's migrations create its table.
    app.extensions["puente.idempotency"] = SqlIdempotencyStore(container.sessions)
    return app, api
