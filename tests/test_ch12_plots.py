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


def test_live_training_outside_a_notebook_writes_a_text_bar_to_stdout_only(capsys):
    from course.plots.live import LiveTraining, in_notebook

    assert not in_notebook()
    live = LiveTraining(100, floor=0.3, title="run", min_interval=0.0)
    assert not live.plot  # no front end to draw on: text only
    for step in (25, 50, 100):
        live.update(step, val_loss=1.0 / step)
    live.close()
    out, err = capsys.readouterr()
    assert err == ""  # nbgrader scores a cell that writes to stderr 0
    assert "training" in out and "100/100" in out and "val=0.0100" in out
    assert live.val_steps == [25, 50, 100] and live.val_losses[-1] == pytest.approx(0.01)


def test_live_training_figure_shows_what_was_recorded():
    from course.plots.live import LiveTraining

    live = LiveTraining(10, floor=0.5, min_interval=0.0)
    for step in range(1, 11):
        live.update(step, loss=2.0 / step, val_loss=2.5 / step if step % 5 == 0 else None)
    live.close()
    fig = live.figure()
    lines = fig.axes[0].get_lines()
    assert list(lines[0].get_ydata()) == pytest.approx([2.0 / s for s in range(1, 11)])
    assert list(lines[1].get_xdata()) == [5, 10]
    assert lines[2].get_ydata()[0] == pytest.approx(0.5)
    plt.close(fig)
    with pytest.raises(ValueError, match="positive number of steps"):
        LiveTraining(0)


def test_val_curves_plot_draws_one_line_per_run_in_order():
    from course.plots.training import val_curves_plot

    curves = {"1 epoch": ([10, 20], [1.2, 0.9]), "64 epochs": ([10, 20, 30], [1.1, 1.3, 1.6])}
    fig = val_curves_plot(curves, title="t", floor=0.3)
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert len(lines) == 3
    assert list(lines[0].get_ydata()) == [1.2, 0.9] and list(lines[1].get_xdata()) == [10, 20, 30]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["1 epoch", "64 epochs", "entropy floor 0.300"]
    assert ax.get_title() == "t" and ax.get_xlabel() == "step" and "nats" in ax.get_ylabel()
    plt.close(fig)
    with pytest.raises(ValueError, match="2 steps but 1 losses"):
        val_curves_plot({"bad": ([1, 2], [1.0])})
    with pytest.raises(ValueError, match="empty"):
        val_curves_plot({})
