"""ch09_kv_cache: wrong answers students plausibly write; each must lose points.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``);
the explicit source below is a genuinely different (wrong) implementation.
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch09_kv_cache")
_COPYING_APPEND = (
    "k = np.array(k, dtype=float, ndmin=2)  # np.array copies: the caller keeps its buffer\n"
    "        v = np.array(v, dtype=float, ndmin=2)"
)
_VALIDATION = """        if k.ndim != 2 or v.ndim != 2 or k.shape[0] != v.shape[0]:
            raise ValueError(f"k {k.shape} and v {v.shape} must hold the same number of tokens")
        if self._k and (k.shape[1] != self._k[0].shape[1] or v.shape[1] != self._v[0].shape[1]):
            raise ValueError(
                f"widths {k.shape[1]}, {v.shape[1]} differ from the cache's "
                f"{self._k[0].shape[1]}, {self._v[0].shape[1]}"
            )
"""
_SCORES = "scores = keys @ q / np.sqrt(q.shape[-1])"
_NEXT_STEP = "logits = step_fn(next_id, cache)"
_LAST_ROW = "forward_fn(ids)[-1]"

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

MUTANTS = {
    "cache returning views of its storage": {"ex_9_1_kv_cache": CACHE_RETURNS_VIEWS},
    "cache storing the caller's arrays without copying": _swap(
        "ex_9_1_kv_cache",
        _COPYING_APPEND,
        "k, v = np.asarray(k), np.asarray(v)\n"
        "        if k.ndim == 1:\n"
        "            k, v = k[None, :], v[None, :]",
    ),
    "cache length counting append calls": _swap(
        "ex_9_1_kv_cache", "self._n += k.shape[0]", "self._n += 1"
    ),
    "cache without width checks": _swap("ex_9_1_kv_cache", _VALIDATION, ""),
    "cached attention scaling by d instead of sqrt(d)": _swap(
        "ex_9_2_cached_attention", _SCORES, "scores = keys @ q / q.shape[-1]"
    ),
    "cached attention without scaling": _swap(
        "ex_9_2_cached_attention", _SCORES, "scores = keys @ q"
    ),
    "cached attention scaling by sqrt(n)": _swap(
        "ex_9_2_cached_attention", _SCORES, "scores = keys @ q / np.sqrt(len(keys))"
    ),
    "cached attention with an unstable softmax": _swap(
        "ex_9_2_cached_attention",
        "return softmax(scores) @ values",
        'with np.errstate(all="ignore"):\n'
        "        e = np.exp(scores)\n"
        "        return (e / e.sum()) @ values",
    ),
    "KV bytes in GB instead of GiB": _swap("ex_9_3_llama_kv", "/ 2**30", "/ 1e9"),
    "KV cache counting only keys": _swap("ex_9_3_llama_kv", "= 2 * 2048 *", "= 2048 *"),
    "KV cache in fp32": _swap("ex_9_3_llama_kv", "4096 * 2 * 32", "4096 * 4 * 32"),
    "generation feeding the logit instead of the argmax token": _swap(
        "ex_9_4_generate_greedy", _NEXT_STEP, "logits = step_fn(int(logits[next_id]), cache)"
    ),
    "generation with a new cache every step": _swap(
        "ex_9_4_generate_greedy",
        f"if i + 1 < n_new:\n            {_NEXT_STEP}",
        "logits = step_fn(next_id, KVCache())",
    ),
    "generation returning the prompt too": _swap(
        "ex_9_4_generate_greedy", "generated = []", "generated = list(prompt_ids)"
    ),
    "generation feeding only the last prompt token": _swap(
        "ex_9_4_generate_greedy", "for token in prompt_ids:", "for token in prompt_ids[-1:]:"
    ),
    "generation returning numpy ints": _swap(
        "ex_9_4_generate_greedy",
        "next_id = int(np.argmax(logits))",
        "next_id = np.argmax(logits)",
    ),
    "savings trace answered B (n/2)": _swap(
        "ex_9_5_savings_trace", 'answer_9_5 = "C"', 'answer_9_5 = "B"'
    ),
    "savings trace answered D (n^2)": _swap(
        "ex_9_5_savings_trace", 'answer_9_5 = "C"', 'answer_9_5 = "D"'
    ),
    "uncached reading the first row": _swap("ex_9_6_uncached", _LAST_ROW, "forward_fn(ids)[0]"),
    "uncached feeding only the last token": _swap(
        "ex_9_6_uncached", _LAST_ROW, "forward_fn(ids[-1:])[-1]"
    ),
    "uncached with a sliding window of 8": _swap(
        "ex_9_6_uncached", _LAST_ROW, "forward_fn(ids[-8:])[-1]"
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "cache returning views of its storage": (
        "keys/values that return the cache's own storage (a slice is a view), not a copy"
    ),
    "cache storing the caller's arrays without copying": (
        "storing the caller's k and v arrays themselves (np.asarray makes no copy)"
    ),
    "cache length counting append calls": (
        "counting append calls instead of tokens (a block of n tokens counts as 1)"
    ),
    "cache without width checks": (
        "no ValueError when k and v hold different numbers of tokens or a width changes"
    ),
    "cached attention scaling by d instead of sqrt(d)": (
        "dividing the scores by d_k instead of sqrt(d_k)"
    ),
    "cached attention without scaling": "not dividing the scores by sqrt(d_k)",
    "cached attention scaling by sqrt(n)": (
        "dividing the scores by sqrt(n), the number of cached tokens, instead of sqrt(d_k)"
    ),
    "cached attention with an unstable softmax": (
        "exp(scores) without subtracting the max (overflows for large scores)"
    ),
    "KV bytes in GB instead of GiB": "dividing by 1e9 (GB) instead of 2**30 (GiB)",
    "KV cache counting only keys": "counting only the keys (the cache holds K and V)",
    "KV cache in fp32": "4 bytes per number (fp32) instead of 2 (fp16)",
    "generation feeding the logit instead of the argmax token": (
        "feeding the logit value back into the model instead of the argmax token id"
    ),
    "generation with a new cache every step": (
        "a new empty cache at every step instead of the one the prompt filled"
    ),
    "generation returning the prompt too": "returning the prompt along with the new tokens",
    "generation feeding only the last prompt token": (
        "putting only the last prompt token through step_fn instead of every prompt token"
    ),
    "generation returning numpy ints": "numpy integers instead of Python ints (int(...))",
    "savings trace answered B (n/2)": "answer B (about n/2)",
    "savings trace answered D (n^2)": "answer D (about n^2)",
    "uncached reading the first row": "the first row of the logits instead of the last",
    "uncached feeding only the last token": (
        "running forward_fn on the last token only instead of the whole sequence"
    ),
    "uncached with a sliding window of 8": (
        "running forward_fn on the last 8 tokens instead of the whole sequence"
    ),
}
