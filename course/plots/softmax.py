"""Plots for ch01 (softmax and temperature)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def temperature_plot(
    distributions: Mapping[float, Sequence[float]], labels: Sequence[str] | None = None
) -> Figure:
    """Bar charts of one set of logits turned into probabilities at several temperatures.

    ``distributions`` maps a temperature to the probability vector computed at it.
    """
    if not distributions:
        raise ValueError("temperature_plot needs at least one temperature")
    fig, axes = new_figure(ncols=len(distributions), width=3.4, height=3.0)
    for ax, (temperature, probs) in zip(axes, sorted(distributions.items()), strict=True):
        probs = np.asarray(probs, dtype=float)
        names = list(labels) if labels is not None else [str(i) for i in range(len(probs))]
        if len(names) != len(probs):
            raise ValueError(f"{len(names)} labels for {len(probs)} probabilities")
        ax.bar(names, probs, color="C0")
        ax.set_ylim(0, 1)
        ax.set_title(f"T = {temperature:g}")
        ax.set_xlabel("token")
        ax.set_ylabel("probability")
    fig.suptitle("Softmax at different temperatures")
    fig.tight_layout()
    return fig


def softmax_bars_plot(probs: Sequence[float], labels: Sequence[str], temperature: float) -> Figure:
    """One distribution ``probs`` (softmax of some logits at ``temperature``) as a bar chart.

    A dashed line marks the uniform distribution; the corner shows the entropy in nats against its
    maximum ``ln n``, so a student sees how far from greedy (0) or uniform the distribution is.
    """
    values = np.asarray(probs, dtype=float)
    names = list(labels)
    if values.ndim != 1 or len(names) != len(values) or len(values) == 0:
        raise ValueError(f"{len(names)} labels for probabilities of shape {values.shape}")
    fig, (ax,) = new_figure(width=5.6, height=3.6)
    ax.bar(names, values, color="C0")
    ax.axhline(1 / len(values), color="0.4", linestyle="--", linewidth=1, label="uniform")
    positive = values[values > 0]
    entropy = float(-(positive * np.log(positive)).sum())
    ax.text(
        0.97,
        0.95,
        f"entropy {entropy:.2f} nats\n(uniform: {np.log(len(values)):.2f})",
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=9,
    )
    for index, p in enumerate(values):
        ax.text(index, p + 0.02, f"{p:.2f}", ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("token")
    ax.set_ylabel("probability")
    ax.set_title(f"softmax(logits / T) at T = {temperature:.3g}")
    ax.legend(loc="center right", fontsize=9)
    fig.tight_layout()
    return fig
