"""ch21_throughput_latency: wrong answers students plausibly write; each must lose points."""

DECODE_FP32 = """
decode_bytes_per_token = 6.74e9 * 4
decode_ms = decode_bytes_per_token / 2e12 * 1e3
decode_tokens_per_s = 1e3 / decode_ms
"""

DECODE_SECONDS = """
decode_bytes_per_token = 6.74e9 * 2
decode_ms = decode_bytes_per_token / 2e12
decode_tokens_per_s = 1 / decode_ms
"""

DECODE_TIB = """
decode_bytes_per_token = 6.74e9 * 2
decode_ms = decode_bytes_per_token / 2**41 * 1e3
decode_tokens_per_s = 1e3 / decode_ms
"""

DECODE_COMPUTE_BOUND = """
decode_bytes_per_token = 6.74e9 * 2
decode_ms = 2 * 6.74e9 / 312e12 * 1e3
decode_tokens_per_s = 1e3 / decode_ms
"""

PREFILL_NO_MFU = """
prefill_flops = 2 * 6.74e9 * 2048
prefill_ms = prefill_flops / 312e12 * 1e3
"""

PREFILL_6N = """
prefill_flops = 6 * 6.74e9 * 2048
prefill_ms = prefill_flops / (312e12 * 0.5) * 1e3
"""

PREFILL_N_ONLY = """
prefill_flops = 6.74e9 * 2048
prefill_ms = prefill_flops / (312e12 * 0.5) * 1e3
"""

RIDGE_INVERTED = """
ridge_intensity = 2e12 / 312e12
critical_batch = ridge_intensity
"""

CRITICAL_BATCH_HALVED = """
ridge_intensity = 312e12 / 2e12
critical_batch = ridge_intensity / 2
"""

INT4_ONE_BYTE = """
int4_tokens_per_s = 2e12 / (6.74e9 * 1)
"""

INT4_FOUR_BYTES = """
int4_tokens_per_s = 2e12 / (6.74e9 * 4)
"""

_SERVING = """
import math
weights_bytes = 70e9 * 2
kv_bytes_per_user = 2 * 80 * 8 * 128 * 4096 * 2
total_bytes = weights_bytes + 100 * kv_bytes_per_user
serving_memory_gb = total_bytes / 1e9
gpus_needed = math.ceil(total_bytes / 80e9)
gpus_needed_5gb = math.ceil((weights_bytes + 100 * 5e9) / 80e9)
step_s = total_bytes / (gpus_needed * 3.35e12)
tokens_per_s_per_user = 1 / step_s
"""

SERVING_KV_NO_FACTOR_2 = _SERVING.replace(
    "kv_bytes_per_user = 2 * 80 * 8 * 128 * 4096 * 2", "kv_bytes_per_user = 80 * 8 * 128 * 4096 * 2"
)

SERVING_MHA_KV = _SERVING.replace(
    "kv_bytes_per_user = 2 * 80 * 8 * 128 * 4096 * 2",
    "kv_bytes_per_user = 2 * 80 * 64 * 128 * 4096 * 2",
)

SERVING_GB_PLUS_GIB = _SERVING.replace(
    "serving_memory_gb = total_bytes / 1e9",
    "serving_memory_gb = 140 + 100 * kv_bytes_per_user / 2**30",
)

SERVING_FLOOR = _SERVING.replace(
    "gpus_needed = math.ceil(total_bytes / 80e9)", "gpus_needed = int(total_bytes / 80e9)"
)

SERVING_WEIGHTS_ONLY = _SERVING.replace(
    "gpus_needed = math.ceil(total_bytes / 80e9)", "gpus_needed = math.ceil(weights_bytes / 80e9)"
)

SERVING_FUDGE_25 = _SERVING.replace(
    "gpus_needed = math.ceil(total_bytes / 80e9)", "gpus_needed = 25"
)

SERVING_5GB_NO_WEIGHTS = _SERVING.replace(
    "gpus_needed_5gb = math.ceil((weights_bytes + 100 * 5e9) / 80e9)",
    "gpus_needed_5gb = math.ceil(100 * 5e9 / 80e9)",
)

SERVING_ONE_GPU_BANDWIDTH = _SERVING.replace(
    "step_s = total_bytes / (gpus_needed * 3.35e12)", "step_s = total_bytes / 3.35e12"
)

SERVING_WEIGHTS_ONLY_STEP = _SERVING.replace(
    "step_s = total_bytes / (gpus_needed * 3.35e12)",
    "step_s = weights_bytes / (gpus_needed * 3.35e12)",
)

