"""The vacancies service's composition root: its HTTP app wired to SQL, the outbox, the gate and the taxonomy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from services.vacancies.adapters.occupations import TaxonomySuggester
from services.vacancies.adapters.sql import sql_uow_factory
from services.vacancies.api import SERVICE_KEY, employers, public, vacancies
from services.vacancies.domain.gate import DecentWorkGate
from services.vacancies.ports import Clock, OccupationSuggester
from services.vacancies.usecases import TOPIC, VacancyService
from shared.service import Container, ServiceDefinition, base_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def build_service(container: Container, *, gate: DecentWorkGate | None = None,
                  suggester: OccupationSuggester | None = None, clock: Clock = utcnow,
                  topic: str = TOPIC) -> VacancyService:
    """Return the vacancies use cases on the container's database and outbox."""
    return VacancyService(sql_uow_factory(container.sessions, container.outbox, topic), gate or DecentWorkGate(),
                          suggester or TaxonomySuggester(), clock)


def create_app(container: Container, *, service: VacancyService | None = None) -> Flask:
    """Create the vacancies app from its adapters."""
    app, api = base_app(container)
    app.extensions[SERVICE_KEY] = service or build_service(container)
    api.register_blueprint(vacancies)
    api.register_blueprint(employers)
    api.register_blueprint(public)
    return app


def _demo(container: Container) -> int:
    """Load the demo data (imported late: the demo builds on this composition root)."""
    from services.vacancies.demo import load

    return load(container)


SERVICE = ServiceDefinition(name="vacancies", create_app=create_app,
                            paths=("/api/v1/vacancies", "/api/v1/employers", "/jobs"), demo=_demo,
                            migrations=MIGRATIONS)
