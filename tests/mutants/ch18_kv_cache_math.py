"""ch18_kv_cache_math: wrong derivations students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch18_kv_cache_math")

BUILD = "ex_18_6_kv_cache_bytes"
_GQA = "kv_70b_gqa_gib = 2 * 1 * 80 * 4096 * 8 * 128 * 2 / GiB"
_MHA = "kv_70b_mha_gib = 2 * 1 * 80 * 4096 * 64 * 128 * 2 / GiB"
_USERS = "max_users_4k = math.floor(free_bytes / (2 * GiB))"

MUTANTS = {
    "18.1: forgot the factor 2 for K and V": _swap("ex_18_1_kv_7b_4k", "= 2 * 1 * 32", "= 1 * 32"),
    "18.1: GB instead of GiB": _swap("ex_18_1_kv_7b_4k", "/ GiB", "/ GB"),
    "18.1: fp32 elements": _swap("ex_18_1_kv_7b_4k", "128 * 2", "128 * 4"),
    "18.2: GB instead of GiB": _swap("ex_18_2_kv_7b_128k", "2 / GiB", "2 / GB"),
    "18.2: 128K read as 128,000": _swap("ex_18_2_kv_7b_128k", "131072", "128000"),
    "18.3: GQA cache with all 64 heads": _swap(
        "ex_18_3_gqa_70b", "4096 * 8 * 128", "4096 * 64 * 128"
    ),
    "18.3: saving factor inverted": _swap(
        "ex_18_3_gqa_70b",
        "gqa_saving = kv_70b_mha_gib / kv_70b_gqa_gib",
        "gqa_saving = kv_70b_gqa_gib / kv_70b_mha_gib",
    ),
    "18.3: MHA sized with d_model = 8192 but without the factor 2": _swap(
        "ex_18_3_gqa_70b",
        _MHA + "\ngqa_saving = kv_70b_mha_gib / kv_70b_gqa_gib",
        "kv_70b_mha_gib = 80 * 4096 * 8192 * 2 / GiB\ngqa_saving = 8",
    ),
    "18.4: 33 users (GB divided by GiB)": _swap(
        "ex_18_4_users",
        "kv_per_user_gb = 2 * GiB / GB\n" + _USERS,
        "kv_per_user_gb = 2\nmax_users_4k = math.floor((80 - 13.5) / 2)",
    ),
    "18.4: rounded instead of floored": _swap(
        "ex_18_4_users", _USERS, "max_users_4k = round(free_bytes / (2 * GiB))"
    ),
    "18.4: forgot the weights": _swap("ex_18_4_users", " - 13.5 * GB", ""),
    "18.5: forgot the factor 2": _swap("ex_18_5_per_token", "= 2 * 32", "= 32"),
    "18.5: forgot the layers": _swap("ex_18_5_per_token", "2 * 32 * 4096", "2 * 4096"),
    "18.5: KB instead of KiB": _swap("ex_18_5_per_token", "/ KiB", "/ 1000"),
    "18.6: forgot the factor 2 for K and V": _swap(BUILD, "return 2 * int(", "return int("),
    "18.6: ignores the batch": _swap(BUILD, "int(batch) * ", ""),
    "18.6: returns GiB": _swap(BUILD, "bytes_per_elem\n    )", "bytes_per_elem\n    ) / 2**30"),
    "18.6: bits instead of bytes": _swap(
        BUILD, "bytes_per_elem\n    )", "bytes_per_elem\n    ) * 8"
    ),
    "18.6: head_dim squared instead of kv_heads x head_dim": _swap(
        BUILD, "int(kv_heads)", "int(head_dim)"
    ),
    "18.6: float arithmetic (1e0 factor)": _swap(BUILD, "return 2 * int(", "return 2.0 * int("),
    "18.4: 2 GiB written as 2 GB (count still right)": _swap(
        "ex_18_4_users", "kv_per_user_gb = 2 * GiB / GB", "kv_per_user_gb = 2.0"
    ),
}
