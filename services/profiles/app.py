"""The profiles service's composition root: its HTTP app wired to SQL, the outbox and the taxonomy, and the
consumer of the vacancies topic that keeps what profiles knows of vacancies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from services.profiles.adapters.sql import InboxUnitOfWork, SqlUnitOfWork
from services.profiles.adapters.taxonomy import TaxonomyCodeBook, TaxonomyNormalizer
from services.profiles.api import BLUEPRINTS, PLACEMENTS_KEY, SERVICE_KEY
from services.profiles.events import PROFILES, VACANCIES
from services.profiles.ports import Clock, CodeBook, SkillNormalizer
from services.profiles.usecases import PlacementService, ProfileService
from shared.consumer import Handler, TombstoneHandler, batch_handler
from shared.events import Event
from shared.published import vacancies
from shared.service import Container, ServiceDefinition, base_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

TOPIC = PROFILES  # the unit of work's own topic; placement events name theirs (placements) when staged


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def unit_of_work(container: Container, topic: str = TOPIC) -> Callable[..., SqlUnitOfWork]:
    """Return the factory of units of work: a transaction of its own, or a consumer's inbox transaction given."""

    def make(within=None) -> SqlUnitOfWork:
        if within is None:
            return SqlUnitOfWork(container.sessions, container.outbox, topic)
        return InboxUnitOfWork(within.session, container.outbox, topic)

    return make


def build_service(container: Container, *, codes: CodeBook | None = None,
                  normalizer: SkillNormalizer | None = None, clock: Clock = utcnow,
                  topic: str = TOPIC) -> ProfileService:
    """Return the profiles use cases on the container's database and outbox."""
    return ProfileService(unit_of_work(container, topic), codes or TaxonomyCodeBook(),
                          normalizer or TaxonomyNormalizer(), clock, source=container.source)


def build_placements(container: Container, *, clock: Clock = utcnow, topic: str = TOPIC) -> PlacementService:
    """Return the pipeline use cases on the container's database and outbox."""
    return PlacementService(unit_of_work(container, topic), clock, source=container.source)


def placements_of(container: Container) -> PlacementService:
    """Return the container's pipeline use cases, built on first use (tests put one on fakes in ``extras``)."""
    if PLACEMENTS_KEY not in container.extras:
        container.extras[PLACEMENTS_KEY] = build_placements(container)
    return container.extras[PLACEMENTS_KEY]


def create_app(container: Container, *, profiles: ProfileService | None = None,
               placements: PlacementService | None = None) -> Flask:
    """Create the profiles app from its adapters."""
    app, api = base_app(container)
    app.extensions[SERVICE_KEY] = profiles or container.extras.get(SERVICE_KEY) or build_service(container)
    app.extensions[PLACEMENTS_KEY] = placements or placements_of(container)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    return app


def warm_up(app: Flask) -> None:
    """Build the taxonomy normaliser before a counsellor waits for it: the first suggestion or saved story would
    otherwise take seconds (longer than the portal waits on a busy machine)."""
    normalizer = app.extensions[SERVICE_KEY].normalizer
    warm = getattr(normalizer, "warm", None)  # a test's fake has nothing to build
    if warm is not None:
        warm()


def handlers(container: Container) -> dict[str, Handler]:
    """Return the handlers of the vacancy events: each run of them is applied in the consumer's transaction."""

    @batch_handler
    def vacancy_events(events: Sequence[Event], tx) -> None:
        placements_of(container).record_vacancies([vacancies.parse(e.type, e.data) for e in events], within=tx)

    return dict.fromkeys(vacancies.EVENTS, vacancy_events)


def on_tombstone(container: Container) -> TombstoneHandler:
    """Return the tombstone handler: an erased vacancy is forgotten."""

    def handle(topic: str, key: str, tx) -> None:
        if topic == VACANCIES:
            placements_of(container).forget_vacancy(key, within=tx)

    return handle


def _demo(container: Container) -> int:
    """Load the demo data (imported late: the demo builds on this composition root)."""
    from services.profiles.demo import load_demo

    return load_demo(container)


SERVICE = ServiceDefinition(
    name="profiles",
    create_app=create_app,
    consumes=(VACANCIES,),
    handlers=handlers,
    on_tombstone=on_tombstone,
    paths=tuple(b.url_prefix for b in BLUEPRINTS),
    demo=_demo,
    migrations=MIGRATIONS,
    warm_up=warm_up,
)
