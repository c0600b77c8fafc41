"""The profiles service's composition root: its HTTP app wired to SQL, the outbox and the taxonomy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response

from services.profiles.adapters.sql import SqlUnitOfWork
from services.profiles.adapters.taxonomy import TaxonomyCodeBook, TaxonomyNormalizer
from services.profiles.api import SERVICE_KEY, blp
from services.profiles.domain.rules import InvalidProfile
from services.profiles.ports import Clock, CodeBook, SkillNormalizer
from services.profiles.usecases import ProfileService
from shared.http import PROBLEM, language, problem
from shared.i18n import translate
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


# The two pieces below are what shared.http lacks for profiles (to lift there): a refusal naming several
# fields at once, and the Content-Language of a translated 422.

def invalid_profile_problem(error: InvalidProfile) -> Response:
    """Render every refused field of a profile as one 422 problem+json, in the reader's language."""
    lang = language()
    errors = [{"pointer": p.pointer, "reason": translate(p.message, lang, **p.params)} for p in error.problems]
    return problem(error.status, translate(error.title, lang), translate(error.message, lang), errors=errors)


def tell_language_of_refusals(response: Response) -> Response:
    """Name the language a 422 problem is written in (Content-Language), as the profiles API always has."""
    if response.status_code == 422 and response.mimetype == PROBLEM:
        response.headers.setdefault("Content-Language", language())
    return response


def create_app(container: Container, *, profiles: ProfileService | None = None) -> Flask:
    """Create the profiles app from its adapters."""
    app, api = base_app(container)
    app.extensions[SERVICE_KEY] = profiles or container.extras.get(SERVICE_KEY) or build_service(container)
    app.register_error_handler(InvalidProfile, invalid_profile_problem)
    app.after_request(tell_language_of_refusals)
    api.register_blueprint(blp)
    return app


def _demo(container: Container) -> int:
    """Load the demo data (imported late: the demo builds on this composition root)."""
    from services.profiles.demo import load_demo

    return load_demo(container)


SERVICE = ServiceDefinition(name="profiles", create_app=create_app, demo=_demo, migrations=MIGRATIONS)
