"""Embedding cache in a SQL table (SQLAlchemy Core); the owning service's migration creates the table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Engine

DEFAULT_TABLE = "embedding_cache"
_CHUNK = 500  # keys per IN (...) query; well under SQLite's parameter limit


def embedding_cache_columns() -> list[sa.Column]:
    """Return fresh columns of the cache table, for `op.create_table(name, *embedding_cache_columns())`."""
    return [
        sa.Column("key", sa.String(64), primary_key=True),  # sha256 of encoder name, kind and text
        sa.Column("dim", sa.Integer, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),  # little-endian float32
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def embedding_cache_table(metadata: sa.MetaData, name: str = DEFAULT_TABLE) -> sa.Table:
    """Declare the cache table on metadata (returning the existing one when already declared)."""
    if name in metadata.tables:
        return metadata.tables[name]
    return sa.Table(name, metadata, *embedding_cache_columns())


class SqlEmbeddingCache:
    """Keep embeddings in a SQL table keyed by content hash; concurrent writers of one key are harmless."""

    def __init__(self, engine: Engine, table: sa.Table | None = None):
        self.engine = engine
        self.table = table if table is not None else embedding_cache_table(sa.MetaData())

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the stored vectors among keys."""
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        t = self.table
        with self.engine.connect() as conn:
            for i in range(0, len(unique), _CHUNK):
                rows = conn.execute(sa.select(t.c.key, t.c.dim, t.c.vector).where(t.c.key.in_(unique[i:i + _CHUNK])))
                for key, dim, blob in rows:
                    found[key] = np.frombuffer(blob, dtype="<f4", count=dim).astype(np.float32)
        return found

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        """Store vectors; a key already stored (by us or a concurrent writer) is left as it is."""
        if not items:
            return
        rows = [{"key": k, "dim": int(np.size(v)), "vector": np.asarray(v, dtype="<f4").tobytes()}
                for k, v in items.items()]
        with self.engine.begin() as conn:
            conn.execute(self._insert_ignoring_duplicates(), rows)

    def delete_many(self, keys: Sequence[str]) -> int:
        """Delete the vectors stored under keys; return how many rows went."""
        unique, t, deleted = list(dict.fromkeys(keys)), self.table, 0
        with self.engine.begin() as conn:
            for i in range(0, len(unique), _CHUNK):
                deleted += conn.execute(sa.delete(t).where(t.c.key.in_(unique[i:i + _CHUNK]))).rowcount
        return deleted

    def _insert_ignoring_duplicates(self) -> sa.Insert:
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            raise NotImplementedError(f"SqlEmbeddingCache supports PostgreSQL and SQLite, not {dialect}")
        return insert(self.table).on_conflict_do_nothing(index_elements=["key"])
