"""course.plots.params draws the data it is given."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from course.plots.params import param_share_plot  # noqa: E402


def test_param_share_plot_bars_and_labels():
    data = {
        "a": {"embeddings": 30.0, "attention": 20.0, "MLP": 50.0},
        "b": {"embeddings": 1.0, "attention": 33.0, "MLP": 66.0},
    }
    fig = param_share_plot(data)
    ax = fig.axes[0]
    assert len(ax.patches) == 6
    assert "%" in ax.get_xlabel()
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths == sorted([30.0, 20.0, 50.0, 1.0, 33.0, 66.0])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["embeddings", "attention", "MLP"]


def test_param_share_plot_rejects_mismatched_components():
    with pytest.raises(ValueError):
        param_share_plot({"a": {"x": 1.0}, "b": {"y": 1.0}})
    with pytest.raises(ValueError):
        param_share_plot({})
