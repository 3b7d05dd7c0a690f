"""ch16_attention_variants: wrong derivations and GQA implementations students plausibly write.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``);
``_swaps`` applies several such checked edits to one cell.
"""

import functools

from tests.mutants import swap, swaps

_CH = "ch16_attention_variants"
_swap = functools.partial(swap, _CH)


_swaps = functools.partial(swaps, _CH)


_MHA = "ex_16_1_mha_params"
_ORDER = "ex_16_5_gqa_order"
_GQA = "ex_16_6_gqa"
_ORDER_OK = '["D", "B", "E", "F", "C", "A"]'

GQA_NO_VALIDATION = """
def grouped_query_attention(X, Wq, Wk, Wv, Wo, n_heads, n_kv_heads, causal=True):
    X = np.asarray(X, dtype=float)
    s, d = X.shape
    dh = d // n_heads
    q = (X @ Wq).reshape(s, n_heads, dh).transpose(1, 0, 2)
    k = (X @ Wk).reshape(s, n_kv_heads, dh).transpose(1, 0, 2)
    v = (X @ Wv).reshape(s, n_kv_heads, dh).transpose(1, 0, 2)
    group = max(n_heads // n_kv_heads, 1)
    k = np.repeat(k, group, axis=0)[:n_heads]
    v = np.repeat(v, group, axis=0)[:n_heads]
    if k.shape[0] < n_heads:
        k = np.resize(k, (n_heads,) + k.shape[1:])
        v = np.resize(v, (n_heads,) + v.shape[1:])
    sc = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
    if causal:
        sc = sc + np.triu(np.full((s, s), -np.inf), k=1)
    return (softmax(sc, axis=-1) @ v).transpose(1, 0, 2).reshape(s, d) @ Wo
"""

