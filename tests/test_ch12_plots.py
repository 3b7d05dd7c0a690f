"""course.plots.training draws what it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course.plots.training import loss_curves_plot  # noqa: E402


def test_loss_curves_plot_draws_train_val_and_floor():
    fig = loss_curves_plot([1, 2, 3, 4], [3.0, 2.0, 1.5, 1.2], [2, 4], [2.2, 1.4], floor=0.3)
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert len(lines) == 3
    assert list(lines[1].get_ydata()) == [2.2, 1.4]
    assert lines[2].get_ydata()[0] == pytest.approx(0.3)
    assert ax.get_xlabel() == "step" and "nats" in ax.get_ylabel()
    plt.close(fig)


def test_loss_curves_plot_without_validation_or_floor():
    fig = loss_curves_plot([0, 1], [1.0, 0.5])
    assert len(fig.axes[0].get_lines()) == 1
    plt.close(fig)
    with pytest.raises(ValueError):
        loss_curves_plot([0, 1], [1.0])


def test_loss_curves_plot_labels():
    fig = loss_curves_plot([0, 1], [2.0, 1.0], floor=1.0, train_label="bigram", floor_label="H2")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["bigram", "H2 1.000"]
    plt.close(fig)
