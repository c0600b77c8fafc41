"""The events of the ``credentials`` topic (compacted, keyed by credential id): what a credential opens.

Ids, codes and statuses only: never a title, an institution or interview notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from shared.events import Event, new_event

TOPIC = "credentials"


@dataclass(frozen=True)
class CredentialAssessed:
    """A credential was assessed for a destination country, or its recognition workflow moved on."""

    TYPE: ClassVar[str] = "org.puente.credential.assessed.v1"

    credential_id: str
    profile_id: str
    destination_country: str
    level: int | None  # ISCED 2011, once recognised
    field: str | None
    status: str
    workflow_status: str
    regulated: bool
    occupations_now: tuple[str, ...]
    occupations_later: tuple[str, ...]
    assessed_at: datetime

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {
            "credential_id": self.credential_id, "profile_id": self.profile_id,
            "destination_country": self.destination_country, "level": self.level, "field": self.field,
            "status": self.status, "workflow_status": self.workflow_status, "regulated": self.regulated,
            "occupations_now": list(self.occupations_now), "occupations_later": list(self.occupations_later),
            "assessed_at": self.assessed_at.isoformat(),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CredentialAssessed:
        """Read a payload (``level`` and ``field`` are optional in the contract)."""
        return cls(credential_id=data["credential_id"], profile_id=data["profile_id"],
                   destination_country=data["destination_country"], level=data.get("level"),
                   field=data.get("field"), status=data["status"], workflow_status=data["workflow_status"],
                   regulated=data["regulated"], occupations_now=tuple(data["occupations_now"]),
                   occupations_later=tuple(data["occupations_later"]),
                   assessed_at=datetime.fromisoformat(data["assessed_at"]))

    def event(self, source: str) -> Event:
        """Return the CloudEvent (subject and key: the credential id)."""
        return new_event(self.TYPE, source, self.credential_id, self.to_data())


CredentialEvent = CredentialAssessed
EVENTS: dict[str, type[CredentialEvent]] = {CredentialAssessed.TYPE: CredentialAssessed}


def parse(event_type: str, data: Mapping[str, Any]) -> CredentialEvent:
    """Return the typed event of a payload (KeyError for a type this topic does not carry)."""
    return EVENTS[event_type].from_data(data)
