"""The vector index port: exact top-k by one matrix product over normalised float32, an approximate adapter for
large catalogues (a faiss inverted file), and a fake."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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


class IvfIndex:
    """A faiss inverted file (IVF-Flat) searched by inner product, for catalogues too large to scan on every query.

    Spherical k-means splits the vectors into lists; a search scans only the ``probes`` lists whose centroids
    are nearest the query, with exact float32 scores, so recall depends only on which lists are scanned. The
    lists are trained on the vectors present: on the first upsert, and again whenever the index has grown to
    ``regrow`` times its size at the last training (amortised, as a growing array is), so the service can start
    empty and take vacancies one by one. Between trainings, vectors are added to their nearest list and removed
    from it in place (faiss' hash-table direct map), so churn costs no rebuild. The number of lists follows
    the size at training: about 4 x sqrt(n), with at least 39 vectors per list (below 39 vectors one list,
    which is an exact scan). A training blocks its upsert: at 1 M vectors about 2 minutes on 2 cores, once per
    doubling. The default 128 probes give recall@20 0.9975 against the exact scan at 1 M synthetic vacancies
    with p95 4-6 ms on 2 shared cores (bench/matching_latency.py); raise them for larger catalogues.
    """

    SAMPLE_PER_LIST, ITERATIONS = 40, 10  # k-means: faiss asks >= 39 points per centroid; 10 rounds, as measured
    PARALLEL_FROM = 10_000  # changes of fewer vectors run on one thread (see _threads)

    def __init__(self, dim: int, *, probes: int = 128, lists: int | None = None, regrow: float = 2.0):
        import faiss  # imported here: only catalogues that ask for this path need it

        if probes < 1 or regrow <= 1 or (lists is not None and lists < 1):
            raise ValueError("probes and lists must be at least 1 and regrow more than 1")
        self._faiss = faiss
        self.dim = dim
        self.params = {"probes": probes, "lists": lists, "regrow": regrow}
        self._index = None
        self._trained_at = 0
        self._key: dict[str, int] = {}
        self._id: dict[int, str] = {}
        self._next_key = 0

    def __len__(self) -> int:
        return len(self._key)

    @property
    def lists(self) -> int:
        """Return how many lists the current training made (0 before the first vector)."""
        return 0 if self._index is None else int(self._index.nlist)

    @property
    def memory_bytes(self) -> int:
        """Return the bytes of the stored vectors, their int64 keys and the centroids (faiss' direct map of key
        to list adds a C++ hash-table entry per vector, and the id maps are Python objects beside it)."""
        if self._index is None:
            return 0
        return int(self._index.ntotal) * (self._index.code_size + 8) + self.lists * self.dim * 4

    def set_probes(self, probes: int) -> None:
        """Set how many lists a search scans (recall against time)."""
        self.params["probes"] = probes

    def lists_for(self, n: int) -> int:
        """Return the number of lists to train for n vectors."""
        if self.params["lists"] is not None:
            return max(1, min(self.params["lists"], n // 39))
        return max(1, min(int(4 * math.sqrt(n)), n // 39))

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Insert or replace vectors (expected normalised); the last of an id repeated in the batch wins."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        last = {id_: row for row, id_ in enumerate(ids)}
        if not last:
            return
        known = np.array([self._key[i] for i in last if i in self._key], dtype=np.int64)
        if len(known):
            with self._threads(len(known)):
                self._index.remove_ids(self._faiss.IDSelectorArray(known))
        keys = np.empty(len(last), dtype=np.int64)
        for n, id_ in enumerate(last):
            key = self._key.get(id_)
            if key is None:
                key, self._next_key = self._next_key, self._next_key + 1
                self._key[id_], self._id[key] = key, id_
            keys[n] = key
        fresh = np.ascontiguousarray(vectors[list(last.values())])
        if len(self._key) >= self.params["regrow"] * self._trained_at:
            self._train(keys, fresh)
        else:
            with self._threads(len(keys)):
                self._index.add_with_ids(fresh, keys)

    @contextmanager
    def _threads(self, n: int) -> Iterator[None]:
        """Run a small change on this thread alone: waking faiss' other OpenMP threads costs milliseconds when the
        cores are busy (p95 8 ms against 0.1 ms for adding one vector at 200 k, measured), more than the work."""
        if n >= self.PARALLEL_FROM:
            yield
            return
        before = self._faiss.omp_get_max_threads()
        self._faiss.omp_set_num_threads(1)  # OpenMP keeps this per calling thread
        try:
            yield
        finally:
            self._faiss.omp_set_num_threads(before)

    def _train(self, keys: np.ndarray, fresh: np.ndarray) -> None:
        """Train new lists on every vector (those present and the fresh ones) and fill them."""
        faiss = self._faiss
        if self._index is not None and self._index.ntotal:
            old = np.array(sorted(set(self._key.values()) - set(keys.tolist())), dtype=np.int64)
            keys, fresh = np.concatenate([old, keys]), np.concatenate([self._index.reconstruct_batch(old), fresh])
        self._index = None  # free the old lists before the new ones fill
        n, lists = len(keys), self.lists_for(len(keys))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(self.dim), self.dim, lists, faiss.METRIC_INNER_PRODUCT)
        index.cp.spherical, index.cp.niter = True, self.ITERATIONS
        # A fixed seed: the same events in the same order train the same lists (a rebuild equals the live index).
        sample = np.random.default_rng(0).choice(n, min(n, self.SAMPLE_PER_LIST * lists), replace=False)
        index.train(fresh[np.sort(sample)])
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
        index.add_with_ids(fresh, keys)
        self._index, self._trained_at = index, n

    def remove(self, ids: Sequence[str]) -> None:
        """Drop ids that are present."""
        keys = [self._key.pop(i) for i in dict.fromkeys(ids) if i in self._key]
        for key in keys:
            del self._id[key]
        if keys:
            with self._threads(len(keys)):
                self._index.remove_ids(self._faiss.IDSelectorArray(np.array(keys, dtype=np.int64)))

    def clear(self) -> None:
        """Drop every vector, id and list (the next upsert trains afresh)."""
        self._index, self._trained_at = None, 0
        self._key, self._id, self._next_key = {}, {}, 0

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Return about the k nearest ids with their cosine, best first (ties by id)."""
        n = len(self._key)
        if n == 0 or k <= 0:
            return []
        k, q = min(k, n), np.asarray(query, dtype=np.float32).reshape(1, self.dim)
        probes = min(self.params["probes"], self.lists)
        while True:
            scores, keys = self._index.search(q, k, params=self._faiss.SearchParametersIVF(nprobe=probes))
            found = keys[0] >= 0
            # The probed lists may hold fewer than k vectors (a large k, a small index): scan more lists.
            if found.sum() == k or probes == self.lists:
                break
            probes = min(2 * probes, self.lists)
        pairs = [(self._id[int(key)], float(s)) for key, s in zip(keys[0][found], scores[0][found], strict=True)]
        return sorted(pairs, key=lambda p: (-p[1], p[0]))

    def similarity(self, query: np.ndarray, ids: Sequence[str]) -> dict[str, float]:
        """Return the cosine of the query with each given id that is present (from the stored float32 vectors)."""
        present = [i for i in dict.fromkeys(ids) if i in self._key]
        if not present:
            return {}
        stored = self._index.reconstruct_batch(np.array([self._key[i] for i in present], dtype=np.int64))
        scores = stored @ np.asarray(query, dtype=np.float32).reshape(self.dim)
        return {i: float(s) for i, s in zip(present, scores, strict=True)}


# "approximate" is the faiss inverted file: it meets the 1 M target (recall@20 >= 0.99, p95 <= 10 ms) that a
# usearch HNSW graph (connectivity 16, f16) missed on embedding-like data (recall@20 0.52-0.74).
INDEX_KINDS = ("exact", "approximate")


def make_index(dim: int, kind: str = "exact", **options) -> VectorIndex:
    """Return an empty index of the given kind (one of INDEX_KINDS), passing options to its constructor."""
    if kind == "exact":
        return ExactIndex(dim, **options)
    if kind == "approximate":
        return IvfIndex(dim, **options)
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
