"""The read models and the embedding cache in the matching service's own database, and how read models are
stored there (JSON documents)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

import numpy as np
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session, sessionmaker

from services.matching.domain.readmodels import CredentialView, Placement, ProfileView, VacancyView
from shared.db import forget_after_commit, transaction
from shared.events import Event
from shared.outbox import Outbox

metadata = MetaData()
profiles_table = Table(
    "matching_profiles", metadata,
    Column("profile_id", String(36), primary_key=True),
    Column("doc", JSON, nullable=False),
    Column("vector", LargeBinary, nullable=False),
)
vacancies_table = Table(
    "matching_vacancies", metadata,
    Column("vacancy_id", String(36), primary_key=True),
    Column("status", String(8), nullable=False),
    Column("occupation", String(4), nullable=True, index=True),
    Column("doc", JSON, nullable=False),
    Column("vector", LargeBinary, nullable=True),
)
credentials_table = Table(
    "matching_credentials", metadata,
    Column("credential_id", String(36), primary_key=True),
    Column("profile_id", String(36), nullable=False, index=True),
    Column("assessed_at", String(40), nullable=False),
    Column("doc", JSON, nullable=False),
)
placements_table = Table(
    "matching_placements", metadata,
    Column("placement_id", String(36), primary_key=True),
    Column("profile_id", String(36), nullable=False, index=True),
    Column("vacancy_id", String(36), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("recorded_at", String(40), nullable=False),
)
suggestions_table = Table(
    "matching_suggestions", metadata,
    Column("profile_id", String(36), primary_key=True),
    Column("vacancy_id", String(36), primary_key=True),
)
embeddings_table = Table(
    "matching_embeddings", metadata,
    Column("key", String(64), primary_key=True),
    Column("vector", LargeBinary, nullable=False),
)
state_table = Table(
    "matching_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("revision", Integer, nullable=False),
)
# The latest revision that changed each searchable row: an API process catches up by reading the rows
# past the revision it has loaded, instead of reloading every vector. ("reset", "*") marks a rebuild.
changes_table = Table(
    "matching_changes", metadata,
    Column("kind", String(8), primary_key=True),
    Column("entity_id", String(36), primary_key=True),
    Column("revision", Integer, nullable=False, index=True),
)
TABLES = [profiles_table, vacancies_table, credentials_table, placements_table, suggestions_table,
          embeddings_table, state_table]
SCHEMA_0003 = [changes_table]
ALL_TABLES = TABLES + SCHEMA_0003


# -- read models as JSON documents ---------------------------------------------------------------------
def to_dict(view: Any) -> dict[str, Any]:
    """Return a read model as JSON-ready data."""
    out = asdict(view)
    for k, v in out.items():
        if isinstance(v, frozenset | set):
            out[k] = sorted(v)
        elif isinstance(v, tuple):
            out[k] = [list(x) if isinstance(x, tuple) else x for x in v]
    return out


def profile_from_dict(d: Mapping[str, Any]) -> ProfileView:
    """Rebuild a profile read model from ``to_dict`` output."""
    return ProfileView(**{**d, "relocation_countries": tuple(d["relocation_countries"]),
                          "work_authorization": tuple(tuple(w) for w in d["work_authorization"]),
                          "desired": tuple(d["desired"]), "skills": frozenset(d["skills"]),
                          "inferred_skills": frozenset(d["inferred_skills"])})


def vacancy_from_dict(d: Mapping[str, Any]) -> VacancyView:
    """Rebuild a vacancy read model from ``to_dict`` output."""
    return VacancyView(**{**d, "required_skills": frozenset(d["required_skills"]),
                          "nice_skills": frozenset(d["nice_skills"]),
                          "languages": tuple(tuple(x) for x in d["languages"])})


def credential_from_dict(d: Mapping[str, Any]) -> CredentialView:
    """Rebuild a credential read model from ``to_dict`` output."""
    return CredentialView(**{**d, "occupations_now": frozenset(d["occupations_now"]),
                             "occupations_later": frozenset(d["occupations_later"])})


def _blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _vec(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32).copy()


class SqlReadModelStore:
    """The read models on one SQLAlchemy session (the consumer's or the request's transaction)."""

    def __init__(self, session: Session, cache: SqlEmbeddingCache | None = None):
        self.session, self.cache = session, cache
        self._revision: int | None = None

    def keep_embeddings(self) -> None:
        """Write the embeddings encoded since the last call in this store's transaction."""
        if self.cache is not None:
            self.cache.flush(self.session)

    def _bump(self) -> int:
        # One increment per transaction. The row lock it takes is held until commit, so writers commit in
        # revision order and a reader that has seen revision N never misses a later one below it.
        if self._revision is not None:
            return self._revision
        if self.session.execute(update(state_table).where(state_table.c.id == 1)
                                .values(revision=state_table.c.revision + 1)).rowcount == 0:
            self.session.execute(insert(state_table).values(id=1, revision=1))
        self._revision = self.session.scalar(select(state_table.c.revision).where(state_table.c.id == 1))
        return self._revision

    def _changed(self, kind: str, entity_id: str) -> None:
        revision = self._bump()
        self.session.execute(delete(changes_table).where(changes_table.c.kind == kind,
                                                         changes_table.c.entity_id == entity_id))
        self.session.execute(insert(changes_table).values(kind=kind, entity_id=entity_id, revision=revision))

    def reset(self) -> None:
        """Forget every change and mark a rebuild, so readers reload their indexes whole."""
        self.session.execute(delete(changes_table))
        self._changed("reset", "*")

    def changes_since(self, revision: int) -> tuple[int, list[tuple[str, str]]]:
        """Return the current revision and the (kind, id) changed after ``revision``."""
        # The revision first: a write committed between the two reads is then applied now and again later,
        # never skipped.
        current = self.revision()
        rows = self.session.execute(select(changes_table.c.kind, changes_table.c.entity_id)
                                    .where(changes_table.c.revision > revision)).all()
        return current, [(k, i) for k, i in rows]

    def get_profile(self, profile_id: str) -> ProfileView | None:
        """Return a profile or None."""
        doc = self.session.scalar(select(profiles_table.c.doc).where(profiles_table.c.profile_id == profile_id))
        return None if doc is None else profile_from_dict(doc)

    def put_profile(self, view: ProfileView, vector: np.ndarray) -> None:
        """Insert or replace a profile and its vector."""
        self.session.execute(delete(profiles_table).where(profiles_table.c.profile_id == view.profile_id))
        self.session.execute(insert(profiles_table).values(profile_id=view.profile_id, doc=to_dict(view),
                                                           vector=_blob(vector)))
        self._changed("profile", view.profile_id)

    def delete_profile(self, profile_id: str) -> None:
        """Remove a profile and everything kept about it; SQLite forgets the deleted rows once this commits."""
        for table in (profiles_table, credentials_table, suggestions_table, placements_table):
            self.session.execute(delete(table).where(table.c.profile_id == profile_id))
        self._changed("profile", profile_id)
        forget_after_commit(self.session)

    def profiles(self, ids: Iterable[str] | None = None) -> list[ProfileView]:
        """Return the profiles with these ids (all when None)."""
        stmt = select(profiles_table.c.doc)
        if ids is not None:
            ids = list(ids)
            if not ids:
                return []
            stmt = stmt.where(profiles_table.c.profile_id.in_(ids))
        return [profile_from_dict(d) for d in self.session.scalars(stmt)]

    def get_vacancy(self, vacancy_id: str) -> VacancyView | None:
        """Return a vacancy or None."""
        doc = self.session.scalar(select(vacancies_table.c.doc).where(vacancies_table.c.vacancy_id == vacancy_id))
        return None if doc is None else vacancy_from_dict(doc)

    def put_vacancy(self, view: VacancyView, vector: np.ndarray | None) -> None:
        """Insert or replace a vacancy; a None vector makes it unsearchable."""
        self.session.execute(delete(vacancies_table).where(vacancies_table.c.vacancy_id == view.vacancy_id))
        self.session.execute(insert(vacancies_table).values(
            vacancy_id=view.vacancy_id, status=view.status, occupation=view.occupation, doc=to_dict(view),
            vector=None if vector is None else _blob(vector)))
        self._changed("vacancy", view.vacancy_id)

    def vacancies(self, ids: Iterable[str] | None = None, *, occupation_prefixes: Iterable[str] = ()
                  ) -> list[VacancyView]:
        """Return vacancies by id, or the open ones whose occupation starts with one of the prefixes."""
        stmt = select(vacancies_table.c.doc)
        if ids is not None:
            ids = list(ids)
            if not ids:
                return []
            stmt = stmt.where(vacancies_table.c.vacancy_id.in_(ids))
        else:
            prefixes = list(occupation_prefixes)
            if not prefixes:
                return []
            from sqlalchemy import or_

            stmt = stmt.where(vacancies_table.c.status == "open",
                              or_(*[vacancies_table.c.occupation.startswith(p) for p in prefixes]))
        return [vacancy_from_dict(d) for d in self.session.scalars(stmt)]

    def vectors(self, kind: str, ids: Iterable[str] | None = None) -> list[tuple[str, np.ndarray]]:
        """Return (id, vector) of searchable profiles or vacancies, ordered by id."""
        table = profiles_table if kind == "profile" else vacancies_table
        key = table.c.profile_id if kind == "profile" else table.c.vacancy_id
        stmt = select(key, table.c.vector).where(table.c.vector.is_not(None)).order_by(key)
        if ids is not None:
            stmt = stmt.where(key.in_(list(ids)))
        return [(i, _vec(b)) for i, b in self.session.execute(stmt)]

    def credentials(self, profile_ids: Iterable[str]) -> dict[str, list[CredentialView]]:
        """Return the assessments per profile."""
        ids = list(profile_ids)
        out: dict[str, list[CredentialView]] = {}
        if not ids:
            return out
        for doc in self.session.scalars(select(credentials_table.c.doc)
                                        .where(credentials_table.c.profile_id.in_(ids))
                                        .order_by(credentials_table.c.credential_id)):
            view = credential_from_dict(doc)
            out.setdefault(view.profile_id, []).append(view)
        return out

    def put_credential(self, view: CredentialView) -> None:
        """Insert or replace an assessment unless a newer one is stored."""
        known = self.session.scalar(select(credentials_table.c.assessed_at)
                                    .where(credentials_table.c.credential_id == view.credential_id))
        if known is not None and known > view.assessed_at:
            return
        self.session.execute(delete(credentials_table).where(credentials_table.c.credential_id == view.credential_id))
        self.session.execute(insert(credentials_table).values(credential_id=view.credential_id,
                                                              profile_id=view.profile_id,
                                                              assessed_at=view.assessed_at, doc=to_dict(view)))
        self._bump()

    def put_placement(self, placement: Placement) -> None:
        """Record a placement outcome (the latest per placement id)."""
        self.session.execute(delete(placements_table).where(
            placements_table.c.placement_id == placement.placement_id))
        self.session.execute(insert(placements_table).values(**asdict(placement)))

    def placements(self) -> list[Placement]:
        """Return every recorded outcome."""
        return [Placement(**r._mapping) for r in self.session.execute(select(placements_table))]

    def claim_suggestion(self, profile_id: str, vacancy_id: str) -> bool:
        """Return True the first time a pair is claimed."""
        exists = self.session.scalar(select(suggestions_table.c.profile_id).where(
            suggestions_table.c.profile_id == profile_id, suggestions_table.c.vacancy_id == vacancy_id))
        if exists is not None:
            return False
        self.session.execute(insert(suggestions_table).values(profile_id=profile_id, vacancy_id=vacancy_id))
        return True

    def revision(self) -> int:
        """Return a number that changes with every committed write."""
        return self.session.scalar(select(state_table.c.revision).where(state_table.c.id == 1)) or 0


