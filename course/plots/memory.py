"""Plots for ch17 (memory budgets) and ch18 (KV-cache growth).

Both functions draw numbers the student computed; they compute nothing graded themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure

UNITS = {"B": 1.0, "KB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 2.0**10, "MiB": 2.0**20, "GiB": 2.0**30}


def _divisor(unit: str) -> float:
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    return UNITS[unit]


def memory_breakdown_plot(
    breakdowns: Mapping[str, Mapping[str, float]],
    unit: str = "GB",
    capacity_bytes: float | None = None,
    capacity_label: str = "one GPU",
) -> Figure:
    """Stacked bars: one bar per scenario, one segment per component (all given in bytes).

    ``breakdowns`` maps a scenario name (``"training, mixed Adam"``) to ``{component: bytes}``.
    ``capacity_bytes`` draws a horizontal line, e.g. an 80 GB GPU as ``80e9``.
    """
    if not breakdowns:
        raise ValueError("memory_breakdown_plot needs at least one scenario")
    scale = _divisor(unit)
    components: list[str] = []
    for parts in breakdowns.values():
        components += [name for name in parts if name not in components]
    names = list(breakdowns)
    fig, (ax,) = new_figure(width=max(5.0, 1.6 * len(names) + 2.5), height=4.0)
    bottom = np.zeros(len(names))
    for i, component in enumerate(components):
        heights = np.array([breakdowns[n].get(component, 0.0) / scale for n in names])
        ax.bar(names, heights, bottom=bottom, label=component, color=f"C{i % 10}")
        bottom += heights
    for x, total in enumerate(bottom):
        ax.annotate(f"{total:,.1f}", (x, total), ha="center", va="bottom", fontsize=9)
    if capacity_bytes is not None:
        ax.axhline(capacity_bytes / scale, color="black", linestyle="--", linewidth=1)
        ax.annotate(
            f"{capacity_label} ({capacity_bytes / scale:,.0f} {unit})",
            (len(names) - 0.6, capacity_bytes / scale),
            ha="right",
            va="bottom",
            fontsize=9,
        )
    ax.set_ylabel(f"memory ({unit})")
    ax.set_xlabel("scenario")
    ax.set_title("Where the memory goes")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def kv_growth_plot(
    contexts: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    unit: str = "GiB",
    budget_bytes: float | None = None,
    budget_label: str = "free memory",
) -> Figure:
    """KV-cache size (bytes, one curve per label such as ``"batch 8"``) against context length,
    on log-log axes; ``budget_bytes`` draws the memory left after the weights."""
    x = np.asarray(contexts, dtype=float)
    if x.ndim != 1 or len(x) == 0 or not curves:
        raise ValueError("kv_growth_plot needs a 1-D list of contexts and at least one curve")
    scale = _divisor(unit)
    fig, (ax,) = new_figure(width=5.8, height=4.0)
    for label, values in curves.items():
        y = np.asarray(values, dtype=float)
        if y.shape != x.shape:
            raise ValueError(f"curve {label!r} has {y.shape} values for {x.shape} contexts")
        ax.loglog(x, y / scale, marker="o", label=label)
    if budget_bytes is not None:
        ax.axhline(budget_bytes / scale, color="black", linestyle="--", linewidth=1)
        ax.annotate(
            f"{budget_label}: {budget_bytes / scale:,.1f} {unit}",
            (x[0], budget_bytes / scale),
            ha="left",
            va="bottom",
            fontsize=9,
        )
    ax.set_xscale("log", base=2)
    ax.set_xlabel("context length (tokens)")
    ax.set_ylabel(f"KV cache ({unit})")
    ax.set_title("KV cache grows linearly with context and batch")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
