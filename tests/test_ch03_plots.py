"""The ch03 plot helper draws exactly the attention weights it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.plots.attention import attention_heatmap

TOKENS = ["<bos>", "the", "cat", "sat"]


def _causal_weights(n_heads: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    w = np.tril(rng.uniform(0.1, 1.0, size=(n_heads, n, n)))
    return w / w.sum(axis=-1, keepdims=True)


def test_one_panel_per_head_with_the_data_and_token_labels():
    weights = _causal_weights(2, 4)
    fig = attention_heatmap(weights, TOKENS, head_names=["prev", "same"])
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert len(panels) == 2
    for ax, head, name in zip(panels, weights, ["prev", "same"], strict=True):
        shown = ax.get_images()[0].get_array()
        np.testing.assert_allclose(np.ma.filled(shown, 0.0), head)
        np.testing.assert_array_equal(np.ma.getmaskarray(shown), head == 0.0)
        assert [t.get_text() for t in ax.get_xticklabels()] == TOKENS
        assert [t.get_text() for t in ax.get_yticklabels()] == TOKENS
        assert ax.get_xlabel().startswith("key") and ax.get_ylabel().startswith("query")
        assert ax.get_title() == name
    plt.close(fig)


def test_single_head_2d_input_and_annotations():
    weights = _causal_weights(1, 4)[0]
    fig = attention_heatmap(weights, TOKENS)
    (ax,) = [ax for ax in fig.axes if ax.get_images()]
    assert ax.get_title() == "head 0"
    # One annotation per visible (non-zero) weight: the lower triangle of a 4x4 causal head.
    assert len(ax.texts) == 10
    plt.close(fig)
    fig = attention_heatmap(weights, TOKENS, annotate=False)
    (ax,) = [ax for ax in fig.axes if ax.get_images()]
    assert not ax.texts
    plt.close(fig)


def test_rejects_mismatched_input():
    with pytest.raises(ValueError):
        attention_heatmap(np.ones((3, 3)) / 3, TOKENS)
    with pytest.raises(ValueError):
        attention_heatmap(np.ones(4), TOKENS)
    with pytest.raises(ValueError):
        attention_heatmap(_causal_weights(2, 4), TOKENS, head_names=["only one"])
