"""ch18_kv_cache_math: wrong derivations students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap, swaps

_swap = functools.partial(swap, "ch18_kv_cache_math")

BUILD = "ex_18_6_kv_cache_bytes"
POOL = "ex_18_7_block_pool"
_CEIL = "return -(-int(n_tokens) // self.block_size)  # ceiling division in integers"
_FITS = "if need > self.free_blocks:"
_FILTER = "if pool.blocks_for(prompt + new) <= pool.num_blocks:\n            waiting.append(i)"
_EVICT = """for i in [i for i, last in running.items() if last < step]:  # 1. evict
            pool.finish(i)
            del running[i]
"""
_ADMIT_LOOP = """while waiting:  # 2. admit, in order, while the first one waiting fits
            i = waiting[0]
            prompt, new = requests[i]
            if not pool.admit(i, prompt + new):
                break
            waiting.popleft()
            running[i] = step + new - 1
            schedule[i] = (step, step + new - 1)
"""
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
    "18.7: blocks_for with floor division (drops the partly filled block)": _swap(
        POOL, _CEIL, "return int(n_tokens) // self.block_size"
    ),
    "18.7: blocks_for adds a block even at exact multiples": _swap(
        POOL, _CEIL, "return int(n_tokens) // self.block_size + 1"
    ),
    "18.7: blocks_for rounds a float division (round instead of ceiling)": _swap(
        POOL, _CEIL, "return round(n_tokens / self.block_size)"
    ),
    "18.7: admit never checks the free blocks (over-commits)": _swap(
        POOL, _FITS + "\n            return False  # not now: the pool is unchanged\n        ", ""
    ),
    "18.7: admit refuses an exact fit (>= instead of >)": _swap(
        POOL, _FITS, "if need >= self.free_blocks:"
    ),
    "18.7: a request that can never fit returns False instead of raising": _swap(
        POOL,
        'raise ValueError(f"{n_tokens} tokens need {need} blocks but the whole pool has "',
        'return False\n            raise ValueError(f"{n_tokens} tokens need {need} blocks but the '
        'whole pool has "',
    ),
    "18.7: a duplicate seq_id silently replaces the first (its blocks leak)": _swap(
        POOL,
        """if seq_id in self._held:
            raise ValueError(f"sequence {seq_id!r} is already in the pool")
        """,
        "",
    ),
    "18.7: finish does not free the blocks (a leak)": _swap(
        POOL, "return self._held.pop(seq_id)", "return self._held[seq_id]"
    ),
    "18.7: finish of an unknown id is silently ignored (returns 0)": swaps(
        "ch18_kv_cache_math",
        POOL,
        (
            """if seq_id not in self._held:
            raise KeyError(f"sequence {seq_id!r} is not in the pool")
        """,
            "",
        ),
        ("return self._held.pop(seq_id)", "return self._held.pop(seq_id, 0)"),
    ),
    "18.7: serve admits before evicting (freed blocks only reused a step later)": swaps(
        "ch18_kv_cache_math",
        POOL,
        (_EVICT + "        ", ""),
        ("step += 1  # 3.", _EVICT + "        step += 1  # 3."),
    ),
    "18.7: serve lets a later request overtake one that does not fit (not FCFS)": _swap(
        POOL,
        _ADMIT_LOOP,
        """for i in list(waiting):  # 2. admit any request that fits
            prompt, new = requests[i]
            if pool.admit(i, prompt + new):
                waiting.remove(i)
                running[i] = step + new - 1
                schedule[i] = (step, step + new - 1)
