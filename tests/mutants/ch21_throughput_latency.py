"""ch21_throughput_latency: wrong answers students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch21_throughput_latency")

DECODE = "ex_21_1_decode_speed"
PREFILL = "ex_21_2_prefill_time"
RIDGE = "ex_21_3_ridge_point"
INT4 = "ex_21_4_int4_decode"
SERVING = "ex_21_5_serving_plan"
ROOF = "ex_21_6_roofline"
PREDICT = "ex_21_7_measure"

_KV = "kv_bytes_per_user = 2 * 80 * 8 * 128 * 4096 * 2"
_GPUS = "gpus_needed = math.ceil(total_bytes / 80e9)"
_STEP = "step_s = total_bytes / (gpus_needed * 3.35e12)"
_MAX = "return max(compute_s, memory_s), bound"
_BOUND = 'bound = "compute" if compute_s >= memory_s else "memory"'
_ATTAINABLE = "return np.minimum(peak_flops, np.asarray(intensity, dtype=float) * bandwidth)"
_SECONDS = "seconds, _ = roofline(flops, bytes_moved, peak_flops, bandwidth)"

MUTANTS = {
    "decode with fp32 bytes": _swap(DECODE, "N_7B * 2", "N_7B * 4"),
    "decode time left in seconds": _swap(
        DECODE,
        "/ 2e12 * 1e3  # 6.74 ms\ndecode_tokens_per_s = 1e3 /",
        "/ 2e12\ndecode_tokens_per_s = 1 /",
    ),
    "bandwidth in TiB/s": _swap(DECODE, "/ 2e12 * 1e3", "/ 2**41 * 1e3"),
    "decode treated as compute-bound": _swap(
        DECODE, "decode_bytes_per_token / 2e12 * 1e3", "2 * 6.74e9 / 312e12 * 1e3"
    ),
    "prefill at peak (MFU ignored)": _swap(PREFILL, "(312e12 * 0.5)", "312e12"),
    "prefill with training's 6N": _swap(PREFILL, "= 2 * 6.74e9", "= 6 * 6.74e9"),
    "prefill with N FLOPs per token": _swap(PREFILL, "= 2 * 6.74e9", "= 6.74e9"),
    "ridge point inverted": _swap(RIDGE, "312e12 / 2e12", "2e12 / 312e12"),
    "critical batch counting 2 FLOPs per byte per sequence": _swap(
        RIDGE, "ridge_intensity / 1.0", "ridge_intensity / 2"
    ),
    "int4 as one byte": _swap(INT4, "(6.74e9 * 0.5)", "(6.74e9 * 1)"),
    "int4 as four bytes": _swap(INT4, "(6.74e9 * 0.5)", "(6.74e9 * 4)"),
    "KV without the K-and-V factor 2": _swap(
        SERVING, _KV, "kv_bytes_per_user = 80 * 8 * 128 * 4096 * 2"
    ),
    "KV with 64 heads (MHA) instead of 8 KV heads": _swap(
        SERVING, _KV, "kv_bytes_per_user = 2 * 80 * 64 * 128 * 4096 * 2"
    ),
    "GB added to GiB": _swap(
        SERVING,
        "serving_memory_gb = total_bytes / 1e9",
        "serving_memory_gb = 140 + 100 * kv_bytes_per_user / 2**30",
    ),
    "GPU count rounded down": _swap(SERVING, _GPUS, "gpus_needed = int(total_bytes / 80e9)"),
    "GPU count from weights only": _swap(
        SERVING, _GPUS, "gpus_needed = math.ceil(weights_bytes / 80e9)"
    ),
    "the unexplained 25 GPUs": _swap(SERVING, _GPUS, "gpus_needed = 25"),
    "5 GB scenario without the weights": _swap(
        SERVING,
        "gpus_needed_5gb = math.ceil((weights_bytes + 100 * 5e9) / 80e9)",
        "gpus_needed_5gb = math.ceil(100 * 5e9 / 80e9)",
    ),
    "decode step on one GPU's bandwidth": _swap(SERVING, _STEP, "step_s = total_bytes / 3.35e12"),
    "decode step ignoring the KV read": _swap(
        SERVING, _STEP, "step_s = weights_bytes / (gpus_needed * 3.35e12)"
    ),
    "total throughput reported as per-user": _swap(
        SERVING,
        "tokens_per_s_per_user = 1 / step_s",
        "tokens_per_s_per_user = 100 / step_s / 1000",
    ),
    "roofline summing the two times": _swap(ROOF, _MAX, "return compute_s + memory_s, bound"),
    "roofline taking the smaller time": _swap(ROOF, _MAX, "return min(compute_s, memory_s), bound"),
    "roofline bound swapped": _swap(
        ROOF, _BOUND, 'bound = "memory" if compute_s >= memory_s else "compute"'
    ),
    "roofline tie counted as memory": _swap(
        ROOF, _BOUND, 'bound = "compute" if compute_s > memory_s else "memory"'
    ),
    "roofline multiplying by the bandwidth": _swap(
        ROOF, "memory_s = bytes_moved / bandwidth", "memory_s = bytes_moved * bandwidth / 1e18"
    ),
    "roofline bound from a fixed intensity threshold": _swap(
        ROOF, _BOUND, 'bound = "compute" if flops / bytes_moved > 100 else "memory"'
    ),
    "attainable as the max": _swap(
        ROOF,
        _ATTAINABLE,
        "return np.maximum(peak_flops, np.asarray(intensity, dtype=float) * bandwidth)",
    ),
    "attainable without the compute roof": _swap(
        ROOF, _ATTAINABLE, "return np.asarray(intensity, dtype=float) * bandwidth"
    ),
    "attainable not elementwise": _swap(
        ROOF, _ATTAINABLE, "return min(peak_flops, float(np.max(intensity)) * bandwidth)"
    ),
    "decode charged T times the bytes": _swap(
        ROOF,
        "decode_roof = roofline(2 * 6.74e9, 2 * 6.74e9, 312e12, 2e12)",
        "decode_roof = roofline(2 * 6.74e9, 2 * 6.74e9 * 2048, 312e12, 2e12)",
    ),
    "prefill reading the weights per token": _swap(
        ROOF,
        "prefill_roof = roofline(2 * 6.74e9 * 2048, 2 * 6.74e9, 312e12, 2e12)",
        "prefill_roof = roofline(2 * 6.74e9 * 2048, 2 * 6.74e9 * 2048, 312e12, 2e12)",
    ),
    "prediction reading the weights once per token": _swap(
        PREDICT,
        "bytes_moved = n_params * bytes_per_param",
        "bytes_moved = n_params * bytes_per_param * tokens_per_pass",
    ),
    "prediction from bandwidth only": _swap(PREDICT, _SECONDS, "seconds = bytes_moved / bandwidth"),
    "prediction from compute only": _swap(PREDICT, _SECONDS, "seconds = flops / peak_flops"),
    "prediction with N FLOPs per token": _swap(
        PREDICT, "flops = 2 * n_params * tokens_per_pass", "flops = n_params * tokens_per_pass"
    ),
    "prediction in passes per second": _swap(
        PREDICT, "return tokens_per_pass / seconds", "return 1 / seconds"
    ),
    # Unit slips the rounded GPU count would hide (4 GPUs either way): the total is checked too.
    "serving total in GiB": _swap(
        SERVING, "serving_memory_gb = total_bytes / 1e9", "serving_memory_gb = total_bytes / 2**30"
    ),
    "1.25 GiB per user read as 1.25 GB": _swap(
        SERVING,
        "total_bytes = weights_bytes + 100 * kv_bytes_per_user",
        "total_bytes = weights_bytes + 100 * 1.25e9",
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "decode with fp32 bytes": "4 bytes per weight (fp32) instead of 2 (bf16)",
    "decode time left in seconds": "leaving the decode time in seconds instead of milliseconds",
    "bandwidth in TiB/s": "dividing by 2 TiB/s (2^41) instead of 2 TB/s (2e12 bytes/s)",
    "decode treated as compute-bound": (
        "timing decode by its FLOPs over the peak instead of by the bytes it reads"
    ),
    "prefill at peak (MFU ignored)": "leaving out the 50% MFU (prefill at peak FLOP/s)",
    "prefill with training's 6N": (
        "6N FLOPs per token (training's forward and backward) instead of the forward's 2N"
    ),
    "prefill with N FLOPs per token": "N FLOPs per token instead of 2N (a multiply and an add)",
    "ridge point inverted": "bandwidth / peak instead of peak / bandwidth (the ridge upside down)",
    "critical batch counting 2 FLOPs per byte per sequence": (
        "2 FLOPs per byte per sequence, forgetting that each bf16 weight is 2 bytes"
    ),
    "int4 as one byte": "int4 as one byte per weight instead of half a byte",
    "int4 as four bytes": "int4 as 4 bytes per weight instead of 4 bits",
    "KV without the K-and-V factor 2": "forgetting the factor 2 for K and V",
    "KV with 64 heads (MHA) instead of 8 KV heads": (
        "64 heads (as in MHA) instead of the 8 KV heads"
    ),
    "GB added to GiB": (
        "taking the KV caches' GiB as GB (1.25 GiB per user counted as 1.25e9 bytes)"
    ),
    "GPU count rounded down": "rounding the GPU count down (int) instead of up (math.ceil)",
    "GPU count from weights only": "counting GPUs for the weights alone, without the KV caches",
    "the unexplained 25 GPUs": "the quoted 25 GPUs instead of a count derived from the inputs",
    "5 GB scenario without the weights": "leaving the weights out of the 5 GB-per-user total",
    "decode step on one GPU's bandwidth": (
        "one GPU's bandwidth instead of the combined bandwidth of all gpus_needed GPUs"
    ),
    "decode step ignoring the KV read": (
        "a decode step that reads only the weights, not the KV caches"
    ),
    "total throughput reported as per-user": (
        "the total rate of all 100 users (in thousands of tokens/s) instead of one user's rate"
    ),
    "roofline summing the two times": (
        "adding the compute and memory times instead of taking the larger"
    ),
    "roofline taking the smaller time": "taking the smaller of the two times instead of the larger",
    "roofline bound swapped": (
        "naming the smaller term as the bound ('compute' and 'memory' swapped)"
    ),
    "roofline tie counted as memory": "counting a tie as 'memory' instead of 'compute'",
    "roofline multiplying by the bandwidth": (
        "multiplying the bytes by the bandwidth instead of dividing by it"
    ),
    "roofline bound from a fixed intensity threshold": (
        "deciding the bound from a fixed intensity (100 FLOPs/byte) instead of the two times"
    ),
    "attainable as the max": "np.maximum instead of np.minimum",
    "attainable without the compute roof": "intensity * bandwidth without the peak_flops cap",
    "attainable not elementwise": (
        "one number from the largest intensity instead of an elementwise np.minimum"
    ),
    "decode charged T times the bytes": (
        "charging one decode token 2,048 times the weight bytes (a read per prompt token)"
    ),
    "prefill reading the weights per token": (
        "prefill reading the weights once per token instead of once for the whole pass"
    ),
    "prediction reading the weights once per token": (
        "reading the weights once per token instead of once per pass"
    ),
    "prediction from bandwidth only": (
        "the memory time alone, without the compute time (use roofline)"
    ),
    "prediction from compute only": (
        "the compute time alone, without the memory time (use roofline)"
    ),
    "prediction with N FLOPs per token": "N FLOPs per token instead of 2N",
    "prediction in passes per second": "passes per second (1 / time) instead of tokens per second",
    "serving total in GiB": "dividing the total by 2^30 (GiB) instead of 10^9 (GB)",
    "1.25 GiB per user read as 1.25 GB": (
        "taking the KV caches' GiB as GB (1.25 GiB per user counted as 1.25e9 bytes)"
    ),
}
