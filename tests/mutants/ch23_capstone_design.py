"""ch23_capstone_design: wrong answers students plausibly write; each must lose points."""

_PARAMS = """
d, L, n_heads, n_kv, d_head, d_ff, V = 5120, 40, 40, 8, 128, 13_824, 32_000
estimate_params = 12 * L * d**2 + 2 * V * d
attention = d * (n_heads * d_head) + 2 * d * (n_kv * d_head) + (n_heads * d_head) * d
mlp = 3 * d * d_ff
norms = 2 * d
exact_params = L * (attention + mlp + norms) + 2 * V * d + d
estimate_gap = estimate_params - exact_params
gap_fraction = estimate_gap / exact_params
"""

PARAMS_MHA = _PARAMS.replace("2 * d * (n_kv * d_head)", "2 * d * (n_heads * d_head)")
PARAMS_TIED = _PARAMS.replace(
    "exact_params = L * (attention + mlp + norms) + 2 * V * d + d",
    "exact_params = L * (attention + mlp + norms) + V * d + d",
)
PARAMS_GELU_MLP = _PARAMS.replace("mlp = 3 * d * d_ff", "mlp = 2 * d * d_ff")
PARAMS_ONE_EMBED_ESTIMATE = _PARAMS.replace(
    "estimate_params = 12 * L * d**2 + 2 * V * d", "estimate_params = 12 * L * d**2 + V * d"
)
PARAMS_GAP_SIGN = _PARAMS.replace(
    "estimate_gap = estimate_params - exact_params", "estimate_gap = exact_params - estimate_params"
)
PARAMS_GAP_PERCENT = _PARAMS.replace(
    "gap_fraction = estimate_gap / exact_params", "gap_fraction = 100 * estimate_gap / exact_params"
)
PARAMS_GAP_OVER_ESTIMATE = _PARAMS.replace(
    "gap_fraction = estimate_gap / exact_params", "gap_fraction = estimate_gap / estimate_params"
)

_TRAIN = """
train_flops = 6 * 13e9 * 260e9
train_seconds = train_flops / (64 * 990e12 * 0.5)
train_hours = train_seconds / 3600
train_days = train_hours / 24
"""
TRAIN_2ND = _TRAIN.replace("train_flops = 6 *", "train_flops = 2 *")
TRAIN_NO_MFU = _TRAIN.replace("(64 * 990e12 * 0.5)", "(64 * 990e12)")
TRAIN_ONE_GPU = _TRAIN.replace("(64 * 990e12 * 0.5)", "(990e12 * 0.5)")
TRAIN_DAYS_FROM_SECONDS = _TRAIN.replace(
    "train_days = train_hours / 24", "train_days = train_seconds / 3600"
)

_MEMORY = """
weights_bytes = 13e9 * 2
kv_bytes_per_user = 2 * 40 * 8 * 128 * 4096 * 2
serving_bytes = weights_bytes + 50 * kv_bytes_per_user
serving_memory_gb = serving_bytes / 1e9
fits_one_gpu = serving_bytes <= 80e9
"""
MEMORY_GB_PLUS_GIB = _MEMORY.replace(
    "serving_memory_gb = serving_bytes / 1e9",
    "serving_memory_gb = 26 + 50 * kv_bytes_per_user / 2**30",
)
MEMORY_MHA_KV = _MEMORY.replace(
    "kv_bytes_per_user = 2 * 40 * 8 * 128", "kv_bytes_per_user = 2 * 40 * 40 * 128"
)
MEMORY_NO_KV_FACTOR_2 = _MEMORY.replace(
    "kv_bytes_per_user = 2 * 40 * 8 * 128 * 4096 * 2", "kv_bytes_per_user = 40 * 8 * 128 * 4096 * 2"
)
MEMORY_ALL_GIB = _MEMORY.replace(
    "serving_memory_gb = serving_bytes / 1e9", "serving_memory_gb = serving_bytes / 2**30"
)
MEMORY_FLOAT_KV = _MEMORY.replace(
    "kv_bytes_per_user = 2 * 40 * 8 * 128 * 4096 * 2",
    "kv_bytes_per_user = 0.625 * 2**30",
)
MEMORY_FITS_STRING = _MEMORY.replace("fits_one_gpu = serving_bytes <= 80e9", 'fits_one_gpu = "yes"')

