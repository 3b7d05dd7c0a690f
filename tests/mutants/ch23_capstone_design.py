"""ch23_capstone_design: wrong answers students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap, swaps

_swap = functools.partial(swap, "ch23_capstone_design")
_swaps = functools.partial(swaps, "ch23_capstone_design")

PARAMS = "ex_23_1_param_count"
TRAIN = "ex_23_2_training_time"
MEMORY = "ex_23_3_serving_memory"
SPEED = "ex_23_4_serving_speed"
COST = "ex_23_5_cost"
PLAN = "ex_23_6_plan_deployment"

_GAP_FRACTION = "gap_fraction = estimate_gap / exact_params"
_TRAIN_RATE = "(64 * 990e12 * 0.5)"
_KV = "kv_bytes_per_user = 2 * 40 * 8 * 128 * 4096 * 2"
_GB = "serving_memory_gb = serving_bytes / 1e9"
_STEP_BYTES = "step_bytes = 26e9 + 50 * 671_088_640"
_GPUS = "gpus = max(1, math.ceil(total_bytes / gpu_memory_bytes))"
_STEP = "step_s = total_bytes / (gpus * gpu_bandwidth)"
_MEETS = "meets = bool(per_user >= target_tokens_per_s)"
_FEASIBLE = '"feasible": bool(meets and tokens_per_day <= capacity)'

MUTANTS = {
    "params: K and V with all 40 heads (MHA)": _swap(
        PARAMS, "2 * d * (n_kv * d_head)", "2 * d * (n_heads * d_head)"
    ),
    "params: tied embeddings": _swap(
        PARAMS,
        "exact_params = L * (attention + mlp + norms) + 2 * V * d + d",
        "exact_params = L * (attention + mlp + norms) + V * d + d",
    ),
    "params: two-matrix MLP": _swap(PARAMS, "mlp = 3 * d * d_ff", "mlp = 2 * d * d_ff"),
    "params: estimate with one embedding": _swap(
        PARAMS,
        "estimate_params = 12 * L * d**2 + 2 * V * d",
        "estimate_params = 12 * L * d**2 + V * d",
    ),
    "params: gap with the wrong sign": _swap(
        PARAMS,
        "estimate_gap = estimate_params - exact_params",
        "estimate_gap = exact_params - estimate_params",
    ),
    "params: gap as a percentage": _swap(
        PARAMS, _GAP_FRACTION, "gap_fraction = 100 * estimate_gap / exact_params"
    ),
    "params: gap relative to the estimate": _swap(
        PARAMS, _GAP_FRACTION, "gap_fraction = estimate_gap / estimate_params"
    ),
    "training with 2ND": _swap(TRAIN, "train_flops = 6 *", "train_flops = 2 *"),
    "training ignoring MFU": _swap(TRAIN, _TRAIN_RATE, "(64 * 990e12)"),
    "training on one GPU": _swap(TRAIN, _TRAIN_RATE, "(990e12 * 0.5)"),
    "training days computed as hours": _swap(
        TRAIN, "train_days = train_hours / 24", "train_days = train_seconds / 3600"
    ),
    "memory: 26 GB + 31.25 GiB = 57.25": _swap(
        MEMORY, _GB, "serving_memory_gb = 26 + 50 * kv_bytes_per_user / 2**30"
    ),
    "memory: KV with 40 heads": _swap(
        MEMORY, "kv_bytes_per_user = 2 * 40 * 8 * 128", "kv_bytes_per_user = 2 * 40 * 40 * 128"
    ),
    "memory: KV without the factor 2": _swap(
        MEMORY, _KV, "kv_bytes_per_user = 40 * 8 * 128 * 4096 * 2"
    ),
    "memory: total in GiB": _swap(MEMORY, _GB, "serving_memory_gb = serving_bytes / 2**30"),
    "memory: KV bytes as a float": _swap(MEMORY, _KV, "kv_bytes_per_user = 0.625 * 2**30"),
    "memory: fits as a string": _swap(
        MEMORY, "fits_one_gpu = serving_bytes <= 80e9", 'fits_one_gpu = "yes"'
    ),
    "speed: KV read ignored": _swap(SPEED, _STEP_BYTES, "step_bytes = 26e9"),
    "speed: weights read once per user": _swap(
        SPEED, _STEP_BYTES, "step_bytes = 50 * (26e9 + 671_088_640)"
    ),
    "speed: per-user rate reported as total": _swap(
        SPEED,
        "total_tokens_per_s = 50 / (step_ms / 1e3)",
        "total_tokens_per_s = 1 / (step_ms / 1e3)",
    ),
    "speed: 1,500 compared per user": _swap(
        SPEED,
        "serves_1500 = total_tokens_per_s >= 1500",
        "serves_1500 = total_tokens_per_s / 50 >= 1500",
    ),
    "cost: one hour of rent": _swap(COST, "1 * 24 * 3.0", "1 * 3.0"),
    "cost: per token instead of per million": _swap(
        COST, "cost_per_day / (50e6 / 1e6)", "cost_per_day / 50e6"
    ),
    "plan: GPUs rounded down": _swap(
        PLAN, _GPUS, "gpus = max(1, int(total_bytes / gpu_memory_bytes))"
    ),
    "plan: GPUs from weights only": _swap(
        PLAN, _GPUS, "gpus = max(1, math.ceil(weights_bytes / gpu_memory_bytes))"
    ),
    "plan: zero GPUs allowed": _swap(
        PLAN, _GPUS, "gpus = math.ceil(total_bytes / gpu_memory_bytes) if users else 0"
    ),
    "plan: KV ignoring kv_bytes_per_elem": _swap(
        PLAN, "head_dim * context * kv_bytes_per_elem", "head_dim * context * 2"
    ),
    "plan: KV without the factor 2": _swap(
        PLAN, "kv_bytes_per_user = 2 * n_layers", "kv_bytes_per_user = n_layers"
    ),
    "plan: one GPU's bandwidth": _swap(PLAN, _STEP, "step_s = total_bytes / gpu_bandwidth"),
    "plan: step reads the weights only": _swap(
        PLAN, _STEP, "step_s = weights_bytes / (gpus * gpu_bandwidth)"
    ),
    "plan: total equals per-user": _swap(PLAN, "total = users * per_user", "total = per_user"),
    "plan: target compared with the total": _swap(
        PLAN, _MEETS, "meets = bool(total >= target_tokens_per_s)"
    ),
    "plan: capacity per hour": _swap(PLAN, "capacity = total * 86_400", "capacity = total * 3600"),
    "plan: cost for one GPU only": _swap(
        PLAN,
        '"cost_per_million_tokens": gpus * 24 * gpu_hour_usd',
        '"cost_per_million_tokens": 24 * gpu_hour_usd',
    ),
    "plan: feasible ignores demand": _swap(PLAN, _FEASIBLE, '"feasible": meets'),
    "plan: strict capacity comparison": _swap(
        PLAN, _FEASIBLE, '"feasible": bool(meets and tokens_per_day < capacity)'
    ),
    "plan: numpy bools": _swap(PLAN, _MEETS, "meets = np.float64(per_user) >= target_tokens_per_s"),
    # Small forgotten terms: the norms are 0.004 % of the model.
    "params: exact count without the RMSNorm weights": _swaps(
        PARAMS,
        ("norms = 2 * d  # two RMSNorm weight vectors", "norms = 0"),
        ("+ 2 * V * d + d  #", "+ 2 * V * d  #"),
    ),
    "params: exact count without the final norm": _swap(
        PARAMS, "+ 2 * V * d + d  #", "+ 2 * V * d  #"
    ),
    # A unit slip the rounding up hides at the capstone's own numbers.
    "plan: 80 GB cards taken as 80 GiB": _swap(
        PLAN, _GPUS, "gpus = max(1, math.ceil(total_bytes / (gpu_memory_bytes / 1e9 * 2**30)))"
    ),
    "plan: total in GB, not bytes": _swap(
        PLAN,
        "total_bytes = weights_bytes + users * kv_bytes_per_user",
        "total_bytes = (weights_bytes + users * kv_bytes_per_user) / 1e9",
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "params: K and V with all 40 heads (MHA)": (
        "K and V projections with all 40 heads instead of the 8 KV heads"
    ),
    "params: tied embeddings": (
        "one shared (tied) embedding matrix instead of separate input and output embeddings"
    ),
    "params: two-matrix MLP": "two matrices for the SwiGLU MLP instead of three",
    "params: estimate with one embedding": "the estimate with one V * d instead of 2 V d",
    "params: gap with the wrong sign": "exact - estimate instead of estimate - exact",
    "params: gap as a percentage": "a percentage (times 100) instead of a fraction",
    "params: gap relative to the estimate": (
        "dividing the gap by the estimate instead of by the exact count"
    ),
    "training with 2ND": "2ND (the forward pass only) instead of 6ND",
    "training ignoring MFU": "leaving out the 50% MFU (the GPUs at peak)",
    "training on one GPU": "the throughput of one GPU instead of 64",
    "training days computed as hours": "train_days in hours (seconds / 3600) instead of days",
    "memory: 26 GB + 31.25 GiB = 57.25": (
        "adding the 26 GB of weights to the KV caches in GiB (mixed units)"
    ),
    "memory: KV with 40 heads": "40 KV heads (all query heads) instead of 8",
    "memory: KV without the factor 2": "forgetting the factor 2 for K and V",
    "memory: total in GiB": "dividing by 2^30 (GiB) instead of 10^9 (GB)",
    "memory: KV bytes as a float": (
        "kv_bytes_per_user as a float (0.625 * 2**30) instead of an exact int"
    ),
    "memory: fits as a string": "the string 'yes' instead of True or False",
    "speed: KV read ignored": "a step that reads only the weights, not the KV caches",
    "speed: weights read once per user": (
        "reading the weights once per user instead of once per step"
    ),
    "speed: per-user rate reported as total": "one user's rate instead of the sum over 50 users",
    "speed: 1,500 compared per user": "comparing one user's rate with 1,500 instead of the total",
    "cost: one hour of rent": "one hour of rent per day instead of 24",
    "cost: per token instead of per million": "the cost per token instead of per million tokens",
    "plan: GPUs rounded down": "rounding the GPU count down (int) instead of up (math.ceil)",
    "plan: GPUs from weights only": "counting GPUs for the weights alone, without the KV caches",
    "plan: zero GPUs allowed": "0 GPUs when users is 0 instead of at least one",
    "plan: KV ignoring kv_bytes_per_elem": "2 bytes per KV element whatever kv_bytes_per_elem is",
    "plan: KV without the factor 2": "forgetting the factor 2 for K and V",
    "plan: one GPU's bandwidth": "one GPU's bandwidth instead of gpus * gpu_bandwidth",
    "plan: step reads the weights only": "a step that reads only the weights, not the KV caches",
    "plan: total equals per-user": "tokens_per_s_total equal to one user's rate (not times users)",
    "plan: target compared with the total": (
        "comparing the total rate, not the per-user rate, with target_tokens_per_s"
    ),
    "plan: capacity per hour": "capacity per hour (total * 3600) instead of per day",
    "plan: cost for one GPU only": "the cost of one GPU instead of all of them",
    "plan: feasible ignores demand": (
        "feasible without checking tokens_per_day against the capacity"
    ),
    "plan: strict capacity comparison": "tokens_per_day < capacity instead of <=",
    "plan: numpy bools": "meets_target as a numpy bool instead of a Python bool",
    "params: exact count without the RMSNorm weights": (
        "leaving out the RMSNorm weights (two per layer and the final one)"
    ),
    "params: exact count without the final norm": "leaving out the final RMSNorm (d weights)",
    "plan: 80 GB cards taken as 80 GiB": (
        "reading gpu_memory_bytes as GiB (80 * 2**30) instead of the bytes given"
    ),
    "plan: total in GB, not bytes": "total_bytes in GB (divided by 10^9) instead of bytes",
}
