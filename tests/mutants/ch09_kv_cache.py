"""ch09_kv_cache: wrong answers students plausibly write; each must lose points."""

CACHE_RETURNS_VIEWS = """
class KVCache:
    def __init__(self):
        self._k = None
        self._v = None

    def append(self, k, v):
        k = np.array(k, dtype=float, ndmin=2)
        v = np.array(v, dtype=float, ndmin=2)
        if k.shape[0] != v.shape[0]:
            raise ValueError("token counts differ")
        if self._k is not None and (
            k.shape[1] != self._k.shape[1] or v.shape[1] != self._v.shape[1]
        ):
            raise ValueError("width mismatch")
        self._k = k if self._k is None else np.concatenate([self._k, k])
        self._v = v if self._v is None else np.concatenate([self._v, v])

    @property
    def keys(self):
        return self._k[:]

    @property
    def values(self):
        return self._v[:]

    def __len__(self):
        return 0 if self._k is None else len(self._k)
"""

CACHE_NO_COPY_ON_APPEND = """
class KVCache:
    def __init__(self):
        self._k, self._v = [], []

    def append(self, k, v):
        k, v = np.asarray(k), np.asarray(v)
        if k.ndim == 1:
            k, v = k[None, :], v[None, :]
        if k.shape[0] != v.shape[0]:
            raise ValueError("token counts differ")
        if self._k and (k.shape[1] != self._k[0].shape[1] or v.shape[1] != self._v[0].shape[1]):
            raise ValueError("width mismatch")
        self._k.append(k)
        self._v.append(v)

    @property
    def keys(self):
        return np.concatenate(self._k)

    @property
    def values(self):
        return np.concatenate(self._v)

    def __len__(self):
        return sum(len(b) for b in self._k)
"""

CACHE_COUNTS_CALLS = """
class KVCache:
    def __init__(self):
        self._k, self._v = [], []

    def append(self, k, v):
        k = np.array(k, dtype=float, ndmin=2)
        v = np.array(v, dtype=float, ndmin=2)
        if k.shape[0] != v.shape[0]:
            raise ValueError("token counts differ")
        if self._k and (k.shape[1] != self._k[0].shape[1] or v.shape[1] != self._v[0].shape[1]):
            raise ValueError("width mismatch")
        self._k.append(k)
        self._v.append(v)

    @property
    def keys(self):
        return np.concatenate(self._k)

    @property
    def values(self):
        return np.concatenate(self._v)

    def __len__(self):
        return len(self._k)
"""

CACHE_NO_VALIDATION = """
class KVCache:
    def __init__(self):
        self._k, self._v = [], []

    def append(self, k, v):
        self._k.append(np.array(k, dtype=float, ndmin=2))
        self._v.append(np.array(v, dtype=float, ndmin=2))

    @property
    def keys(self):
        return np.concatenate(self._k)

    @property
    def values(self):
        return np.concatenate(self._v)

    def __len__(self):
        return sum(len(b) for b in self._k)
"""

ATTENTION_SCALE_D = """
def cached_attention(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    return softmax(keys @ q / q.shape[-1]) @ values
"""

ATTENTION_NO_SCALE = """
def cached_attention(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    return softmax(keys @ q) @ values
"""

ATTENTION_SCALE_N = """
def cached_attention(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    return softmax(keys @ q / np.sqrt(len(keys))) @ values
"""

ATTENTION_NAIVE_SOFTMAX = """
def cached_attention(q, keys, values):
    q, keys, values = (np.asarray(a, dtype=float) for a in (q, keys, values))
    with np.errstate(all="ignore"):
        e = np.exp(keys @ q / np.sqrt(q.shape[-1]))
        return (e / e.sum()) @ values
"""

KV_GB_NOT_GIB = """
llama7b_kv_bytes = 2 * 2048 * 4096 * 2 * 32
llama7b_kv_gib = llama7b_kv_bytes / 1e9
"""

KV_ONLY_KEYS = """
llama7b_kv_bytes = 2048 * 4096 * 2 * 32
llama7b_kv_gib = llama7b_kv_bytes / 2**30
"""

KV_FP32 = """
llama7b_kv_bytes = 2 * 2048 * 4096 * 4 * 32
llama7b_kv_gib = llama7b_kv_bytes / 2**30
"""

GENERATE_FEEDS_LOGIT = """
def generate_greedy(step_fn, prompt_ids, n_new):
    if len(prompt_ids) == 0:
        raise ValueError("empty prompt")
    cache = KVCache()
    for token in prompt_ids:
        logits = step_fn(int(token), cache)
    generated = []
    for i in range(n_new):
        next_id = int(np.argmax(logits))
        generated.append(next_id)
        if i + 1 < n_new:
            logits = step_fn(int(logits[next_id]), cache)
    return generated
"""

GENERATE_NEW_CACHE_EACH_STEP = """
def generate_greedy(step_fn, prompt_ids, n_new):
    if len(prompt_ids) == 0:
        raise ValueError("empty prompt")
    cache = KVCache()
    for token in prompt_ids:
        logits = step_fn(int(token), cache)
    generated = []
    for i in range(n_new):
        next_id = int(np.argmax(logits))
        generated.append(next_id)
        logits = step_fn(next_id, KVCache())
    return generated
"""

