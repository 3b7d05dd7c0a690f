"""Plots for ch12 (training a GPT): loss curves against steps, with the entropy floor; validation
curves of several runs side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def loss_curves_plot(
    train_steps: Sequence[float],
    train_losses: Sequence[float],
    val_steps: Sequence[float] = (),
    val_losses: Sequence[float] = (),
    floor: float | None = None,
    title: str = "Training and validation loss",
    train_label: str = "train (batch)",
    floor_label: str = "entropy floor",
) -> Figure:
    """Training loss per step (thin line), validation loss at its evaluation steps (markers),
    and an optional horizontal line at the lowest achievable loss (``floor``, nats/char)."""
    ts, tl = np.asarray(train_steps, dtype=float), np.asarray(train_losses, dtype=float)
    vs, vl = np.asarray(val_steps, dtype=float), np.asarray(val_losses, dtype=float)
    if ts.shape != tl.shape or vs.shape != vl.shape:
        raise ValueError("steps and losses must have the same length")
    fig, (ax,) = new_figure(width=6.0)
    ax.plot(ts, tl, lw=1.0, alpha=0.8, label=train_label)
    if len(vs):
        ax.plot(vs, vl, marker="o", lw=2.0, label="validation")
    if floor is not None:
        ax.axhline(floor, color="black", ls="--", lw=1.0, label=f"{floor_label} {floor:.3f}")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats/token)")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def val_curves_plot(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    title: str = "Validation loss",
    floor: float | None = None,
    floor_label: str = "entropy floor",
) -> Figure:
    """One validation-loss curve per run: ``curves`` maps a label to ``(steps, losses)``, drawn in
    the given order (markers at the evaluation steps), with an optional horizontal ``floor``."""
    if not curves:
        raise ValueError("curves is empty: give at least one {label: (steps, losses)}")
    fig, (ax,) = new_figure(width=7.5)
    for label, (steps, losses) in curves.items():
        s, loss = np.asarray(steps, dtype=float), np.asarray(losses, dtype=float)
        if s.shape != loss.shape:
            raise ValueError(f"{label!r}: {s.size} steps but {loss.size} losses")
        ax.plot(s, loss, marker="o", ms=3.5, lw=1.8, label=label)
    if floor is not None:
        ax.axhline(floor, color="black", ls="--", lw=1.0, label=f"{floor_label} {floor:.3f}")
    ax.set_xlabel("step")
    ax.set_ylabel("validation cross-entropy (nats/token)")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")  # beside the curves
    fig.tight_layout()
    return fig
