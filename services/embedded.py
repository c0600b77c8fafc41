"""The embedded default: every service in one process, SQLite files, the in-process bus, one HTTP port."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from services.registry import all_services
from shared.bus import InMemoryBus
from shared.service import (
    Container,
    build_container,
    ensure_topics,
    make_consumer,
    make_relay,
    run_until,
)
from shared.settings import Settings

log = logging.getLogger(__name__)


class PathRouter:
    """Route each request, path unchanged, to the service owning its URL prefix; the portal gets the rest.

    ``/services/<name>/...`` reaches one service with the prefix stripped, so each keeps its own
    ``/healthz``, ``/readyz`` and ``/api/v1/openapi.json``.
    """

    def __init__(self, default, routes: dict[str, object], by_name: dict[str, object]):
        self.default = default
        self.routes = sorted(routes.items(), key=lambda kv: -len(kv[0]))
        self.by_name = by_name

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/services/"):
            name, _, rest = path[len("/services/"):].partition("/")
            app = self.by_name.get(name)
            if app is not None:
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + f"/services/{name}"
                environ["PATH_INFO"] = "/" + rest
                return app(environ, start_response)
        for prefix, app in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                return app(environ, start_response)
        return self.default(environ, start_response)


@dataclass
class Embedded:
    """All services wired to one in-process bus, with their relays and consumers on threads."""

    containers: dict[str, Container]
    wsgi: PathRouter
    bus: InMemoryBus
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start_background(self) -> None:
        """Start every service's outbox relay and consumer, and the portal's job alerts, on daemon threads."""
        for service in all_services():
            container = self.containers[service.name]
            relay = make_relay(container)
            self.threads.append(run_until(self.stop, lambda stop, r=relay: r.run(stop, 0.02), f"relay-{service.name}"))
            if service.consumes:
                consumer = make_consumer(service, container)
                self.threads.append(run_until(self.stop, consumer.run, f"consumer-{service.name}"))
        portal = self.containers["portal"].extras.get("local_apps", {}).get("portal")
        if portal is not None:  # the job alerts, checked against matching every few minutes
            from services.portal.workspace.lists import alerts_loop

            self.threads.append(run_until(self.stop, lambda stop: alerts_loop(portal, stop), "alerts-portal"))

    def backlog(self, name: str) -> int:
        """Return how many events service ``name`` has yet to apply: its consumer group's lag on the bus."""
        consumes = next(s.consumes for s in all_services() if s.name == name)
        return self.bus.lag(name, consumes)

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """Stop the background threads and release the databases."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout_s)
        for container in self.containers.values():
            container.engine.dispose()


def load_demo_data(embedded: Embedded) -> dict[str, int]:
    """Load each service's demo data (idempotent); return rows created per service."""
    created = {}
    for service in all_services():
        if service.demo is not None:
            created[service.name] = service.demo(embedded.containers[service.name])
    return created


def build_embedded(settings: Settings, data_dir: Path, progress: Callable[[str], None] | None = None) -> Embedded:
    """Build every service on SQLite files in ``data_dir`` and one in-process bus; ``progress`` hears each
    service's name once its database is migrated and its app built."""
    bus = InMemoryBus()
    containers, apps = {}, {}
    for service in all_services():
        container = build_container(service, settings, bus=bus, data_dir=data_dir)
        containers[service.name] = container
        apps[service.name] = service.create_app(container)
        if progress is not None:
            progress(service.name)
    ensure_topics(containers["portal"])
    # In one process the portal calls the other services' apps directly instead of over the network.
    containers["portal"].extras["local_apps"] = apps
    routes = {prefix: apps[s.name] for s in all_services() for prefix in s.url_prefixes}
    return Embedded(containers, PathRouter(apps["portal"], routes, apps), bus)