""",
    ),
    "18.7: serve reserves only the prompt tokens": _swap(
        POOL, "if not pool.admit(i, prompt + new):", "if not pool.admit(i, prompt):"
    ),
    "18.7: serve finishes a request one step late (t + n instead of t + n - 1)": _swap(
        POOL,
        "running[i] = step + new - 1\n            schedule[i] = (step, step + new - 1)",
        "running[i] = step + new\n            schedule[i] = (step, step + new)",
    ),
    "18.7: serve raises on a request that can never fit instead of rejecting it with None": _swap(
        POOL, _FILTER, "waiting.append(i)"
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "18.1: forgot the factor 2 for K and V": "forgetting the factor 2 for K and V",
    "18.1: GB instead of GiB": "dividing by GB (10^9) instead of GiB (2^30)",
    "18.1: fp32 elements": "4 bytes per element (fp32) instead of 2 (bf16)",
    "18.2: GB instead of GiB": "dividing by GB (10^9) instead of GiB (2^30)",
    "18.2: 128K read as 128,000": "reading 128K as 128,000 tokens instead of 131,072 (2^17)",
    "18.3: GQA cache with all 64 heads": (
        "sizing the GQA cache with all 64 query heads instead of the 8 KV heads"
    ),
    "18.3: saving factor inverted": "dividing the GQA size by the MHA size (the ratio upside down)",
    "18.3: MHA sized with d_model = 8192 but without the factor 2": (
        "sizing the MHA cache with d_model = 8192 but without the factor 2 for K and V"
    ),
    "18.4: 33 users (GB divided by GiB)": (
        "taking the 2 GiB cache as 2 GB (GiB and GB mixed without converting through bytes)"
    ),
    "18.4: rounded instead of floored": "rounding the user count to nearest instead of down",
    "18.4: forgot the weights": "not subtracting the 13.5 GB of weights before dividing",
    "18.5: forgot the factor 2": "forgetting the factor 2 for K and V",
    "18.5: forgot the layers": "counting one layer instead of all 32",
    "18.5: KB instead of KiB": "dividing by 1000 (KB) instead of 1024 (KiB)",
    "18.6: forgot the factor 2 for K and V": "forgetting the factor 2 for K and V",
    "18.6: ignores the batch": "leaving batch out of the product",
    "18.6: returns GiB": "returning GiB (divided by 2^30) instead of bytes",
    "18.6: bits instead of bytes": "multiplying by 8: bits instead of bytes",
    "18.6: head_dim squared instead of kv_heads x head_dim": (
        "using head_dim where kv_heads belongs (head_dim squared)"
    ),
    "18.6: float arithmetic (1e0 factor)": "a float (2.0 * ...) instead of an int number of bytes",
    "18.4: 2 GiB written as 2 GB (count still right)": (
        "taking the 2 GiB cache as 2 GB (GiB and GB mixed without converting through bytes)"
    ),
    "18.7: blocks_for with floor division (drops the partly filled block)": (
        "blocks_for with floor division, which drops a partly filled block"
    ),
    "18.7: blocks_for adds a block even at exact multiples": (
        "blocks_for adding one block even when n_tokens is an exact multiple of block_size"
    ),
    "18.7: blocks_for rounds a float division (round instead of ceiling)": (
        "blocks_for rounding n_tokens / block_size to nearest instead of up"
    ),
    "18.7: admit never checks the free blocks (over-commits)": (
        "admit not checking free_blocks, so the pool promises more blocks than it has"
    ),
    "18.7: admit refuses an exact fit (>= instead of >)": (
        "admit refusing a sequence that needs exactly the free blocks (>= instead of >)"
    ),
    "18.7: a request that can never fit returns False instead of raising": (
        "admit returning False for a sequence bigger than the whole pool instead of raising "
        "ValueError"
    ),
    "18.7: a duplicate seq_id silently replaces the first (its blocks leak)": (
        "admit accepting a seq_id that is already in the pool instead of raising ValueError "
        "(the first one's blocks leak)"
    ),
    "18.7: finish does not free the blocks (a leak)": (
        "finish returning the block count without freeing the blocks"
    ),
    "18.7: finish of an unknown id is silently ignored (returns 0)": (
        "finish returning 0 for an unknown seq_id instead of raising KeyError"
    ),
    "18.7: serve admits before evicting (freed blocks only reused a step later)": (
        "admitting before evicting, so freed blocks are reused only a step later"
    ),
    "18.7: serve lets a later request overtake one that does not fit (not FCFS)": (
        "admitting any waiting request that fits, so a later one overtakes the first in line"
    ),
    "18.7: serve reserves only the prompt tokens": (
        "reserving only the prompt tokens instead of prompt + new tokens"
    ),
    "18.7: serve finishes a request one step late (t + n instead of t + n - 1)": (
        "finishing a request at step t + n instead of t + n - 1"
    ),
    "18.7: serve raises on a request that can never fit instead of rejecting it with None": (
        "raising on a request bigger than the whole pool instead of giving it None"
    ),
}
