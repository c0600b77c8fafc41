"""The credentials service's HTTP app and its one composition root."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from werkzeug.exceptions import UnprocessableEntity

from services.credentials.adapters.sql import SqlUnitOfWork
from services.credentials.api import blp
from services.credentials.domain.model import DomainError
from services.credentials.domain.rules import load_rulebook
from services.credentials.messages import LANGS, TITLES, reason, translate
from services.credentials.usecases import CredentialService, NotFound, VersionMismatch
from shared.http import flatten_errors, problem
from shared.service import Container, ServiceDefinition, base_app
from shared.taxonomy import load_taxonomy

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def build_service(container: Container, uow=None) -> CredentialService:
    """Return the credentials use cases wired to the container's adapters (or a given unit of work)."""
    taxonomy = load_taxonomy()
    rules = load_rulebook(known_occupations=[c.code for c in taxonomy.unit_groups()])
    factory = uow or (lambda: SqlUnitOfWork(container.sessions, container.outbox))
    return CredentialService(factory, rules, container.source)


def create_app(container: Container, *, uow=None) -> Flask:
    """Create the credentials app from its adapters; the rules are loaded and checked here, at start."""
    app, api = base_app(container)
    app.extensions["puente.credentials"] = build_service(container, uow)
    app.extensions["puente.taxonomy"] = load_taxonomy()
    api.register_blueprint(blp)

    def lang() -> str:
        return request.accept_languages.best_match(LANGS, default="en")

    @app.errorhandler(UnprocessableEntity)
    def _invalid(exc):
        data = getattr(exc, "data", None) or {}
        messages = data.get("messages", {})
        errors = []
        for location in messages.values() if isinstance(messages, dict) else ():
            errors += flatten_errors(location)
        for e in errors:
            e["reason"] = translate(e["reason"], lang())
        return problem(422, TITLES["invalid"][lang()], errors=errors or None)

    @app.errorhandler(DomainError)
    def _refused(exc):
        status = 409 if exc.code in ("bad_transition", "procedure_elsewhere", "not_assessed") else 422
        title = TITLES["conflict" if status == 409 else "invalid"][lang()]
        errors = [{"pointer": exc.pointer, "reason": reason(exc.code, lang(), **exc.params)}]
        return problem(status, title, errors=errors)

    @app.errorhandler(NotFound)
    def _not_found(exc):
        return problem(404, "Not Found", "No credential has this id.")

    @app.errorhandler(VersionMismatch)
    def _stale(exc):
        return problem(412, "Precondition Failed", f"The credential changed; its current ETag is \"{exc.current}\".",
                       headers={"ETag": f'"{exc.current}"'})

    return app


def _demo(container: Container) -> int:
    """Load the demo data (imported late: the demo builds on this composition root)."""
    from services.credentials.demo import load_demo

    return load_demo(container)


SERVICE = ServiceDefinition(name="credentials", create_app=create_app, demo=_demo, migrations=MIGRATIONS)
