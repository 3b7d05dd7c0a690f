"""Plots for ch13 (reward hacking: proxy vs true reward as the policy moves away)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.theme import new_figure


def reward_kl_plot(
    kls: Sequence[float],
    proxy_rewards: Sequence[float],
    true_rewards: Sequence[float],
    betas: Sequence[float] | None = None,
) -> Figure:
    """Proxy and true expected reward against KL(policy || reference), one point per policy.

    All sequences are the student's computed values, in the same order; ``betas`` (optional)
    labels each point with the KL coefficient that produced it.
    """
    kls = np.asarray(kls, dtype=float)
    proxy = np.asarray(proxy_rewards, dtype=float)
    true = np.asarray(true_rewards, dtype=float)
    if not (len(kls) == len(proxy) == len(true)) or len(kls) == 0:
        raise ValueError("kls, proxy_rewards and true_rewards need the same, non-zero length")
    if betas is not None and len(betas) != len(kls):
        raise ValueError(f"{len(betas)} betas for {len(kls)} points")
    order = np.argsort(kls)
    fig, axes = new_figure(width=6.0, height=3.8)
    ax = axes[0]
    ax.plot(kls[order], proxy[order], marker="o", label="proxy reward (reward model)")
    ax.plot(kls[order], true[order], marker="s", label="true reward")
    if betas is not None:
        for x, y, beta in zip(kls, true, betas, strict=True):
            ax.annotate(
                f"β={beta:g}", (x, y), textcoords="offset points", xytext=(4, -12), fontsize=8
            )
    ax.set_xlabel("KL(policy ‖ reference) [nats]")
    ax.set_ylabel("expected reward")
    ax.set_title("Reward hacking: optimising the proxy")
    ax.legend(loc="best")
    fig.tight_layout()
    return fig
