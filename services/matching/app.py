"""The matching service's HTTP app: ranking vacancies and candidates, built from events only."""

from flask import Flask

from shared.service import Container, base_app


def create_app(container: Container) -> Flask:
    """Create the matching app from its adapters."""
    from services.matching.api import audit_blp, blp

    app, api = base_app(container)
    api.register_blueprint(blp)
    api.register_blueprint(audit_blp)
    return app
