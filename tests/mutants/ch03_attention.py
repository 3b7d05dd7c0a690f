"""ch03_attention: wrong answers students plausibly write; each must lose points."""

_ATTENTION = """
def attention(Q, K, V, mask=None, return_weights=False):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    d_k = Q.shape[-1]
    scores = Q @ {kt} / {scale}
    {mask_before}
    weights = softmax(scores, axis={axis})
    {mask_after}
    out = weights @ V
    return (out, weights) if return_weights else out
"""


def _attention(
    kt: str = "np.swapaxes(K, -1, -2)",
    scale: str = "np.sqrt(d_k)",
    axis: str = "-1",
    mask_before: str = "scores = scores + mask if mask is not None else scores",
    mask_after: str = "pass",
) -> str:
    return _ATTENTION.format(
        kt=kt, scale=scale, axis=axis, mask_before=mask_before, mask_after=mask_after
    )


ATTENTION_IGNORES_RETURN_WEIGHTS = """
def attention(Q, K, V, mask=None, return_weights=False):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores + mask
    return softmax(scores, axis=-1) @ V
"""


def _mask(body: str) -> str:
    return "\ndef causal_mask(n):\n" + body


def _causal(body: str) -> str:
    return (
        "\ndef causal_attention(Q, K, V, return_weights=False):\n    n = np.shape(Q)[-2]\n" + body
    )


_SPLIT = """
def split_heads(X, n_heads):
    X = np.asarray(X, dtype=float)
    seq, d_model = X.shape
    if d_model % n_heads != 0:
        raise ValueError(f"d_model={{d_model}} is not divisible by n_heads={{n_heads}}")
    d_head = d_model // n_heads
    return {body}
"""

_CONCAT = """
def concat_heads(H):
    H = np.asarray(H, dtype=float)
    n_heads, seq, d_head = H.shape
    return {body}
"""

SPLIT_NO_CHECK = """
def split_heads(X, n_heads):
    X = np.asarray(X, dtype=float)
    seq, d_model = X.shape
    return X.reshape(seq, n_heads, d_model // n_heads).transpose(1, 0, 2)
"""

SPLIT_MESSAGE_WITHOUT_NUMBERS = """
def split_heads(X, n_heads):
    X = np.asarray(X, dtype=float)
    seq, d_model = X.shape
    if d_model % n_heads != 0:
        raise ValueError("d_model must be divisible by n_heads")
    return X.reshape(seq, n_heads, d_model // n_heads).transpose(1, 0, 2)
"""

_MHA = """
def multi_head_attention(X, Wq, Wk, Wv, Wo, n_heads, causal=True, return_weights=False):
    X = np.asarray(X, dtype=float)
    Qh, Kh, Vh = (split_heads(X @ W, n_heads) for W in ({wq}, {wk}, Wv))
    mask = {mask}
    heads, weights = attention(Qh, Kh, Vh, mask=mask, return_weights=True)
    out = {out}
    return (out, weights) if return_weights else out
"""


def _mha(
    wq: str = "Wq",
    wk: str = "Wk",
    mask: str = "causal_mask(X.shape[0]) if causal else None",
    out: str = "concat_heads(heads) @ Wo",
) -> str:
    return _MHA.format(wq=wq, wk=wk, mask=mask, out=out)


MHA_SCALES_BY_D_MODEL = """
def multi_head_attention(X, Wq, Wk, Wv, Wo, n_heads, causal=True, return_weights=False):
    X = np.asarray(X, dtype=float)
    d_model = X.shape[1]
    Qh, Kh, Vh = (split_heads(X @ W, n_heads) for W in (Wq, Wk, Wv))
    scores = Qh @ np.swapaxes(Kh, -1, -2) / np.sqrt(d_model)
    if causal:
        scores = scores + causal_mask(X.shape[0])
    weights = softmax(scores, axis=-1)
    out = concat_heads(weights @ Vh) @ Wo
    return (out, weights) if return_weights else out
"""

