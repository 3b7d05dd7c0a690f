"""ch19: the reference solution's answers equal the syllabus's figures (with the T = 1 figure
corrected), and the operation counts agree with the live OpCounter."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import solution_namespace

CHAPTER = "ch19_numerics"


@pytest.fixture(scope="module")
def ns() -> dict:
    return solution_namespace(CHAPTER)


def test_syllabus_figures(ns):
    assert ns["answer_19_1"] == "B"
    assert ns["answer_19_3"] == "B"
    assert round(ns["p_top_t05"], 4) == 0.8438
    # The syllabus quotes 0.5761 for T = 1; that is softmax([2, 1, 1])[0]. For [2, 1, 0.5] it is
    # 0.6285, which the chapter teaches.
    assert round(ns["p_top_t1"], 4) == 0.6285
    assert round(math.e**2 / (math.e**2 + 2 * math.e), 4) == 0.5761


def test_overflow_thresholds(ns):
    assert ns["naive_breaks_at"](np.float32, 1) == 89  # exp(88.72...) is the float32 limit
    assert ns["naive_breaks_at"](np.float16, 1) == 12  # 65,504 = e^11.09
    assert ns["naive_breaks_at"](np.float16, 2) == 11  # the sum overflows first
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(np.float32(89))) and np.isfinite(np.exp(np.float32(88)))


def test_norm_costs_match_the_counter(ns):
    for d in (3, 128):
        x = np.ones((2, d))
        ln = ns["count_cost"](ns["layer_norm_ref"], x, np.ones(d), np.zeros(d))
        rms = ns["count_cost"](ns["rms_norm"], x, np.ones(d))
        assert (ln, rms) == tuple(2 * c for c in ns["norm_costs"](d))


def test_errors_ordered(ns):
    errors = ns["errors"]
    assert errors["float16"] > 1e-4 > 1e-6 > errors["float32"] >= errors["float64"]
