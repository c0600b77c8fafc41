"""After DELETE /api/v1/profiles/{id} nothing of the person stays behind in the profiles service's own SQLite files:
not in the outbox (sent or waiting), not in SQLite's write-ahead log, not in freed pages (issue 13, item 2)."""

from pathlib import Path

import pytest
from sqlalchemy import select, text

from services.profiles.adapters.taxonomy import TaxonomyCodeBook
from services.profiles.app import SERVICE, build_service
from shared.bus import InMemoryBus
from shared.outbox import OutboxRelay, SqlOutboxStore, outbox_table
from shared.service import build_container
from shared.settings import load_settings
from shared.topics import puente_topics
from tests.unit.profiles.factories import NORMALIZER
from tests.unit.profiles.test_api import BODY

# Words only this person's record holds: their family name and a word of their own skills text (published).
FAMILY, SKILL_WORD = "Quispewarmi", "Pachamanqueo"


@pytest.fixture
def app(tmp_path):
    bus = InMemoryBus()
    bus.ensure_topics(puente_topics())
    container = build_container(SERVICE, load_settings({}, bus="memory", secret_key="k" * 40), bus=bus,
                                data_dir=tmp_path)
    app = SERVICE.create_app(container, profiles=build_service(container, codes=TaxonomyCodeBook(),
                                                                normalizer=NORMALIZER))
    app.container = container
    app.db_file = Path(tmp_path) / "profiles.db"
    yield app
    container.engine.dispose()


def auth(app, org="centre-lima"):
    return {"Authorization": "Bearer " + app.container.issuer.issue("u-" + org, "counsellor", org)}


def person(family=FAMILY, skill_word=SKILL_WORD, document="AB123456"):
    return {**BODY, "identity": {**BODY["identity"], "family_names": family,
                                 "documents": [{"type": "passport", "number": document, "country": "VE"}]},
            "skills_text": f"Cocina criolla y {skill_word} al horno."}


def relay_all(app):
    relay = OutboxRelay(SqlOutboxStore(app.container.sessions), app.container.bus.producer())
    while relay.relay_once().published:
        pass


def outbox_rows(app):
    with app.container.engine.connect() as conn:
        return [(r.msg_key, r.event_type, r.published_at is not None)
                for r in conn.execute(select(outbox_table).order_by(outbox_table.c.id))]


def test_erasure_deletes_the_persons_outbox_rows_at_once_sent_or_waiting_and_keeps_everyone_elses(app):
    client = app.test_client()
    erased = client.post("/api/v1/profiles", json=person(), headers=auth(app)).json
    other = client.post("/api/v1/profiles", json=person("Otra", "Ají", "ZZ987654"), headers=auth(app)).json["id"]
    relay_all(app)  # both profile.published rows are sent
    changed = client.put(f"/api/v1/profiles/{erased['id']}", json={**person(), "availability": "later"},
                         headers={**auth(app), "If-Match": '"1"'})
    assert changed.status_code == 200  # and its profile.published waits in the outbox
    assert client.delete(f"/api/v1/profiles/{erased['id']}", headers=auth(app)).status_code == 204
    assert outbox_rows(app) == [(other, "org.puente.profile.published.v1", True),
                                (erased["id"], "org.puente.profile.withdrawn.v1", False),
                                (erased["id"], "tombstone", False)]


def test_after_an_erasure_the_persons_words_are_in_no_sqlite_file_neither_the_database_nor_its_wal(app):
    client = app.test_client()
    pid = client.post("/api/v1/profiles", json=person(), headers=auth(app)).json["id"]
    relay_all(app)
    client.put(f"/api/v1/profiles/{pid}", json={**person(), "availability": "later"},
               headers={**auth(app), "If-Match": '"1"'})
    wal = app.db_file.with_name(app.db_file.name + "-wal")
    before = app.db_file.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert FAMILY.encode() in before and SKILL_WORD.encode() in before  # the test looks where the words were
    assert client.delete(f"/api/v1/profiles/{pid}", headers=auth(app)).status_code == 204
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
    after = app.db_file.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for word in (FAMILY, FAMILY.casefold(), SKILL_WORD):
        assert word.encode() not in after, word


def test_every_sqlite_connection_zeroes_the_pages_it_frees(app):
    """Debian's SQLite is built with secure_delete on; the engine asks for it so that other builds do too."""
    with app.container.engine.connect() as conn:
        assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
