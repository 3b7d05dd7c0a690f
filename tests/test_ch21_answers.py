"""ch21: the solution notebook's Derive answers equal the syllabus's figures."""

from __future__ import annotations

import pytest

from tests.conftest import solution_namespace

CHAPTER = "ch21_throughput_latency"


@pytest.fixture(scope="module")
def ns() -> dict:
    return solution_namespace(CHAPTER)


def test_decode_and_prefill(ns):
    assert ns["decode_bytes_per_token"] == pytest.approx(13.48e9)
    assert ns["decode_ms"] == pytest.approx(6.74)
    assert ns["decode_tokens_per_s"] == pytest.approx(148, abs=0.5)
    assert ns["prefill_flops"] == pytest.approx(27.6e12, rel=1e-3)
    assert ns["prefill_ms"] == pytest.approx(177, abs=0.5)


def test_ridge_and_int4(ns):
    assert ns["ridge_intensity"] == pytest.approx(156)
    assert ns["critical_batch"] == pytest.approx(156)
    assert ns["int4_tokens_per_s"] == pytest.approx(594, abs=1)


def test_serving_plan(ns):
    assert ns["kv_bytes_per_user"] == 1_342_177_280 == 1.25 * 2**30
    assert ns["serving_memory_gb"] == pytest.approx(274.2, abs=0.05)
    assert ns["gpus_needed"] == 4
    assert ns["gpus_needed_5gb"] == 8
    assert ns["tokens_per_s_per_user"] == pytest.approx(48.9, abs=0.1)


def test_roofline_application(ns):
    assert ns["prefill_roof"][1] == "compute"
    assert ns["prefill_roof"][0] == pytest.approx(2 * 6.74e9 * 2048 / 312e12)
    assert ns["decode_roof"] == (pytest.approx(6.74e-3), "memory")
    # the measurement cells ran and produced positive numbers (values themselves are not checked)
    assert ns["measured_prefill_tps"] > 0 and ns["measured_decode_tps"] > 0
    # prefill can never be predicted slower than decode (equal only if this machine's ridge point
    # is below decode's intensity of 0.5 FLOPs/byte)
    assert ns["predicted_prefill_tps"] >= ns["predicted_decode_tps"] * (1 - 1e-9) > 0
