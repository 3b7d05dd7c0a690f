"""ch14_parameter_counting: wrong derivations and counters students plausibly write.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap, swaps

_swap = functools.partial(swap, "ch14_parameter_counting")
_swaps = functools.partial(swaps, "ch14_parameter_counting")
_GPT2 = "ex_14_1_gpt2_params"
_LLAMA = "ex_14_2_llama7b"
_COUNT = "ex_14_5_param_count"
_DEBUG = "ex_14_6_debug_head"
_MIXTRAL = "ex_14_7_mixtral"

MIXTRAL_NAIVE_8X7 = """
mixtral_attn_per_layer = 2 * 4096 * 4096 + 2 * 4096 * 1024
mixtral_total_params = 8 * 7.24e9
mixtral_active_params = 2 * 7.24e9
"""

MUTANTS = {
    "GPT-2 exact count forgetting the biases": _swap(
        _GPT2,
        "per_block = (3 * d * d + 3 * d) + (d * d + d) + (4 * d * d + 4 * d) + (4 * d * d + d)"
        " + 4 * d",
        "per_block = 12 * d * d + 4 * d",
    ),
    "GPT-2 counted with an untied head": _swap(
        _GPT2, "V * d + T * d", "2 * V * d + T * d", count=2
    ),
    "GPT-2 rule without positions and final LN": _swap(
        _GPT2, "12 * L * d**2 + V * d + T * d + 2 * d", "12 * L * d**2 + V * d"
    ),
    "LLaMA-7B with a tied head": _swap(_LLAMA, "2 * V * d + d", "V * d + d"),
    "LLaMA-7B MLP with two matrices": _swap(_LLAMA, "3 * d * d_ff", "2 * d * d_ff"),
    "LLaMA-7B with a 4d GELU MLP": _swap(
        _LLAMA, "4 * d * d + 3 * d * d_ff + 2 * d", "12 * d * d + 2 * d"
    ),
    "layer share answered A": _swap("ex_14_3_layer_share", '"C"', '"A"'),
    "layer share answered D": _swap("ex_14_3_layer_share", '"C"', '"D"'),
    "1B design: rounded to 16 layers, widest option": {
        "ex_14_4_design_1b": 'n_layers_1b = 16\nconfig_14_4 = "B"'
    },
    "1B design: deepest option": _swap("ex_14_4_design_1b", '"C"', '"D"'),
    "param_count with an untied head": _swap(
        _COUNT, "int(V * d + L * per_block + d)", "int(2 * V * d + L * per_block + d)"
    ),
    "param_count without the norm gains": _swap(
        _COUNT, "int(V * d + L * per_block + d)", "int(V * d + L * 12 * d * d)"
    ),
    "param_count with a one-matrix FFN": _swap(_COUNT, "2 * (4 * d * d)", "4 * d * d"),
    "param_count returning a float": _swap(_COUNT, "return int(", "return float("),
    "param_count without the final norm": _swap(_COUNT, "L * per_block + d)", "L * per_block)"),
    "debug: wrong line number": _swap(_DEBUG, "buggy_line = 6", "buggy_line = 7"),
    "debug: head never counted, even untied": _swap(
        _DEBUG, "head = 0 if tied else V * d", "head = 0"
    ),
    "debug: percent of the buggy total": _swap(
        _DEBUG,
        "100 * overcount_params / count_gpt2(",
        "100 * overcount_params / buggy_count_gpt2(",
    ),
    "Mixtral with 4d^2 attention": _swap(
        _MIXTRAL,
        "mixtral_attn_per_layer = d * n_q * d_head + 2 * d * n_kv * d_head + n_q * d_head * d",
        "mixtral_attn_per_layer = 4 * d * d",
    ),
    "Mixtral tied head, one active expert": _swap(
        _MIXTRAL, "outside = 2 * V * d + d", "top_k = 1\noutside = V * d + d"
    ),
    "Mixtral as 8 x 7B": {_MIXTRAL: MIXTRAL_NAIVE_8X7},
    # A small forgotten term: each is far below 0.1 % of the total, so only an exact check sees it.
    "GPT-2 exact count without the final LayerNorm": _swap(
        _GPT2,
        "gpt2_exact_params = V * d + T * d + L * per_block + 2 * d",
        "gpt2_exact_params = V * d + T * d + L * per_block",
    ),
    "LLaMA-7B without the RMSNorm gains": _swaps(
        _LLAMA,
        ("4 * d * d + 3 * d * d_ff + 2 * d", "4 * d * d + 3 * d * d_ff"),
        ("2 * V * d + d", "2 * V * d"),
    ),
    "LLaMA-7B without the final norm": _swap(_LLAMA, "2 * V * d + d", "2 * V * d"),
    "Mixtral without the routers": _swap(
        _MIXTRAL, "mixtral_attn_per_layer + d * n_exp + 2 * d", "mixtral_attn_per_layer + 2 * d"
    ),
    "Mixtral without the norms": _swaps(
        _MIXTRAL,
        ("+ d * n_exp + 2 * d", "+ d * n_exp"),
        ("outside = 2 * V * d + d", "outside = 2 * V * d"),
    ),
    "Mixtral active with a top-2 router (d x 2)": _swap(
        _MIXTRAL,
        "mixtral_active_params = L * (shared_block + top_k * expert) + outside",
        "mixtral_active_params = L * (shared_block - d * n_exp + d * top_k + top_k * expert)"
        " + outside",
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "GPT-2 exact count forgetting the biases": (
        "leaving out the biases of the linear layers (3d + d + 4d + d per block)"
    ),
    "GPT-2 counted with an untied head": "counting the tied LM head as a second V*d matrix",
    "GPT-2 rule without positions and final LN": (
        "leaving the position table (T*d) and the final LayerNorm (2d) out of the rule of thumb"
    ),
    "LLaMA-7B with a tied head": "counting V*d once, as if LLaMA's head were tied to the embedding",
    "LLaMA-7B MLP with two matrices": "two d x d_ff matrices in the SwiGLU MLP instead of three",
    "LLaMA-7B with a 4d GELU MLP": (
        "12d^2 per block (a two-matrix 4d MLP) instead of 4d^2 + 3*d*d_ff for SwiGLU"
    ),
    "layer share answered A": "answer A",
    "layer share answered D": "answer D",
    "1B design: rounded to 16 layers, widest option": (
        "a round number of layers (16) instead of solving 12*L*d^2 = 1e9; and configuration B"
    ),
    "1B design: deepest option": "configuration D (the deepest and narrowest)",
    "param_count with an untied head": "counting the tied head as a second V*d",
    "param_count without the norm gains": (
        "leaving out the norm gains (two per block and the final one)"
    ),
    "param_count with a one-matrix FFN": (
        "one FFN matrix (4d^2) per block instead of two (d x 4d and 4d x d)"
    ),
    "param_count returning a float": "returning a float instead of an int",
    "param_count without the final norm": "leaving out the final norm's gain (d)",
    "debug: wrong line number": "pointing at the line after the buggy one",
    "debug: head never counted, even untied": ("head = 0 for an untied head too"),
    "debug: percent of the buggy total": ("dividing by the buggy total instead of the correct one"),
    "Mixtral with 4d^2 attention": (
        "4d^2 attention as in MHA (with GQA, W_K and W_V are d x 1024, not d x d)"
    ),
    "Mixtral tied head, one active expert": (
        "a tied head (V*d once) and one active expert per token instead of two"
    ),
    "Mixtral as 8 x 7B": (
        "8 x 7B, which copies attention, embedding and head into every expert; only the MLP "
        "is replicated"
    ),
    "GPT-2 exact count without the final LayerNorm": "leaving out the final LayerNorm (2d)",
    "LLaMA-7B without the RMSNorm gains": (
        "leaving out the RMSNorm gains (two per block and the final one)"
    ),
    "LLaMA-7B without the final norm": "leaving out the final RMSNorm's gain (d)",
    "Mixtral without the routers": "leaving out the routers (a d x 8 matrix per block)",
    "Mixtral without the norms": "leaving out the RMSNorm gains (two per block and the final one)",
    "Mixtral active with a top-2 router (d x 2)": (
        "counting the router as d x 2 in the active count (it has 8 outputs whichever 2 experts "
        "it picks)"
    ),
}
