"""The credentials service's HTTP app: foreign-credential recognition."""

from flask import Flask

from shared.service import Container, base_app


def create_app(container: Container) -> Flask:
    """Create the credentials app from its adapters."""
    app, _api = base_app(container)
    return app
