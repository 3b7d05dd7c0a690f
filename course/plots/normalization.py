"""Plots for ch04 (normalization)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def token_stats_plot(before: np.ndarray, after: np.ndarray) -> Figure:
    """Per-token mean and standard deviation of activations before and after normalization.

    ``before`` and ``after`` are ``[tokens, d]`` arrays (the same tokens, e.g. the input and the
    output of a LayerNorm). Each token is one dot at (mean, std) of its own vector.
    """
    before = np.asarray(before, dtype=float)
    after = np.asarray(after, dtype=float)
    if before.ndim != 2 or before.shape != after.shape:
        raise ValueError(f"before {before.shape} and after {after.shape} must be equal [tokens, d]")
    fig, axes = new_figure(ncols=2, width=4.2, height=3.6)
    for ax, data, title, color in zip(
        axes, (before, after), ("before", "after"), ("C3", "C0"), strict=True
    ):
        ax.axvline(0.0, color="0.5", linestyle="--", linewidth=1)
        ax.axhline(1.0, color="0.5", linestyle="--", linewidth=1)
        ax.scatter(data.mean(axis=-1), data.std(axis=-1), s=10, alpha=0.6, color=color)
        ax.set_title(f"{len(data)} tokens {title} normalization")
        ax.set_xlabel("per-token mean")
        ax.set_ylabel("per-token standard deviation")
    # Share limits so the collapse to (0, 1) is visible at the same scale.
    xs = np.concatenate([before.mean(axis=-1), after.mean(axis=-1)])
    ys = np.concatenate([before.std(axis=-1), after.std(axis=-1)])
    pad_x = 0.05 * (xs.max() - xs.min() + 1e-12)
    pad_y = 0.05 * (ys.max() - ys.min() + 1e-12)
    for ax in axes:
        ax.set_xlim(xs.min() - pad_x, xs.max() + pad_x)
        ax.set_ylim(min(0.0, ys.min()) - pad_y, ys.max() + pad_y)
    fig.tight_layout()
    return fig
