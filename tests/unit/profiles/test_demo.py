"""Demo profiles load once, in several languages, and publish only with consent."""

import json

from sqlalchemy import text

from services.profiles.app import SERVICE
from shared import demo
from shared.bus import InMemoryBus
from shared.service import build_container
from shared.settings import load_settings


def test_demo_profiles_load_once_and_publish_only_consenting_people(tmp_path):
    container = build_container(SERVICE, load_settings({}, bus="memory", secret_key="k" * 40), bus=InMemoryBus(),
                                data_dir=tmp_path)
    try:
        assert SERVICE.demo(container) == 7
        assert SERVICE.demo(container) == 0
        with container.engine.connect() as conn:
            events = [json.loads(p)["data"] for (p,) in conn.execute(text("SELECT payload FROM outbox"))]
    finally:
        container.engine.dispose()
    published = {e["profile_id"] for e in events}
    assert {demo.PROFILE_MARIA, demo.PROFILE_JEAN, demo.PROFILE_CARLOS, demo.PROFILE_ANA,
            demo.PROFILE_LUIS} <= published
    assert len(events) == 6  # one person did not consent to matching
    assert {e["text_language"] for e in events} >= {"es", "ht", "en"}
    assert not any("DEMO-" in json.dumps(e) for e in events)
