"""ch16_attention_variants: wrong derivations and GQA implementations students plausibly write."""

GQA_TILE = """
def grouped_query_attention(X, Wq, Wk, Wv, Wo, n_heads, n_kv_heads, causal=True):
    X = np.asarray(X, dtype=float)
    s, d = X.shape
    if d % n_heads or n_heads % n_kv_heads:
        raise ValueError("bad head counts")
    dh = d // n_heads
    q = (X @ Wq).reshape(s, n_heads, dh).transpose(1, 0, 2)
    k = (X @ Wk).reshape(s, n_kv_heads, dh).transpose(1, 0, 2)
    v = (X @ Wv).reshape(s, n_kv_heads, dh).transpose(1, 0, 2)
    k = np.tile(k, (n_heads // n_kv_heads, 1, 1))
    v = np.tile(v, (n_heads // n_kv_heads, 1, 1))
    sc = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
    if causal:
        sc = sc + np.triu(np.full((s, s), -np.inf), k=1)
    return (softmax(sc, axis=-1) @ v).transpose(1, 0, 2).reshape(s, d) @ Wo
"""

GQA_SCALE_D_MODEL = """
def grouped_query_attention(X, Wq, Wk, Wv, Wo, n_heads, n_kv_heads, causal=True):
    X = np.asarray(X, dtype=float)
    s, d = X.shape
    if d % n_heads or n_heads % n_kv_heads:
        raise ValueError("bad head counts")
    dh = d // n_heads
    q = (X @ Wq).reshape(s, n_heads, dh).transpose(1, 0, 2)
    k = np.repeat((X @ Wk).reshape(s, n_kv_heads, dh).transpose(1, 0, 2), n_heads // n_kv_heads, 0)
    v = np.repeat((X @ Wv).reshape(s, n_kv_heads, dh).transpose(1, 0, 2), n_heads // n_kv_heads, 0)
    sc = q @ k.transpose(0, 2, 1) / np.sqrt(d)
    if causal:
        sc = sc + np.triu(np.full((s, s), -np.inf), k=1)
    return (softmax(sc, axis=-1) @ v).transpose(1, 0, 2).reshape(s, d) @ Wo
"""

GQA_NO_MASK = """
def grouped_query_attention(X, Wq, Wk, Wv, Wo, n_heads, n_kv_heads, causal=True):
    X = np.asarray(X, dtype=float)
    s, d = X.shape
    if d % n_heads or n_heads % n_kv_heads:
        raise ValueError("bad head counts")
    dh = d // n_heads
    q = (X @ Wq).reshape(s, n_heads, dh).transpose(1, 0, 2)
    k = np.repeat((X @ Wk).reshape(s, n_kv_heads, dh).transpose(1, 0, 2), n_heads // n_kv_heads, 0)
    v = np.repeat((X @ Wv).reshape(s, n_kv_heads, dh).transpose(1, 0, 2), n_heads // n_kv_heads, 0)
    sc = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
    return (softmax(sc, axis=-1) @ v).transpose(1, 0, 2).reshape(s, d) @ Wo
"""

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

GQA_SOFTMAX_QUERY_AXIS = """
def grouped_query_attention(X, Wq, Wk, Wv, Wo, n_heads, n_kv_heads, causal=True):
    X = np.asarray(X, dtype=float)
    s, d = X.shape
    if d % n_heads or n_heads % n_kv_heads:
        raise ValueError("bad head counts")
    dh = d // n_heads
    q = (X @ Wq).reshape(s, n_heads, dh).transpose(1, 0, 2)
    k = np.repeat((X @ Wk).reshape(s, n_kv_heads, dh).transpose(1, 0, 2), n_heads // n_kv_heads, 0)
    v = np.repeat((X @ Wv).reshape(s, n_kv_heads, dh).transpose(1, 0, 2), n_heads // n_kv_heads, 0)
    sc = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
    if causal:
        sc = sc + np.triu(np.full((s, s), -1e30), k=1)
    return (softmax(sc, axis=-2) @ v).transpose(1, 0, 2).reshape(s, d) @ Wo
"""