_SPEED = """
step_bytes = 26e9 + 50 * 671_088_640
step_ms = step_bytes / 3.35e12 * 1e3
total_tokens_per_s = 50 / (step_ms / 1e3)
serves_1500 = total_tokens_per_s >= 1500
"""
SPEED_WEIGHTS_ONLY = _SPEED.replace("step_bytes = 26e9 + 50 * 671_088_640", "step_bytes = 26e9")
SPEED_WEIGHTS_PER_USER = _SPEED.replace(
    "step_bytes = 26e9 + 50 * 671_088_640", "step_bytes = 50 * (26e9 + 671_088_640)"
)
SPEED_PER_USER_AS_TOTAL = _SPEED.replace(
    "total_tokens_per_s = 50 / (step_ms / 1e3)", "total_tokens_per_s = 1 / (step_ms / 1e3)"
)
SPEED_SERVES_FALSE = _SPEED.replace(
    "serves_1500 = total_tokens_per_s >= 1500", "serves_1500 = total_tokens_per_s / 50 >= 1500"
)

COST_PER_HOUR = """
cost_per_million_tokens = 3.0 / 50
"""
COST_PER_TOKEN = """
cost_per_million_tokens = 3.0 * 24 / 50e6
"""

_PLAN = """
def plan_deployment(n_params, n_layers, n_kv_heads, head_dim, context, users, gpu_memory_bytes,
                    gpu_bandwidth, target_tokens_per_s, gpu_hour_usd, tokens_per_day,
                    bytes_per_param=2, kv_bytes_per_elem=2):
    weights_bytes = n_params * bytes_per_param
    kv_bytes_per_user = 2 * n_layers * n_kv_heads * head_dim * context * kv_bytes_per_elem
    total_bytes = weights_bytes + users * kv_bytes_per_user
    gpus = max(1, math.ceil(total_bytes / gpu_memory_bytes))
    step_s = total_bytes / (gpus * gpu_bandwidth)
    per_user = 1.0 / step_s
    total = users * per_user
    capacity = total * 86_400
    meets = bool(per_user >= target_tokens_per_s)
    return {
        "weights_bytes": weights_bytes,
        "kv_bytes_per_user": kv_bytes_per_user,
        "total_bytes": total_bytes,
        "gpus": gpus,
        "step_s": step_s,
        "tokens_per_s_per_user": per_user,
        "tokens_per_s_total": total,
        "meets_target": meets,
        "capacity_tokens_per_day": capacity,
        "cost_per_million_tokens": gpus * 24 * gpu_hour_usd / (tokens_per_day / 1e6),
        "feasible": bool(meets and tokens_per_day <= capacity),
    }
"""


def _plan(old: str, new: str) -> str:
    assert old in _PLAN, old
    return _PLAN.replace(old, new)


