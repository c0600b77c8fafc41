"""The events of the ``matches`` topic (a stream, keyed by profile id): strong, eligible matches, once per pair."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from shared.events import Event, new_event

TOPIC = "matches"


@dataclass(frozen=True)
class MatchSuggested:
    """A new strong, eligible match between a person and a vacancy."""

    TYPE: ClassVar[str] = "org.puente.match.suggested.v1"

    match_id: str
    profile_id: str
    vacancy_id: str
    score: float  # 0..1
    eligible: bool
    model_version: str
    suggested_at: datetime

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {"match_id": self.match_id, "profile_id": self.profile_id, "vacancy_id": self.vacancy_id,
                "score": self.score, "eligible": self.eligible, "model_version": self.model_version,
                "suggested_at": self.suggested_at.isoformat()}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> MatchSuggested:
        """Read a payload."""
        return cls(match_id=data["match_id"], profile_id=data["profile_id"], vacancy_id=data["vacancy_id"],
                   score=data["score"], eligible=data["eligible"], model_version=data["model_version"],
                   suggested_at=datetime.fromisoformat(data["suggested_at"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent (subject and key: the profile id)."""
        return new_event(self.TYPE, source, self.profile_id, self.to_data())


MatchEvent = MatchSuggested
EVENTS: dict[str, type[MatchEvent]] = {MatchSuggested.TYPE: MatchSuggested}


def parse(event_type: str, data: Mapping[str, Any]) -> MatchEvent:
    """Return the typed event of a payload (KeyError for a type this topic does not carry)."""
    return EVENTS[event_type].from_data(data)
