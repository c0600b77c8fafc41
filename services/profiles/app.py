"""The profiles service's HTTP app: migrant skill profiles."""

from flask import Flask

from shared.service import Container, base_app


def create_app(container: Container) -> Flask:
    """Create the profiles app from its adapters."""
    app, _api = base_app(container)
    return app
