"""The vacancies service's HTTP app: employers, vacancies and the decent-work gate (its composition root)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from services.vacancies import use_cases
from services.vacancies.adapters.occupations import TaxonomySuggester
from services.vacancies.adapters.sql import sql_uow_factory
from services.vacancies.domain.gate import DecentWorkGate
from services.vacancies.domain.model import DomainError
from shared.service import Container, ServiceDefinition, base_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def build_deps(container: Container, *, gate=None, suggester=None, clock=None,
               topic: str = use_cases.TOPIC) -> use_cases.Deps:
    """Wire the use cases' ports to this container's database and outbox."""
    return use_cases.Deps(uow=sql_uow_factory(container.sessions, container.outbox, topic),
                          gate=gate or DecentWorkGate(),
                          suggester=suggester or TaxonomySuggester(), clock=clock or (lambda: datetime.now(UTC)))


def create_app(container: Container, deps: use_cases.Deps | None = None) -> Flask:
    """Create the vacancies app from its adapters."""
    from services.vacancies.api import domain_error, employers, public, vacancies
    from services.vacancies.i18n import localise_422

    app, api = base_app(container)
    app.extensions["vacancies.deps"] = deps or build_deps(container)
    api.register_blueprint(vacancies)
    api.register_blueprint(employers)
    api.register_blueprint(public)
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(422, localise_422(api))
    return app


def _demo(container) -> int:
    from services.vacancies.demo import load

    return load(container)


SERVICE = ServiceDefinition(name="vacancies", create_app=create_app,
                            paths=("/api/v1/vacancies", "/api/v1/employers", "/jobs"), demo=_demo,
                            migrations=MIGRATIONS)
