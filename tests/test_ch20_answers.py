"""ch20: the solution notebook's Derive answers equal the syllabus's figures."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import solution_namespace

CHAPTER = "ch20_position_math"


@pytest.fixture(scope="module")
def ns() -> dict:
    return solution_namespace(CHAPTER)


def test_wavelengths(ns):
    assert ns["wavelength_first"] == pytest.approx(6.283, abs=1e-3)
    assert ns["wavelength_last"] == pytest.approx(60_611, rel=1e-4)
    assert ns["wavelength_ratio"] == pytest.approx(9_646.6, rel=1e-4)
    # the commonly quoted figure is 3% off, well outside the stated tolerance
    assert abs(ns["wavelength_last"] - 62_577) / 60_611 > 0.03


def test_learned_positions(ns):
    assert ns["learned_pos_params"] == 16_777_216
    assert ns["rope_pos_params"] == 0
    assert ns["learned_pos_fraction"] == pytest.approx(16_777_216 / 6_738_415_616)


def test_shift_gaps(ns):
    gaps = ns["gaps"]
    assert gaps["RoPE"] < 1e-8
    assert gaps["ALiBi"] == 0.0
    assert gaps["absolute sinusoidal (added)"] > 0.1
    assert np.allclose(ns["alibi_slopes"](8), 2.0 ** -np.arange(1, 9))
