"""The Kafka topics Puente owns, with their settings; created by code, never by broker auto-creation."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TopicSpec:
    """A topic's name and settings."""

    name: str
    partitions: int = 6
    compacted: bool = False
    config: dict[str, str] = field(default_factory=dict)

    def configs(self) -> dict[str, str]:
        """Return the topic-level configuration to create it with."""
        out = {"cleanup.policy": "compact" if self.compacted else "delete", "min.insync.replicas": "1"}
        out.update(self.config)
        return out


# State topics are compacted: the latest event per entity is kept forever, and an erased person's
# tombstone removes them from the log as well.
STATE_TOPICS = ("profiles", "vacancies", "credentials")
STREAM_TOPICS = ("placements", "matches")

# Consumer groups that own a dead-letter topic.
CONSUMER_GROUPS = ("matching", "insights", "profiles", "credentials")


def dead_letter_topic(group: str) -> str:
    """Return the dead-letter topic of a consumer group."""
    return f"{group}.dlt"


def puente_topics(partitions: int = 6) -> list[TopicSpec]:
    """Return every topic the platform needs, dead-letter topics included."""
    specs = [TopicSpec(name, partitions, compacted=True) for name in STATE_TOPICS]
    specs += [TopicSpec(name, partitions, config={"retention.ms": str(400 * 24 * 3600 * 1000)})
              for name in STREAM_TOPICS]
    specs += [TopicSpec(dead_letter_topic(g), 1, config={"retention.ms": str(30 * 24 * 3600 * 1000)})
              for g in CONSUMER_GROUPS]
    return specs
