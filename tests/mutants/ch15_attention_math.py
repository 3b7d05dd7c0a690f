"""ch15_attention_math: wrong derivations and implementations students plausibly write.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch15_attention_math")
_QK = "ex_15_1_qk_flops"
_LAYER = "ex_15_2_layer_flops"
_MEM = "ex_15_3_weights_memory"
_VAR = "ex_15_4_variance"
_SDP = "ex_15_6_sdp"
_SCALE = " / np.sqrt(q.shape[-1])"
_FLOPS = "return 2 * d_k * n_keys + 2 * n_keys * d_v"

MUTANTS = {
    "QK^T FLOPs without the factor 2": _swap(_QK, "2 * s * d_k * s", "s * d_k * s"),
    "QK^T FLOPs as s * d_k^2": _swap(_QK, "2 * s * d_k * s", "2 * s * d_k * d_k"),
    "layer FLOPs counting projections once (2sd^2 each for QKV fused)": _swap(
        _LAYER, "8 * s * d**2", "4 * s * d**2"
    ),
    "layer FLOPs without A V": _swap(_LAYER, "4 * s**2 * d", "2 * s**2 * d"),
    "crossover at s = d": _swap(_LAYER, "crossover_seq_len = 2 * d", "crossover_seq_len = d"),
    "attention weights in fp16 bytes": _swap(_MEM, "8192 * 8192 * 4", "8192 * 8192 * 2"),
    "GB and GiB swapped": _swap(
        _MEM,
        "attn_weights_gb = attn_weights_bytes / 1e9\nattn_weights_gib = attn_weights_bytes / 2**30",
        "attn_weights_gb = attn_weights_bytes / 2**30\nattn_weights_gib = attn_weights_bytes / 1e9",
    ),
    "GB computed as 1024^3 for both": _swap(
        _MEM, "attn_weights_bytes / 1e9", "attn_weights_bytes / 1024**3"
    ),
    "variance sqrt(d_k)": {_VAR: "var_qk_unscaled = 128**0.5\nvar_qk_scaled = 1.0"},
    "scaled variance 1 / d_k": _swap(
        _VAR, "var_qk_scaled = var_qk_unscaled / d_k", "var_qk_scaled = var_qk_unscaled / d_k**2"
    ),
    "causal skip answered A (exactly half)": _swap("ex_15_5_causal_skip", '"B"', '"A"'),
    "causal skip answered C (diagonal masked)": _swap("ex_15_5_causal_skip", '"B"', '"C"'),
    "sdp scaled by d_k": _swap(_SDP, _SCALE, " / q.shape[-1]"),
    "sdp without scaling": _swap(_SDP, _SCALE, ""),
    "sdp softmax without the max": _swap(_SDP, "np.exp(scores - scores.max())", "np.exp(scores)"),
    "sdp weights not normalised": _swap(_SDP, "    weights /= weights.sum()\n", ""),
    "sdp scaled by sqrt(n_keys)": _swap(_SDP, _SCALE, " / np.sqrt(keys.shape[0])"),
    "sdp_flops counting multiply-accumulates": _swap(
        _SDP, _FLOPS, "return d_k * n_keys + n_keys * d_v"
    ),
    "sdp_flops without the weighted sum": _swap(_SDP, _FLOPS, "return 2 * d_k * n_keys"),
    "sdp_flops using d_k for the values": _swap(_SDP, _FLOPS, "return 4 * d_k * n_keys"),
    "layer FLOPs without the output projection": _swap(
        _LAYER, "attn_layer_flops = 8 * s * d**2", "attn_layer_flops = 6 * s * d**2"
    ),
    "attention weights of one head only": _swap(_MEM, "1 * 32 * 8192", "1 * 8192"),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "QK^T FLOPs without the factor 2": "counting 1 FLOP per multiply-accumulate instead of 2",
    "QK^T FLOPs as s * d_k^2": (
        "2 * s * d_k * d_k, as if the product were [s, d_k] @ [d_k, d_k]; QK^T is "
        "[s, d_k] @ [d_k, s]"
    ),
    "layer FLOPs counting projections once (2sd^2 each for QKV fused)": (
        "4 s d^2 for the projections: each of the four [s, d] @ [d, d] products is 2 s d^2"
    ),
    "layer FLOPs without A V": "leaving out A V: only Q K^T in the s^2 term (2 s^2 d)",
    "crossover at s = d": "a crossover at s = d instead of solving 4 s^2 d = 8 s d^2",
    "attention weights in fp16 bytes": "2 bytes per weight (fp16) instead of 4 (fp32)",
    "GB and GiB swapped": "dividing by 2^30 for GB and by 10^9 for GiB (the two units swapped)",
    "GB computed as 1024^3 for both": "dividing by 1024^3 for GB as well as for GiB",
    "variance sqrt(d_k)": "sqrt(d_k) for the variance of q . k (that is its standard deviation)",
    "scaled variance 1 / d_k": "dividing the variance by d_k twice (by d_k^2)",
    "causal skip answered A (exactly half)": "answer A",
    "causal skip answered C (diagonal masked)": "answer C",
    "sdp scaled by d_k": "dividing the scores by d_k instead of sqrt(d_k)",
    "sdp without scaling": "not dividing the scores by sqrt(d_k)",
    "sdp softmax without the max": "exp(scores) without subtracting the max first (overflows)",
    "sdp weights not normalised": "not dividing the weights by their sum",
    "sdp scaled by sqrt(n_keys)": "dividing by sqrt(n) (the number of keys) instead of sqrt(d_k)",
    "sdp_flops counting multiply-accumulates": (
        "counting 1 FLOP per multiply-accumulate instead of 2"
    ),
    "sdp_flops without the weighted sum": (
        "counting only the scores, not the weighted sum of the values"
    ),
    "sdp_flops using d_k for the values": "d_k instead of d_v for the weighted sum of the values",
    "layer FLOPs without the output projection": (
        "leaving out the output projection W_O (three projections instead of four)"
    ),
    "attention weights of one head only": "one s x s matrix in all instead of one per head",
}
