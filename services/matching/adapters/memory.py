"""The read models in memory: the fakes beside the SQL adapters, also used by benchmarks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np

from services.matching.domain.readmodels import CredentialView, Placement, ProfileView, VacancyView
from shared.consumer import InMemoryInbox, InMemoryInboxTransaction
from shared.events import Event


class InMemoryReadModelStore:
    """Read models in dictionaries (``state`` may be an in-memory inbox transaction's scratch dict)."""

    def __init__(self, state: dict | None = None):
        self.state = state if state is not None else {}
        for key in ("profiles", "vacancies", "credentials", "placements", "suggested", "vectors"):
            self.state.setdefault(key, {})
        self.state.setdefault("revision", 0)
        self.state.setdefault("changes", {})

    def keep_embeddings(self) -> None:
        """Do nothing: an in-memory cache keeps what it is given at once."""

    def _bump(self) -> None:
        self.state["revision"] += 1

    def _changed(self, kind: str, entity_id: str) -> None:
        self._bump()
        self.state["changes"][(kind, entity_id)] = self.state["revision"]

    def reset(self) -> None:
        """Forget every change and mark a rebuild."""
        self.state["changes"] = {}
        self._changed("reset", "*")

    def changes_since(self, revision: int) -> tuple[int, list[tuple[str, str]]]:
        """Return the current revision and the (kind, id) changed after ``revision``."""
        return self.state["revision"], [k for k, r in self.state["changes"].items() if r > revision]

    def get_profile(self, profile_id: str) -> ProfileView | None:
        """Return a profile or None."""
        return self.state["profiles"].get(profile_id)

    def put_profile(self, view: ProfileView, vector: np.ndarray) -> None:
        """Insert or replace a profile and its vector."""
        self.state["profiles"][view.profile_id] = view
        self.state["vectors"][("profile", view.profile_id)] = np.asarray(vector, dtype=np.float32)
        self._changed("profile", view.profile_id)

    def delete_profile(self, profile_id: str) -> None:
        """Remove a profile and everything about it."""
        self.state["profiles"].pop(profile_id, None)
        self.state["vectors"].pop(("profile", profile_id), None)
        self.state["credentials"] = {k: c for k, c in self.state["credentials"].items() if c.profile_id != profile_id}
        self.state["suggested"] = {k: v for k, v in self.state["suggested"].items() if k[0] != profile_id}
        self.state["placements"] = {k: v for k, v in self.state["placements"].items()
                                    if v.profile_id != profile_id}
        self._changed("profile", profile_id)

    def profiles(self, ids: Iterable[str] | None = None) -> list[ProfileView]:
        """Return the profiles with these ids (all when None)."""
        if ids is None:
            return list(self.state["profiles"].values())
        return [p for i in ids if (p := self.state["profiles"].get(i)) is not None]

    def get_vacancy(self, vacancy_id: str) -> VacancyView | None:
        """Return a vacancy or None."""
        return self.state["vacancies"].get(vacancy_id)

    def put_vacancy(self, view: VacancyView, vector: np.ndarray | None) -> None:
        """Insert or replace a vacancy; a None vector drops it from the searchable set."""
        self.state["vacancies"][view.vacancy_id] = view
        if vector is None:
            self.state["vectors"].pop(("vacancy", view.vacancy_id), None)
        else:
            self.state["vectors"][("vacancy", view.vacancy_id)] = np.asarray(vector, dtype=np.float32)
        self._changed("vacancy", view.vacancy_id)

    def vacancies(self, ids: Iterable[str] | None = None, *, occupation_prefixes: Iterable[str] = ()
                  ) -> list[VacancyView]:
        """Return vacancies by id, or the open ones whose occupation starts with a prefix."""
        if ids is not None:
            return [v for i in ids if (v := self.state["vacancies"].get(i)) is not None]
        prefixes = tuple(occupation_prefixes)
        if not prefixes:
            return []
        return [v for v in self.state["vacancies"].values()
                if v.status == "open" and v.occupation and v.occupation.startswith(prefixes)]

    def vectors(self, kind: str, ids: Iterable[str] | None = None) -> list[tuple[str, np.ndarray]]:
        """Return (id, vector) of searchable profiles or vacancies."""
        if ids is not None:
            return [(i, v) for i in ids if (v := self.state["vectors"].get((kind, i))) is not None]
        return sorted((i, v) for (k, i), v in self.state["vectors"].items() if k == kind)

    def credentials(self, profile_ids: Iterable[str]) -> dict[str, list[CredentialView]]:
        """Return the assessments per profile."""
        wanted = set(profile_ids)
        out: dict[str, list[CredentialView]] = {}
        for c in self.state["credentials"].values():
            if c.profile_id in wanted:
                out.setdefault(c.profile_id, []).append(c)
        return out

    def put_credential(self, view: CredentialView) -> None:
        """Insert or replace an assessment unless a newer one is stored."""
        known = self.state["credentials"].get(view.credential_id)
        if known is None or known.assessed_at <= view.assessed_at:
            self.state["credentials"][view.credential_id] = view
            self._bump()

    def put_placement(self, placement: Placement) -> None:
        """Record a placement outcome."""
        self.state["placements"][placement.placement_id] = placement

    def placements(self) -> list[Placement]:
        """Return every recorded outcome."""
        return list(self.state["placements"].values())

    def claim_suggestion(self, profile_id: str, vacancy_id: str) -> bool:
        """Return True the first time a pair is claimed."""
        if (profile_id, vacancy_id) in self.state["suggested"]:
            return False
        self.state["suggested"][(profile_id, vacancy_id)] = True
        return True

    def revision(self) -> int:
        """Return a number that changes with every write."""
        return self.state["revision"]


class InMemoryReadModels:
    """Opens in-memory stores over the state of an in-memory inbox (``shared.consumer.InMemoryInbox``).

    A handler's store works on its transaction's copy of the state, which the inbox keeps only when the
    handler succeeds; so do the events it announces. Readers see the state as last committed.
    """

    def __init__(self, inbox: InMemoryInbox | None = None):
        self.inbox = inbox if inbox is not None else InMemoryInbox()

    @property
    def state(self) -> dict:
        """Return the committed state."""
        return self.inbox.state

    @property
    def announced(self) -> list[Event]:
        """Return the events announced by committed handlers, oldest first."""
        return list(self.state.get("announced", ()))

    @contextmanager
    def reading(self) -> Iterator[InMemoryReadModelStore]:
        """Yield the store on the committed state."""
        yield InMemoryReadModelStore(self.inbox.state)

    def within(self, tx: InMemoryInboxTransaction) -> InMemoryReadModelStore:
        """Return the store on the transaction's state."""
        return InMemoryReadModelStore(tx.state)

    def announce(self, tx: InMemoryInboxTransaction, event: Event) -> None:
        """Stage the event in the transaction's state (kept only if the transaction is)."""
        tx.state.setdefault("announced", []).append(event)

    def clear(self) -> None:
        """Empty every read model and mark a rebuild."""
        with self.inbox.transaction() as tx:
            tx.state.clear()
            InMemoryReadModelStore(tx.state).reset()
