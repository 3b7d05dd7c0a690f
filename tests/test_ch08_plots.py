"""The ch08 plot helpers draw exactly the data they are given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.plots.optim import loss_curves_plot, lr_schedule_plot


def test_loss_curves_plot_draws_one_line_per_optimizer():
    curves = {"SGD": [4.0, 2.0, 1.0], "Adam": [4.0, 1.0, 0.5, 0.25]}
    fig = loss_curves_plot(curves)
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["SGD", "Adam"]
    np.testing.assert_allclose(lines[1].get_ydata(), curves["Adam"])
    np.testing.assert_allclose(lines[1].get_xdata(), [0, 1, 2, 3])
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "step" and "loss" in ax.get_ylabel()
    plt.close(fig)


def test_loss_curves_plot_rejects_bad_input():
    with pytest.raises(ValueError):
        loss_curves_plot({})
    with pytest.raises(ValueError):
        loss_curves_plot({"x": [[1.0, 2.0]]})


def test_lr_schedule_plot_draws_the_schedule_and_warmup_marker():
    lrs = [0.0, 0.5, 1.0, 0.75, 0.25]
    fig = lr_schedule_plot(lrs, warmup=2)
    (ax,) = fig.axes
    curve, marker = ax.get_lines()
    np.testing.assert_allclose(curve.get_ydata(), lrs)
    np.testing.assert_allclose(marker.get_xdata(), [2, 2])
    assert ax.get_ylabel() == "learning rate"
    plt.close(fig)
    fig = lr_schedule_plot(lrs)
    assert len(fig.axes[0].get_lines()) == 1
    plt.close(fig)
