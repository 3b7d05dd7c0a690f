"""ch14_parameter_counting: wrong derivations and counters students plausibly write."""

GPT2_NO_BIASES = """
V, T, d, L = 50257, 1024, 768, 12
gpt2_rule_params = 12 * L * d**2 + V * d + T * d + 2 * d
gpt2_exact_params = V * d + T * d + L * (12 * d * d + 4 * d) + 2 * d
"""

GPT2_UNTIED = """
V, T, d, L = 50257, 1024, 768, 12
gpt2_rule_params = 12 * L * d**2 + 2 * V * d + T * d + 2 * d
per_block = 12 * d * d + 13 * d
gpt2_exact_params = 2 * V * d + T * d + L * per_block + 2 * d
"""

GPT2_RULE_NO_POSITIONS = """
V, T, d, L = 50257, 1024, 768, 12
gpt2_rule_params = 12 * L * d**2 + V * d
gpt2_exact_params = V * d + T * d + L * (12 * d * d + 13 * d) + 2 * d
"""

LLAMA_TIED = """
d, L, V, d_ff = 4096, 32, 32000, 11008
llama7b_params = L * (4 * d * d + 3 * d * d_ff + 2 * d) + V * d + d
"""

LLAMA_TWO_MATRIX_MLP = """
d, L, V, d_ff = 4096, 32, 32000, 11008
llama7b_params = L * (4 * d * d + 2 * d * d_ff + 2 * d) + 2 * V * d + d
"""

LLAMA_4D_MLP = """
d, L, V = 4096, 32, 32000
llama7b_params = L * (12 * d * d + 2 * d) + 2 * V * d + d
"""

PARAM_COUNT_UNTIED = """
def param_count(d, L, V):
    return int(2 * V * d + L * (12 * d * d + 2 * d) + d)
"""

PARAM_COUNT_NO_NORMS = """
def param_count(d, L, V):
    return int(V * d + L * 12 * d * d)
"""

PARAM_COUNT_FFN_ONE_MATRIX = """
def param_count(d, L, V):
    return int(V * d + L * (8 * d * d + 2 * d) + d)
"""

PARAM_COUNT_FLOAT = """
def param_count(d, L, V):
    return float(V * d + L * (12 * d * d + 2 * d) + d)
"""

PARAM_COUNT_NO_FINAL_NORM = """
def param_count(d, L, V):
    return int(V * d + L * (12 * d * d + 2 * d))
"""

DEBUG_WRONG_LINE = """
buggy_line = 7


def count_gpt2(V, T, d, L, tied=True):
    embed = V * d + T * d
    attn = (d * 3 * d + 3 * d) + (d * d + d)
    mlp = (d * 4 * d + 4 * d) + (4 * d * d + d)
    norms = 2 * (2 * d)
    head = 0 if tied else V * d
    return embed + L * (attn + mlp + norms) + 2 * d + head


overcount_params = 50257 * 768
overcount_percent = 100 * overcount_params / count_gpt2(50257, 1024, 768, 12)
"""

DEBUG_HEAD_NEVER = """
buggy_line = 6


def count_gpt2(V, T, d, L, tied=True):
    embed = V * d + T * d
    attn = (d * 3 * d + 3 * d) + (d * d + d)
    mlp = (d * 4 * d + 4 * d) + (4 * d * d + d)
    norms = 2 * (2 * d)
    head = 0
    return embed + L * (attn + mlp + norms) + 2 * d + head


overcount_params = 50257 * 768
overcount_percent = 100 * overcount_params / count_gpt2(50257, 1024, 768, 12)
"""

DEBUG_PERCENT_OF_BUGGY = """
buggy_line = 6


def count_gpt2(V, T, d, L, tied=True):
    embed = V * d + T * d
    attn = (d * 3 * d + 3 * d) + (d * d + d)
    mlp = (d * 4 * d + 4 * d) + (4 * d * d + d)
    norms = 2 * (2 * d)
    head = 0 if tied else V * d
    return embed + L * (attn + mlp + norms) + 2 * d + head


overcount_params = 50257 * 768
overcount_percent = 100 * overcount_params / buggy_count_gpt2(50257, 1024, 768, 12)
"""

