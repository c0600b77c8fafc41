"""The vector index port: exact top-k by one matrix product over normalised float32, and a fake."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class VectorIndex(Protocol):
    """Ids with normalised vectors; nearest by inner product."""

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None: ...

    def remove(self, ids: Sequence[str]) -> None: ...

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]: ...

    def similarity(self, query: np.ndarray, ids: Sequence[str]) -> dict[str, float]: ...

    def clear(self) -> None: ...

    def __len__(self) -> int: ...


class ExactIndex:
    """Rows in one contiguous float32 matrix that grows by doubling; removal moves the last row into the gap."""

    def __init__(self, dim: int, capacity: int = 1024):
        self.dim = dim
        self._m = np.zeros((capacity, dim), dtype=np.float32)
        self._ids: list[str] = []
        self._row: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Insert or replace vectors (expected normalised)."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        for id_, v in zip(ids, vectors, strict=True):
            row = self._row.get(id_)
            if row is None:
                if len(self._ids) == self._m.shape[0]:
                    grown = np.zeros((self._m.shape[0] * 2, self.dim), dtype=np.float32)
                    grown[: len(self._ids)] = self._m[: len(self._ids)]
                    self._m = grown
                row = len(self._ids)
                self._ids.append(id_)
                self._row[id_] = row
            self._m[row] = v

    def remove(self, ids: Sequence[str]) -> None:
        """Drop ids that are present."""
        for id_ in ids:
            row = self._row.pop(id_, None)
            if row is None:
                continue
            last = len(self._ids) - 1
            if row != last:
                moved = self._ids[last]
                self._m[row] = self._m[last]
                self._ids[row] = moved
                self._row[moved] = row
            self._ids.pop()

    def clear(self) -> None:
        """Drop every row (the memory is kept for the rows that follow)."""
        self._ids, self._row = [], {}

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Return the k nearest ids with their cosine, best first (ties by id)."""
        n = len(self._ids)
        if n == 0 or k <= 0:
            return []
        scores = self._m[:n] @ np.asarray(query, dtype=np.float32)
        k = min(k, n)
        top = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
        top = top[np.lexsort((np.array([self._ids[i] for i in top]), -scores[top]))]
        return [(self._ids[i], float(scores[i])) for i in top]

    def similarity(self, query: np.ndarray, ids: Sequence[str]) -> dict[str, float]:
        """Return the cosine of the query with each given id that is present."""
        rows = [(i, self._row[i]) for i in ids if i in self._row]
        if not rows:
            return {}
        scores = self._m[[r for _, r in rows]] @ np.asarray(query, dtype=np.float32)
        return {i: float(s) for (i, _), s in zip(rows, scores, strict=True)}


class FakeIndex:
    """A dictionary of vectors scanned one by one: slow, obviously right, for tests."""

    def __init__(self):
        self.vectors: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.vectors)

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Insert or replace vectors."""
        for id_, v in zip(ids, vectors, strict=True):
            self.vectors[id_] = np.asarray(v, dtype=np.float32)

    def remove(self, ids: Sequence[str]) -> None:
        """Drop ids."""
        for id_ in ids:
            self.vectors.pop(id_, None)

    def clear(self) -> None:
        """Drop every vector."""
        self.vectors.clear()

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Return the k nearest by inner product."""
        scored = sorted(((float(np.dot(v, query)), i) for i, v in self.vectors.items()), key=lambda t: (-t[0], t[1]))
        return [(i, s) for s, i in scored[:k]]

    def similarity(self, query: np.ndarray, ids: Sequence[str]) -> dict[str, float]:
        """Return the inner product with each present id."""
        return {i: float(np.dot(self.vectors[i], query)) for i in ids if i in self.vectors}