MHA_OWN_INTERLEAVED_SPLIT = """
def multi_head_attention(X, Wq, Wk, Wv, Wo, n_heads, causal=True, return_weights=False):
    X = np.asarray(X, dtype=float)
    seq, d_model = X.shape
    split = lambda M: M.reshape(seq, d_model // n_heads, n_heads).transpose(2, 0, 1)
    Qh, Kh, Vh = (split(X @ W) for W in (Wq, Wk, Wv))
    mask = causal_mask(seq) if causal else None
    heads, weights = attention(Qh, Kh, Vh, mask=mask, return_weights=True)
    out = concat_heads(heads) @ Wo
    return (out, weights) if return_weights else out
"""

MHA_ONE_PROJECTION_BEFORE_SPLIT_MISSING = """
def multi_head_attention(X, Wq, Wk, Wv, Wo, n_heads, causal=True, return_weights=False):
    X = np.asarray(X, dtype=float)
    mask = causal_mask(X.shape[0]) if causal else None
    out, weights = attention(X @ Wq, X @ Wk, X @ Wv, mask=mask, return_weights=True)
    out = out @ Wo
    return (out, weights[None]) if return_weights else out
"""


def _equiv(body: str) -> str:
    return (
        "\ndef equivariance_error(f, X, perm):\n"
        "    X = np.asarray(X, dtype=float)\n"
        "    perm = np.asarray(perm)\n" + body
    )


