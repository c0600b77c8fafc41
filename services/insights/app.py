"""The insights service's HTTP app: aggregated statistics, a read-only projection of every topic."""

from flask import Flask

from shared.service import Container, base_app


def create_app(container: Container) -> Flask:
    """Create the insights app from its adapters."""
    app, _api = base_app(container)
    return app