MIXTRAL_4D2 = """
d, L, V = 4096, 32, 32000
d_ff, n_exp, top_k = 14336, 8, 2
mixtral_attn_per_layer = 4 * d * d
expert = 3 * d * d_ff
shared_block = mixtral_attn_per_layer + d * n_exp + 2 * d
outside = 2 * V * d + d
mixtral_total_params = L * (shared_block + n_exp * expert) + outside
mixtral_active_params = L * (shared_block + top_k * expert) + outside
"""

MIXTRAL_TIED_AND_ONE_EXPERT = """
d, L, V = 4096, 32, 32000
mixtral_attn_per_layer = 2 * d * d + 2 * d * 1024
expert = 3 * d * 14336
shared_block = mixtral_attn_per_layer + d * 8 + 2 * d
mixtral_total_params = L * (shared_block + 8 * expert) + V * d + d
mixtral_active_params = L * (shared_block + 1 * expert) + V * d + d
"""

MIXTRAL_NAIVE_8X7 = """
mixtral_attn_per_layer = 2 * 4096 * 4096 + 2 * 4096 * 1024
mixtral_total_params = 8 * 7.24e9
mixtral_active_params = 2 * 7.24e9
"""

MUTANTS = {
    "GPT-2 exact count forgetting the biases": {"ex_14_1_gpt2_params": GPT2_NO_BIASES},
    "GPT-2 counted with an untied head": {"ex_14_1_gpt2_params": GPT2_UNTIED},
    "GPT-2 rule without positions and final LN": {"ex_14_1_gpt2_params": GPT2_RULE_NO_POSITIONS},
    "LLaMA-7B with a tied head": {"ex_14_2_llama7b": LLAMA_TIED},
    "LLaMA-7B MLP with two matrices": {"ex_14_2_llama7b": LLAMA_TWO_MATRIX_MLP},
    "LLaMA-7B with a 4d GELU MLP": {"ex_14_2_llama7b": LLAMA_4D_MLP},
    "layer share answered A": {"ex_14_3_layer_share": 'answer_14_3 = "A"'},
    "layer share answered D": {"ex_14_3_layer_share": 'answer_14_3 = "D"'},
    "1B design: rounded to 16 layers, widest option": {
        "ex_14_4_design_1b": 'n_layers_1b = 16\nconfig_14_4 = "B"'
    },
    "1B design: deepest option": {
        "ex_14_4_design_1b": 'n_layers_1b = 1e9 / (12 * 2048**2)\nconfig_14_4 = "D"'
    },
    "param_count with an untied head": {"ex_14_5_param_count": PARAM_COUNT_UNTIED},
    "param_count without the norm gains": {"ex_14_5_param_count": PARAM_COUNT_NO_NORMS},
    "param_count with a one-matrix FFN": {"ex_14_5_param_count": PARAM_COUNT_FFN_ONE_MATRIX},
    "param_count returning a float": {"ex_14_5_param_count": PARAM_COUNT_FLOAT},
    "param_count without the final norm": {"ex_14_5_param_count": PARAM_COUNT_NO_FINAL_NORM},
    "debug: wrong line number": {"ex_14_6_debug_head": DEBUG_WRONG_LINE},
    "debug: head never counted, even untied": {"ex_14_6_debug_head": DEBUG_HEAD_NEVER},
    "debug: percent of the buggy total": {"ex_14_6_debug_head": DEBUG_PERCENT_OF_BUGGY},
    "Mixtral with 4d^2 attention": {"ex_14_7_mixtral": MIXTRAL_4D2},
    "Mixtral tied head, one active expert": {"ex_14_7_mixtral": MIXTRAL_TIED_AND_ONE_EXPERT},
    "Mixtral as 8 x 7B": {"ex_14_7_mixtral": MIXTRAL_NAIVE_8X7},
}
