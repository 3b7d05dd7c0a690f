"""Plots for ch08 (optimizers: loss curves and learning-rate schedules)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def loss_curves_plot(curves: Mapping[str, Sequence[float]], log_scale: bool = True) -> Figure:
    """One line per optimizer: the loss after each step (step 0 = the starting point).

    ``curves`` maps a legend label (e.g. ``"Adam (lr 0.1)"``) to the losses the student computed.
    """
    if not curves:
        raise ValueError("loss_curves_plot needs at least one curve")
    fig, (ax,) = new_figure(width=6.0)
    for label, losses in curves.items():
        values = np.asarray(losses, dtype=float)
        if values.ndim != 1:
            raise ValueError(f"{label!r}: expected a 1-D sequence of losses, got {values.shape}")
        ax.plot(np.arange(len(values)), values, label=label)
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (log scale)" if log_scale else "loss")
    ax.set_title("Loss during optimisation")
    ax.legend()
    fig.tight_layout()
    return fig


def lr_schedule_plot(lrs: Sequence[float], warmup: int | None = None) -> Figure:
    """The learning rate at each step ``0 .. len(lrs) - 1``; a dashed line marks the warm-up end."""
    values = np.asarray(lrs, dtype=float)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(f"expected a non-empty 1-D sequence of learning rates, got {values.shape}")
    fig, (ax,) = new_figure(width=6.0)
    ax.plot(np.arange(len(values)), values, color="C2", label="learning rate")
    if warmup is not None:
        ax.axvline(warmup, color="0.4", linestyle="--", linewidth=1, label="end of warm-up")
        ax.legend()
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.set_title("Warm-up then cosine decay")
    ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
    fig.tight_layout()
    return fig
