"""ch15: the solution notebook's Derive answers equal the syllabus's figures."""

from __future__ import annotations

import pytest

from tests.conftest import solution_namespace

CHAPTER = "ch15_attention_math"


def namespace() -> dict:
    return solution_namespace(CHAPTER)


SYLLABUS_FIGURES = {
    "qk_flops_one_head": 1_073_741_824,
    "attn_layer_flops": 343_597_383_680,
    "crossover_seq_len": 8192,
    "attn_weights_bytes": 8_589_934_592,
    "var_qk_unscaled": 128,
    "var_qk_scaled": 1.0,
}


@pytest.mark.parametrize(("name", "figure"), SYLLABUS_FIGURES.items())
def test_derive_answer_matches_syllabus(name, figure):
    assert namespace()[name] == figure


def test_units_and_rounded_figures():
    ns = namespace()
    assert round(ns["attn_weights_gb"], 2) == 8.59
    assert ns["attn_weights_gib"] == 8.0
    assert round(ns["attn_layer_flops"] / 1e9, 1) == 343.6
    assert ns["answer_15_5"] == "B"


def test_sdp_flops_matches_the_counter_and_15_1():
    ns = namespace()
    import numpy as np

    _, counted = ns["counted_matmul"](np.ones((1, 6)), np.ones((6, 9)))
    assert counted == 2 * 6 * 9
    assert 2048 * ns["sdp_flops"](2048, 128, 0) == ns["qk_flops_one_head"]
