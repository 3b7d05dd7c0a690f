"""ch14: the solution notebook's Derive answers equal the syllabus's figures."""

from __future__ import annotations

import pytest

from tests.conftest import solution_namespace

CHAPTER = "ch14_parameter_counting"


def namespace() -> dict:
    return solution_namespace(CHAPTER)


SYLLABUS_FIGURES = {
    "gpt2_rule_params": 124_320_000,
    "gpt2_exact_params": 124_439_808,
    "llama7b_params": 6_738_415_616,
    "overcount_params": 38_597_376,
    "mixtral_attn_per_layer": 41_943_040,
    "mixtral_total_params": 46_702_792_704,
    "mixtral_active_params": 12_879_925_248,
}


@pytest.mark.parametrize(("name", "figure"), SYLLABUS_FIGURES.items())
def test_derive_answer_matches_syllabus(name, figure):
    assert namespace()[name] == figure


def test_rounded_figures():
    ns = namespace()
    assert round(ns["overcount_percent"]) == 31
    assert round(ns["n_layers_1b"]) == 20
    assert ns["answer_14_3"] == "C" and ns["config_14_4"] == "C"


def test_param_count_of_gpt2_shaped_model_and_four_d_squared_error():
    ns = namespace()
    # The common 4d^2 derivation of Mixtral overstates the total to about 47.5B.
    wrong = ns["mixtral_total_params"] + 32 * (4 * 4096**2 - ns["mixtral_attn_per_layer"])
    assert round(wrong / 1e9, 1) == 47.5
    assert ns["count_gpt2"](50257, 1024, 768, 12) == 124_439_808
