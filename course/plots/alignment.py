"""Plots for ch13 (reward hacking: proxy vs true reward as the policy moves away; PPO's clip)."""

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


def ppo_clip_plot(
    ratios: Sequence[float],
    objective_pos: Sequence[float],
    objective_neg: Sequence[float],
    eps: float = 0.2,
) -> Figure:
    """PPO's clipped surrogate against the probability ratio, for A = +1 and A = -1.

    ``objective_pos`` and ``objective_neg`` are the student's per-token objectives at ``ratios``
    (advantage +1 and -1); the band [1 - eps, 1 + eps] is shaded and the ratio 1 marked.
    """
    ratios = np.asarray(ratios, dtype=float)
    pos = np.asarray(objective_pos, dtype=float)
    neg = np.asarray(objective_neg, dtype=float)
    if ratios.ndim != 1 or len(ratios) == 0 or not (pos.shape == neg.shape == ratios.shape):
        raise ValueError(
            f"ratios {ratios.shape}, objective_pos {pos.shape} and objective_neg {neg.shape} "
            "must be 1-D arrays of the same, non-zero length"
        )
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie between 0 and 1, got {eps}")
    fig, axes = new_figure(ncols=2, width=4.6, height=3.6)
    for ax, values, sign in ((axes[0], pos, "A = +1"), (axes[1], neg, "A = -1")):
        advantage = 1.0 if sign.endswith("+1") else -1.0
        ax.axvspan(1 - eps, 1 + eps, color="0.9", label=f"band 1 ± {eps:g}")
        ax.plot(ratios, ratios * advantage, linestyle=":", label="unclipped ρA")
        ax.plot(ratios, values, label="clipped objective")
        ax.axvline(1.0, color="0.5", linewidth=0.8)
        ax.set_xlabel("probability ratio ρ = π_θ / π_old")
        ax.set_ylabel("objective J")
        ax.set_title(f"PPO clip, {sign}")
        ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig
