"""Plots for ch05 (position encodings)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def pe_heatmap(pe: np.ndarray, wavelengths: Sequence[float] | None = None) -> Figure:
    """Heatmap of a position-encoding table: position (rows, downwards) × dimension (columns).

    ``pe`` is the ``[seq_len, d_model]`` table the student computed. If ``wavelengths`` (one per
    sine-cosine pair, ``d_model / 2`` of them) is given, a second panel shows them on a log scale.
    """
    pe = np.asarray(pe, dtype=float)
    if pe.ndim != 2:
        raise ValueError(f"pe must be a [seq_len, d_model] table, got shape {pe.shape}")
    ncols = 1 if wavelengths is None else 2
    fig, axes = new_figure(ncols=ncols, width=5.2, height=4.2)
    ax = axes[0]
    image = ax.imshow(pe, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.grid(False)
    ax.set_xlabel("dimension")
    ax.set_ylabel("position")
    ax.set_title("Sinusoidal encodings")
    fig.colorbar(image, ax=ax, label="value")
    if wavelengths is not None:
        wl = np.asarray(wavelengths, dtype=float)
        if wl.ndim != 1 or 2 * len(wl) != pe.shape[1]:
            raise ValueError(f"{wl.shape} wavelengths for a table with {pe.shape[1]} dimensions")
        ax2 = axes[1]
        ax2.semilogy(np.arange(len(wl)), wl, marker="o", markersize=3)
        ax2.axhline(
            pe.shape[0], color="C3", linestyle="--", label=f"positions shown ({pe.shape[0]})"
        )
        ax2.set_xlabel("pair index i (dimensions 2i, 2i+1)")
        ax2.set_ylabel("wavelength (positions)")
        ax2.set_title("Wavelength of each pair")
        ax2.legend(loc="upper left")
    fig.tight_layout()
    return fig


def rope_offset_plot(offsets: Sequence[int], scores: Mapping[int, Sequence[float]]) -> Figure:
    """RoPE attention scores against the offset m - n, one line per query start position.

    ``scores`` maps a query position ``m`` to the scores ``q_m . k_{m - offset}`` the student
    computed for each of ``offsets``. If the scores depend only on the offset, the lines coincide.
    """
    offsets = np.asarray(offsets, dtype=float)
    if not scores:
        raise ValueError("rope_offset_plot needs at least one start position")
    fig, (ax,) = new_figure(width=6.0, height=3.6)
    styles = ("-", "--", ":", "-.")
    for index, (start, values) in enumerate(sorted(scores.items())):
        values = np.asarray(values, dtype=float)
        if values.shape != offsets.shape:
            raise ValueError(f"{values.shape} scores for {offsets.shape} offsets at m = {start}")
        ax.plot(
            offsets,
            values,
            linestyle=styles[index % len(styles)],
            linewidth=2.5 - 0.5 * (index % 3),
            label=f"query at m = {start}",
        )
    ax.set_xlabel("offset m - n")
    ax.set_ylabel("score q_m · k_n")
    ax.set_title("RoPE scores depend only on the offset")
    ax.legend()
    fig.tight_layout()
    return fig
