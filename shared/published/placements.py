"""The events of the ``placements`` topic (a stream, keyed by placement id): where a person's application stands.

Ids, stages and dates only: never a note or a name. v2 carries every stage; v1, published beside it until its
readers move to v2, carries the outcomes v1 knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from shared.events import Event, new_event

TOPIC = "placements"


@dataclass(frozen=True)
class PlacementRecordedV2:
    """A placement reached a stage."""

    TYPE: ClassVar[str] = "org.puente.placement.recorded.v2"

    placement_id: str
    profile_id: str
    vacancy_id: str
    stage: str
    previous_stage: str | None  # None at proposed
    recorded_at: datetime
    on: date  # the day the step happened

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {"placement_id": self.placement_id, "profile_id": self.profile_id, "vacancy_id": self.vacancy_id,
                "stage": self.stage, "previous_stage": self.previous_stage,
                "recorded_at": self.recorded_at.isoformat(), "on": self.on.isoformat()}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PlacementRecordedV2:
        """Read a payload."""
        return cls(data["placement_id"], data["profile_id"], data["vacancy_id"], data["stage"],
                   data.get("previous_stage"), datetime.fromisoformat(data["recorded_at"]),
                   date.fromisoformat(data["on"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent (subject and key: the placement id)."""
        return new_event(self.TYPE, source, self.placement_id, self.to_data())


@dataclass(frozen=True)
class PlacementRecordedV1:
    """An application's outcome (applied, interviewed, hired, rejected or withdrawn)."""

    TYPE: ClassVar[str] = "org.puente.placement.recorded.v1"

    placement_id: str
    profile_id: str
    vacancy_id: str
    outcome: str
    recorded_at: datetime

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {"placement_id": self.placement_id, "profile_id": self.profile_id, "vacancy_id": self.vacancy_id,
                "outcome": self.outcome, "recorded_at": self.recorded_at.isoformat()}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PlacementRecordedV1:
        """Read a payload."""
        return cls(data["placement_id"], data["profile_id"], data["vacancy_id"], data["outcome"],
                   datetime.fromisoformat(data["recorded_at"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent (subject and key: the placement id)."""
        return new_event(self.TYPE, source, self.placement_id, self.to_data())


PlacementEvent = PlacementRecordedV2 | PlacementRecordedV1
EVENTS: dict[str, type[PlacementEvent]] = {c.TYPE: c for c in (PlacementRecordedV2, PlacementRecordedV1)}


def parse(event_type: str, data: Mapping[str, Any]) -> PlacementEvent:
    """Return the typed event of a payload (KeyError for a type this topic does not carry)."""
    return EVENTS[event_type].from_data(data)
