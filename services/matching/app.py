"""The matching service's HTTP app: ranking vacancies and candidates, built from events only."""

from pathlib import Path

from flask import Flask

from services.matching.wiring import CONSUMES, handlers, on_tombstone
from shared.service import Container, ServiceDefinition, base_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(container: Container) -> Flask:
    """Create the matching app from its adapters."""
    from services.matching.api import audit_blp, blp

    app, api = base_app(container)
    api.register_blueprint(blp)
    api.register_blueprint(audit_blp)
    return app


SERVICE = ServiceDefinition(
    name="matching",
    create_app=create_app,
    consumes=CONSUMES,
    handlers=handlers,
    on_tombstone=on_tombstone,
    paths=("/api/v1/matches", "/api/v1/matching"),
    migrations=MIGRATIONS,
)
