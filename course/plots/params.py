"""Plots for ch14 (where a transformer's parameters live)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def param_share_plot(models: Mapping[str, Mapping[str, float]]) -> Figure:
    """Horizontal stacked bars: the share (in %) of each component in each model's total.

    ``models`` maps a model name to ``{component: parameter count}`` as the student computed it,
    e.g. ``{"GPT-2 small": {"embeddings": 3.9e7, "attention": 2.8e7, ...}}``. Every model must
    list the same components in the same order.
    """
    if not models:
        raise ValueError("param_share_plot needs at least one model")
    names = list(models)
    components = list(next(iter(models.values())))
    for name in names:
        if list(models[name]) != components:
            raise ValueError(
                f"{name!r} lists components {list(models[name])}, expected {components}"
            )
    counts = np.array([[float(models[n][c]) for c in components] for n in names])
    if np.any(counts < 0) or np.any(counts.sum(axis=1) <= 0):
        raise ValueError("parameter counts must be non-negative with a positive total")
    shares = 100 * counts / counts.sum(axis=1, keepdims=True)
    fig, axes = new_figure(width=8.0, height=1.4 + 0.6 * len(names))
    ax = axes[0]
    left = np.zeros(len(names))
    for j, component in enumerate(components):
        ax.barh(names, shares[:, j], left=left, label=component, color=f"C{j % 10}")
        for i, share in enumerate(shares[:, j]):
            if share >= 6:
                ax.text(left[i] + share / 2, i, f"{share:.0f}%", ha="center", va="center")
        left += shares[:, j]
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel("share of all parameters (%)")
    ax.set_title("Where the parameters are")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    return fig
