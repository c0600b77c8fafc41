"""The profiles service's composition root: its HTTP app wired to SQL, the outbox and the taxonomy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from services.profiles.adapters.sql import SqlUnitOfWork
from services.profiles.adapters.taxonomy import TaxonomyCodeBook, TaxonomyNormalizer
from services.profiles.api import SERVICE_KEY, blp
from services.profiles.ports import Clock, CodeBook, SkillNormalizer
from services.profiles.usecases import ProfileService
from shared.service import Container, ServiceDefinition, base_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

TOPIC = "profiles"  # compacted; key = profile id


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def build_service(container: Container, *, codes: CodeBook | None = None,
                  normalizer: SkillNormalizer | None = None, clock: Clock = utcnow,
                  topic: str = TOPIC) -> ProfileService:
    """Return the profiles use cases on the container's database and outbox."""
    def unit_of_work():
        return SqlUnitOfWork(container.sessions, container.outbox, topic)

    return ProfileService(unit_of_work, codes or TaxonomyCodeBook(), normalizer or TaxonomyNormalizer(), clock,
                          source=container.source)


def create_app(container: Container, *, profiles: ProfileService | None = None) -> Flask:
    """Create the profiles app from its adapters."""
    app, api = base_app(container)
    app.extensions[SERVICE_KEY] = profiles or container.extras.get(SERVICE_KEY) or build_service(container)
    api.register_blueprint(blp)
    return app


def _demo(container: Container) -> int:
    """Load the demo data (imported late: the demo builds on this composition root)."""
    from services.profiles.demo import load_demo

    return load_demo(container)


SERVICE = ServiceDefinition(name="profiles", create_app=create_app, demo=_demo, migrations=MIGRATIONS)
