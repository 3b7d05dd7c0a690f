"""The slider-figure helper and the plots drawn by the chapters' widgets."""

from __future__ import annotations

import base64

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from nbconvert import HTMLExporter

from course.plots.interactive import Slider, interactive_figure
from course.plots.positions import rope_rotation_plot
from course.plots.softmax import softmax_bars_plot


def bars(T: float):
    probs = np.exp(np.array([2.0, 1.0, 0.0]) / T)
    return softmax_bars_plot(probs / probs.sum(), ["a", "b", "c"], T)


def test_outside_a_kernel_nothing_is_drawn():
    calls = []
    result = interactive_figure(lambda T: calls.append(T), T=Slider(0.1, 10.0, value=1.0))
    assert result is None and calls == []  # the grading worker never calls the student's code


def test_the_widget_redraws_when_a_slider_moves():
    open_before = set(plt.get_fignums())  # (other tests in this process may leave some open)
    widget = interactive_figure(bars, widget=True, T=Slider(0.1, 10.0, value=1.0, log=True))
    first = bytes(widget.image.value)
    assert first.startswith(b"\x89PNG")
    assert set(plt.get_fignums()) <= open_before  # the widget closes the figures it draws
    widget.sliders["T"].value = 5.0
    assert bytes(widget.image.value) != first and widget.error.value == ""


def test_the_display_bundle_carries_a_static_png_for_front_ends_without_widgets():
    widget = interactive_figure(bars, widget=True, T=Slider(0.1, 10.0, value=1.0))
    data = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert base64.b64decode(data["image/png"]) == widget.image.value
    assert "VBox" not in data["text/plain"]
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("interactive_figure(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb.cells.append(cell)
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert "data:image/png;base64," + data["image/png"][:40] in html
    assert "interactive figure with sliders" not in html


def test_a_failing_redraw_is_shown_not_lost():
    def draw(k):
        if k > 2:
            raise ValueError("k is too large")
        return bars(1.0 + k)

    widget = interactive_figure(draw, widget=True, k=Slider(1, 5, value=1))
    widget.sliders["k"].value = 4
    assert "ValueError: k is too large" in widget.error.value


def test_integer_and_log_sliders():
    widget = interactive_figure(
        lambda k, T: bars(T),
        widget=True,
        k=Slider(1, 8, value=8),
        T=Slider(0.1, 5.0, 1.0, log=True),
    )
    assert type(widget.sliders["k"]).__name__ == "IntSlider"
    assert type(widget.sliders["T"]).__name__ == "FloatLogSlider"
    assert widget.sliders["T"].value == pytest.approx(1.0)


def test_bad_sliders_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="outside"):
        Slider(0.0, 1.0, value=2.0)
    with pytest.raises(ValueError, match="log slider needs min > 0"):
        Slider(0.0, 1.0, value=0.5, log=True)
    with pytest.raises(ValueError, match="at least one slider"):
        interactive_figure(bars)
    with pytest.raises(TypeError, match="Slider"):
        interactive_figure(bars, T=(0.1, 10.0))


def test_softmax_bars_plot_draws_the_distribution_and_its_entropy():
    probs = [0.5, 0.25, 0.25]
    fig = softmax_bars_plot(probs, ["x", "y", "z"], 2.0)
    (ax,) = fig.axes
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, probs)
    text = " ".join(t.get_text() for t in ax.texts)
    assert f"{-(0.5 * np.log(0.5) + 0.5 * np.log(0.25)):.2f} nats" in text
    assert "T = 2" in ax.get_title() and ax.get_ylabel() == "probability"
    plt.close(fig)
    with pytest.raises(ValueError):
        softmax_bars_plot([0.5, 0.5], ["one label"], 1.0)


def test_rope_rotation_plot_reads_the_angle_turned_from_the_trail():
    m, theta = 9, np.array([1.0, 0.1])
    angles = np.arange(m + 1)[:, None] * theta  # [m + 1, pairs]
    trail = np.stack([np.cos(angles[:, 0]), np.sin(angles[:, 0]),
                      np.cos(angles[:, 1]), np.sin(angles[:, 1])], axis=1)  # fmt: skip
    fig = rope_rotation_plot(trail)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("pair 0: 9 rad") and titles[1].startswith("pair 1: 0.9 rad")
    assert "m = 9" in fig._suptitle.get_text()
    plt.close(fig)
    with pytest.raises(ValueError):
        rope_rotation_plot(np.zeros((3, 5)))
