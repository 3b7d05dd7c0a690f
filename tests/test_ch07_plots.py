"""The ch07 plot helper draws the data it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.plots.loss import loss_curve_plot  # noqa: E402


def test_loss_curve_plot_draws_the_given_curve_and_marks():
    p = np.linspace(0.01, 1.0, 50)
    loss = -np.log(p)
    fig = loss_curve_plot(p, loss, marks={"coin flip": (0.5, np.log(2.0)), "sure": (1.0, 0.0)})
    (ax,) = fig.axes
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), p)
    np.testing.assert_allclose(line.get_ydata(), loss)
    assert len(ax.collections) == 2
    assert "probability" in ax.get_xlabel()
    assert "loss" in ax.get_ylabel()
    assert ax.get_title()
    assert any("coin flip" in t.get_text() for t in ax.texts)
    plt.close(fig)


def test_loss_curve_plot_without_marks():
    fig = loss_curve_plot([0.25, 0.5, 1.0], [1.386, 0.693, 0.0])
    assert len(fig.axes[0].collections) == 0
    plt.close(fig)


@pytest.mark.parametrize(
    ("p", "loss"),
    [([0.5, 1.0], [0.7]), ([0.0, 1.0], [np.inf, 0.0]), ([0.5, 1.5], [0.7, -0.4]), ([], [])],
)
def test_loss_curve_plot_rejects_bad_data(p, loss):
    with pytest.raises(ValueError):
        loss_curve_plot(p, loss)
