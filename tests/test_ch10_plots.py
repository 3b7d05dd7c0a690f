"""The ch10 plot helper draws exactly the data it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.plots.sampling import sampling_panels_plot


def test_sampling_panels_plot_draws_one_bar_chart_per_panel():
    panels = {
        "T = 0.5": [0.7, 0.2, 0.1],
        "T = 2": [0.4, 0.3, 0.3],
        "top-k = 2": [0.75, 0.25, 0.0],
    }
    fig = sampling_panels_plot(panels, labels=["a", "b", "c"])
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == list(panels)
    for ax, probs in zip(axes, panels.values(), strict=True):
        assert len(ax.patches) == 3
        np.testing.assert_allclose([p.get_height() for p in ax.patches], probs)
        assert ax.get_xlabel() == "token"
    assert axes[0].get_ylabel() == "probability"
    assert "2 candidates" in [t.get_text() for t in axes[2].texts]
    plt.close(fig)


def test_sampling_panels_plot_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        sampling_panels_plot({})
    with pytest.raises(ValueError, match="labels"):
        sampling_panels_plot({"x": [0.5, 0.5]}, labels=["a"])
