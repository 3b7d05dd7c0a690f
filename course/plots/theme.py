"""The course's single plotting theme."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

PALETTE = "colorblind"


def use_theme() -> None:
    """Apply the course theme (idempotent)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    matplotlib.rcParams["figure.dpi"] = 100
    matplotlib.rcParams["axes.titleweight"] = "bold"


def new_figure(
    ncols: int = 1, width: float = 5.0, height: float = 3.6
) -> tuple[Figure, list[Axes]]:
    """A themed figure with ``ncols`` side-by-side axes (always returned as a list)."""
    use_theme()
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False)
    return fig, list(axes[0])
