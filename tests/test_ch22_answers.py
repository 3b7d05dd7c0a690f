"""ch22: the solution notebook's Derive answers equal the syllabus's figures."""

from __future__ import annotations

import pytest

from tests.conftest import solution_namespace

CHAPTER = "ch22_architecture_design"


@pytest.fixture(scope="module")
def ns() -> dict:
    return solution_namespace(CHAPTER)


def test_chinchilla(ns):
    assert ns["chinchilla_tokens"] == pytest.approx(140e9)
    assert ns["chinchilla_flops"] == pytest.approx(5.88e21)
    assert ns["chinchilla_flops"] / 5.88e15 == pytest.approx(1e6)  # the seed slip, corrected
    assert ns["chinchilla_hours"] == pytest.approx(10.2, abs=0.05)


def test_phone(ns):
    assert ns["phone_plan"] == "B"
    assert ns["phone_tokens_per_s"] == pytest.approx(33.3, abs=0.1)
    assert ns["phone_shape"] == "Q"
    assert 12 * 32 * 2560**2 == pytest.approx(2.5e9, rel=0.01)


def test_swiglu(ns):
    assert ns["swiglu_params_3072"] == ns["gelu_params_3072"] == 8 * 3072**2
    assert ns["llama_ffn_params"] == 135_266_304


def test_model_table(ns):
    assert ns["gpt2_xl_params"] == 1_554_971_200
    assert ns["gpt3_params"] == 174_563_733_504
    assert ns["llama13b_params"] == pytest.approx(12.75e9, rel=1e-3)
