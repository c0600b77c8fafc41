"""Use cases of the credentials service; they take ports (a unit of work, the rules, a clock), never Flask."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from services.credentials.domain.assessment import assess
from services.credentials.domain.messages import NOT_FOUND, PERSON_NOT_FOUND
from services.credentials.domain.model import Credential, conflict, declare, stale
from services.credentials.domain.rules import Rulebook
from services.credentials.events import assessed
from services.credentials.ports import UnitOfWork
from shared.auth import Principal
from shared.errors import Invalid, NotFound
from shared.pagination import BAD_CURSOR, Page, decode_cursor, next_page

MAX_LIMIT = 100


class CredentialService:
    """Declare, assess, move along the workflow and list credentials, for counsellors of the owning centre."""

    def __init__(self, uow: Callable[..., UnitOfWork], rules: Rulebook, source: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.uow, self.rules, self.source, self.clock = uow, rules, source, clock

    def _work(self, within) -> UnitOfWork:
        # Called with a consumer's inbox transaction, the unit of work joins it (effect and inbox row commit
        # together); otherwise it is a transaction of its own.
        return self.uow() if within is None else self.uow(within)

    def declare(self, principal: Principal, **fields) -> Credential:
        """Record a credential as its holder declared it, for a person of the counsellor's own centre."""
        principal.require("counsellor")
        credential = declare(org=principal.org, by=principal.subject, at=self.clock(), **fields)
        with self.uow() as uow:
            # 404 as for any profile of another centre: whether the person exists elsewhere is not told.
            if uow.people.centre_of(credential.profile_id) != principal.org:
                raise NotFound("person_not_found", PERSON_NOT_FOUND)
            uow.credentials.add(credential)
        return credential

    def person_registered(self, profile_id: str, centre: str, *, within=None) -> None:
        """Remember which centre a person belongs to (a profile was published)."""
        with self._work(within) as uow:
            uow.people.remember(profile_id, centre)

    def person_erased(self, profile_id: str, *, within=None) -> int:
        """Delete an erased person's credentials, tombstone them on the topic, and forget the person."""
        with self._work(within) as uow:
            deleted = uow.credentials.delete_for_profile(profile_id)
            for credential_id in deleted:
                uow.stage_tombstone(credential_id)
            uow.people.forget(profile_id)
        return len(deleted)

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
            uow.stage(assessed(credential).event(self.source))
        return credential

    def change_status(self, principal: Principal, credential_id: str, status: str, note: str = "",
                      expected_version: int | None = None) -> Credential:
        """Move a credential along the workflow (optimistic concurrency by version) and announce it."""
        with self.uow() as uow:
            credential = self._owned(uow, principal, credential_id)
            if expected_version is not None and expected_version != credential.version:
                raise stale(credential.version)
            if credential.assessment is None:
                raise conflict("not_assessed", "/status")
            credential = credential.moved_to(status, principal.subject, self.clock(), note)
            uow.credentials.save(credential)
            uow.stage(assessed(credential).event(self.source))
        return credential

    def list_for_profile(self, principal: Principal, profile_id: str, cursor: str | None = None,
                         limit: int = 20) -> Page[Credential]:
        """Return a page of a person's credentials held by the caller's centre, oldest first."""
        principal.require("counsellor")
        limit = max(1, min(limit, MAX_LIMIT))
        after = _position(cursor) if cursor else None
        with self.uow() as uow:
            rows = uow.credentials.list_for_profile(principal.org, profile_id, after, limit + 1)
        return next_page(rows, limit, key=lambda c: (c.declared_at.isoformat(), c.id))

    @staticmethod
    def _owned(uow: UnitOfWork, principal: Principal, credential_id: str) -> Credential:
        principal.require("counsellor")
        credential = uow.credentials.get(credential_id)
        if credential is None or credential.org != principal.org:  # another centre's: as if it did not exist
            raise NotFound("not_found", NOT_FOUND)
        return credential


def _position(cursor: str) -> tuple[str, str]:
    """Return the (declared_at, id) a cursor points after, or raise Invalid on the cursor parameter."""
    declared_at, credential_id = decode_cursor(cursor, 2)
    try:
        if not isinstance(credential_id, str):
            raise TypeError(credential_id)
        datetime.fromisoformat(declared_at)
    except (TypeError, ValueError):
        raise Invalid("bad_cursor", BAD_CURSOR, pointer="/cursor") from None
    return declared_at, credential_id