SERVING_TOTAL_NOT_PER_USER = _SERVING.replace(
    "tokens_per_s_per_user = 1 / step_s", "tokens_per_s_per_user = 100 / step_s / 1000"
)

_ROOF = """
def roofline(flops, bytes_moved, peak_flops, bandwidth):
    compute_s = flops / peak_flops
    memory_s = bytes_moved / bandwidth
    bound = "compute" if compute_s >= memory_s else "memory"
    return max(compute_s, memory_s), bound


def attainable_flops(intensity, peak_flops, bandwidth):
    return np.minimum(peak_flops, np.asarray(intensity, dtype=float) * bandwidth)


prefill_roof = roofline(2 * 6.74e9 * 2048, 2 * 6.74e9, 312e12, 2e12)
decode_roof = roofline(2 * 6.74e9, 2 * 6.74e9, 312e12, 2e12)
"""

ROOF_SUM = _ROOF.replace(
    "return max(compute_s, memory_s), bound", "return compute_s + memory_s, bound"
)
ROOF_MIN = _ROOF.replace(
    "return max(compute_s, memory_s), bound", "return min(compute_s, memory_s), bound"
)
ROOF_BOUND_SWAPPED = _ROOF.replace(
    'bound = "compute" if compute_s >= memory_s else "memory"',
    'bound = "memory" if compute_s >= memory_s else "compute"',
)
ROOF_TIE_MEMORY = _ROOF.replace(
    'bound = "compute" if compute_s >= memory_s else "memory"',
    'bound = "compute" if compute_s > memory_s else "memory"',
)
ROOF_BYTES_TIMES_BW = _ROOF.replace(
    "memory_s = bytes_moved / bandwidth", "memory_s = bytes_moved * bandwidth / 1e18"
)
ROOF_BOUND_BY_INTENSITY_GUESS = _ROOF.replace(
    'bound = "compute" if compute_s >= memory_s else "memory"',
    'bound = "compute" if flops / bytes_moved > 100 else "memory"',
)
ATTAINABLE_MAX = _ROOF.replace(
    "return np.minimum(peak_flops, np.asarray(intensity, dtype=float) * bandwidth)",
    "return np.maximum(peak_flops, np.asarray(intensity, dtype=float) * bandwidth)",
)
ATTAINABLE_UNCLIPPED = _ROOF.replace(
    "return np.minimum(peak_flops, np.asarray(intensity, dtype=float) * bandwidth)",
    "return np.asarray(intensity, dtype=float) * bandwidth",
)
ATTAINABLE_BUILTIN_MIN = _ROOF.replace(
    "return np.minimum(peak_flops, np.asarray(intensity, dtype=float) * bandwidth)",
    "return min(peak_flops, float(np.max(intensity)) * bandwidth)",
)
APPLY_DECODE_WITH_T = _ROOF.replace(
    "decode_roof = roofline(2 * 6.74e9, 2 * 6.74e9, 312e12, 2e12)",
    "decode_roof = roofline(2 * 6.74e9, 2 * 6.74e9 * 2048, 312e12, 2e12)",
)
APPLY_PREFILL_BYTES_PER_TOKEN = _ROOF.replace(
    "prefill_roof = roofline(2 * 6.74e9 * 2048, 2 * 6.74e9, 312e12, 2e12)",
    "prefill_roof = roofline(2 * 6.74e9 * 2048, 2 * 6.74e9 * 2048, 312e12, 2e12)",
)

_PREDICT = """
def predict_tokens_per_s(n_params, bytes_per_param, tokens_per_pass, peak_flops, bandwidth):
    flops = 2 * n_params * tokens_per_pass
    bytes_moved = n_params * bytes_per_param
    seconds, _ = roofline(flops, bytes_moved, peak_flops, bandwidth)
    return tokens_per_pass / seconds
"""

PREDICT_WEIGHTS_PER_TOKEN = _PREDICT.replace(
    "bytes_moved = n_params * bytes_per_param",
    "bytes_moved = n_params * bytes_per_param * tokens_per_pass",
)
PREDICT_MEMORY_ONLY = _PREDICT.replace(
    "seconds, _ = roofline(flops, bytes_moved, peak_flops, bandwidth)",
    "seconds = bytes_moved / bandwidth",
)
PREDICT_COMPUTE_ONLY = _PREDICT.replace(
    "seconds, _ = roofline(flops, bytes_moved, peak_flops, bandwidth)",
    "seconds = flops / peak_flops",
)
PREDICT_ONE_FLOP = _PREDICT.replace(
    "flops = 2 * n_params * tokens_per_pass", "flops = n_params * tokens_per_pass"
)
PREDICT_PASSES = _PREDICT.replace("return tokens_per_pass / seconds", "return 1 / seconds")

