"""ch16: the solution notebook's Derive answers equal the syllabus's figures."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import solution_namespace

CHAPTER = "ch16_attention_variants"


def namespace() -> dict:
    return solution_namespace(CHAPTER)


SYLLABUS_FIGURES = {
    "mha_params_16_1": 67_108_864,
    "gqa_kv_params": 16_777_216,
    "gqa_attn_params": 150_994_944,
    "mha_attn_params_70b": 268_435_456,
    "heads_dk64": 64,
    "heads_dk128": 32,
    "per_head_qk_flops_ratio": 0.5,
    "total_qk_flops_ratio": 1.0,
    "score_memory_ratio": 2.0,
}


@pytest.mark.parametrize(("name", "figure"), SYLLABUS_FIGURES.items())
def test_derive_answer_matches_syllabus(name, figure):
    assert namespace()[name] == figure


def test_design_and_trace_keys():
    ns = namespace()
    assert ns["gqa_order"] == ["D", "B", "E", "F", "C", "A"]
    assert ns["answer_16_3"] == "B"


def test_gqa_interpolates_between_mha_and_mqa():
    """More KV groups never make GQA equal MQA unless g = 1, and g = h is MHA (sanity)."""
    ns = namespace()
    gqa = ns["grouped_query_attention"]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 8))
    wq, wo = rng.normal(size=(8, 8)), rng.normal(size=(8, 8))
    wk1, wv1 = rng.normal(size=(8, 2)), rng.normal(size=(8, 2))
    # MQA equals GQA with g = h whose K/V columns are the single head repeated.
    expanded = gqa(x, wq, np.tile(wk1, 4), np.tile(wv1, 4), wo, 4, 4)
    assert np.allclose(gqa(x, wq, wk1, wv1, wo, 4, 1), expanded)
