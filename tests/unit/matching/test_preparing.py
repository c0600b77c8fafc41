"""GET /api/v1/matches says ``preparing`` while matching still has events to apply, so nobody reads an empty or
short list as final while new profiles and vacancies are being encoded."""

import pytest

from services.matching.api import SERVICE_KEY
from services.matching.app import SERVICE
from services.matching.index import ExactIndex
from shared.bus import InMemoryBus, Record
from shared.events import new_event
from shared.service import build_container, ensure_topics, make_consumer
from shared.settings import load_settings
from tests.unit.matching.support import HashingTestEncoder, profile, sql_service, vacancy


@pytest.fixture
def service(tmp_path):
    settings = load_settings({}, bus="memory", secret_key="k" * 40,
                             database_url=f"sqlite:///{tmp_path / 'matching.db'}")
    container = build_container(SERVICE, settings, bus=InMemoryBus(), data_dir=tmp_path)
    ensure_topics(container)
    encoder = HashingTestEncoder()
    container.extras[SERVICE_KEY] = sql_service(container, encoder, ExactIndex(encoder.dim), ExactIndex(encoder.dim),
                                                strong=0.5)
    yield container, SERVICE.create_app(container).test_client()
    container.engine.dispose()


def publish(container, topic, type_, data, key):
    event = new_event(f"org.puente.{type_}.v1", "/services/test", data[key], data)
    container.bus.producer().send(Record(topic, data[key].encode(), event.to_json()))


def test_matches_say_they_are_being_prepared_until_the_consumer_has_applied_every_event(service):
    container, client = service
    p, v = profile(), vacancy()
    publish(container, "profiles", "profile.published", p, "profile_id")
    consumer = make_consumer(SERVICE, container)
    while consumer.run_once(0.01):
        pass
    token = container.issuer.issue("u1", "counsellor", "centre-lima")
    ask = lambda: client.get(f"/api/v1/matches?profile={p['profile_id']}",  # noqa: E731
                             headers={"Authorization": f"Bearer {token}"})
    assert ask().json == {**ask().json, "items": [], "preparing": False}

    publish(container, "vacancies", "vacancy.published", v, "vacancy_id")
    waiting = ask()
    assert waiting.status_code == 200 and waiting.json["preparing"] is True and waiting.json["items"] == []

    while consumer.run_once(0.01):
        pass
    ready = ask().json
    assert ready["preparing"] is False and [i["vacancy_id"] for i in ready["items"]] == [v["vacancy_id"]]