class SqlEmbeddingCache:
    """Embeddings by content hash: new ones wait in memory and are written by ``flush`` inside the caller's
    transaction (a second transaction would wait on the consumer's own lock under SQLite); so do deletions."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        self.known: dict[str, np.ndarray] = {}
        self.pending: dict[str, np.ndarray] = {}
        self.doomed: set[str] = set()  # keys to delete at the next flush

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors among keys (memory first, then the database)."""
        found = {k: self.known[k] for k in keys if k in self.known}
        rest = [k for k in keys if k not in found]
        if rest:
            with self.sessions() as session:
                for k, b in session.execute(select(embeddings_table).where(embeddings_table.c.key.in_(rest))):
                    found[k] = self.known[k] = _vec(b)
        return found

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        """Keep new vectors until the next flush."""
        self.known.update(items)
        self.pending.update(items)

    def delete_many(self, keys: Sequence[str]) -> int:
        """Forget vectors now in memory, and in the database at the next flush; return how many keys."""
        unique = set(keys)
        for key in unique:
            self.known.pop(key, None)
            self.pending.pop(key, None)
        self.doomed |= unique
        return len(unique)

    def flush(self, session: Session) -> None:
        """Delete the forgotten keys and write pending vectors in the caller's transaction, skipping keys already
        stored."""
        if self.doomed:
            doomed, self.doomed = list(self.doomed), set()
            for i in range(0, len(doomed), 500):
                session.execute(delete(embeddings_table).where(embeddings_table.c.key.in_(doomed[i:i + 500])))
        if not self.pending:
            return
        keys = list(self.pending)
        stored = set(session.scalars(select(embeddings_table.c.key).where(embeddings_table.c.key.in_(keys))))
        rows = [{"key": k, "vector": _blob(v)} for k, v in self.pending.items() if k not in stored]
        if rows:
            session.execute(insert(embeddings_table), rows)
        self.pending = {}


