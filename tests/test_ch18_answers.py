"""ch18: the reference solution's Derive answers equal the syllabus's figures, and
kv_cache_bytes agrees with the byte size of a filled KV cache."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import solution_namespace

CHAPTER = "ch18_kv_cache_math"


@pytest.fixture(scope="module")
def ns() -> dict:
    return solution_namespace(CHAPTER)


def test_syllabus_figures(ns):
    assert ns["kv_7b_4k_bytes"] == 2_147_483_648
    assert ns["kv_7b_4k_gib"] == 2
    assert ns["kv_7b_128k_gib"] * 2**30 == 68_719_476_736
    assert ns["kv_70b_gqa_gib"] * 2**30 == 1_342_177_280
    assert ns["kv_70b_gqa_gib"] == 1.25
    assert ns["kv_70b_mha_gib"] == 10
    assert ns["gqa_saving"] == 8
    assert math.isclose(ns["kv_per_user_gb"], 2.147, rel_tol=1e-3)
    assert ns["max_users_4k"] == 30
    assert math.floor((80 - 13.5) / 2) == 33  # the GB/GiB slip this chapter corrects
    assert ns["kv_bytes_per_token"] == 524_288
    assert ns["kv_kib_per_token"] == 512


def test_kv_cache_bytes_matches_a_filled_cache(ns):
    caches = ns["fill_caches"](batch=2, layers=4, seq=128, kv_heads=8, head_dim=64)
    live = sum(c.keys.nbytes + c.values.nbytes for c in caches)
    assert live == ns["kv_cache_bytes"](2, 4, 128, 8, 64, 2) == 2_097_152
    caches = ns["fill_caches"](3, 2, 5, 4, 16, dtype=np.float32)
    assert sum(c.keys.nbytes + c.values.nbytes for c in caches) == ns["kv_cache_bytes"](
        3, 2, 5, 4, 16, 4
    )


def test_reference_cache_returns_copies(ns):
    cache = ns["KVCache"]()
    k = np.ones((1, 2, 1, 4), np.float16)
    cache.append(k, k)
    k[:] = 5
    cache.keys[:] = 7
    assert np.all(cache.keys == 1) and len(cache) == 1
