"""The ch04 plot helper draws exactly the data it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.plots.normalization import token_stats_plot


def test_token_stats_plot_draws_one_dot_per_token_at_its_mean_and_std():
    rng = np.random.default_rng(0)
    before = rng.normal(loc=3.0, scale=2.0, size=(7, 5))
    after = rng.normal(size=(7, 5))
    fig = token_stats_plot(before, after)
    assert len(fig.axes) == 2
    for ax, data in zip(fig.axes, (before, after), strict=True):
        (points,) = ax.collections
        np.testing.assert_allclose(points.get_offsets()[:, 0], data.mean(axis=-1))
        np.testing.assert_allclose(points.get_offsets()[:, 1], data.std(axis=-1))
        assert ax.get_xlabel() == "per-token mean"
        assert ax.get_ylabel() == "per-token standard deviation"
    assert fig.axes[0].get_xlim() == fig.axes[1].get_xlim()
    plt.close(fig)


def test_token_stats_plot_rejects_mismatched_input():
    with pytest.raises(ValueError):
        token_stats_plot(np.zeros((3, 4)), np.zeros((3, 5)))
    with pytest.raises(ValueError):
        token_stats_plot(np.zeros(4), np.zeros(4))
