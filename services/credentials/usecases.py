"""Use cases of the credentials service; they take ports (a unit of work, the rules, a clock), never Flask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from services.credentials.domain.assessment import assess
from services.credentials.domain.model import Credential, DomainError, declare
from services.credentials.domain.rules import Rulebook
from shared.auth import Principal
from shared.events import Event, new_event

TOPIC = "credentials"
ASSESSED = "org.puente.credential.assessed.v1"
MAX_LIMIT = 100


class NotFound(Exception):
    """Raised when no credential has the id (or it belongs to another centre)."""


class VersionMismatch(Exception):
    """Raised when the caller's If-Match names an older version than the stored one."""

    def __init__(self, current: int):
        self.current = current
        super().__init__(f"the credential is at version {current}")


class CredentialRepository(Protocol):
    """Where credentials are kept."""

    def get(self, credential_id: str) -> Credential | None: ...

    def add(self, credential: Credential) -> None: ...

    def save(self, credential: Credential) -> None: ...

    def list_for_profile(self, org: str, profile_id: str, after: tuple[str, str] | None,
                         limit: int) -> list[Credential]: ...


class UnitOfWork(Protocol):
    """One transaction: the credentials changed and the events written beside them commit together."""

    credentials: CredentialRepository

    def publish(self, event: Event) -> None: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc) -> None: ...


@dataclass(frozen=True)
class Page:
    """One page of a collection and the cursor of the next one (None at the end)."""

    items: list[Credential]
    next_after: tuple[str, str] | None


def event_for(credential: Credential, source: str) -> Event:
    """Return the pseudonymous event announcing a credential's assessment or status."""
    a = credential.assessment
    now, later = a.occupations_for(credential.workflow_status)
    return new_event(ASSESSED, source, credential.id, {
        "credential_id": credential.id, "profile_id": credential.profile_id, "destination_country": a.destination,
        "level": a.recognised_level, "field": credential.field, "status": a.status,
        "workflow_status": credential.workflow_status, "regulated": a.regulated, "occupations_now": list(now),
        "occupations_later": list(later), "assessed_at": a.assessed_at,
    })


class CredentialService:
    """Declare, assess, move along the workflow and list credentials, for counsellors of the owning centre."""

    def __init__(self, uow: Callable[[], UnitOfWork], rules: Rulebook, source: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.uow, self.rules, self.source, self.clock = uow, rules, source, clock

    def declare(self, principal: Principal, **fields) -> Credential:
        """Record a credential as its holder declared it, owned by the counsellor's centre."""
        principal.require("counsellor")
        credential = declare(org=principal.org, by=principal.subject, at=self.clock(), **fields)
        with self.uow() as uow:
            uow.credentials.add(credential)
        return credential

    def get(self, principal: Principal, credential_id: str) -> Credential:
        """Return one credential of the caller's centre."""
        with self.uow() as uow:
            return self._owned(uow, principal, credential_id)

    def assess(self, principal: Principal, credential_id: str, destination: str) -> Credential:
        """Assess a credential for a destination, store the outcome and announce it."""
        with self.uow() as uow:
            credential = self._owned(uow, principal, credential_id)
            now = self.clock()
            result = assess(credential, destination, self.rules, at=now.isoformat(timespec="seconds"))
            credential = credential.assessed(result, principal.subject, now)
            uow.credentials.save(credential)
            uow.publish(event_for(credential, self.source))
        return credential

    def change_status(self, principal: Principal, credential_id: str, status: str, note: str = "",
                      expected_version: int | None = None) -> Credential:
        """Move a credential along the workflow (optimistic concurrency by version) and announce it."""
        with self.uow() as uow:
            credential = self._owned(uow, principal, credential_id)
            if expected_version is not None and expected_version != credential.version:
                raise VersionMismatch(credential.version)
            if credential.assessment is None:
                raise DomainError("not_assessed", "/status")
            credential = credential.moved_to(status, principal.subject, self.clock(), note)
            uow.credentials.save(credential)
            uow.publish(event_for(credential, self.source))
        return credential

    def list_for_profile(self, principal: Principal, profile_id: str, after: tuple[str, str] | None = None,
                         limit: int = 20) -> Page:
        """Return a page of a person's credentials held by the caller's centre, oldest first."""
        principal.require("counsellor")
        limit = max(1, min(limit, MAX_LIMIT))
        with self.uow() as uow:
            items = uow.credentials.list_for_profile(principal.org, profile_id, after, limit + 1)
        more = len(items) > limit
        items = items[:limit]
        last = items[-1] if items else None
        return Page(items, (last.declared_at.isoformat(), last.id) if more and last else None)

    @staticmethod
    def _owned(uow: UnitOfWork, principal: Principal, credential_id: str) -> Credential:
        principal.require("counsellor")
        credential = uow.credentials.get(credential_id)
        if credential is None:
            raise NotFound(credential_id)
        principal.require("counsellor", org=credential.org)
        return credential