class SqlReadModels:
    """Opens SQL read-model stores: over a fresh session for a request, or over a consumer's inbox transaction
    (whose session also receives the embeddings encoded while handling)."""

    def __init__(self, sessions: sessionmaker[Session], cache: SqlEmbeddingCache | None = None,
                 outbox: Outbox | None = None, topic: str = "matches"):
        self.sessions, self.cache, self.outbox, self.topic = sessions, cache, outbox, topic

    @contextmanager
    def reading(self) -> Iterator[SqlReadModelStore]:
        """Yield a store on a new session, closed afterwards."""
        with self.sessions() as session:
            yield SqlReadModelStore(session, self.cache)

    def within(self, tx: Any) -> SqlReadModelStore:
        """Return the store on a ``shared.consumer.SqlInboxTransaction``'s session."""
        return SqlReadModelStore(tx.session, self.cache)

    def announce(self, tx: Any, event: Event) -> None:
        """Stage an event in the outbox, in the inbox transaction's session (published after it commits)."""
        if self.outbox is None:
            raise RuntimeError("these read models were built without an outbox")
        self.outbox.add(tx.session, self.topic, event)

    def clear(self) -> None:
        """Empty every read model (the embedding cache, keyed by content, stays valid) and mark a rebuild."""
        with transaction(self.sessions) as session:
            for table in TABLES:
                if table not in (embeddings_table, state_table):
                    session.execute(delete(table))
            SqlReadModelStore(session).reset()
