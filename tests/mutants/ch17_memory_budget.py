"""ch17_memory_budget: wrong derivations students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch17_memory_budget")

BUILD = "ex_17_7_memory_calculators"
_TRAIN_CHECKS = (
    "    if optimizer not in state_bytes:\n"
    '        raise ValueError(f"unknown optimizer {optimizer!r}; use sgd, momentum or adam")\n'
    "    if precision not in model_bytes:\n"
    '        raise ValueError(f"unknown precision {precision!r}; use fp32 or mixed")\n'
    "    return int(n_params) * (model_bytes[precision] + state_bytes[optimizer])\n"
)
_TRAIN_RETURN = "return int(n_params) * (model_bytes[precision] + state_bytes[optimizer])"
_INFER_CHECK = (
    "    if precision not in per_param:\n"
    '        raise ValueError(f"unknown precision {precision!r}; '
    'use fp32, fp16, bf16, int8 or int4")\n'
    "    return n * per_param[precision]\n"
)

MUTANTS = {
    "17.1: 12 bytes/param (forgot the fp32 master copy)": _swap(
        "ex_17_1_training_bytes", "2 + 2 + 4 + 4 + 4", "2 + 2 + 4 + 4"
    ),
    "17.1: total in GiB instead of GB": _swap("ex_17_1_training_bytes", "/ GB", "/ GiB"),
    "17.1: says it fits on 80 GB": _swap(
        "ex_17_1_training_bytes",
        "llama7b_fits_80gb = llama7b_train_gb <= 80",
        "llama7b_fits_80gb = True",
    ),
    "17.1: fp32 gradients (18 bytes/param)": _swap(
        "ex_17_1_training_bytes",
        "2 + 2 + 4 + 4 + 4\nllama7b_train_gb = 6.74e9 * bytes_per_param_mixed_adam",
        "2 + 4 + 4 + 4 + 4\nllama7b_train_gb = 6.74e9 * 16",
    ),
    "17.2: int4 read as 4 bytes": _swap("ex_17_2_inference_weights", "6.74e9 * 0.5", "6.74e9 * 4"),
    "17.2: bf16 weights in GiB": _swap(
        "ex_17_2_inference_weights", "6.74e9 * 2 / GB", "6.74e9 * 2 / GiB"
    ),
    "17.2: bf16 counted as 4 bytes": _swap("ex_17_2_inference_weights", "6.74e9 * 2", "6.74e9 * 4"),
    "17.3: one tensor instead of two": _swap("ex_17_3_activations", "= 2 * 8 * 2048", "= 8 * 2048"),
    "17.3: MB instead of MiB": _swap("ex_17_3_activations", "/ MiB", "/ 1e6"),
    "17.3: fp32 activations": _swap("ex_17_3_activations", "4096 * 2", "4096 * 4"),
    "17.4: answered A": _swap("ex_17_4_checkpointing", '"B"', '"A"'),
    "17.4: answered C": _swap("ex_17_4_checkpointing", '"B"', '"C"'),
    "17.4: answered D": _swap("ex_17_4_checkpointing", '"B"', '"D"'),
    "17.5: 12 bytes/param": _swap("ex_17_5_gpus_70b", "70e9 * 16", "70e9 * 12"),
    "17.5: GiB total": _swap("ex_17_5_gpus_70b", "/ GB", "/ GiB"),
    "17.5: GPUs for the weights only": _swap(
        "ex_17_5_gpus_70b", "math.ceil(train70b_gb / 80)", "math.ceil(70e9 * 2 / GB / 80)"
    ),
    "17.6: adapter counted as d*r": _swap("ex_17_6_lora", "(4096 * 16 + 16 * 4096)", "4096 * 16"),
    "17.6: fraction instead of percent": _swap(
        "ex_17_6_lora", "100 * lora_trainable_params", "lora_trainable_params"
    ),
    "17.6: adapters on Q, K, V and O": _swap("ex_17_6_lora", "32 * 2 *", "32 * 4 *"),
    "17.7: mixed precision without the master copy": _swap(
        BUILD, '"mixed": 2 + 2 + 4', '"mixed": 2 + 2'
    ),
    "17.7: mixed precision with fp32 gradients": _swap(
        BUILD, '"mixed": 2 + 2 + 4', '"mixed": 2 + 4 + 4'
    ),
    "17.7: SGD with a state buffer": _swap(BUILD, '"sgd": 0', '"sgd": 4'),
    "17.7: momentum with two buffers": _swap(BUILD, '"momentum": 4', '"momentum": 8'),
    "17.7: Adam with one state": _swap(BUILD, '"adam": 8', '"adam": 4'),
    "17.7: no ValueError for an unknown optimizer": _swap(
        BUILD,
        _TRAIN_CHECKS,
        "    per_param = model_bytes.get(precision, 8) + state_bytes.get(optimizer, 8)\n"
        "    return int(n_params) * per_param\n",
    ),
    "17.7: returns GiB instead of bytes": _swap(BUILD, _TRAIN_RETURN, _TRAIN_RETURN + " / 2**30"),
    "17.7: int4 as one byte": _swap(BUILD, "return (n + 1) // 2", "return n"),
    "17.7: int4 rounded down": _swap(BUILD, "return (n + 1) // 2", "return n // 2"),
    "17.7: int4 as a float 0.5 bytes": _swap(BUILD, "return (n + 1) // 2", "return n * 0.5"),
    "17.7: bf16 as 4 bytes": _swap(BUILD, '"bf16": 2', '"bf16": 4'),
    "17.7: inference without ValueError": _swap(
        BUILD, _INFER_CHECK, "    return n * per_param.get(precision, 2)\n"
    ),
    # Unit slips: GiB for GB (7 %) and MB for MiB (5 %), and the GPU count from a GiB total.
    "17.2: int4 weights in GiB": _swap(
        "ex_17_2_inference_weights", "6.74e9 * 0.5 / GB", "6.74e9 * 0.5 / GiB"
    ),
    "17.5: GiB total, cards taken as 80 GiB (count unchanged)": _swap(
        "ex_17_5_gpus_70b", "train70b_gb = 70e9 * 16 / GB", "train70b_gb = 70e9 * 16 / GiB"
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "17.1: 12 bytes/param (forgot the fp32 master copy)": (
        "leaving out the fp32 master copy of the weights (12 bytes per parameter)"
    ),
    "17.1: total in GiB instead of GB": "dividing by GiB (2^30) instead of GB (10^9)",
    "17.1: says it fits on 80 GB": (
        "setting llama7b_fits_80gb to True without comparing the total with 80 GB"
    ),
    "17.1: fp32 gradients (18 bytes/param)": (
        "counting the gradients as fp32 (4 bytes) instead of bf16 (2 bytes)"
    ),
    "17.2: int4 read as 4 bytes": "reading int4 as 4 bytes per parameter instead of 4 bits",
    "17.2: bf16 weights in GiB": "dividing the bf16 bytes by GiB (2^30) instead of GB (10^9)",
    "17.2: bf16 counted as 4 bytes": "counting bf16 as 4 bytes per parameter instead of 2",
    "17.3: one tensor instead of two": "counting one [b, s, d] tensor per layer instead of two",
    "17.3: MB instead of MiB": "dividing by 10^6 (MB) instead of 2^20 (MiB)",
    "17.3: fp32 activations": "4 bytes per element (fp32) instead of 2 (bf16)",
    "17.4: answered A": "answer A (activation memory unchanged, a faster step)",
    "17.4: answered C": "answer C (forward and backward both repeated)",
    "17.4: answered D": "answer D (no activation memory, every layer recomputed from the input)",
    "17.5: 12 bytes/param": "12 bytes per parameter, which leaves out the fp32 master copy",
    "17.5: GiB total": "dividing the total by GiB (2^30) instead of GB (10^9)",
    "17.5: GPUs for the weights only": (
        "counting GPUs for the bf16 weights alone, without the gradients and Adam states"
    ),
    "17.6: adapter counted as d*r": (
        "counting one factor per adapter (d*r) instead of both B (d x r) and A (r x d)"
    ),
    "17.6: fraction instead of percent": "a fraction instead of a percentage (not times 100)",
    "17.6: adapters on Q, K, V and O": (
        "adapting all four projections (Q, K, V, O) instead of only W_Q and W_V"
    ),
    "17.7: mixed precision without the master copy": (
        "mixed precision without the fp32 master copy of the weights"
    ),
    "17.7: mixed precision with fp32 gradients": (
        "mixed precision with fp32 gradients (4 bytes) instead of bf16 (2 bytes)"
    ),
    "17.7: SGD with a state buffer": "giving plain SGD a 4-byte state buffer (it keeps none)",
    "17.7: momentum with two buffers": "two fp32 buffers for momentum instead of one",
    "17.7: Adam with one state": "one fp32 state for Adam instead of two (m and v)",
    "17.7: no ValueError for an unknown optimizer": (
        "falling back to a default for an unknown optimizer or precision instead of raising "
        "ValueError"
    ),
    "17.7: returns GiB instead of bytes": (
        "returning GiB (divided by 2^30) instead of an int number of bytes"
    ),
    "17.7: int4 as one byte": "int4 as one byte per parameter instead of two parameters per byte",
    "17.7: int4 rounded down": "int4 bytes rounded down (n // 2): an odd count needs one more byte",
    "17.7: int4 as a float 0.5 bytes": (
        "int4 as n * 0.5, a float, instead of a whole number of bytes rounded up"
    ),
    "17.7: bf16 as 4 bytes": "bf16 as 4 bytes per parameter instead of 2",
    "17.7: inference without ValueError": (
        "inference_memory_bytes falling back to a default for an unknown precision instead of "
        "raising ValueError"
    ),
    "17.2: int4 weights in GiB": "dividing the int4 bytes by GiB (2^30) instead of GB (10^9)",
    "17.5: GiB total, cards taken as 80 GiB (count unchanged)": (
        "dividing the total by GiB (2^30) instead of GB (10^9)"
    ),
}