GENERATE_INCLUDES_PROMPT = """
def generate_greedy(step_fn, prompt_ids, n_new):
    if len(prompt_ids) == 0:
        raise ValueError("empty prompt")
    cache = KVCache()
    for token in prompt_ids:
        logits = step_fn(int(token), cache)
    ids = list(prompt_ids)
    for i in range(n_new):
        ids.append(int(np.argmax(logits)))
        logits = step_fn(ids[-1], cache)
    return ids
"""

GENERATE_ONLY_LAST_PROMPT_TOKEN = """
def generate_greedy(step_fn, prompt_ids, n_new):
    if len(prompt_ids) == 0:
        raise ValueError("empty prompt")
    cache = KVCache()
    logits = step_fn(int(prompt_ids[-1]), cache)
    generated = []
    for i in range(n_new):
        generated.append(int(np.argmax(logits)))
        logits = step_fn(generated[-1], cache)
    return generated
"""

GENERATE_ARGMAX_NP_INT = """
def generate_greedy(step_fn, prompt_ids, n_new):
    if len(prompt_ids) == 0:
        raise ValueError("empty prompt")
    cache = KVCache()
    for token in prompt_ids:
        logits = step_fn(token, cache)
    generated = []
    for i in range(n_new):
        generated.append(np.argmax(logits))
        logits = step_fn(generated[-1], cache)
    return generated
"""

UNCACHED_FIRST_ROW = """
def generate_uncached(forward_fn, prompt_ids, n_new):
    if len(prompt_ids) == 0:
        raise ValueError("empty prompt")
    ids = [int(t) for t in prompt_ids]
    for _ in range(n_new):
        ids.append(int(np.argmax(forward_fn(ids)[0])))
    return ids[len(prompt_ids):]
"""

UNCACHED_LAST_TOKEN_ONLY = """
def generate_uncached(forward_fn, prompt_ids, n_new):
    if len(prompt_ids) == 0:
        raise ValueError("empty prompt")
    ids = [int(t) for t in prompt_ids]
    for _ in range(n_new):
        ids.append(int(np.argmax(forward_fn(ids[-1:])[-1])))
    return ids[len(prompt_ids):]
"""

UNCACHED_WINDOW = """
def generate_uncached(forward_fn, prompt_ids, n_new):
    if len(prompt_ids) == 0:
        raise ValueError("empty prompt")
    ids = [int(t) for t in prompt_ids]
    for _ in range(n_new):
        ids.append(int(np.argmax(forward_fn(ids[-8:])[-1])))
    return ids[len(prompt_ids):]
"""

MUTANTS = {
    "cache returning views of its storage": {"ex_9_1_kv_cache": CACHE_RETURNS_VIEWS},
    "cache storing the caller's arrays without copying": {
        "ex_9_1_kv_cache": CACHE_NO_COPY_ON_APPEND
    },
    "cache length counting append calls": {"ex_9_1_kv_cache": CACHE_COUNTS_CALLS},
    "cache without width checks": {"ex_9_1_kv_cache": CACHE_NO_VALIDATION},
    "cached attention scaling by d instead of sqrt(d)": {
        "ex_9_2_cached_attention": ATTENTION_SCALE_D
    },
    "cached attention without scaling": {"ex_9_2_cached_attention": ATTENTION_NO_SCALE},
    "cached attention scaling by sqrt(n)": {"ex_9_2_cached_attention": ATTENTION_SCALE_N},
    "cached attention with an unstable softmax": {
        "ex_9_2_cached_attention": ATTENTION_NAIVE_SOFTMAX
    },
    "KV bytes in GB instead of GiB": {"ex_9_3_llama_kv": KV_GB_NOT_GIB},
    "KV cache counting only keys": {"ex_9_3_llama_kv": KV_ONLY_KEYS},
    "KV cache in fp32": {"ex_9_3_llama_kv": KV_FP32},
    "generation feeding the logit instead of the argmax token": {
        "ex_9_4_generate_greedy": GENERATE_FEEDS_LOGIT
    },
    "generation with a new cache every step": {
        "ex_9_4_generate_greedy": GENERATE_NEW_CACHE_EACH_STEP
    },
    "generation returning the prompt too": {"ex_9_4_generate_greedy": GENERATE_INCLUDES_PROMPT},
    "generation feeding only the last prompt token": {
        "ex_9_4_generate_greedy": GENERATE_ONLY_LAST_PROMPT_TOKEN
    },
    "generation returning numpy ints": {"ex_9_4_generate_greedy": GENERATE_ARGMAX_NP_INT},
    "savings trace answered B (n/2)": {"ex_9_5_savings_trace": 'answer_9_5 = "B"'},
    "savings trace answered D (n^2)": {"ex_9_5_savings_trace": 'answer_9_5 = "D"'},
    "uncached reading the first row": {"ex_9_6_uncached": UNCACHED_FIRST_ROW},
    "uncached feeding only the last token": {"ex_9_6_uncached": UNCACHED_LAST_TOKEN_ONLY},
    "uncached with a sliding window of 8": {"ex_9_6_uncached": UNCACHED_WINDOW},
}
