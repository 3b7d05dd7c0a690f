"""ch22_architecture_design: wrong answers students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch22_architecture_design")

CHIN = "ex_22_2_chinchilla"
PHONE = "ex_22_3_phone_design"
SWIGLU = "ex_22_4_swiglu"
TABLE = "ex_22_5_model_table"
_SPEED = "phone_tokens_per_s = feasible[phone_plan][1]"
_RATIO = "and 50 <= d / L <= 150"
_APPROX = "return 12 * L * d**2 + V * d"

MUTANTS = {
    "depth trace answered A (wide has more capacity)": _swap("ex_22_1_depth_trace", '"B"', '"A"'),
    "depth trace answered C (shape does not matter)": _swap("ex_22_1_depth_trace", '"B"', '"C"'),
    "Chinchilla compute copied as 5.88e15": _swap(
        CHIN, "chinchilla_flops = 6 * N * chinchilla_tokens", "chinchilla_flops = 5.88e15"
    ),
    "training compute 2ND (forward only)": _swap(
        CHIN, "chinchilla_flops = 6 * N", "chinchilla_flops = 2 * N"
    ),
    "one token per parameter": _swap(
        CHIN,
        "chinchilla_tokens = 20 * N  # 1.4e11 tokens\nchinchilla_flops = 6 * N * chinchilla_tokens",
        "chinchilla_tokens = N\nchinchilla_flops = 6 * N * 20 * N",
    ),
    "MFU ignored": _swap(CHIN, "1024 * 312e12 * 0.5", "1024 * 312e12"),
    "hours left in seconds": _swap(CHIN, "/ cluster_flops_per_s / 3600", "/ cluster_flops_per_s"),
    "one GPU instead of 1,024": _swap(CHIN, "1024 * 312e12", "312e12"),
    "phone plan A (7B does not fit)": _swap(
        PHONE, "if weight_bytes <= 3e9 and tokens_per_s > 10:", "if tokens_per_s > 10:"
    ),
    "phone plan D (fits but smallest)": _swap(PHONE, "max(feasible", "min(feasible"),
    "phone speed computed at fp16": _swap(
        PHONE, _SPEED, "phone_tokens_per_s = bandwidth / (plans[phone_plan][0] * 2)"
    ),
    "phone speed with 4 bytes per int4 weight": _swap(
        PHONE, _SPEED, "phone_tokens_per_s = bandwidth / (plans[phone_plan][0] * 4)"
    ),
    # without the aspect-ratio check the first shape in range is P; inverted, only R passes
    "phone shape P (too shallow)": _swap(PHONE, " " + _RATIO, ""),
    "phone shape R (too deep)": _swap(PHONE, _RATIO, "and d / L < 50"),
    "SwiGLU with two matrices": _swap(
        SWIGLU, "swiglu_params_3072 = 3 * d * d_ff", "swiglu_params_3072 = 2 * d * d_ff"
    ),
    "SwiGLU with width 4d": _swap(
        SWIGLU, "swiglu_params_3072 = 3 * d * d_ff", "swiglu_params_3072 = 3 * d * 4 * d"
    ),
    "GELU FFN with one matrix": _swap(
        SWIGLU, "gelu_params_3072 = 2 * d * (4 * d)", "gelu_params_3072 = d * (4 * d)"
    ),
    "LLaMA FFN approximated by 8 d^2 plus a guess": _swap(
        SWIGLU,
        "llama_ffn_params = 3 * 4096 * 11008",
        "llama_ffn_params = 8 * 4096**2 * 1.02",
    ),
    "table without the embedding": _swap(TABLE, _APPROX, "return 12 * L * d**2"),
    "table with 4 L d^2": _swap(TABLE, _APPROX, "return 4 * L * d**2 + V * d"),
    "LLaMA-13B with a guessed vocabulary": _swap(
        TABLE, "approx_params(5120, 40, 32_000)", "approx_params(5120, 40, 50_257 * 1.2)"
    ),
    "table in billions": _swap(TABLE, _APPROX, "return (12 * L * d**2 + V * d) / 1e9"),
    # Forgetting V*d for GPT-3 alone is 0.35 %: inside a 1 % tolerance, outside an exact check.
    "table: embedding forgotten for the biggest model": _swap(
        TABLE,
        "gpt3_params = approx_params(12_288, 96, 50_257)",
        "gpt3_params = 12 * 96 * 12_288**2",
    ),
    "table: LLaMA-13B with an untied head": _swap(
        TABLE,
        "llama13b_params = approx_params(5120, 40, 32_000)",
        "llama13b_params = approx_params(5120, 40, 32_000) + 32_000 * 5120",
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "depth trace answered A (wide has more capacity)": (
        "answer A (the wide model has more capacity)"
    ),
    "depth trace answered C (shape does not matter)": "answer C (only the parameter count matters)",
    "Chinchilla compute copied as 5.88e15": (
        "typing the circulating 5.88e15 instead of computing 6 * N * D in code"
    ),
    "training compute 2ND (forward only)": "2ND (the forward pass only) instead of 6ND",
    "one token per parameter": "one token per parameter instead of 20",
    "MFU ignored": "leaving out the 50% MFU (the cluster at peak)",
    "hours left in seconds": "leaving the time in seconds instead of hours",
    "one GPU instead of 1,024": "the throughput of one GPU instead of 1,024",
    "phone plan A (7B does not fit)": "checking the speed but not the 3 GB limit (plan A)",
    "phone plan D (fits but smallest)": (
        "picking the smallest plan that fits (D) instead of the largest"
    ),
    "phone speed computed at fp16": (
        "the token rate at 2 bytes per weight instead of at the chosen plan's precision"
    ),
    "phone speed with 4 bytes per int4 weight": "4 bytes per int4 weight instead of half a byte",
    "phone shape P (too shallow)": "leaving out the 50 <= d / L <= 150 check (shape P)",
    "phone shape R (too deep)": "a shape with d / L below 50 (shape R)",
    "SwiGLU with two matrices": "two matrices for SwiGLU instead of three (W1, W3 and W2)",
    "SwiGLU with width 4d": "width 4d for SwiGLU instead of d_ff = 8d/3",
    "GELU FFN with one matrix": "one d x 4d matrix for the GELU FFN instead of two",
    "LLaMA FFN approximated by 8 d^2 plus a guess": (
        "8 d^2 times a guessed factor instead of counting 3 * d * d_ff with d_ff = 11,008"
    ),
    "table without the embedding": "leaving out the embedding term V * d",
    "table with 4 L d^2": "4 L d^2 (the attention matrices only) instead of 12 L d^2",
    "LLaMA-13B with a guessed vocabulary": "a guessed vocabulary instead of the table's V = 32,000",
    "table in billions": "answers in billions instead of parameters",
    "table: embedding forgotten for the biggest model": "leaving out the embedding term V * d",
    "table: LLaMA-13B with an untied head": (
        "adding a second V * d for an untied output head (the formula counts one)"
    ),
}
