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
