"""ch03_attention: wrong answers students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``),
except the two that delegate to course.reference.
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch03_attention")

_SCALE = "/ np.sqrt(d_k)"
_MASK_THEN_SOFTMAX = (
    "if mask is not None:\n"
    "        scores = scores + mask  # before the softmax: -inf becomes probability 0\n"
    "    weights = softmax(scores, axis=-1)  # each query's distribution over the keys"
)
_CAUSAL_RETURN = "return attention(Q, K, V, mask=causal_mask(n), return_weights=return_weights)"
_SPLIT = "X.reshape(seq, n_heads, d_head).transpose(1, 0, 2)"
_SPLIT_CHECK = (
    "if d_model % n_heads != 0:\n"
    '        raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}")\n    '
)
_CONCAT = "H.transpose(1, 0, 2).reshape(seq, n_heads * d_head)"
_MHA_MASK = "mask = causal_mask(X.shape[0]) if causal else None"
_MHA_ATTENTION = "heads, weights = attention(Qh, Kh, Vh, mask=mask, return_weights=True)"
_EQUIV_FX = "np.asarray(f(X))[perm]"

MUTANTS = {
    # 3.1 attention
    "attention scaled by d_k instead of sqrt(d_k)": _swap("ex_3_1_attention", _SCALE, "/ d_k"),
    "attention without scaling": _swap("ex_3_1_attention", _SCALE, "/ 1.0"),
    "attention scaled by sqrt(d_v)": _swap("ex_3_1_attention", _SCALE, "/ np.sqrt(V.shape[-1])"),
    "mask added after softmax": _swap(
        "ex_3_1_attention",
        _MASK_THEN_SOFTMAX,
        "weights = softmax(scores, axis=-1)\n"
        "    if mask is not None:\n"
        "        weights = weights + mask",
    ),
    "softmax over the query axis": _swap(
        "ex_3_1_attention", "softmax(scores, axis=-1)", "softmax(scores, axis=-2)"
    ),
    "attention with K.T (reverses every axis)": _swap(
        "ex_3_1_attention", "np.swapaxes(K, -1, -2)", "K.T"
    ),
    "attention ignoring return_weights": _swap(
        "ex_3_1_attention", "return (out, weights) if return_weights else out", "return out"
    ),
    "mask honouring only its -inf entries": _swap(
        "ex_3_1_attention",
        "scores = scores + mask",
        "scores = np.where(np.isneginf(mask), -np.inf, scores)",
    ),
    # 3.2 causal_mask
    "causal mask with the diagonal excluded": _swap(
        "ex_3_2_causal_mask", "np.triu_indices(n, k=1)", "np.triu_indices(n, k=0)"
    ),
    "causal mask transposed (masks the past)": _swap(
        "ex_3_2_causal_mask", "np.triu_indices(n, k=1)", "np.tril_indices(n, k=-1)"
    ),
    "causal mask with -1e9 instead of -inf": _swap("ex_3_2_causal_mask", "= -np.inf", "= -1e9"),
    "causal mask as booleans": _swap(
        "ex_3_2_causal_mask",
        "mask = np.zeros((n, n))\n    mask[np.triu_indices(n, k=1)] = -np.inf",
        "mask = np.zeros((n, n), dtype=bool)\n    mask[np.triu_indices(n, k=1)] = True",
    ),
    # 3.3 causal_attention
    "causal attention without a mask": _swap(
        "ex_3_3_causal_attention", "mask=causal_mask(n), ", ""
    ),
    "causal attention with the diagonal masked": _swap(
        "ex_3_3_causal_attention",
        _CAUSAL_RETURN,
        "mask = np.triu(np.full((n, n), -np.inf), k=0)\n"
        "    with np.errstate(invalid='ignore'):\n"
        "        return attention(Q, K, V, mask=mask, return_weights=return_weights)",
    ),
    "causal attention seeing one future token": _swap(
        "ex_3_3_causal_attention",
        "mask=causal_mask(n)",
        "mask=np.triu(np.full((n, n), -np.inf), k=2)",
    ),
    "causal attention with a transposed mask": _swap(
        "ex_3_3_causal_attention", "mask=causal_mask(n)", "mask=causal_mask(n).T"
    ),
    # 3.4 split_heads
    "heads split by interleaving": _swap(
        "ex_3_4_split_heads", _SPLIT, "X.reshape(seq, d_head, n_heads).transpose(2, 0, 1)"
    ),
    "heads split by a plain reshape": _swap(
        "ex_3_4_split_heads", _SPLIT, "X.reshape(n_heads, seq, d_head)"
    ),
    "split_heads without its own divisibility check": _swap("ex_3_4_split_heads", _SPLIT_CHECK, ""),
    "split_heads error without the numbers": _swap(
        "ex_3_4_split_heads",
        'f"d_model={d_model} is not divisible by n_heads={n_heads}"',
        '"d_model must be divisible by n_heads"',
    ),
    # 3.5 concat_heads
    "heads concatenated by a plain reshape": _swap(
        "ex_3_5_concat_heads", _CONCAT, "H.reshape(seq, n_heads * d_head)"
    ),
    "heads concatenated interleaved": _swap(
        "ex_3_5_concat_heads", _CONCAT, "H.transpose(1, 2, 0).reshape(seq, n_heads * d_head)"
    ),
    # 3.6 multi_head_attention
    "multi-head attention without Wo": _swap(
        "ex_3_6_multi_head_attention", "out = concat_heads(heads) @ Wo", "out = concat_heads(heads)"
    ),
    "multi-head attention always causal": _swap(
        "ex_3_6_multi_head_attention", _MHA_MASK, "mask = causal_mask(X.shape[0])"
    ),
    "multi-head attention never causal": _swap(
        "ex_3_6_multi_head_attention", _MHA_MASK, "mask = None"
    ),
    "multi-head attention using Wq for the keys": _swap(
        "ex_3_6_multi_head_attention", "for W in (Wq, Wk, Wv)", "for W in (Wq, Wq, Wv)"
    ),
    "multi-head attention scaled by sqrt(d_model)": _swap(
        "ex_3_6_multi_head_attention",
        _MHA_ATTENTION,
        "scores = Qh @ np.swapaxes(Kh, -1, -2) / np.sqrt(X.shape[1])\n"
        "    if mask is not None:\n"
        "        scores = scores + mask\n"
        "    weights = softmax(scores, axis=-1)\n"
        "    heads = weights @ Vh",
    ),
    "multi-head attention splitting heads by interleaving": _swap(
        "ex_3_6_multi_head_attention",
        "split_heads(X @ W, n_heads)",
        "(X @ W).reshape(X.shape[0], X.shape[1] // n_heads, n_heads).transpose(2, 0, 1)",
    ),
    "multi-head attention with a single big head": _swap(
        "ex_3_6_multi_head_attention", "split_heads(X @ W, n_heads)", "(X @ W)[None]"
    ),
    # 3.7 trace
    "trace 3.7 answered A": _swap("ex_3_7_attention_cost", '"B"', '"A"'),
    "trace 3.7 answered C": _swap("ex_3_7_attention_cost", '"B"', '"C"'),
    # 3.8 permutation equivariance
    "equivariance error without permuting the output": _swap(
        "ex_3_8_permutation_proof", _EQUIV_FX, "np.asarray(f(X))"
    ),
    "equivariance error with the inverse permutation on the output": _swap(
        "ex_3_8_permutation_proof", _EQUIV_FX, "np.asarray(f(X))[np.argsort(perm)]"
    ),
    "equivariance error as a mean": _swap(
        "ex_3_8_permutation_proof", "float(np.max(", "float(np.mean("
    ),
    "equivariance check returning a boolean": _swap(
        "ex_3_8_permutation_proof",
        "return float(np.max(np.abs(np.asarray(f(X[perm])) - np.asarray(f(X))[perm])))",
        "return bool(np.allclose(f(X[perm]), f(X)[perm]))",
    ),
    # 3.9 heatmap
    "heatmap weights from a non-causal layer": _swap(
        "ex_3_9_attention_heatmap", "causal=True", "causal=False"
    ),
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

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "attention scaled by d_k instead of sqrt(d_k)": (
        "dividing the scores by d_k instead of sqrt(d_k)"
    ),
    "attention without scaling": "not dividing the scores by sqrt(d_k)",
    "attention scaled by sqrt(d_v)": (
        "dividing the scores by sqrt(d_v) (V's width) instead of sqrt(d_k)"
    ),
    "mask added after softmax": (
        "adding the mask to the weights after the softmax instead of to the scores before it"
    ),
    "softmax over the query axis": (
        "softmax over the queries (axis -2) instead of over the keys (axis -1)"
    ),
    "attention with K.T (reverses every axis)": (
        "K.T, which reverses every axis, instead of swapping the last two (np.swapaxes(K, -1, -2))"
    ),
    "attention ignoring return_weights": "returning only the output when return_weights=True",
    "mask honouring only its -inf entries": (
        "using only the mask's -inf entries instead of adding the whole mask to the scores"
    ),
    "causal mask with the diagonal excluded": "masking the diagonal too (a token may see itself)",
    "causal mask transposed (masks the past)": (
        "masking the past (below the diagonal) instead of the future"
    ),
    "causal mask with -1e9 instead of -inf": "-1e9 instead of -inf for the masked entries",
    "causal mask as booleans": "a boolean mask instead of a float mask of 0 and -inf",
    "causal attention without a mask": "calling attention without the causal mask",
    "causal attention with the diagonal masked": "a mask that also hides each token from itself",
    "causal attention seeing one future token": "a mask that lets each token see one token ahead",
    "causal attention with a transposed mask": "the transposed causal mask (it hides the past)",
    "heads split by interleaving": (
        "interleaving the heads (column j to head j % n_heads) instead of taking blocks of "
        "d_head columns"
    ),
    "heads split by a plain reshape": (
        "a plain reshape to [n_heads, seq, d_head] without the transpose"
    ),
    "split_heads without its own divisibility check": (
        "no ValueError when d_model is not divisible by n_heads"
    ),
    "split_heads error without the numbers": (
        "an error message that does not give d_model and n_heads"
    ),
    "heads concatenated by a plain reshape": (
        "a plain reshape without first moving the head axis after seq"
    ),
    "heads concatenated interleaved": (
        "interleaving the heads' columns instead of putting them side by side"
    ),
    "multi-head attention without Wo": "leaving out the output projection Wo",
    "multi-head attention always causal": (
        "always applying the causal mask (causal=False must not mask)"
    ),
    "multi-head attention never causal": "never applying the causal mask",
    "multi-head attention using Wq for the keys": "projecting the keys with Wq instead of Wk",
    "multi-head attention scaled by sqrt(d_model)": (
        "scaling by sqrt(d_model) instead of sqrt(d_head)"
    ),
    "multi-head attention splitting heads by interleaving": (
        "splitting the heads by interleaving columns"
    ),
    "multi-head attention with a single big head": "one big head instead of n_heads heads",
    "trace 3.7 answered A": "answer A",
    "trace 3.7 answered C": "answer C",
    "equivariance error without permuting the output": (
        "comparing f(X[perm]) with f(X) without permuting f(X)"
    ),
    "equivariance error with the inverse permutation on the output": (
        "permuting f(X) with the inverse permutation"
    ),
    "equivariance error as a mean": "the mean difference instead of the largest",
    "equivariance check returning a boolean": "returning True/False instead of the error",
    "heatmap weights from a non-causal layer": "weights from a non-causal layer",
}
