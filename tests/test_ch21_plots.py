"""ch21: the roofline plot draws the data it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.plots.roofline import roofline_plot  # noqa: E402


def test_roofline_plot_draws_roof_and_points():
    x = np.logspace(-1, 4, 50)
    y = np.minimum(312e12, x * 2e12)
    fig = roofline_plot(x, y, {"decode": (1.0, 2e12), "prefill": (2048.0, 312e12)}, title="A100")
    ax = fig.axes[0]
    assert len(ax.lines) == 3  # the roof and two points
    np.testing.assert_allclose(ax.lines[0].get_xdata(), x)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), y)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "intensity" in ax.get_xlabel() and "FLOP/s" in ax.get_ylabel()
    assert ax.get_title() == "A100"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["attainable (roof)", "decode", "prefill"]
    plt.close(fig)


def test_roofline_plot_marks_the_ridge():
    fig = roofline_plot([1.0, 156.0, 1000.0], [2.0, 312.0, 312.0], ridge=156.0)
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[1].get_xdata(), [156.0, 156.0])
    assert "ridge" in ax.get_legend().get_texts()[1].get_text()
    plt.close(fig)


def test_roofline_plot_without_points():
    fig = roofline_plot([1.0, 10.0], [1.0, 10.0])
    assert len(fig.axes[0].lines) == 1
    plt.close(fig)


@pytest.mark.parametrize(
    ("x", "y"), [([1.0, 2.0], [1.0]), ([0.0, 1.0], [1.0, 2.0]), ([1.0], [1.0])]
)
def test_roofline_plot_rejects_bad_curves(x, y):
    with pytest.raises(ValueError):
        roofline_plot(x, y)
