"""course.plots.alignment draws the data it is given."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from course.plots.alignment import reward_kl_plot  # noqa: E402


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
