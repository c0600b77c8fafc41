"""The ports the credentials use cases need: where credentials are kept, inside one unit of work."""

from __future__ import annotations

from typing import Protocol

from services.credentials.domain.model import Credential
from shared.uow import UnitOfWork as _UnitOfWork


class CredentialRepository(Protocol):
    """Where credentials are kept."""

    def get(self, credential_id: str) -> Credential | None:
        """Return a credential by id, or None."""

    def add(self, credential: Credential) -> None:
        """Store a new credential."""

    def save(self, credential: Credential) -> None:
        """Store a changed credential whose previous version is the stored one."""

    def list_for_profile(self, org: str, profile_id: str, after: tuple[str, str] | None,
                         limit: int) -> list[Credential]:
        """Return a person's credentials held by ``org`` after ``(declared_at, id)``, oldest first."""

    def delete_for_profile(self, profile_id: str) -> list[str]:
        """Delete every credential of a person (and what was kept of their creation); return their ids."""


class People(Protocol):
    """Which centre each person belongs to, as the profiles topic announced it (profiles owns people)."""

    def centre_of(self, profile_id: str) -> str | None:
        """Return the centre that keeps the person's profile, or None when none was announced."""

    def remember(self, profile_id: str, centre: str) -> None:
        """Record (or update) the centre of a person."""

    def forget(self, profile_id: str) -> None:
        """Forget an erased person."""


class UnitOfWork(_UnitOfWork, Protocol):
    """One transaction: the credentials changed and the events staged beside them commit together."""

    credentials: CredentialRepository
    people: People

    def __enter__(self) -> UnitOfWork: ...
