"""The insights service's composition root: its use cases, HTTP app and event handlers from the container."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import Flask

from services.insights.events import VACANCIES
from services.insights.ports import UnitOfWorkFactory
from services.insights.usecases import InsightsService
from shared.consumer import Handler, TombstoneHandler, batch_handler
from shared.events import Event
from shared.published import vacancies
from shared.service import Container, ServiceDefinition, base_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SERVICE_KEY = "insights.service"


def build_service(container: Container, *, uow: UnitOfWorkFactory | None = None) -> InsightsService:
    """Return the use cases on the container's database (or on the fake units of work given)."""
    if uow is None:
        from services.insights.adapters.sql import sql_uow_factory

        uow = sql_uow_factory(container.sessions)
    return InsightsService(uow)


def service_of(container: Container) -> InsightsService:
    """Return the container's use cases, built on first use (tests put one on fakes in ``extras``)."""
    if SERVICE_KEY not in container.extras:
        container.extras[SERVICE_KEY] = build_service(container)
    return container.extras[SERVICE_KEY]


def create_app(container: Container, service: InsightsService | None = None) -> Flask:
    """Create the insights app from its adapters."""
    from services.insights.api import blp

    app, api = base_app(container)
    app.extensions[SERVICE_KEY] = service or service_of(container)
    api.register_blueprint(blp)
    return app


def handlers(container: Container) -> dict[str, Handler]:
    """Return the handlers of the vacancy events: each run of them is applied in the consumer's transaction."""

    @batch_handler
    def vacancy_events(events: Sequence[Event], tx) -> None:
        service_of(container).record([vacancies.parse(e.type, e.data) for e in events], within=tx)

    return dict.fromkeys(vacancies.EVENTS, vacancy_events)


def on_tombstone(container: Container) -> TombstoneHandler:
    """Return the tombstone handler: an erased vacancy is no longer counted."""

    def handle(topic: str, key: str, tx) -> None:
        if topic == VACANCIES:
            service_of(container).forget(key, within=tx)

    return handle


SERVICE = ServiceDefinition(
    name="insights",
    create_app=create_app,
    consumes=(VACANCIES,),
    handlers=handlers,
    on_tombstone=on_tombstone,
    migrations=MIGRATIONS,
)
