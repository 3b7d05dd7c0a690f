"""Plots for ch10 (decoding: one distribution under several temperatures and filters)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def sampling_panels_plot(
    panels: Mapping[str, Sequence[float]], labels: Sequence[str] | None = None
) -> Figure:
    """One bar chart per decoding setting, side by side, in the order of ``panels``.

    ``panels`` maps a title (e.g. ``"top-p = 0.9"``) to the probability vector the student
    computed for it; tokens with probability 0 (filtered out) are drawn as empty slots.
    """
    if not panels:
        raise ValueError("sampling_panels_plot needs at least one panel")
    fig, axes = new_figure(ncols=len(panels), width=2.9, height=3.2)
    for index, (ax, (title, probs)) in enumerate(zip(axes, panels.items(), strict=True)):
        values = np.asarray(probs, dtype=float)
        names = list(labels) if labels is not None else [str(i) for i in range(len(values))]
        if values.ndim != 1 or len(names) != len(values):
            raise ValueError(f"{title!r}: {len(names)} labels for probabilities {values.shape}")
        colors = ["C0" if p > 0 else "0.8" for p in values]
        ax.bar(names, values, color=colors)
        ax.set_ylim(0, 1)
        ax.set_title(title)
        ax.set_xlabel("token")
        ax.tick_params(axis="x", labelrotation=60)
        if index == 0:
            ax.set_ylabel("probability")
        ax.text(
            0.97,
            0.95,
            f"{int(np.count_nonzero(values))} candidates",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
        )
    fig.suptitle("One next-token distribution under different decoders")
    fig.tight_layout()
    return fig