MUTANTS = {
    "MHA parameters without W_O (3d^2)": _swap(
        _MHA, "mha_params_16_1 = 4 * d * d", "mha_params_16_1 = 3 * d * d"
    ),
    "MHA parameters multiplied by the head count": _swap(
        _MHA, "mha_params_16_1 = 4 * d * d", "mha_params_16_1 = 32 * 4 * d * d"
    ),
    "GQA K only, not K and V": _swaps(
        "ex_16_2_gqa_params",
        ("2 * d * g * d_k", "d * g * d_k"),
        ("4 * d * h * d_k", "3 * d * h * d_k"),
    ),
    "GQA layer with 4d^2": _swap(
        "ex_16_2_gqa_params",
        "gqa_attn_params = d * h * d_k + gqa_kv_params + h * d_k * d",
        "gqa_attn_params = 4 * d * h * d_k",
    ),
    "MQA risk answered A (memory)": _swap("ex_16_3_mqa_risk", '"B"', '"A"'),
    "MQA risk answered D (FLOPs)": _swap("ex_16_3_mqa_risk", '"B"', '"D"'),
    "head size: ratios inverted (Y / X)": {
        "ex_16_4_head_size": (
            "heads_dk64, heads_dk128 = 64, 32\n"
            "per_head_qk_flops_ratio = 2.0\n"
            "total_qk_flops_ratio = 1.0\n"
            "score_memory_ratio = 0.5"
        )
    },
    "head size: heads swapped, total ratio 0.5": {
        "ex_16_4_head_size": (
            "heads_dk64, heads_dk128 = 32, 64\n"
            "per_head_qk_flops_ratio = 0.5\n"
            "total_qk_flops_ratio = 0.5\n"
            "score_memory_ratio = 2.0"
        )
    },
    "head size: score memory unchanged": _swap(
        "ex_16_4_head_size",
        "score_memory_ratio = (heads_dk64 * s * s) / (heads_dk128 * s * s)",
        "score_memory_ratio = (s * s) / (s * s)",
    ),
    "GQA order: repeat before projecting K, V": _swap(
        _ORDER, _ORDER_OK, '["D", "E", "B", "F", "C", "A"]'
    ),
    "GQA order: softmax before scores": _swap(_ORDER, _ORDER_OK, '["D", "B", "E", "C", "F", "A"]'),
    "GQA order: output projection first": _swap(
        _ORDER, _ORDER_OK, '["A", "D", "B", "E", "F", "C"]'
    ),
    "GQA with np.tile (interleaved groups)": _swaps(
        _GQA,
        ("np.repeat(k, group, axis=0)", "np.tile(k, (group, 1, 1))"),
        ("np.repeat(v, group, axis=0)", "np.tile(v, (group, 1, 1))"),
    ),
    "GQA scaled by sqrt(d_model)": _swap(_GQA, "/ np.sqrt(d_head)", "/ np.sqrt(d)"),
    "GQA without the causal mask": _swap(_GQA, "if causal:", "if False:"),
    "GQA without the divisibility checks": {_GQA: GQA_NO_VALIDATION},
    "GQA softmax over the query axis": _swaps(
        _GQA,
        ("np.full((s, s), -np.inf)", "np.full((s, s), -1e30)"),
        ("softmax(scores, axis=-1)", "softmax(scores, axis=-2)"),
    ),
    "GQA heads split by interleaving": _swaps(
        _GQA,
        (
            ".reshape(s, n_heads, d_head).transpose(1, 0, 2)",
            ".reshape(s, d_head, n_heads).transpose(2, 0, 1)",
        ),
        (
            ".reshape(s, n_kv_heads, d_head).transpose(1, 0, 2)",
            ".reshape(s, d_head, n_kv_heads).transpose(2, 0, 1)",
        ),
    ),
    "GQA layer without W_O": _swap(
        "ex_16_2_gqa_params",
        "gqa_attn_params = d * h * d_k + gqa_kv_params + h * d_k * d",
        "gqa_attn_params = d * h * d_k + gqa_kv_params",
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "MHA parameters without W_O (3d^2)": "counting W_Q, W_K and W_V (3d^2) but not W_O",
    "MHA parameters multiplied by the head count": ("multiplying 4d^2 by the number of heads"),
    "GQA K only, not K and V": "counting only one of W_K and W_V",
    "GQA layer with 4d^2": (
        "4d^2 for the GQA layer, as for MHA (W_K and W_V are d x g*d_k, not d x d)"
    ),
    "MQA risk answered A (memory)": "answer A",
    "MQA risk answered D (FLOPs)": "answer D",
    "head size: ratios inverted (Y / X)": "the ratios taken as Y / X instead of X / Y",
    "head size: heads swapped, total ratio 0.5": (
        "swapping heads_dk64 and heads_dk128; and a total FLOPs ratio that leaves out the "
        "number of heads"
    ),
    "head size: score memory unchanged": (
        "one s x s score matrix per layer instead of one per head"
    ),
    "GQA order: repeat before projecting K, V": (
        "repeating the KV heads (E) before projecting them (B)"
    ),
    "GQA order: softmax before scores": "the softmax (C) before the scores are computed (F)",
    "GQA order: output projection first": (
        "the output projection (A) first, before there are head outputs to concatenate"
    ),
    "GQA with np.tile (interleaved groups)": (
        "np.tile, which interleaves the groups (head i uses KV head i % g), instead of np.repeat "
        "(contiguous groups)"
    ),
    "GQA scaled by sqrt(d_model)": "dividing the scores by sqrt(d) instead of sqrt(d_head)",
    "GQA without the causal mask": "never adding the causal mask",
    "GQA without the divisibility checks": (
        "no ValueError when d is not divisible by n_heads or n_heads by n_kv_heads"
    ),
    "GQA softmax over the query axis": (
        "softmax over the queries (axis -2) instead of over the keys (axis -1)"
    ),
    "GQA heads split by interleaving": (
        "interleaving the heads (column j to head j % n_heads) instead of taking blocks of "
        "d_head columns"
    ),
    "GQA layer without W_O": "leaving W_O out of the GQA layer's count",
}
