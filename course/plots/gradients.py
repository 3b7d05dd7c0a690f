"""Plots for ch02 (numerical gradient checks)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def gradient_error_plot(eps_values: Sequence[float], errors: Sequence[float]) -> Figure:
    """Relative error of a central-difference gradient against the step size ``eps`` (log-log).

    Large steps suffer truncation error (~eps^2), tiny ones floating-point cancellation (~1/eps).
    """
    eps = np.asarray(eps_values, dtype=float)
    err = np.asarray(errors, dtype=float)
    if eps.shape != err.shape or eps.ndim != 1:
        raise ValueError(f"eps_values {eps.shape} and errors {err.shape} must be equal 1-D")
    fig, (ax,) = new_figure(width=5.5)
    ax.loglog(eps, np.maximum(err, 1e-18), marker="o")
    ax.set_xlabel("step size eps")
    ax.set_ylabel("relative error vs analytic gradient")
    ax.set_title("Central differences: truncation vs round-off")
    fig.tight_layout()
    return fig
