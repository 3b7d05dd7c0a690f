"""Plot functions of the foundation chapters draw the data they are given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.plots.gradients import gradient_error_plot  # noqa: E402
from course.plots.softmax import temperature_plot  # noqa: E402


def test_temperature_plot_draws_one_panel_per_temperature():
    dists = {4.0: [0.3, 0.3, 0.4], 0.25: [0.05, 0.05, 0.9], 1.0: [0.2, 0.3, 0.5]}
    fig = temperature_plot(dists, labels=["a", "b", "c"])
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["T = 0.25", "T = 1", "T = 4"]
    heights = [p.get_height() for p in axes[0].patches]
    assert np.allclose(heights, [0.05, 0.05, 0.9])
    assert axes[0].get_ylabel() == "probability" and axes[0].get_xlabel() == "token"
    with pytest.raises(ValueError, match="labels"):
        temperature_plot({1.0: [0.5, 0.5]}, labels=["a"])
    with pytest.raises(ValueError, match="at least one"):
        temperature_plot({})


def test_gradient_error_plot():
    eps = np.logspace(-10, -1, 10)
    err = eps**2 + 1e-16 / eps
    fig = gradient_error_plot(eps, err)
    (line,) = fig.axes[0].get_lines()
    assert np.allclose(line.get_xdata(), eps) and np.allclose(line.get_ydata(), err)
    assert fig.axes[0].get_xscale() == "log"
    with pytest.raises(ValueError):
        gradient_error_plot(eps, err[:-1])
