"""course.plots.memory: the memory breakdown bars (ch17)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course.plots.memory import memory_breakdown_plot  # noqa: E402


def test_memory_breakdown_plot_stacks_components():
    data = {
        "train": {"weights": 2e9, "gradients": 2e9, "Adam m, v": 8e9},
        "infer": {"weights": 2e9},
    }
    fig = memory_breakdown_plot(data, unit="GB", capacity_bytes=80e9)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * 3  # one bar per scenario for each of the 3 components
    heights = {}
    for patch in ax.patches:
        x = round(patch.get_x() + patch.get_width() / 2)
        heights[x] = heights.get(x, 0.0) + patch.get_height()
    assert heights == pytest.approx({0: 12.0, 1: 2.0})
    assert ax.get_ylabel() == "memory (GB)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "weights",
        "gradients",
        "Adam m, v",
    ]
    assert any(line.get_ydata()[0] == pytest.approx(80.0) for line in ax.get_lines())
    plt.close(fig)


def test_memory_breakdown_plot_rejects_bad_input():
    with pytest.raises(ValueError):
        memory_breakdown_plot({})
    with pytest.raises(ValueError):
        memory_breakdown_plot({"a": {"w": 1.0}}, unit="gigabytes")
