"""ch15_attention_math: wrong derivations and implementations students plausibly write."""

SDP_SCALE_DK = """
def scaled_dot_product(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    scores = keys @ q / q.shape[-1]
    w = np.exp(scores - scores.max())
    return (w / w.sum()) @ values


def sdp_flops(n_keys, d_k, d_v):
    return 2 * d_k * n_keys + 2 * n_keys * d_v
"""

SDP_NO_SCALE = """
def scaled_dot_product(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    scores = keys @ q
    w = np.exp(scores - scores.max())
    return (w / w.sum()) @ values


def sdp_flops(n_keys, d_k, d_v):
    return 2 * d_k * n_keys + 2 * n_keys * d_v
"""

SDP_NO_MAX = """
def scaled_dot_product(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    scores = keys @ q / np.sqrt(q.shape[-1])
    w = np.exp(scores)
    return (w / w.sum()) @ values


def sdp_flops(n_keys, d_k, d_v):
    return 2 * d_k * n_keys + 2 * n_keys * d_v
"""

SDP_UNNORMALISED = """
def scaled_dot_product(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    scores = keys @ q / np.sqrt(q.shape[-1])
    return np.exp(scores - scores.max()) @ values


def sdp_flops(n_keys, d_k, d_v):
    return 2 * d_k * n_keys + 2 * n_keys * d_v
"""

SDP_SCALE_BY_N = """
def scaled_dot_product(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    scores = keys @ q / np.sqrt(keys.shape[0])
    w = np.exp(scores - scores.max())
    return (w / w.sum()) @ values


def sdp_flops(n_keys, d_k, d_v):
    return 2 * d_k * n_keys + 2 * n_keys * d_v
"""

FLOPS_MACS = """
def scaled_dot_product(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    scores = keys @ q / np.sqrt(q.shape[-1])
    w = np.exp(scores - scores.max())
    return (w / w.sum()) @ values


def sdp_flops(n_keys, d_k, d_v):
    return d_k * n_keys + n_keys * d_v
"""

FLOPS_SCORES_ONLY = """
def scaled_dot_product(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    scores = keys @ q / np.sqrt(q.shape[-1])
    w = np.exp(scores - scores.max())
    return (w / w.sum()) @ values


def sdp_flops(n_keys, d_k, d_v):
    return 2 * d_k * n_keys
"""

FLOPS_VALUES_WITH_DK = """
def scaled_dot_product(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    scores = keys @ q / np.sqrt(q.shape[-1])
    w = np.exp(scores - scores.max())
    return (w / w.sum()) @ values


def sdp_flops(n_keys, d_k, d_v):
    return 4 * d_k * n_keys
"""

MUTANTS = {
    "QK^T FLOPs without the factor 2": {
        "ex_15_1_qk_flops": "qk_flops_one_head = 2048 * 128 * 2048"
    },
    "QK^T FLOPs as s * d_k^2": {"ex_15_1_qk_flops": "qk_flops_one_head = 2 * 2048 * 128 * 128"},
    "layer FLOPs counting projections once (2sd^2 each for QKV fused)": {
        "ex_15_2_layer_flops": (
            "attn_layer_flops = 4 * 2048 * 4096**2 + 4 * 2048**2 * 4096\ncrossover_seq_len = 8192"
        )
    },
    "layer FLOPs without A V": {
        "ex_15_2_layer_flops": (
            "attn_layer_flops = 8 * 2048 * 4096**2 + 2 * 2048**2 * 4096\ncrossover_seq_len = 8192"
        )
    },
    "crossover at s = d": {
        "ex_15_2_layer_flops": (
            "attn_layer_flops = 8 * 2048 * 4096**2 + 4 * 2048**2 * 4096\ncrossover_seq_len = 4096"
        )
    },
    "attention weights in fp16 bytes": {
        "ex_15_3_weights_memory": (
            "attn_weights_bytes = 32 * 8192**2 * 2\n"
            "attn_weights_gb = attn_weights_bytes / 1e9\n"
            "attn_weights_gib = attn_weights_bytes / 2**30"
        )
    },
    "GB and GiB swapped": {
        "ex_15_3_weights_memory": (
            "attn_weights_bytes = 32 * 8192**2 * 4\n"
            "attn_weights_gb = attn_weights_bytes / 2**30\n"
            "attn_weights_gib = attn_weights_bytes / 1e9"
        )
    },
    "GB computed as 1024^3 for both": {
        "ex_15_3_weights_memory": (
            "attn_weights_bytes = 32 * 8192**2 * 4\n"
            "attn_weights_gb = attn_weights_bytes / 1024**3\n"
            "attn_weights_gib = attn_weights_bytes / 1024**3"
        )
    },
    "variance sqrt(d_k)": {"ex_15_4_variance": "var_qk_unscaled = 128**0.5\nvar_qk_scaled = 1.0"},
    "scaled variance 1 / d_k": {
        "ex_15_4_variance": "var_qk_unscaled = 128\nvar_qk_scaled = 1 / 128"
    },
    "causal skip answered A (exactly half)": {"ex_15_5_causal_skip": 'answer_15_5 = "A"'},
    "causal skip answered C (diagonal masked)": {"ex_15_5_causal_skip": 'answer_15_5 = "C"'},
    "sdp scaled by d_k": {"ex_15_6_sdp": SDP_SCALE_DK},
    "sdp without scaling": {"ex_15_6_sdp": SDP_NO_SCALE},
    "sdp softmax without the max": {"ex_15_6_sdp": SDP_NO_MAX},
    "sdp weights not normalised": {"ex_15_6_sdp": SDP_UNNORMALISED},
    "sdp scaled by sqrt(n_keys)": {"ex_15_6_sdp": SDP_SCALE_BY_N},
    "sdp_flops counting multiply-accumulates": {"ex_15_6_sdp": FLOPS_MACS},
    "sdp_flops without the weighted sum": {"ex_15_6_sdp": FLOPS_SCORES_ONLY},
    "sdp_flops using d_k for the values": {"ex_15_6_sdp": FLOPS_VALUES_WITH_DK},
}
