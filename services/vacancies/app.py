"""The vacancies service's HTTP app: employers, vacancies and the decent-work gate."""

from flask import Flask

from shared.service import Container, base_app


def create_app(container: Container) -> Flask:
    """Create the vacancies app from its adapters."""
    app, _api = base_app(container)
    return app
