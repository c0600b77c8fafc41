"""The integration events the credentials service publishes and reads, built and read in one place.

Each event it publishes is pseudonymous: ids, codes and statuses, never a title, an institution or interview
notes. From the profiles topic it reads only which centre keeps a person, and when a person is erased.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from services.credentials.domain.model import Credential
from shared.events import Event, new_event

TOPIC = "credentials"
PROFILES = "profiles"  # the topic it reads, keyed by profile id


@dataclass(frozen=True)
class CredentialAssessed:
    """A credential was assessed for a destination, or its recognition workflow moved on."""

    TYPE: ClassVar[str] = "org.puente.credential.assessed.v1"

    credential_id: str
    profile_id: str
    destination_country: str
    level: int | None
    field: str | None
    status: str
    workflow_status: str
    regulated: bool
    occupations_now: tuple[str, ...]
    occupations_later: tuple[str, ...]
    assessed_at: str

    @classmethod
    def of(cls, credential: Credential) -> Self:
        """Return the event announcing an assessed credential's outcome and workflow status."""
        a = credential.assessment
        if a is None:
            raise ValueError(f"credential {credential.id} has not been assessed")
        now, later = a.occupations_for(credential.workflow_status)
        return cls(credential_id=credential.id, profile_id=credential.profile_id, destination_country=a.destination,
                   level=a.recognised_level, field=credential.field, status=a.status,
                   workflow_status=credential.workflow_status, regulated=a.regulated, occupations_now=tuple(now),
                   occupations_later=tuple(later), assessed_at=a.assessed_at)

    def to_data(self) -> dict[str, Any]:
        """Return the payload, shaped as contracts/schemas/org.puente.credential.assessed.v1.json."""
        return {
            "credential_id": self.credential_id, "profile_id": self.profile_id,
            "destination_country": self.destination_country, "level": self.level, "field": self.field,
            "status": self.status, "workflow_status": self.workflow_status, "regulated": self.regulated,
            "occupations_now": list(self.occupations_now), "occupations_later": list(self.occupations_later),
            "assessed_at": self.assessed_at,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Read a payload (``level`` and ``field`` are optional in the contract)."""
        return cls(credential_id=data["credential_id"], profile_id=data["profile_id"],
                   destination_country=data["destination_country"], level=data.get("level"),
                   field=data.get("field"), status=data["status"], workflow_status=data["workflow_status"],
                   regulated=data["regulated"], occupations_now=tuple(data["occupations_now"]),
                   occupations_later=tuple(data["occupations_later"]), assessed_at=data["assessed_at"])

    def event(self, source: str) -> Event:
        """Return the CloudEvent carrying this payload, keyed by the credential."""
        return new_event(self.TYPE, source, self.credential_id, self.to_data())


@dataclass(frozen=True)
class ProfilePublished:
    """A person's profile was published: the only thing read from it is the centre that keeps it."""

    TYPE: ClassVar[str] = "org.puente.profile.published.v1"

    profile_id: str
    centre: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Read the event's data (already validated against its contract by the consumer)."""
        return cls(data["profile_id"], data["centre"])


@dataclass(frozen=True)
class ProfileWithdrawn:
    """A person left matching: by withdrawing consent (their credentials stay) or by erasure (they go)."""

    TYPE: ClassVar[str] = "org.puente.profile.withdrawn.v1"
    ERASED: ClassVar[str] = "erased"

    profile_id: str
    reason: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Read the event's data."""
        return cls(data["profile_id"], data["reason"])

    @property
    def erased(self) -> bool:
        """Return whether the person's data was erased (not only their consent to matching withdrawn)."""
        return self.reason == self.ERASED
