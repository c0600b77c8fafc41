"""Real CloudEvents on the in-memory bus, through shared.consumer and the SQL inbox, into the insights table."""

import pytest

from services.insights.app import SERVICE
from shared.bus import Record
from shared.service import ensure_topics, make_consumer
from tests.unit.insights.support import closed, held, new_id, published


@pytest.fixture
def send(container):
    ensure_topics(container)
    producer = container.bus.producer()

    def send(*events, tombstone: str | None = None):
        records = [Record("vacancies", e.key, e.to_json()) for e in events]
        if tombstone:
            records.append(Record("vacancies", tombstone.encode(), None))
        producer.send_many(records)

    return send


def table(container, bearer):
    client = SERVICE.create_app(container).test_client()
    response = client.get("/api/v1/insights/vacancies", headers=bearer("ministry"))
    assert response.status_code == 200
    return {(c["occupation"], c["country"]): c["open_vacancies"] for c in response.get_json()["cells"]}


def test_vacancy_events_from_the_topic_are_counted_once_and_follow_each_vacancy(container, bearer, send):
    ids = [new_id() for _ in range(8)]
    first = published(ids[0], "5120", "CO")
    send(first, first, *(published(i, "5120", "CO") for i in ids[1:7]), published(ids[7], "2221", "PE"))
    consumer = make_consumer(SERVICE, container)
    consumer.run_once(0)
    assert consumer.outcomes["duplicate"] == 1
    assert table(container, bearer) == {("5120", "CO"): 7, ("2221", "PE"): None}

    send(held(ids[1]), closed(ids[2]), published(ids[3], "9412", "CO"), tombstone=ids[4])
    consumer.run_once(0)
    assert consumer.outcomes["tombstone"] == 1 and consumer.outcomes["dead_lettered"] == 0
    assert table(container, bearer) == {("5120", "CO"): None, ("9412", "CO"): None, ("2221", "PE"): None}

    send(published(ids[1], "5120", "CO"), published(new_id(), "5120", "CO"))  # back from review, and one more
    consumer.run_once(0)
    assert table(container, bearer)[("5120", "CO")] == 5  # ids 0, 1, 5, 6 and the new one
