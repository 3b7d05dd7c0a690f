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


def rope_rotation_plot(trail: np.ndarray) -> Figure:
    """Where RoPE has turned each pair of one vector, from position 0 up to position ``m``.

    ``trail`` is ``[m + 1, d]``: row ``t`` is one vector rotated for position ``t`` (the student's
    ``apply_rope`` of the same vector at positions ``0 .. m``). One panel per pair ``(2i, 2i + 1)``
    draws the pair at position 0 (grey arrow), at ``m`` (coloured arrow), the path of its tip in
    between, and the total angle turned (read from the path, so a pair may turn at most half a
    turn per position, as RoPE's angles of at most 1 radian do).
    """
    trail = np.asarray(trail, dtype=float)
    if trail.ndim != 2 or trail.shape[1] % 2 or trail.shape[0] == 0 or trail.shape[1] > 16:
        raise ValueError(f"trail must be [positions, even d <= 16], got shape {trail.shape}")
    n_pairs = trail.shape[1] // 2
    m = trail.shape[0] - 1
    radius = 1.15 * max(float(np.abs(trail).max()), 1e-12)
    fig, axes = new_figure(ncols=n_pairs, width=2.6, height=3.0)
    circle = np.linspace(0, 2 * np.pi, 200)
    for i, ax in enumerate(axes):
        xs, ys = trail[:, 2 * i], trail[:, 2 * i + 1]
        turned = float(np.sum(np.diff(np.unwrap(np.arctan2(ys, xs))))) if m else 0.0
        r0 = float(np.hypot(xs[0], ys[0]))
        ax.plot(r0 * np.cos(circle), r0 * np.sin(circle), color="0.85", linewidth=1)
        ax.plot(xs, ys, ".", color=f"C{i}", markersize=3, alpha=0.35)
        grey = {"arrowstyle": "->", "color": "0.55"}
        ax.annotate("", (xs[0], ys[0]), (0, 0), arrowprops=grey)
        ax.annotate("", (xs[-1], ys[-1]), (0, 0), arrowprops={**grey, "color": f"C{i}", "lw": 2})
        ax.set_xlim(-radius, radius)
        ax.set_ylim(-radius, radius)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"pair {i}: {turned:.3g} rad\n({turned / (2 * np.pi):.3g} turns)", fontsize=10)
        ax.set_xlabel(f"dim {2 * i}")
        ax.set_ylabel(f"dim {2 * i + 1}")
    fig.suptitle(f"RoPE at position m = {m}: each pair turns by m·θ_i (grey arrow: m = 0)")
    fig.tight_layout()
    return fig
