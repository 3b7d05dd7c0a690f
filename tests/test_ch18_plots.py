"""course.plots.memory: the KV-cache growth curves (ch18)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course.plots.memory import kv_growth_plot  # noqa: E402


def test_kv_growth_plot_draws_one_line_per_curve():
    contexts = [1024, 2048, 4096]
    curves = {"batch 1": [2**29, 2**30, 2**31], "batch 8": [2**32, 2**33, 2**34]}
    fig = kv_growth_plot(contexts, curves, unit="GiB", budget_bytes=66.5e9)
    ax = fig.axes[0]
    data_lines = [line for line in ax.get_lines() if line.get_label() in curves]
    assert len(data_lines) == 2
    assert list(data_lines[0].get_ydata()) == pytest.approx([0.5, 1.0, 2.0])
    assert ax.get_xlabel() == "context length (tokens)"
    assert ax.get_ylabel() == "KV cache (GiB)"
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError):
        kv_growth_plot([1, 2], {"a": [1.0]})
