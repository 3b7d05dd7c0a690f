"""Plots for ch07 (cross-entropy loss)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def loss_curve_plot(
    p: Sequence[float],
    loss: Sequence[float],
    marks: Mapping[str, tuple[float, float]] | None = None,
) -> Figure:
    """The cross-entropy loss against the probability the model gives the target token.

    ``p`` are probabilities in (0, 1] and ``loss`` the losses computed at them (by the student's
    cross-entropy); ``marks`` maps a label to one ``(p, loss)`` point to highlight.
    """
    p_arr = np.asarray(p, dtype=float)
    loss_arr = np.asarray(loss, dtype=float)
    if p_arr.shape != loss_arr.shape or p_arr.ndim != 1 or p_arr.size == 0:
        raise ValueError(f"p {p_arr.shape} and loss {loss_arr.shape} must be equal, non-empty 1-D")
    if np.any(p_arr <= 0) or np.any(p_arr > 1):
        raise ValueError("probabilities must lie in (0, 1]")
    fig, (ax,) = new_figure(width=5.5)
    ax.plot(p_arr, loss_arr, color="C0", label="loss $-\\log p$")
    for index, (label, (mark_p, mark_loss)) in enumerate((marks or {}).items()):
        ax.scatter([mark_p], [mark_loss], color=f"C{index + 1}", zorder=3)
        near_right = mark_p > 0.75
        ax.annotate(
            f"{label}\n$p$ = {mark_p:g}, loss = {round(mark_loss, 2) + 0.0:.2f}",
            (mark_p, mark_loss),
            textcoords="offset points",
            xytext=(-8, 12) if near_right else (8, 8),
            ha="right" if near_right else "left",
            fontsize=9,
        )
    ax.set_xlim(0, 1.02)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("probability of the target token $p$")
    ax.set_ylabel("cross-entropy loss (nats)")
    ax.set_title("Cross-entropy punishes confident mistakes")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig
