"""ch17: the reference solution's Derive answers equal the syllabus's figures, and the memory
calculators agree with the byte size of real arrays."""

from __future__ import annotations

import math

import pytest

from tests.conftest import solution_namespace

CHAPTER = "ch17_memory_budget"


@pytest.fixture(scope="module")
def ns() -> dict:
    return solution_namespace(CHAPTER)


def test_syllabus_figures(ns):
    assert ns["bytes_per_param_mixed_adam"] == 16
    assert math.isclose(ns["llama7b_train_gb"], 107.84, rel_tol=1e-9)
    assert ns["llama7b_fits_80gb"] is False
    assert math.isclose(ns["llama7b_bf16_gb"], 13.48, rel_tol=1e-9)
    assert math.isclose(ns["llama7b_int4_gb"], 3.37, rel_tol=1e-9)
    assert ns["act_bytes_per_layer"] == 268_435_456
    assert ns["act_mib_per_layer"] == 256
    assert ns["answer_17_4"] == "B"
    assert math.isclose(ns["train70b_gb"], 1120, rel_tol=1e-9)
    assert ns["train70b_min_gpus"] == 14
    assert ns["lora_trainable_params"] == 8_388_608
    assert round(ns["lora_percent"], 2) == 0.12


def test_calculators_match_live_arrays(ns):
    import numpy as np

    params = ns["tiny_model_params"](d=32, n_layers=1, vocab=77)
    n = sum(a.size for a in params.values())
    weights = sum(a.astype(np.float16).nbytes for a in params.values())
    master = sum(a.astype(np.float32).nbytes for a in params.values())
    live = 2 * weights + 3 * master  # bf16 weights, grads; fp32 master, m, v
    assert ns["training_memory_bytes"](n, "adam", "mixed") == live
    assert ns["inference_memory_bytes"](n, "bf16") == weights
    assert ns["training_memory_bytes"](6_740_000_000) == 107_840_000_000