MUTANTS = {
    "decode with fp32 bytes": {"ex_21_1_decode_speed": DECODE_FP32},
    "decode time left in seconds": {"ex_21_1_decode_speed": DECODE_SECONDS},
    "bandwidth in TiB/s": {"ex_21_1_decode_speed": DECODE_TIB},
    "decode treated as compute-bound": {"ex_21_1_decode_speed": DECODE_COMPUTE_BOUND},
    "prefill at peak (MFU ignored)": {"ex_21_2_prefill_time": PREFILL_NO_MFU},
    "prefill with training's 6N": {"ex_21_2_prefill_time": PREFILL_6N},
    "prefill with N FLOPs per token": {"ex_21_2_prefill_time": PREFILL_N_ONLY},
    "ridge point inverted": {"ex_21_3_ridge_point": RIDGE_INVERTED},
    "critical batch counting 2 FLOPs per byte per sequence": {
        "ex_21_3_ridge_point": CRITICAL_BATCH_HALVED
    },
    "int4 as one byte": {"ex_21_4_int4_decode": INT4_ONE_BYTE},
    "int4 as four bytes": {"ex_21_4_int4_decode": INT4_FOUR_BYTES},
    "KV without the K-and-V factor 2": {"ex_21_5_serving_plan": SERVING_KV_NO_FACTOR_2},
    "KV with 64 heads (MHA) instead of 8 KV heads": {"ex_21_5_serving_plan": SERVING_MHA_KV},
    "GB added to GiB": {"ex_21_5_serving_plan": SERVING_GB_PLUS_GIB},
    "GPU count rounded down": {"ex_21_5_serving_plan": SERVING_FLOOR},
    "GPU count from weights only": {"ex_21_5_serving_plan": SERVING_WEIGHTS_ONLY},
    "the unexplained 25 GPUs": {"ex_21_5_serving_plan": SERVING_FUDGE_25},
    "5 GB scenario without the weights": {"ex_21_5_serving_plan": SERVING_5GB_NO_WEIGHTS},
    "decode step on one GPU's bandwidth": {"ex_21_5_serving_plan": SERVING_ONE_GPU_BANDWIDTH},
    "decode step ignoring the KV read": {"ex_21_5_serving_plan": SERVING_WEIGHTS_ONLY_STEP},
    "total throughput reported as per-user": {"ex_21_5_serving_plan": SERVING_TOTAL_NOT_PER_USER},
    "roofline summing the two times": {"ex_21_6_roofline": ROOF_SUM},
    "roofline taking the smaller time": {"ex_21_6_roofline": ROOF_MIN},
    "roofline bound swapped": {"ex_21_6_roofline": ROOF_BOUND_SWAPPED},
    "roofline tie counted as memory": {"ex_21_6_roofline": ROOF_TIE_MEMORY},
    "roofline multiplying by the bandwidth": {"ex_21_6_roofline": ROOF_BYTES_TIMES_BW},
    "roofline bound from a fixed intensity threshold": {
        "ex_21_6_roofline": ROOF_BOUND_BY_INTENSITY_GUESS
    },
    "attainable as the max": {"ex_21_6_roofline": ATTAINABLE_MAX},
    "attainable without the compute roof": {"ex_21_6_roofline": ATTAINABLE_UNCLIPPED},
    "attainable not elementwise": {"ex_21_6_roofline": ATTAINABLE_BUILTIN_MIN},
    "decode charged T times the bytes": {"ex_21_6_roofline": APPLY_DECODE_WITH_T},
    "prefill reading the weights per token": {"ex_21_6_roofline": APPLY_PREFILL_BYTES_PER_TOKEN},
    "prediction reading the weights once per token": {"ex_21_7_measure": PREDICT_WEIGHTS_PER_TOKEN},
    "prediction from bandwidth only": {"ex_21_7_measure": PREDICT_MEMORY_ONLY},
    "prediction from compute only": {"ex_21_7_measure": PREDICT_COMPUTE_ONLY},
    "prediction with N FLOPs per token": {"ex_21_7_measure": PREDICT_ONE_FLOP},
    "prediction in passes per second": {"ex_21_7_measure": PREDICT_PASSES},
}
