"""One contract, two adapters: the in-process bus must behave like Kafka for everything Puente relies on."""

import time
import uuid

import pytest

from shared.bus import InMemoryBus, PrefixedBus, Record
from shared.topics import TopicSpec


@pytest.fixture(params=["memory", "prefixed", "kafka"])
def bus(request):
    if request.param == "memory":
        yield InMemoryBus()
        return
    if request.param == "prefixed":
        yield PrefixedBus(InMemoryBus(), "tenant.")
        return
    from shared.kafka_bus import KafkaBus

    bus = KafkaBus(request.getfixturevalue("kafka_bootstrap"), "contract-tests", max_block_ms=3000)
    yield bus
    bus.close()


@pytest.fixture
def topic(bus):
    name = f"contract.{uuid.uuid4().hex[:8]}"
    bus.ensure_topics([TopicSpec(name, 3)])
    return name


def drain(subscription, want: int, timeout_s: float = 30.0):
    got, deadline = [], time.monotonic() + timeout_s
    while len(got) < want and time.monotonic() < deadline:
        got += subscription.poll(0.5)
    return got


def test_a_record_reaches_a_group_member_with_key_value_and_headers(bus, topic):
    producer = bus.producer()
    producer.send(Record(topic, b"entity-1", b'{"a":1}', (("content-type", b"application/cloudevents+json"),)))
    sub = bus.subscribe(f"g-{uuid.uuid4().hex[:6]}", [topic])
    (message,) = drain(sub, 1)
    assert (message.key, message.value) == (b"entity-1", b'{"a":1}')
    assert message.header("content-type") == b"application/cloudevents+json"
    sub.close()
    producer.close()


def test_records_of_one_key_stay_in_order(bus, topic):
    producer = bus.producer()
    assert producer.send_many([Record(topic, b"same", str(i).encode()) for i in range(50)]) == [None] * 50
    sub = bus.subscribe(f"g-{uuid.uuid4().hex[:6]}", [topic])
    messages = drain(sub, 50)
    assert [int(m.value) for m in messages] == list(range(50))
    assert len({m.partition for m in messages}) == 1
    sub.close()


def test_every_group_gets_every_record(bus, topic):
    bus.producer().send_many([Record(topic, f"k{i}".encode(), b"v") for i in range(10)])
    a, b = bus.subscribe("group-a-" + topic, [topic]), bus.subscribe("group-b-" + topic, [topic])
    assert len(drain(a, 10)) == 10 and len(drain(b, 10)) == 10
    a.close()
    b.close()


def test_uncommitted_records_are_redelivered_to_the_next_member(bus, topic):
    bus.producer().send_many([Record(topic, b"k", str(i).encode()) for i in range(4)])
    group = f"g-{uuid.uuid4().hex[:6]}"
    first = bus.subscribe(group, [topic])
    messages = drain(first, 4)
    first.commit(messages[1])  # records 0 and 1 are done; 2 and 3 were fetched but not finished
    first.close()
    second = bus.subscribe(group, [topic])
    assert [int(m.value) for m in drain(second, 2)] == [2, 3]
    second.close()


def test_a_tombstone_arrives_with_no_value(bus, topic):
    bus.producer().send(Record(topic, b"erased-person", None))
    sub = bus.subscribe(f"g-{uuid.uuid4().hex[:6]}", [topic])
    (message,) = drain(sub, 1)
    assert message.key == b"erased-person" and message.value is None
    sub.close()


def test_sending_to_a_topic_nobody_created_fails_instead_of_creating_it(bus):
    result = bus.producer().send_many([Record(f"missing.{uuid.uuid4().hex[:8]}", b"k", b"v")])
    assert result[0] is not None


def test_a_prefixed_bus_puts_records_under_its_prefix_and_hands_them_back_under_the_real_name():
    inner = InMemoryBus()
    bus = PrefixedBus(inner, "run1.", partitions=1)
    bus.ensure_topics([TopicSpec("profiles", 3)])
    subscription = bus.subscribe("matching", ["profiles"])
    bus.producer().send(Record("profiles", b"k", b"v"))
    assert [m.value for m in inner.messages("run1.profiles")] == [b"v"]
    got = drain(subscription, 1)
    assert [(m.topic, m.value) for m in got] == [("profiles", b"v")]
    subscription.commit(*got)
