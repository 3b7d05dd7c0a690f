"""Plots for ch21 (the roofline model)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def roofline_plot(
    intensity: Sequence[float],
    attainable: Sequence[float],
    points: Mapping[str, tuple[float, float]] | None = None,
    title: str = "Roofline",
    ridge: float | None = None,
) -> Figure:
    """Log-log roofline: attainable FLOP/s against arithmetic intensity (FLOPs per byte).

    ``intensity`` and ``attainable`` are the roof's curve as the student computed it (same length,
    FLOPs/byte and FLOP/s). ``points`` maps a label to ``(intensity, achieved FLOP/s)`` of a
    workload, drawn as markers on top of the roof. ``ridge`` (FLOPs/byte), if given, is marked
    with a dashed vertical line.
    """
    x = np.asarray(intensity, dtype=float)
    y = np.asarray(attainable, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 2:
        raise ValueError(f"intensity {x.shape} and attainable {y.shape} must be equal 1-D curves")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("a log-log roofline needs positive intensities and FLOP/s")
    fig, axes = new_figure(width=6.0, height=4.0)
    ax = axes[0]
    ax.loglog(x, y, color="C0", linewidth=2.5, label="attainable (roof)")
    if ridge is not None:
        ax.axvline(
            ridge, color="0.5", linestyle="--", linewidth=1, label=f"ridge point ({ridge:.3g})"
        )
    for index, (label, (xi, yi)) in enumerate((points or {}).items()):
        ax.loglog(
            [xi],
            [yi],
            marker="o",
            markersize=9,
            linestyle="none",
            color=f"C{index + 1}",
            label=label,
        )
    ax.set_xlabel("arithmetic intensity (FLOPs per byte)")
    ax.set_ylabel("FLOP/s")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=9)
    fig.tight_layout()
    return fig
