"""In-memory fakes of the credentials ports, for unit tests."""

from __future__ import annotations

from services.credentials.domain.model import Credential, stale
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

    def save(self, credential: Credential) -> None:
        """Store a changed credential whose previous version is the stored one, else raise 412."""
        stored = self.rows.get(credential.id)
        if stored is not None and stored.version != credential.version - 1:
            raise stale(stored.version)
        self.rows[credential.id] = credential

    def list_for_profile(self, org, profile_id, after, limit) -> list[Credential]:
        """Return a person's credentials held by ``org`` after the cursor, oldest first."""
        rows = sorted((c for c in self.rows.values() if c.org == org and c.profile_id == profile_id),
                      key=lambda c: (c.declared_at.isoformat(), c.id))
        if after:
            rows = [c for c in rows if (c.declared_at.isoformat(), c.id) > tuple(after)]
        return rows[:limit]

    def delete_for_profile(self, profile_id: str) -> list[str]:
        """Delete a person's credentials; return their ids."""
        ids = sorted(c.id for c in self.rows.values() if c.profile_id == profile_id)
        for credential_id in ids:
            del self.rows[credential_id]
        return ids


class InMemoryPeople:
    """The centre of each announced person, in a dictionary."""

    def __init__(self, centres: dict[str, str] | None = None):
        self.centres = centres if centres is not None else {}

    def centre_of(self, profile_id: str) -> str | None:
        """Return the person's centre, if announced."""
        return self.centres.get(profile_id)

    def remember(self, profile_id: str, centre: str) -> None:
        """Record the person's centre."""
        self.centres[profile_id] = centre

    def forget(self, profile_id: str) -> None:
        """Forget the person."""
        self.centres.pop(profile_id, None)


class InMemoryUnitOfWork(_InMemoryUnitOfWork):
    """A unit of work whose changes and staged events appear only when the block ends without error.

    ``centres`` seeds who belongs to which centre, as the profiles topic would have announced it.
    """

    def __init__(self, stored: dict[str, Credential] | None = None, centres: dict[str, str] | None = None):
        super().__init__()
        self.stored = stored if stored is not None else {}
        self.centres = centres if centres is not None else {}

    def __call__(self, _within=None) -> InMemoryUnitOfWork:
        return self

    def begin(self) -> None:
        """Work on copies of the stored credentials and people."""
        self.credentials = InMemoryCredentials(dict(self.stored))
        self.people = InMemoryPeople(dict(self.centres))

    def commit(self) -> None:
        """Keep the copies' changes and publish what was staged."""
        self.stored.clear()
        self.stored.update(self.credentials.rows)
        self.centres.clear()
        self.centres.update(self.people.centres)
        super().commit()
