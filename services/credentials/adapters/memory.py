"""In-memory fakes of the credentials ports, for unit tests."""

from __future__ import annotations

from services.credentials.domain.model import Credential
from shared.uow import InMemoryUnitOfWork as _InMemoryUnitOfWork


class InMemoryCredentials:
    """Credentials in a dictionary."""

    def __init__(self, rows: dict[str, Credential] | None = None):
        self.rows = rows if rows is not None else {}

    def get(self, credential_id: str) -> Credential | None:
        """Return a credential by id."""
        return self.rows.get(credential_id)

    def add(self, credential: Credential) -> None:
        """Store a new credential."""
        self.rows[credential.id] = credential

    save = add

    def list_for_profile(self, org, profile_id, after, limit) -> list[Credential]:
        """Return a person's credentials held by ``org`` after the cursor, oldest first."""
        rows = sorted((c for c in self.rows.values() if c.org == org and c.profile_id == profile_id),
                      key=lambda c: (c.declared_at.isoformat(), c.id))
        if after:
            rows = [c for c in rows if (c.declared_at.isoformat(), c.id) > tuple(after)]
        return rows[:limit]


class InMemoryUnitOfWork(_InMemoryUnitOfWork):
    """A unit of work whose credential changes and staged events appear only when the block ends without error."""

    def __init__(self, stored: dict[str, Credential] | None = None):
        super().__init__()
        self.stored = stored if stored is not None else {}

    def begin(self) -> None:
        """Work on a copy of the stored credentials."""
        self.credentials = InMemoryCredentials(dict(self.stored))

    def commit(self) -> None:
        """Keep the copy's changes and publish what was staged."""
        self.stored.clear()
        self.stored.update(self.credentials.rows)
        super().commit()
