"""course.plots.alignment draws the data it is given."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from course.plots.alignment import ppo_clip_plot, reward_kl_plot  # noqa: E402


def test_reward_kl_plot_lines_and_labels():
    fig = reward_kl_plot([0.5, 0.1, 1.0], [2.0, 1.5, 3.0], [1.0, 1.2, -1.0], betas=[1, 10, 0.1])
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    assert np.allclose(ax.lines[0].get_xdata(), [0.1, 0.5, 1.0])  # sorted by KL
    assert np.allclose(ax.lines[1].get_ydata(), [1.2, 1.0, -1.0])
    assert "KL" in ax.get_xlabel() and ax.get_ylabel() == "expected reward"
    assert len(ax.texts) == 3


def test_reward_kl_plot_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        reward_kl_plot([0.1, 0.2], [1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        reward_kl_plot([0.1], [1.0], [1.0], betas=[1.0, 2.0])


def test_ppo_clip_plot_draws_both_advantage_signs():
    ratios = np.linspace(0.5, 1.5, 11)
    pos = np.minimum(ratios, 1.2)
    neg = -np.maximum(ratios, 0.8)
    fig = ppo_clip_plot(ratios, pos, neg, eps=0.2)
    left, right = fig.axes
    assert np.allclose(left.lines[1].get_ydata(), pos)  # [unclipped, clipped, ratio-1 line]
    assert np.allclose(right.lines[1].get_ydata(), neg)
    assert np.allclose(left.lines[0].get_ydata(), ratios) and np.allclose(
        right.lines[0].get_ydata(), -ratios
    )
    assert "A = +1" in left.get_title() and "A = -1" in right.get_title()
    assert "ratio" in left.get_xlabel() and left.get_ylabel() == "objective J"


def test_ppo_clip_plot_rejects_bad_input():
    with pytest.raises(ValueError, match="same"):
        ppo_clip_plot([1.0, 2.0], [1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="eps"):
        ppo_clip_plot([1.0], [1.0], [1.0], eps=1.5)
