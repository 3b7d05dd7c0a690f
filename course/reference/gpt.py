"""A GPT-2 forward pass in numpy, written as pure functions with the caches a backward pass needs.

Parameters live in one flat dict with the names ch11's ``GPT.parameters()`` uses::

    wte [V, d], wpe [block_size, d],
    blocks.{i}.ln1_g, ln1_b, w_q, b_q, w_k, b_k, w_v, b_v, w_o, b_o,
               ln2_g, ln2_b, w_fc, b_fc, w_proj, b_proj,
    lnf_g, lnf_b, and w_head [d, V] unless the head is tied to wte.

Every ``*_forward`` returns ``(output, cache)``; ch12's students write the matching backward.

Written for speed as well as clarity (ch12 trains with it): every function keeps the dtype of its
inputs (float32 parameters give a float32 forward pass; constants are Python floats, because a
numpy float64 scalar such as ``np.sqrt(2.0)`` would turn a float32 array into float64), updates its
own fresh arrays in place instead of allocating a temporary per operation, writes powers as
products (``x * x * x``; ``x**3`` calls the slow general ``pow``), and multiplies all heads of
attention in one batched matmul.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

BLOCK_KEYS = (
    "ln1_g", "ln1_b", "w_q", "b_q", "w_k", "b_k", "w_v", "b_v", "w_o", "b_o",
    "ln2_g", "ln2_b", "w_fc", "b_fc", "w_proj", "b_proj",
)  # fmt: skip


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.subtract(x, np.max(x, axis=axis, keepdims=True), dtype=_float_dtype(x))
    np.exp(e, out=e)
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def _float_dtype(x: np.ndarray) -> np.dtype:
    """x's dtype if it is a float type, else float64 (softmax of integers)."""
    dtype = np.asarray(x).dtype
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


GELU_C = math.sqrt(2.0 / math.pi)  # a Python float: float32 arrays stay float32


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh approximation (GPT-2): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    u = x * x  # one fresh array, updated in place: no temporary per operation
    u *= 0.044715
    u += 1.0
    u *= x
    u *= GELU_C  # sqrt(2/pi) (x + 0.044715 x^3)
    np.tanh(u, out=u)
    u += 1.0
    u *= x
    u *= 0.5
    return u


def init_params(
    vocab_size: int,
    block_size: int,
    d_model: int,
    n_layers: int,
    seed: int = 0,
    std: float = 0.02,
    dtype: Any = np.float64,
) -> dict[str, np.ndarray]:
    """GPT-2 initialisation (weights N(0, std^2), biases 0, gains 1; the output projections of
    each residual branch scaled by 1/sqrt(2 L)); tied head (no ``w_head``).

    ``dtype=np.float32`` gives the same draws rounded to float32 (train in float32: half the
    memory traffic, twice the matmul speed); float64, the default, is what gradient checks need."""
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
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"init_params: dtype must be a float type (float32, float64), not {dtype}")
    return {name: a.astype(dtype, copy=False) for name, a in params.items()}


def n_layers_of(params: dict[str, np.ndarray]) -> int:
    return len({name.split(".")[1] for name in params if name.startswith("blocks.")})


def linear_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    y = x @ w
    y += b
    return y, (x, w)


def layer_norm_forward(
    x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float = 1e-5
) -> tuple[np.ndarray, Any]:
    xhat = x - x.mean(axis=-1, keepdims=True)
    var = np.einsum("...i,...i->...", xhat, xhat)[..., None]  # sum of squares, no [.., d] temporary
    var /= x.shape[-1]
    var += eps
    rstd = np.sqrt(var, out=var)
    np.divide(1.0, rstd, out=rstd)
    xhat *= rstd
    y = xhat * g
    y += b
    return y, (xhat, rstd, g)


def gelu_forward(x: np.ndarray) -> tuple[np.ndarray, Any]:
    return gelu(x), x


def attention_forward(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, n_heads: int, causal: bool = True
) -> tuple[np.ndarray, Any]:
    """Multi-head attention core on [B, T, d] projections -> [B, T, d] (heads merged)."""
    B, T, d = q.shape
    dh = d // n_heads

    def split(a: np.ndarray) -> np.ndarray:  # [B, T, d] -> [B, H, T, dh] (a view, no copy)
        return a.reshape(B, T, n_heads, dh).transpose(0, 2, 1, 3)

    qh, kh, vh = split(q), split(k), split(v)
    scores = qh @ kh.transpose(0, 1, 3, 2)  # [B, H, T, T]: every head in one batched matmul
    scores *= 1.0 / math.sqrt(dh)
    if causal:
        scores += _causal_bias(T, scores.dtype)  # -inf above the diagonal
    scores -= scores.max(axis=-1, keepdims=True)  # softmax, in place
    probs = np.exp(scores, out=scores)
    probs /= probs.sum(axis=-1, keepdims=True)
    out = (probs @ vh).transpose(0, 2, 1, 3).reshape(B, T, d)
    return out, (qh, kh, vh, probs)


@functools.lru_cache(maxsize=64)
def _causal_bias(T: int, dtype: np.dtype) -> np.ndarray:
    """[T, T]: 0 on and below the diagonal, -inf above (read-only, cached per T and dtype)."""
    bias = np.where(np.triu(np.ones((T, T), dtype=bool), k=1), -np.inf, 0.0).astype(dtype)
    bias.flags.writeable = False
    return bias


def embedding_forward(wte: np.ndarray, wpe: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, Any]:
    """ids [B, T] -> wte[ids] + wpe[:T]  ([B, T, d])."""
    ids = np.asarray(ids)
    x = wte[ids]
    x += wpe[: ids.shape[-1]]
    return x, ids


def block_forward(
    p: dict[str, np.ndarray], x: np.ndarray, n_heads: int, causal: bool = True
) -> tuple[np.ndarray, Any]:
    """One pre-LN GPT-2 block on x [B, T, d] (``p`` keyed by BLOCK_KEYS) -> (x', cache)."""
    h, c_ln1 = layer_norm_forward(x, p["ln1_g"], p["ln1_b"])
    # Q, K and V in one matmul against [w_q | w_k | w_v] (one large product beats three small
    # ones); the caches are those of three separate linear layers, as the backward pass expects.
    d = h.shape[-1]
    w_qkv = np.concatenate((p["w_q"], p["w_k"], p["w_v"]), axis=1)
    qkv, _ = linear_forward(h, w_qkv, np.concatenate((p["b_q"], p["b_k"], p["b_v"])))
    q, k, v = qkv[..., :d], qkv[..., d : 2 * d], qkv[..., 2 * d :]
    c_q, c_k, c_v = (h, p["w_q"]), (h, p["w_k"]), (h, p["w_v"])
    a, c_att = attention_forward(q, k, v, n_heads, causal)
    o, c_o = linear_forward(a, p["w_o"], p["b_o"])
    o += x  # residual (o is this block's own array: add in place)
    x = o
    h2, c_ln2 = layer_norm_forward(x, p["ln2_g"], p["ln2_b"])
    f, c_fc = linear_forward(h2, p["w_fc"], p["b_fc"])
    gf, c_gelu = gelu_forward(f)
    m, c_proj = linear_forward(gf, p["w_proj"], p["b_proj"])
    m += x
    return m, (c_ln1, c_q, c_k, c_v, c_att, c_o, c_ln2, c_fc, c_gelu, c_proj)


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
