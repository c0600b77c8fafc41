"""In-memory fakes of the credentials ports, for unit tests."""

from __future__ import annotations

from services.credentials.domain.model import Credential
from shared.events import Event


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


class InMemoryUnitOfWork:
    """A unit of work whose changes and events appear only when the block ends without an error."""

    def __init__(self, committed: dict[str, Credential] | None = None, events: list[Event] | None = None):
        self.committed = committed if committed is not None else {}
        self.events = events if events is not None else []

    def __enter__(self):
        self.credentials = InMemoryCredentials(dict(self.committed))
        self._pending: list[Event] = []
        return self

    def publish(self, event: Event) -> None:
        """Queue an event to be written with the change."""
        self._pending.append(event)

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.committed.clear()
            self.committed.update(self.credentials.rows)
            self.events.extend(self._pending)