MUTANTS = {
    "attention scaled by d_k instead of sqrt(d_k)": {"ex_3_1_attention": _attention(scale="d_k")},
    "attention without scaling": {"ex_3_1_attention": _attention(scale="1.0")},
    "attention scaled by sqrt(d_v)": {"ex_3_1_attention": _attention(scale="np.sqrt(V.shape[-1])")},
    "mask added after softmax": {
        "ex_3_1_attention": _attention(
            mask_before="pass",
            mask_after="weights = weights + mask if mask is not None else weights",
        )
    },
    "softmax over the query axis": {"ex_3_1_attention": _attention(axis="-2")},
    "attention with K.T (reverses every axis)": {"ex_3_1_attention": _attention(kt="K.T")},
    "attention ignoring return_weights": {"ex_3_1_attention": ATTENTION_IGNORES_RETURN_WEIGHTS},
    "mask honouring only its -inf entries": {
        "ex_3_1_attention": _attention(
            mask_before="scores = np.where(np.isneginf(mask), -np.inf, scores) "
            "if mask is not None else scores"
        )
    },
    "causal mask with the diagonal excluded": {
        "ex_3_2_causal_mask": _mask("    return np.triu(np.full((n, n), -np.inf), k=0)\n")
    },
    "causal mask transposed (masks the past)": {
        "ex_3_2_causal_mask": _mask(
            "    m = np.zeros((n, n))\n    m[np.tril_indices(n, k=-1)] = -np.inf\n    return m\n"
        )
    },
    "causal mask with -1e9 instead of -inf": {
        "ex_3_2_causal_mask": _mask(
            "    m = np.zeros((n, n))\n    m[np.triu_indices(n, k=1)] = -1e9\n    return m\n"
        )
    },
    "causal mask as booleans": {
        "ex_3_2_causal_mask": _mask("    return np.triu(np.ones((n, n), dtype=bool), k=1)\n")
    },
    "causal attention without a mask": {
        "ex_3_3_causal_attention": _causal(
            "    return attention(Q, K, V, return_weights=return_weights)\n"
        )
    },
    "causal attention with the diagonal masked": {
        "ex_3_3_causal_attention": _causal(
            "    mask = np.triu(np.full((n, n), -np.inf), k=0)\n"
            "    with np.errstate(invalid='ignore'):\n"
            "        return attention(Q, K, V, mask=mask, return_weights=return_weights)\n"
        )
    },
    "causal attention seeing one future token": {
        "ex_3_3_causal_attention": _causal(
            "    mask = np.triu(np.full((n, n), -np.inf), k=2)\n"
            "    return attention(Q, K, V, mask=mask, return_weights=return_weights)\n"
        )
    },
    "causal attention with a transposed mask": {
        "ex_3_3_causal_attention": _causal(
            "    mask = causal_mask(n).T\n"
            "    return attention(Q, K, V, mask=mask, return_weights=return_weights)\n"
        )
    },
    "heads split by interleaving": {
        "ex_3_4_split_heads": _SPLIT.format(
            body="X.reshape(seq, d_head, n_heads).transpose(2, 0, 1)"
        )
    },
    "heads split by a plain reshape": {
        "ex_3_4_split_heads": _SPLIT.format(body="X.reshape(n_heads, seq, d_head)")
    },
    "split_heads without its own divisibility check": {"ex_3_4_split_heads": SPLIT_NO_CHECK},
    "split_heads error without the numbers": {"ex_3_4_split_heads": SPLIT_MESSAGE_WITHOUT_NUMBERS},
    "heads concatenated by a plain reshape": {
        "ex_3_5_concat_heads": _CONCAT.format(body="H.reshape(seq, n_heads * d_head)")
    },
    "heads concatenated interleaved": {
        "ex_3_5_concat_heads": _CONCAT.format(
            body="H.transpose(1, 2, 0).reshape(seq, n_heads * d_head)"
        )
    },
    "multi-head attention without Wo": {
        "ex_3_6_multi_head_attention": _mha(out="concat_heads(heads)")
    },
    "multi-head attention always causal": {
        "ex_3_6_multi_head_attention": _mha(mask="causal_mask(X.shape[0])")
    },
    "multi-head attention never causal": {"ex_3_6_multi_head_attention": _mha(mask="None")},
    "multi-head attention using Wq for the keys": {"ex_3_6_multi_head_attention": _mha(wk="Wq")},
    "multi-head attention scaled by sqrt(d_model)": {
        "ex_3_6_multi_head_attention": MHA_SCALES_BY_D_MODEL
    },
    "multi-head attention splitting heads by interleaving": {
        "ex_3_6_multi_head_attention": MHA_OWN_INTERLEAVED_SPLIT
    },
    "multi-head attention with a single big head": {
        "ex_3_6_multi_head_attention": MHA_ONE_PROJECTION_BEFORE_SPLIT_MISSING
    },
    "trace 3.7 answered A": {"ex_3_7_attention_cost": 'answer_3_7 = "A"'},
    "trace 3.7 answered C": {"ex_3_7_attention_cost": 'answer_3_7 = "C"'},
    "equivariance error without permuting the output": {
        "ex_3_8_permutation_proof": _equiv("    return float(np.max(np.abs(f(X[perm]) - f(X))))\n")
    },
    "equivariance error with the inverse permutation on the output": {
        "ex_3_8_permutation_proof": _equiv(
            "    inv = np.argsort(perm)\n    return float(np.max(np.abs(f(X[perm]) - f(X)[inv])))\n"
        )
    },
    "equivariance error as a mean": {
        "ex_3_8_permutation_proof": _equiv(
            "    return float(np.mean(np.abs(f(X[perm]) - f(X)[perm])))\n"
        )
    },
    "equivariance check returning a boolean": {
        "ex_3_8_permutation_proof": _equiv("    return bool(np.allclose(f(X[perm]), f(X)[perm]))\n")
    },
    "heatmap weights from a non-causal layer": {
        "ex_3_9_attention_heatmap": "_, sentence_weights = multi_head_attention(X_toy, Wq_toy, "
        "Wk_toy, Wv_toy, Wo_toy, 2, causal=False, return_weights=True)"
    },
    "multi-head attention delegating to course.reference": {
        "ex_3_6_multi_head_attention": (
            "def multi_head_attention(X, Wq, Wk, Wv, Wo, n_heads, causal=True,"
            " return_weights=False):\n"
            "    from course.reference.gpt import attention_forward\n"
            "    X = np.asarray(X, dtype=float)\n"
            "    q, k, v = X @ Wq, X @ Wk, X @ Wv\n"
            "    out, cache = attention_forward(q[None], k[None], v[None], n_heads, causal)\n"
            "    if return_weights:\n"
            "        return out[0] @ Wo, cache[3][0]\n"
            "    return out[0] @ Wo\n"
        )
    },
    "causal attention delegating to course.reference": {
        "ex_3_3_causal_attention": (
            "def causal_attention(Q, K, V, return_weights=False):\n"
            "    from course.reference.gpt import attention_forward\n"
            "    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))\n"
            "    out, cache = attention_forward(Q[None], K[None], V[None], 1, True)\n"
            "    return (out[0], cache[3][0, 0]) if return_weights else out[0]\n"
        )
    },
}
