"""The credentials service's HTTP app and its one composition root."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.credentials.adapters.sql import SqlUnitOfWork
from services.credentials.api import blp
from services.credentials.domain.rules import load_rulebook
from services.credentials.usecases import CredentialService
from shared.service import Container, ServiceDefinition, base_app
from shared.taxonomy import load_taxonomy

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def build_service(container: Container, uow=None) -> CredentialService:
    """Return the credentials use cases wired to the container's adapters (or a given unit of work)."""
    rules = load_rulebook(is_occupation=load_taxonomy().is_occupation)
    factory = uow or (lambda: SqlUnitOfWork(container.sessions, container.outbox))
    return CredentialService(factory, rules, container.source)


def create_app(container: Container, *, uow=None) -> Flask:
    """Create the credentials app from its adapters; the rules are loaded and checked here, at start."""
    app, api = base_app(container)
    app.extensions["puente.credentials"] = build_service(container, uow)
    app.extensions["puente.taxonomy"] = load_taxonomy()
    api.register_blueprint(blp)
    return app


def _demo(container: Container) -> int:
    """Load the demo data (imported late: the demo builds on this composition root)."""
    from services.credentials.demo import load_demo

    return load_demo(container)


SERVICE = ServiceDefinition(name="credentials", create_app=create_app, demo=_demo, migrations=MIGRATIONS)