MUTANTS = {
    "params: K and V with all 40 heads (MHA)": {"ex_23_1_param_count": PARAMS_MHA},
    "params: tied embeddings": {"ex_23_1_param_count": PARAMS_TIED},
    "params: two-matrix MLP": {"ex_23_1_param_count": PARAMS_GELU_MLP},
    "params: estimate with one embedding": {"ex_23_1_param_count": PARAMS_ONE_EMBED_ESTIMATE},
    "params: gap with the wrong sign": {"ex_23_1_param_count": PARAMS_GAP_SIGN},
    "params: gap as a percentage": {"ex_23_1_param_count": PARAMS_GAP_PERCENT},
    "params: gap relative to the estimate": {"ex_23_1_param_count": PARAMS_GAP_OVER_ESTIMATE},
    "training with 2ND": {"ex_23_2_training_time": TRAIN_2ND},
    "training ignoring MFU": {"ex_23_2_training_time": TRAIN_NO_MFU},
    "training on one GPU": {"ex_23_2_training_time": TRAIN_ONE_GPU},
    "training days computed as hours": {"ex_23_2_training_time": TRAIN_DAYS_FROM_SECONDS},
    "memory: 26 GB + 31.25 GiB = 57.25": {"ex_23_3_serving_memory": MEMORY_GB_PLUS_GIB},
    "memory: KV with 40 heads": {"ex_23_3_serving_memory": MEMORY_MHA_KV},
    "memory: KV without the factor 2": {"ex_23_3_serving_memory": MEMORY_NO_KV_FACTOR_2},
    "memory: total in GiB": {"ex_23_3_serving_memory": MEMORY_ALL_GIB},
    "memory: KV bytes as a float": {"ex_23_3_serving_memory": MEMORY_FLOAT_KV},
    "memory: fits as a string": {"ex_23_3_serving_memory": MEMORY_FITS_STRING},
    "speed: KV read ignored": {"ex_23_4_serving_speed": SPEED_WEIGHTS_ONLY},
    "speed: weights read once per user": {"ex_23_4_serving_speed": SPEED_WEIGHTS_PER_USER},
    "speed: per-user rate reported as total": {"ex_23_4_serving_speed": SPEED_PER_USER_AS_TOTAL},
    "speed: 1,500 compared per user": {"ex_23_4_serving_speed": SPEED_SERVES_FALSE},
    "cost: one hour of rent": {"ex_23_5_cost": COST_PER_HOUR},
    "cost: per token instead of per million": {"ex_23_5_cost": COST_PER_TOKEN},
    "plan: GPUs rounded down": {
        "ex_23_6_plan_deployment": _plan(
            "gpus = max(1, math.ceil(total_bytes / gpu_memory_bytes))",
            "gpus = max(1, int(total_bytes / gpu_memory_bytes))",
        )
    },
    "plan: GPUs from weights only": {
        "ex_23_6_plan_deployment": _plan(
            "gpus = max(1, math.ceil(total_bytes / gpu_memory_bytes))",
            "gpus = max(1, math.ceil(weights_bytes / gpu_memory_bytes))",
        )
    },
    "plan: zero GPUs allowed": {
        "ex_23_6_plan_deployment": _plan(
            "gpus = max(1, math.ceil(total_bytes / gpu_memory_bytes))",
            "gpus = math.ceil(total_bytes / gpu_memory_bytes) if users else 0",
        )
    },
    "plan: KV ignoring kv_bytes_per_elem": {
        "ex_23_6_plan_deployment": _plan(
            "head_dim * context * kv_bytes_per_elem", "head_dim * context * 2"
        )
    },
    "plan: KV without the factor 2": {
        "ex_23_6_plan_deployment": _plan(
            "kv_bytes_per_user = 2 * n_layers", "kv_bytes_per_user = n_layers"
        )
    },
    "plan: one GPU's bandwidth": {
        "ex_23_6_plan_deployment": _plan(
            "step_s = total_bytes / (gpus * gpu_bandwidth)", "step_s = total_bytes / gpu_bandwidth"
        )
    },
    "plan: step reads the weights only": {
        "ex_23_6_plan_deployment": _plan(
            "step_s = total_bytes / (gpus * gpu_bandwidth)",
            "step_s = weights_bytes / (gpus * gpu_bandwidth)",
        )
    },
    "plan: total equals per-user": {
        "ex_23_6_plan_deployment": _plan("total = users * per_user", "total = per_user")
    },
    "plan: target compared with the total": {
        "ex_23_6_plan_deployment": _plan(
            "meets = bool(per_user >= target_tokens_per_s)",
            "meets = bool(total >= target_tokens_per_s)",
        )
    },
    "plan: capacity per hour": {
        "ex_23_6_plan_deployment": _plan("capacity = total * 86_400", "capacity = total * 3600")
    },
    "plan: cost for one GPU only": {
        "ex_23_6_plan_deployment": _plan(
            '"cost_per_million_tokens": gpus * 24 * gpu_hour_usd',
            '"cost_per_million_tokens": 24 * gpu_hour_usd',
        )
    },
    "plan: feasible ignores demand": {
        "ex_23_6_plan_deployment": _plan(
            '"feasible": bool(meets and tokens_per_day <= capacity)', '"feasible": meets'
        )
    },
    "plan: strict capacity comparison": {
        "ex_23_6_plan_deployment": _plan(
            '"feasible": bool(meets and tokens_per_day <= capacity)',
            '"feasible": bool(meets and tokens_per_day < capacity)',
        )
    },
    "plan: numpy bools": {
        "ex_23_6_plan_deployment": _plan(
            "meets = bool(per_user >= target_tokens_per_s)",
            "meets = np.float64(per_user) >= target_tokens_per_s",
        )
    },
}
