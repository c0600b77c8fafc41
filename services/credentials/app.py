"""The credentials service's HTTP app, its consumer's handlers and its one composition root."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import Flask

from services.credentials.adapters.sql import sql_uow_factory
from services.credentials.api import blp
from services.credentials.domain.rules import load_rulebook
from services.credentials.events import PROFILES
from services.credentials.usecases import CredentialService
from shared.consumer import Handler, batch_handler
from shared.events import Event
from shared.published.profiles import ProfilePublished, ProfileWithdrawn
from shared.service import Container, ServiceDefinition, base_app
from shared.taxonomy import load_taxonomy

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SERVICE_KEY = "credentials.service"


def build_service(container: Container, uow=None) -> CredentialService:
    """Return the credentials use cases wired to the container's adapters (or a given unit of work)."""
    rules = load_rulebook(is_occupation=load_taxonomy().is_occupation)
    factory = uow or sql_uow_factory(container.sessions, container.outbox)
    return CredentialService(factory, rules, container.source)


def service_of(container: Container) -> CredentialService:
    """Return the container's use cases, built on first use (the app, the consumer and the demo share them)."""
    if SERVICE_KEY not in container.extras:
        container.extras[SERVICE_KEY] = build_service(container)
    return container.extras[SERVICE_KEY]


def create_app(container: Container, *, uow=None) -> Flask:
    """Create the credentials app from its adapters; the rules are loaded and checked here, at start."""
    app, api = base_app(container)
    app.extensions["puente.credentials"] = build_service(container, uow) if uow is not None else service_of(container)
    app.extensions["puente.taxonomy"] = load_taxonomy()
    api.register_blueprint(blp)
    return app


def handlers(container: Container) -> dict[str, Handler]:
    """Return the handlers of the profiles topic: who belongs to which centre, and who was erased."""

    @batch_handler
    def published(events: Sequence[Event], tx) -> None:
        for event in events:
            person = ProfilePublished.from_data(event.data)
            service_of(container).person_registered(person.profile_id, person.centre, within=tx)

    @batch_handler
    def withdrawn(events: Sequence[Event], tx) -> None:
        for event in events:
            withdrawal = ProfileWithdrawn.from_data(event.data)
            if withdrawal.erased:  # erasure reaches every copy; a withdrawn consent keeps the credentials
                service_of(container).person_erased(withdrawal.profile_id, within=tx)

    return {ProfilePublished.TYPE: published, ProfileWithdrawn.TYPE: withdrawn}


def _demo(container: Container) -> int:
    """Load the demo data (imported late: the demo builds on this composition root)."""
    from services.credentials.demo import load_demo

    return load_demo(container)


SERVICE = ServiceDefinition(name="credentials", create_app=create_app, consumes=(PROFILES,), handlers=handlers,
                            demo=_demo, migrations=MIGRATIONS)
