"""When a person leaves (profile.withdrawn, reason erased) matching keeps nothing of their texts: neither the read
model nor the embedding cache's vectors of them, and on SQLite not the write-ahead log either (issue 13, item 2d)."""

from pathlib import Path

import pytest
from sqlalchemy import select

from services.matching.adapters.memory import InMemoryReadModelStore
from services.matching.adapters.sql import embeddings_table
from services.matching.api import SERVICE_KEY
from services.matching.app import SERVICE
from services.matching.index import ExactIndex
from shared.bus import InMemoryBus
from shared.consumer import SqlInbox
from shared.encoders import InMemoryEmbeddingCache
from shared.events import Event
from shared.service import build_container
from shared.settings import load_settings
from tests.unit.matching.support import HashingTestEncoder, matcher, profile, published_profiles, sql_service

# Words of the erased person's own text, found nowhere else.
THEIR_TEXT = {"skills": "Soldadura TIG de tuberías inoxidables; lectura de isométricos Zapallarqueño",
              "experience": "Soldador en astillero del Callao durante seis años. Reparación de cascos de barcos."}
OTHER_TEXT = {"skills": "cuidado de pacientes", "experience": "Enfermera en hospital"}


def withdrawn(profile_id: str, reason: str = "erased") -> dict:
    return {"profile_id": profile_id, "reason": reason, "withdrawn_at": "2026-03-02T00:00:00+00:00"}


def test_withdrawing_a_person_drops_every_cached_vector_their_texts_added_and_keeps_everyone_elses():
    service = matcher()
    cache = service.embedder.cache
    assert isinstance(cache, InMemoryEmbeddingCache)
    other, erased = profile(text=OTHER_TEXT), profile(text=THEIR_TEXT)
    store = InMemoryReadModelStore()
    service.apply_profiles(store, published_profiles([other]))
    before = set(cache.snapshot())
    service.apply_profiles(store, published_profiles([erased]))
    theirs = set(cache.snapshot()) - before
    assert theirs, "publishing the person must have cached vectors of their texts"
    service.withdraw_profile(store, erased["profile_id"])
    assert set(cache.snapshot()) == before


@pytest.fixture
def sql_matching(tmp_path):
    settings = load_settings({}, bus="memory", secret_key="k" * 40,
                             database_url=f"sqlite:///{tmp_path / 'matching.db'}")
    container = build_container(SERVICE, settings, bus=InMemoryBus(), data_dir=tmp_path)
    encoder = HashingTestEncoder()
    container.extras[SERVICE_KEY] = sql_service(container, encoder, ExactIndex(encoder.dim), ExactIndex(encoder.dim))
    handlers = SERVICE.handlers(container)

    def deliver(type_, data):
        event = Event(type=f"org.puente.{type_}.v1", source="/services/profiles", subject=data["profile_id"],
                      data=data)
        with SqlInbox(container.sessions, "matching").transaction() as tx:
            for e in tx.claim([event]):
                handlers[e.type]([e], tx)

    yield container, deliver, Path(tmp_path) / "matching.db"
    container.engine.dispose()


def stored_keys(container) -> set[str]:
    with container.engine.connect() as conn:
        return set(conn.execute(select(embeddings_table.c.key)).scalars())


@pytest.mark.parametrize("reason", ["erased", "consent_withdrawn"])
def test_the_withdrawal_handler_deletes_the_persons_cached_vectors_from_the_database_and_from_memory(
        sql_matching, reason):
    container, deliver, _ = sql_matching
    cache = container.extras[SERVICE_KEY].embedder.cache
    other, erased = profile(text=OTHER_TEXT), profile(text=THEIR_TEXT)
    deliver("profile.published", other)
    before = stored_keys(container)
    deliver("profile.published", erased)
    theirs = stored_keys(container) - before
    assert theirs
    deliver("profile.withdrawn", withdrawn(erased["profile_id"], reason))
    assert stored_keys(container) == before
    assert not theirs & set(cache.known) and not theirs & set(cache.pending)


def test_after_an_erasure_the_persons_words_are_in_no_sqlite_file_of_matching(sql_matching):
    container, deliver, db_file = sql_matching
    erased = profile(text=THEIR_TEXT)
    deliver("profile.published", profile(text=OTHER_TEXT))
    deliver("profile.published", erased)
    wal = db_file.with_name(db_file.name + "-wal")
    files = lambda: db_file.read_bytes() + (wal.read_bytes() if wal.exists() else b"")  # noqa: E731
    assert b"Zapallarque" in files()  # the read model holds their text until they leave
    deliver("profile.withdrawn", withdrawn(erased["profile_id"]))
    assert b"Zapallarque" not in files() and b"astillero" not in files()