GQA_INTERLEAVED_HEAD_SPLIT = """
def grouped_query_attention(X, Wq, Wk, Wv, Wo, n_heads, n_kv_heads, causal=True):
    X = np.asarray(X, dtype=float)
    s, d = X.shape
    if d % n_heads or n_heads % n_kv_heads:
        raise ValueError("bad head counts")
    dh = d // n_heads
    q = (X @ Wq).reshape(s, dh, n_heads).transpose(2, 0, 1)
    k = np.repeat((X @ Wk).reshape(s, dh, n_kv_heads).transpose(2, 0, 1), n_heads // n_kv_heads, 0)
    v = np.repeat((X @ Wv).reshape(s, dh, n_kv_heads).transpose(2, 0, 1), n_heads // n_kv_heads, 0)
    sc = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
    if causal:
        sc = sc + np.triu(np.full((s, s), -np.inf), k=1)
    return (softmax(sc, axis=-1) @ v).transpose(1, 0, 2).reshape(s, d) @ Wo
"""

MUTANTS = {
    "MHA parameters without W_O (3d^2)": {"ex_16_1_mha_params": "mha_params_16_1 = 3 * 4096**2"},
    "MHA parameters multiplied by the head count": {
        "ex_16_1_mha_params": "mha_params_16_1 = 32 * 4 * 4096**2"
    },
    "GQA K only, not K and V": {
        "ex_16_2_gqa_params": (
            "gqa_kv_params = 8192 * 1024\n"
            "gqa_attn_params = 2 * 8192**2 + 8192 * 1024\n"
            "mha_attn_params_70b = 3 * 8192**2"
        )
    },
    "GQA layer with 4d^2": {
        "ex_16_2_gqa_params": (
            "gqa_kv_params = 2 * 8192 * 1024\n"
            "gqa_attn_params = 4 * 8192**2\n"
            "mha_attn_params_70b = 4 * 8192**2"
        )
    },
    "MQA risk answered A (memory)": {"ex_16_3_mqa_risk": 'answer_16_3 = "A"'},
    "MQA risk answered D (FLOPs)": {"ex_16_3_mqa_risk": 'answer_16_3 = "D"'},
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
    "head size: score memory unchanged": {
        "ex_16_4_head_size": (
            "heads_dk64, heads_dk128 = 64, 32\n"
            "per_head_qk_flops_ratio = 0.5\n"
            "total_qk_flops_ratio = 1.0\n"
            "score_memory_ratio = 1.0"
        )
    },
    "GQA order: repeat before projecting K, V": {
        "ex_16_5_gqa_order": 'gqa_order = ["D", "E", "B", "F", "C", "A"]'
    },
    "GQA order: softmax before scores": {
        "ex_16_5_gqa_order": 'gqa_order = ["D", "B", "E", "C", "F", "A"]'
    },
    "GQA order: output projection first": {
        "ex_16_5_gqa_order": 'gqa_order = ["A", "D", "B", "E", "F", "C"]'
    },
    "GQA with np.tile (interleaved groups)": {"ex_16_6_gqa": GQA_TILE},
    "GQA scaled by sqrt(d_model)": {"ex_16_6_gqa": GQA_SCALE_D_MODEL},
    "GQA without the causal mask": {"ex_16_6_gqa": GQA_NO_MASK},
    "GQA without the divisibility checks": {"ex_16_6_gqa": GQA_NO_VALIDATION},
    "GQA softmax over the query axis": {"ex_16_6_gqa": GQA_SOFTMAX_QUERY_AXIS},
    "GQA heads split by interleaving": {"ex_16_6_gqa": GQA_INTERLEAVED_HEAD_SPLIT},
}
