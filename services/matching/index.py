"""The vector index port: exact top-k by one matrix product over normalised float32, an approximate (HNSW)
adapter for large catalogues, and a fake."""

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


class ApproximateIndex:
    """A usearch HNSW graph searched by inner product, for catalogues too large to scan on every query.

    The port's string ids map to integer keys here; replacing an id removes its node and adds the new vector
    under the same key, and usearch reuses freed slots, so churn does not grow memory. Vectors are stored in
    half precision by default (half the memory of float32, recall@20 unchanged on sentence embeddings, see
    bench/matching_latency.py), so scores carry an error near 1e-3.
    """

    def __init__(self, dim: int, *, dtype: str = "f16", connectivity: int = 16, expansion_add: int = 64,
                 expansion_search: int = 128, threads: int = 0):
        from usearch.index import Index  # imported here: only catalogues that ask for this path need it

        self.dim, self.threads = dim, threads
        self.params = {"dtype": dtype, "connectivity": connectivity, "expansion_add": expansion_add,
                       "expansion_search": expansion_search}
        self._index = Index(ndim=dim, metric="ip", **self.params)
        self._key: dict[str, int] = {}
        self._id: dict[int, str] = {}
        self._next_key = 0

    def __len__(self) -> int:
        return len(self._key)

    @property
    def memory_bytes(self) -> int:
        """Return the bytes the graph and its vectors hold (the id maps are Python objects beside it)."""
        return int(self._index.memory_usage)

    def set_expansion_search(self, breadth: int) -> None:
        """Set how many candidates a search keeps while walking the graph (recall against time)."""
        self._index.expansion_search = breadth
        self.params["expansion_search"] = breadth

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Insert or replace vectors (expected normalised); the last of an id repeated in the batch wins."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        last = {id_: row for row, id_ in enumerate(ids)}
        if not last:
            return
        known = np.array([self._key[i] for i in last if i in self._key], dtype=np.uint64)
        if len(known):
            self._index.remove(known)
        keys = np.empty(len(last), dtype=np.uint64)
        for n, id_ in enumerate(last):
            key = self._key.get(id_)
            if key is None:
                key, self._next_key = self._next_key, self._next_key + 1
                self._key[id_], self._id[key] = key, id_
            keys[n] = key
        self._index.add(keys, np.ascontiguousarray(vectors[list(last.values())]), threads=self.threads)

    def remove(self, ids: Sequence[str]) -> None:
        """Drop ids that are present."""
        keys = [self._key.pop(i) for i in dict.fromkeys(ids) if i in self._key]
        for key in keys:
            del self._id[key]
        if keys:
            self._index.remove(np.array(keys, dtype=np.uint64))

    def clear(self) -> None:
        """Drop every vector and id."""
        self._index.clear()
        self._key, self._id, self._next_key = {}, {}, 0

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Return about the k nearest ids with their cosine, best first (ties by id)."""
        n = len(self._key)
        if n == 0 or k <= 0:
            return []
        found = self._index.search(np.asarray(query, dtype=np.float32).reshape(self.dim), min(k, n))
        # usearch's inner-product "distance" is 1 - dot.
        pairs = [(self._id[int(key)], 1.0 - float(d)) for key, d in zip(found.keys, found.distances, strict=True)]
        return sorted(pairs, key=lambda p: (-p[1], p[0]))

    def similarity(self, query: np.ndarray, ids: Sequence[str]) -> dict[str, float]:
        """Return the cosine of the query with each given id that is present (from the stored vectors)."""
        present = [i for i in dict.fromkeys(ids) if i in self._key]
        if not present:
            return {}
        stored = self._index.get(np.array([self._key[i] for i in present], dtype=np.uint64), dtype=np.float32)
        scores = np.stack(stored) @ np.asarray(query, dtype=np.float32).reshape(self.dim)
        return {i: float(s) for i, s in zip(present, scores, strict=True)}


INDEX_KINDS = ("exact", "approximate")


def make_index(dim: int, kind: str = "exact", **options) -> VectorIndex:
    """Return an empty index of the given kind ("exact" or "approximate"), passing options to its constructor."""
    if kind == "exact":
        return ExactIndex(dim, **options)
    if kind == "approximate":
        return ApproximateIndex(dim, **options)
    raise ValueError(f"index kind must be one of {', '.join(INDEX_KINDS)}, not {kind!r}")


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
