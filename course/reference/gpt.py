"""A GPT-2 forward pass in numpy, written as pure functions with the caches a backward pass needs.

Parameters live in one flat dict with the names ch11's ``GPT.parameters()`` uses::

    wte [V, d], wpe [block_size, d],
    blocks.{i}.ln1_g, ln1_b, w_q, b_q, w_k, b_k, w_v, b_v, w_o, b_o,
               ln2_g, ln2_b, w_fc, b_fc, w_proj, b_proj,
    lnf_g, lnf_b, and w_head [d, V] unless the head is tied to wte.

Every ``*_forward`` returns ``(output, cache)``; ch12's students write the matching backward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

BLOCK_KEYS = (
    "ln1_g", "ln1_b", "w_q", "b_q", "w_k", "b_k", "w_v", "b_v", "w_o", "b_o",
    "ln2_g", "ln2_b", "w_fc", "b_fc", "w_proj", "b_proj",
)  # fmt: skip


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh approximation (GPT-2)."""
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x * x * x)))


def init_params(
    vocab_size: int, block_size: int, d_model: int, n_layers: int, seed: int = 0, std: float = 0.02
) -> dict[str, np.ndarray]:
    """GPT-2 initialisation (weights N(0, std^2), biases 0, gains 1; the output projections of
    each residual branch scaled by 1/sqrt(2 L)); tied head (no ``w_head``)."""
    rng = np.random.default_rng(seed)
    d = d_model
    params = {
        "wte": rng.normal(0, std, (vocab_size, d)),
        "wpe": rng.normal(0, std / 2, (block_size, d)),
    }
    out_std = std / np.sqrt(2 * max(n_layers, 1))
    shapes = {
        "w_q": (d, d), "w_k": (d, d), "w_v": (d, d), "w_o": (d, d),
        "w_fc": (d, 4 * d), "w_proj": (4 * d, d),
    }  # fmt: skip
    for i in range(n_layers):
        for key in BLOCK_KEYS:
            name = f"blocks.{i}.{key}"
            if key.endswith("_g"):
                params[name] = np.ones(d)
            elif key.startswith("b_") or key.endswith("_b"):
                params[name] = np.zeros(4 * d if key == "b_fc" else d)
            else:
                scale = out_std if key in ("w_o", "w_proj") else std
                params[name] = rng.normal(0, scale, shapes[key])
    params["lnf_g"], params["lnf_b"] = np.ones(d), np.zeros(d)
    return params


def n_layers_of(params: dict[str, np.ndarray]) -> int:
    return len({name.split(".")[1] for name in params if name.startswith("blocks.")})


def linear_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    return x @ w + b, (x, w)


def layer_norm_forward(
    x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float = 1e-5
) -> tuple[np.ndarray, Any]:
    mu = x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    xhat = (x - mu) * rstd
    return xhat * g + b, (xhat, rstd, g)


def gelu_forward(x: np.ndarray) -> tuple[np.ndarray, Any]:
    return gelu(x), x


def attention_forward(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, n_heads: int, causal: bool = True
) -> tuple[np.ndarray, Any]:
    """Multi-head attention core on [B, T, d] projections -> [B, T, d] (heads merged)."""
    B, T, d = q.shape
    dh = d // n_heads

    def split(a: np.ndarray) -> np.ndarray:  # [B, T, d] -> [B, H, T, dh]
        return a.reshape(B, T, n_heads, dh).transpose(0, 2, 1, 3)

    qh, kh, vh = split(q), split(k), split(v)
    scores = qh @ kh.transpose(0, 1, 3, 2) / np.sqrt(dh)  # [B, H, T, T]
    if causal:
        scores = np.where(np.triu(np.ones((T, T), dtype=bool), k=1), -np.inf, scores)
    probs = softmax(scores, axis=-1)
    out = (probs @ vh).transpose(0, 2, 1, 3).reshape(B, T, d)
    return out, (qh, kh, vh, probs)


def embedding_forward(wte: np.ndarray, wpe: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, Any]:
    """ids [B, T] -> wte[ids] + wpe[:T]  ([B, T, d])."""
    ids = np.asarray(ids)
    return wte[ids] + wpe[: ids.shape[-1]], ids


def block_forward(
    p: dict[str, np.ndarray], x: np.ndarray, n_heads: int, causal: bool = True
) -> tuple[np.ndarray, Any]:
    """One pre-LN GPT-2 block on x [B, T, d] (``p`` keyed by BLOCK_KEYS) -> (x', cache)."""
    h, c_ln1 = layer_norm_forward(x, p["ln1_g"], p["ln1_b"])
    q, c_q = linear_forward(h, p["w_q"], p["b_q"])
    k, c_k = linear_forward(h, p["w_k"], p["b_k"])
    v, c_v = linear_forward(h, p["w_v"], p["b_v"])
    a, c_att = attention_forward(q, k, v, n_heads, causal)
    o, c_o = linear_forward(a, p["w_o"], p["b_o"])
    x = x + o
    h2, c_ln2 = layer_norm_forward(x, p["ln2_g"], p["ln2_b"])
    f, c_fc = linear_forward(h2, p["w_fc"], p["b_fc"])
    gf, c_gelu = gelu_forward(f)
    m, c_proj = linear_forward(gf, p["w_proj"], p["b_proj"])
    return x + m, (c_ln1, c_q, c_k, c_v, c_att, c_o, c_ln2, c_fc, c_gelu, c_proj)


def gpt_forward(
    params: dict[str, np.ndarray], ids: np.ndarray, n_heads: int, causal: bool = True
) -> tuple[np.ndarray, list[tuple[str, Any]]]:
    """ids [B, T] -> logits [B, T, V], with a tape of (layer name, cache) for the backward pass."""
    tape: list[tuple[str, Any]] = []
    x, cache = embedding_forward(params["wte"], params["wpe"], ids)
    tape.append(("embedding", cache))
    for i in range(n_layers_of(params)):
        p = {key: params[f"blocks.{i}.{key}"] for key in BLOCK_KEYS}
        x, cache = block_forward(p, x, n_heads, causal)
        tape.append((f"blocks.{i}", cache))
    h, c_lnf = layer_norm_forward(x, params["lnf_g"], params["lnf_b"])
    head = params["w_head"] if "w_head" in params else params["wte"].T
    tape.append(("final", (c_lnf, h)))
    return h @ head, tape
