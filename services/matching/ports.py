"""Matching's ports: the read-model store and what opens it; the vector index and the re-ranker are typed
beside their adapters (``index.VectorIndex``, ``rerank.Reranker``) and re-exported here."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import numpy as np

from services.matching.domain.readmodels import CredentialView, Placement, ProfileView, VacancyView
from services.matching.index import VectorIndex
from services.matching.rerank import Reranker, Scorer
from shared.encoders import EmbeddingCache, Encoder
from shared.events import Event

__all__ = ["EmbeddingCache", "Encoder", "ReadModelStore", "ReadModels", "Reranker", "Scorer", "VectorIndex"]


class ReadModelStore(Protocol):
    """The matching read models; one instance works inside one transaction."""

    def get_profile(self, profile_id: str) -> ProfileView | None: ...

    def put_profile(self, view: ProfileView, vector: np.ndarray) -> None: ...

    def delete_profile(self, profile_id: str) -> None: ...

    def profiles(self, ids: Iterable[str] | None = None) -> list[ProfileView]: ...

    def get_vacancy(self, vacancy_id: str) -> VacancyView | None: ...

    def put_vacancy(self, view: VacancyView, vector: np.ndarray | None) -> None: ...

    def vacancies(self, ids: Iterable[str] | None = None, *, occupation_prefixes: Iterable[str] = ()
                  ) -> list[VacancyView]: ...

    def vectors(self, kind: str, ids: Iterable[str] | None = None) -> list[tuple[str, np.ndarray]]: ...

    def credentials(self, profile_ids: Iterable[str]) -> dict[str, list[CredentialView]]: ...

    def put_credential(self, view: CredentialView) -> None: ...

    def put_placement(self, placement: Placement) -> None: ...

    def placements(self) -> list[Placement]: ...

    def claim_suggestion(self, profile_id: str, vacancy_id: str) -> bool: ...

    def revision(self) -> int: ...

    def changes_since(self, revision: int) -> tuple[int, list[tuple[str, str]]]: ...

    def reset(self) -> None: ...

    def keep_embeddings(self) -> None: ...


class ReadModels(Protocol):
    """Opens read-model stores: ``adapters.sql.SqlReadModels`` or ``adapters.memory.InMemoryReadModels``,
    chosen once in ``app.build_service``."""

    def reading(self) -> AbstractContextManager[ReadModelStore]: ...

    def within(self, tx: Any) -> ReadModelStore: ...

    def announce(self, tx: Any, event: Event) -> None: ...

    def clear(self) -> None: ...
