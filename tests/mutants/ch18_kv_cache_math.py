"""ch18_kv_cache_math: wrong derivations students plausibly write; each must lose points."""

BUILD = "ex_18_6_kv_cache_bytes"


def _kv(body: str) -> str:
    return (
        "def kv_cache_bytes(batch, layers, seq, kv_heads, head_dim, bytes_per_elem):\n"
        f"    return {body}\n"
    )


MUTANTS = {
    "18.1: forgot the factor 2 for K and V": {
        "ex_18_1_kv_7b_4k": "kv_7b_4k_bytes = 32 * 4096 * 32 * 128 * 2\n"
        "kv_7b_4k_gib = kv_7b_4k_bytes / GiB\n"
    },
    "18.1: GB instead of GiB": {
        "ex_18_1_kv_7b_4k": "kv_7b_4k_bytes = 2 * 32 * 4096 * 32 * 128 * 2\n"
        "kv_7b_4k_gib = kv_7b_4k_bytes / GB\n"
    },
    "18.1: fp32 elements": {
        "ex_18_1_kv_7b_4k": "kv_7b_4k_bytes = 2 * 32 * 4096 * 32 * 128 * 4\n"
        "kv_7b_4k_gib = kv_7b_4k_bytes / GiB\n"
    },
    "18.2: GB instead of GiB": {
        "ex_18_2_kv_7b_128k": "kv_7b_128k_gib = 2 * 32 * 131072 * 4096 * 2 / GB\n"
    },
    "18.2: 128K read as 128,000": {
        "ex_18_2_kv_7b_128k": "kv_7b_128k_gib = 2 * 32 * 128000 * 4096 * 2 / GiB\n"
    },
    "18.3: GQA cache with all 64 heads": {
        "ex_18_3_gqa_70b": "kv_70b_gqa_gib = 2 * 80 * 4096 * 64 * 128 * 2 / GiB\n"
        "kv_70b_mha_gib = 2 * 80 * 4096 * 64 * 128 * 2 / GiB\n"
        "gqa_saving = kv_70b_mha_gib / kv_70b_gqa_gib\n"
    },
    "18.3: saving factor inverted": {
        "ex_18_3_gqa_70b": "kv_70b_gqa_gib = 2 * 80 * 4096 * 8 * 128 * 2 / GiB\n"
        "kv_70b_mha_gib = 2 * 80 * 4096 * 64 * 128 * 2 / GiB\n"
        "gqa_saving = kv_70b_gqa_gib / kv_70b_mha_gib\n"
    },
    "18.3: MHA sized with d_model = 8192 but without the factor 2": {
        "ex_18_3_gqa_70b": "kv_70b_gqa_gib = 2 * 80 * 4096 * 8 * 128 * 2 / GiB\n"
        "kv_70b_mha_gib = 80 * 4096 * 8192 * 2 / GiB\n"
        "gqa_saving = 8\n"
    },
    "18.4: 33 users (GB divided by GiB)": {
        "ex_18_4_users": "kv_per_user_gb = 2\nmax_users_4k = math.floor((80 - 13.5) / 2)\n"
    },
    "18.4: rounded instead of floored": {
        "ex_18_4_users": "kv_per_user_gb = 2 * GiB / GB\n"
        "max_users_4k = round((80 - 13.5) * GB / (2 * GiB))\n"
    },
    "18.4: forgot the weights": {
        "ex_18_4_users": "kv_per_user_gb = 2 * GiB / GB\n"
        "max_users_4k = math.floor(80 * GB / (2 * GiB))\n"
    },
    "18.5: forgot the factor 2": {
        "ex_18_5_per_token": "kv_bytes_per_token = 32 * 4096 * 2\n"
        "kv_kib_per_token = kv_bytes_per_token / KiB\n"
    },
    "18.5: forgot the layers": {
        "ex_18_5_per_token": "kv_bytes_per_token = 2 * 4096 * 2\n"
        "kv_kib_per_token = kv_bytes_per_token / KiB\n"
    },
    "18.5: KB instead of KiB": {
        "ex_18_5_per_token": "kv_bytes_per_token = 2 * 32 * 4096 * 2\n"
        "kv_kib_per_token = kv_bytes_per_token / 1000\n"
    },
    "18.6: forgot the factor 2 for K and V": {
        BUILD: _kv("batch * layers * seq * kv_heads * head_dim * bytes_per_elem")
    },
    "18.6: ignores the batch": {
        BUILD: _kv("2 * layers * seq * kv_heads * head_dim * bytes_per_elem")
    },
    "18.6: returns GiB": {
        BUILD: _kv("2 * batch * layers * seq * kv_heads * head_dim * bytes_per_elem / 2**30")
    },
    "18.6: bits instead of bytes": {
        BUILD: _kv("2 * batch * layers * seq * kv_heads * head_dim * bytes_per_elem * 8")
    },
    "18.6: head_dim squared instead of kv_heads x head_dim": {
        BUILD: _kv("2 * batch * layers * seq * head_dim * head_dim * bytes_per_elem")
    },
    "18.6: float arithmetic (1e0 factor)": {
        BUILD: _kv("2.0 * batch * layers * seq * kv_heads * head_dim * bytes_per_elem")
    },
}
