"""The ch05 plot helper draws exactly the data it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.plots.positions import pe_heatmap, rope_offset_plot


def _table(seq_len: int, d: int) -> np.ndarray:
    pos = np.arange(seq_len)[:, None]
    omega = 10000.0 ** (-np.arange(0, d, 2) / d)
    pe = np.empty((seq_len, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(pos * omega), np.cos(pos * omega)
    return pe


def test_pe_heatmap_draws_the_table_position_by_dimension():
    pe = _table(20, 8)
    fig = pe_heatmap(pe)
    ax = fig.axes[0]
    (image,) = ax.get_images()
    np.testing.assert_allclose(image.get_array(), pe)
    assert ax.get_xlabel() == "dimension" and ax.get_ylabel() == "position"
    assert image.get_clim() == (-1, 1)
    assert len(fig.axes) == 2  # the heatmap and its colorbar
    plt.close(fig)


def test_pe_heatmap_wavelength_panel_shows_the_given_wavelengths():
    pe = _table(30, 8)
    wavelengths = 2 * np.pi * 10000.0 ** (np.arange(0, 8, 2) / 8)
    fig = pe_heatmap(pe, wavelengths=wavelengths)
    assert len(fig.axes) == 3
    panel = next(ax for ax in fig.axes if ax.get_title() == "Wavelength of each pair")
    curve, marker = panel.get_lines()
    np.testing.assert_allclose(curve.get_ydata(), wavelengths)
    np.testing.assert_allclose(curve.get_xdata(), [0, 1, 2, 3])
    np.testing.assert_allclose(marker.get_ydata(), [30, 30])
    assert panel.get_yscale() == "log"
    assert "wavelength" in panel.get_ylabel()
    plt.close(fig)


def test_pe_heatmap_rejects_bad_input():
    with pytest.raises(ValueError):
        pe_heatmap(np.zeros(8))
    with pytest.raises(ValueError):
        pe_heatmap(np.zeros((10, 8)), wavelengths=[1.0, 2.0, 3.0])


def test_rope_offset_plot_draws_one_line_per_start_position():
    offsets = [0, 1, 2, 3]
    scores = {640: [1.0, 0.5, 0.2, 0.1], 10: [1.0, 0.5, 0.2, 0.1]}
    fig = rope_offset_plot(offsets, scores)
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["query at m = 10", "query at m = 640"]
    np.testing.assert_allclose(lines[1].get_ydata(), scores[640])
    np.testing.assert_allclose(lines[0].get_xdata(), offsets)
    assert ax.get_xlabel() == "offset m - n"
    plt.close(fig)


def test_rope_offset_plot_rejects_bad_input():
    with pytest.raises(ValueError):
        rope_offset_plot([0, 1], {})
    with pytest.raises(ValueError):
        rope_offset_plot([0, 1], {3: [1.0, 2.0, 3.0]})
