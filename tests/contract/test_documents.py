"""The committed contracts and the code must agree."""

import json
from pathlib import Path

import pytest
import yaml

from services.registry import load_service
from shared.contracts import served_openapi
from shared.settings import SERVICES, load_settings
from shared.topics import puente_topics

ROOT = Path(__file__).resolve().parents[2]
ASYNCAPI = yaml.safe_load((ROOT / "contracts" / "asyncapi" / "puente.yaml").read_text())


@pytest.mark.parametrize("service", SERVICES)
def test_the_committed_openapi_document_is_the_one_the_service_serves(service):
    committed = json.loads((ROOT / "contracts" / "openapi" / f"{service}.json").read_text())
    assert served_openapi(load_service(service), load_settings({}, bus="memory")) == committed, "run `puente openapi`"


@pytest.mark.parametrize("service", SERVICES)
def test_every_documented_error_is_problem_json(service):
    document = json.loads((ROOT / "contracts" / "openapi" / f"{service}.json").read_text())
    for name, response in document["components"].get("responses", {}).items():
        if "content" in response:
            assert list(response["content"]) == ["application/problem+json"], name


def test_every_topic_the_code_creates_is_in_the_asyncapi_document_with_its_settings():
    channels = ASYNCAPI["channels"]
    assert {spec.name for spec in puente_topics()} == set(channels)
    for spec in puente_topics():
        binding = channels[spec.name]["bindings"]["kafka"]
        assert binding["partitions"] == spec.partitions, spec.name
        assert binding["topicConfiguration"]["cleanup.policy"] == [spec.configs()["cleanup.policy"]], spec.name


def test_every_event_schema_is_a_message_of_the_asyncapi_document():
    schema_files = {p.name for p in (ROOT / "contracts" / "schemas").glob("org.puente.*.json")}
    referenced = {m["payload"]["$ref"].rsplit("/", 1)[-1]
                  for m in ASYNCAPI.get("components", {}).get("messages", {}).values()}
    assert schema_files <= referenced


def test_every_consumer_group_reads_in_the_asyncapi_document_exactly_the_topics_its_service_consumes():
    from shared.topics import CONSUMER_GROUPS

    consumers = {s.name: set(s.consumes) for s in (load_service(name) for name in SERVICES) if s.consumes}
    documented: dict[str, set[str]] = {}
    for operation in ASYNCAPI["operations"].values():
        if operation["action"] == "receive":
            (group,) = operation["bindings"]["kafka"]["groupId"]["enum"]
            channel = ASYNCAPI["channels"][operation["channel"]["$ref"].rsplit("/", 1)[-1]]
            documented.setdefault(group, set()).add(channel["address"])
    assert documented == consumers
    assert set(CONSUMER_GROUPS) == set(consumers), "each consumer group needs its dead-letter topic"
