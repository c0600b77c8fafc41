"""The insights service's HTTP app: aggregated statistics, a read-only projection of every topic."""

from pathlib import Path

from flask import Flask

from shared.service import Container, ServiceDefinition, base_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(container: Container) -> Flask:
    """Create the insights app from its adapters."""
    app, _api = base_app(container)
    return app


SERVICE = ServiceDefinition(
    name="insights",
    create_app=create_app,
    consumes=("profiles", "vacancies", "credentials", "placements", "matches"),
    migrations=MIGRATIONS,
)
