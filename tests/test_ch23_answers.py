"""ch23: the solution notebook's Derive answers equal the syllabus's figures."""

from __future__ import annotations

import pytest

from tests.conftest import solution_namespace

CHAPTER = "ch23_capstone_design"


@pytest.fixture(scope="module")
def ns() -> dict:
    return solution_namespace(CHAPTER)


def test_parameter_count(ns):
    assert ns["estimate_params"] == 12_910_592_000
    assert ns["exact_params"] == 11_338_142_720
    assert ns["estimate_gap"] == 1_572_449_280
    assert ns["gap_fraction"] == pytest.approx(0.1387, abs=1e-4)


def test_training(ns):
    assert ns["train_flops"] == pytest.approx(2.028e22)
    assert ns["train_hours"] == pytest.approx(177.8, abs=0.05)
    assert ns["train_days"] == pytest.approx(7.41, abs=0.01)


def test_serving_memory(ns):
    assert ns["kv_bytes_per_user"] == 671_088_640 == 0.625 * 2**30
    assert ns["serving_memory_gb"] == pytest.approx(59.55, abs=0.005)
    assert abs(ns["serving_memory_gb"] - 57.25) > 2  # the GB + GiB slip
    assert ns["fits_one_gpu"] is True


def test_serving_speed_and_cost(ns):
    assert ns["step_ms"] == pytest.approx(17.78, abs=0.01)
    assert ns["total_tokens_per_s"] == pytest.approx(2812.6, abs=0.5)
    assert ns["serves_1500"] is True
    assert ns["cost_per_million_tokens"] == pytest.approx(1.44)


def test_plan_deployment_matches_the_derivations(ns):
    r = ns["plan_deployment"](
        **ns["scenarios"]["13B bf16, 50 users x 4K (capstone)"],
        **ns["H100"],
        target_tokens_per_s=30,
    )
    assert r["total_bytes"] / 1e9 == pytest.approx(ns["serving_memory_gb"])
    assert r["tokens_per_s_total"] == pytest.approx(ns["total_tokens_per_s"])
    assert r["cost_per_million_tokens"] == pytest.approx(ns["cost_per_million_tokens"])
    assert r["gpus"] == 1 and r["feasible"] is True
