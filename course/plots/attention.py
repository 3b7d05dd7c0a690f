"""Plots for ch03 (attention weights)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def attention_heatmap(
    weights: np.ndarray,
    tokens: Sequence[str],
    head_names: Sequence[str] | None = None,
    annotate: bool = True,
    title: str = "Attention weights (grey: masked, weight exactly 0)",
) -> Figure:
    """Heatmaps of attention weights, one panel per head.

    ``weights`` is ``[n_q, n_k]`` (one head) or ``[n_heads, n_q, n_k]``, as computed by the
    student's attention; row ``i`` is how query token ``i`` spreads its attention over the keys.
    ``tokens`` labels both axes (self-attention: ``n_q == n_k == len(tokens)``); ``title`` is the
    figure's title.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim == 2:
        w = w[None]
    if w.ndim != 3:
        raise ValueError(f"weights must be [n_q, n_k] or [n_heads, n_q, n_k], got {w.shape}")
    n_heads, n_q, n_k = w.shape
    labels = list(tokens)
    if len(labels) != n_q or len(labels) != n_k:
        raise ValueError(f"{len(labels)} tokens for weights of shape {w.shape[1:]}")
    names = list(head_names) if head_names is not None else [f"head {h}" for h in range(n_heads)]
    if len(names) != n_heads:
        raise ValueError(f"{len(names)} head names for {n_heads} heads")
    size = 0.45 * n_k + 1.6
    fig, axes = new_figure(ncols=n_heads, width=size, height=size)
    fig.subplots_adjust(wspace=0.5, bottom=0.22, top=0.84)
    cmap = matplotlib.colormaps["Blues"].with_extremes(bad="0.85")
    for ax, head, name in zip(axes, w, names, strict=True):
        # Exact zeros only come from -inf mask entries: show them in grey, not as "small".
        image = ax.imshow(np.ma.masked_equal(head, 0.0), cmap=cmap, vmin=0.0, vmax=1.0)
        ax.grid(False)
        ax.set_xticks(range(n_k), labels, rotation=45, ha="right")
        ax.set_yticks(range(n_q), labels)
        ax.set_xlabel("key (attended to)")
        ax.set_ylabel("query (attending)")
        ax.set_title(name)
        if annotate:
            for i in range(n_q):
                for j in range(n_k):
                    if head[i, j] >= 0.005:
                        color = "white" if head[i, j] > 0.6 else "black"
                        ax.text(
                            j,
                            i,
                            f"{head[i, j]:.2f}",
                            ha="center",
                            va="center",
                            fontsize=7,
                            color=color,
                        )
    fig.colorbar(image, ax=axes, shrink=0.8, label="attention weight")
    fig.suptitle(title)
    return fig
