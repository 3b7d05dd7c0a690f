"""ch10_sampling: wrong answers students plausibly write; each must lose points."""

SAMPLE_T_SIDE_LEFT = """
def sample_with_temperature(logits, T, r):
    if T <= 0:
        raise ValueError("T must be positive")
    probs = softmax(np.asarray(logits, dtype=float) / T)
    index = int(np.searchsorted(np.cumsum(probs), r, side="left"))
    return min(index, int(np.flatnonzero(probs)[-1]))
"""

SAMPLE_T_NO_GUARD = """
def sample_with_temperature(logits, T, r):
    if T <= 0:
        raise ValueError("T must be positive")
    probs = softmax(np.asarray(logits, dtype=float) / T)
    return int(np.searchsorted(np.cumsum(probs), r, side="right"))
"""

SAMPLE_T_MULTIPLIED = """
def sample_with_temperature(logits, T, r):
    if T <= 0:
        raise ValueError("T must be positive")
    probs = softmax(np.asarray(logits, dtype=float) * T)
    index = int(np.searchsorted(np.cumsum(probs), r, side="right"))
    return min(index, int(np.flatnonzero(probs)[-1]))
"""

SAMPLE_T_GUARD_LAST_INDEX = """
def sample_with_temperature(logits, T, r):
    if T <= 0:
        raise ValueError("T must be positive")
    probs = softmax(np.asarray(logits, dtype=float) / T)
    index = int(np.searchsorted(np.cumsum(probs), r, side="right"))
    return min(index, len(probs) - 1)
"""

TOP_K_TIES_KEEP_ALL = """
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    logits = np.asarray(logits, dtype=float)
    threshold = np.sort(logits)[::-1][min(k, len(logits)) - 1]
    return softmax(np.where(logits >= threshold, logits, -np.inf))
"""

TOP_K_HIGHEST_INDEX_ON_TIES = """
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    logits = np.asarray(logits, dtype=float)
    order = np.argsort(logits, kind="stable")[::-1]
    keep = np.zeros(logits.shape, dtype=bool)
    keep[order[:k]] = True
    return softmax(np.where(keep, logits, -np.inf))
"""

TOP_K_NOT_RENORMALISED = """
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    logits = np.asarray(logits, dtype=float)
    order = np.argsort(-logits, kind="stable")
    keep = np.zeros(logits.shape, dtype=bool)
    keep[order[:k]] = True
    return np.where(keep, softmax(logits), 0.0)
"""

TOP_K_OFF_BY_ONE = """
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    logits = np.asarray(logits, dtype=float)
    order = np.argsort(-logits, kind="stable")
    keep = np.zeros(logits.shape, dtype=bool)
    keep[order[:k + 1]] = True
    return softmax(np.where(keep, logits, -np.inf))
"""

TOP_P_STRICT = """
def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    logits = np.asarray(logits, dtype=float)
    probs = softmax(logits)
    order = np.argsort(-probs, kind="stable")
    cum = np.cumsum(probs[order])
    n_keep = min(int(np.sum(cum <= p)) + 1, len(probs))
    keep = np.zeros(logits.shape, dtype=bool)
    keep[order[:n_keep]] = True
    return softmax(np.where(keep, logits, -np.inf))
"""

TOP_P_EXCLUDES_CROSSING_TOKEN = """
def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    logits = np.asarray(logits, dtype=float)
    probs = softmax(logits)
    order = np.argsort(-probs, kind="stable")
    cum = np.cumsum(probs[order])
    n_keep = max(int(np.sum(cum <= p)), 1)
    keep = np.zeros(logits.shape, dtype=bool)
    keep[order[:n_keep]] = True
    return softmax(np.where(keep, logits, -np.inf))
"""

TOP_P_UNSORTED = """
def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    logits = np.asarray(logits, dtype=float)
    probs = softmax(logits)
    cum = np.cumsum(probs)
    n_keep = min(int(np.sum(cum < p)) + 1, len(probs))
    keep = np.zeros(logits.shape, dtype=bool)
    keep[:n_keep] = True
    return softmax(np.where(keep, logits, -np.inf))
"""

TOP_P_NO_VALIDATION = """
def top_p_filter(logits, p):
    logits = np.asarray(logits, dtype=float)
    probs = softmax(logits)
    order = np.argsort(-probs, kind="stable")
    cum = np.cumsum(probs[order])
    n_keep = min(int(np.sum(cum < p)) + 1, len(probs))
    keep = np.zeros(logits.shape, dtype=bool)
    keep[order[:n_keep]] = True
    return softmax(np.where(keep, logits, -np.inf))
"""

PENALTY_DIVIDES_ALL = """
def apply_repetition_penalty(logits, generated_ids, penalty):
    if penalty <= 0:
        raise ValueError("penalty must be positive")
    out = np.array(logits, dtype=float)
    ids = np.unique(np.asarray(generated_ids, dtype=int))
    if ids.size:
        out[ids] = out[ids] / penalty
    return out
"""

PENALTY_PER_OCCURRENCE = """
def apply_repetition_penalty(logits, generated_ids, penalty):
    if penalty <= 0:
        raise ValueError("penalty must be positive")
    out = np.array(logits, dtype=float)
    for i in generated_ids:
        out[i] = out[i] / penalty if out[i] > 0 else out[i] * penalty
    return out
"""

PENALTY_IN_PLACE = """
def apply_repetition_penalty(logits, generated_ids, penalty):
    if penalty <= 0:
        raise ValueError("penalty must be positive")
    ids = np.unique(np.asarray(generated_ids, dtype=int))
    if ids.size:
        seen = logits[ids]
        logits[ids] = np.where(seen > 0, seen / penalty, seen * penalty)
    return logits
"""

PENALTY_SUBTRACTS = """
def apply_repetition_penalty(logits, generated_ids, penalty):
    if penalty <= 0:
        raise ValueError("penalty must be positive")
    out = np.array(logits, dtype=float)
    ids = np.unique(np.asarray(generated_ids, dtype=int))
    if ids.size:
        out[ids] = out[ids] - np.log(penalty)
    return out
"""

FULL_SAMPLER_TEMPERATURE_AFTER = """
def filtered_distribution(logits, temperature, top_k, top_p):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=float)
    probs = softmax(z)
    if top_k is not None:
        probs = top_k_filter(z, top_k)
    if top_p is not None:
        with np.errstate(divide="ignore"):
            probs = top_p_filter(np.log(probs), top_p)
    with np.errstate(divide="ignore"):
        return softmax(np.log(probs) / temperature)


def sample(logits, temperature, top_k, top_p, r):
    probs = filtered_distribution(logits, temperature, top_k, top_p)
    index = int(np.searchsorted(np.cumsum(probs), r, side="right"))
    return min(index, int(np.flatnonzero(probs)[-1]))
"""

FULL_SAMPLER_TOP_P_FIRST = """
def filtered_distribution(logits, temperature, top_k, top_p):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=float) / temperature
    probs = softmax(z)
    if top_p is not None:
        probs = top_p_filter(z, top_p)
    if top_k is not None:
        with np.errstate(divide="ignore"):
            probs = top_k_filter(np.log(probs), top_k)
    return probs


def sample(logits, temperature, top_k, top_p, r):
    probs = filtered_distribution(logits, temperature, top_k, top_p)
    index = int(np.searchsorted(np.cumsum(probs), r, side="right"))
    return min(index, int(np.flatnonzero(probs)[-1]))
"""

FULL_SAMPLER_FILTERS_ON_RAW_LOGITS = """
def filtered_distribution(logits, temperature, top_k, top_p):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=float) / temperature
    probs = softmax(z)
    if top_k is not None:
        probs = top_k_filter(z, top_k)
    if top_p is not None:
        probs = top_p_filter(z, top_p)
    return probs


def sample(logits, temperature, top_k, top_p, r):
    probs = filtered_distribution(logits, temperature, top_k, top_p)
    index = int(np.searchsorted(np.cumsum(probs), r, side="right"))
    return min(index, int(np.flatnonzero(probs)[-1]))
"""

FULL_SAMPLER_UNFILTERED_DRAW = """
def filtered_distribution(logits, temperature, top_k, top_p):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=float) / temperature
    probs = softmax(z)
    if top_k is not None:
        probs = top_k_filter(z, top_k)
    if top_p is not None:
        with np.errstate(divide="ignore"):
            probs = top_p_filter(np.log(probs), top_p)
    return probs


def sample(logits, temperature, top_k, top_p, r):
    return sample_with_temperature(logits, temperature, r)
"""

GREEDY_CHECK_TEMPLATE = """
demo_logits = np.array([2.2, 1.9, 1.0, 0.4, 0.1, -0.5, -1.2, -3.0])


def greedy(logits):
    {greedy}


def total_variation(p, q):
    {tv}


def empirical_distribution(logits, temperature, top_k, top_p, n_samples, seed):
    rs = np.random.default_rng(seed).random(n_samples)
    {draw}


tv_20k = total_variation(
    empirical_distribution(demo_logits, 0.8, 5, 0.9, 20_000, seed=0),
    filtered_distribution(demo_logits, 0.8, 5, 0.9),
)
"""

GOOD_GREEDY = "return int(np.argmax(logits))"
GOOD_TV = "return 0.5 * float(np.sum(np.abs(np.asarray(p) - np.asarray(q))))"
GOOD_DRAW = """probs = filtered_distribution(logits, temperature, top_k, top_p)
    tokens = np.searchsorted(np.cumsum(probs), rs, side="right")
    tokens = np.minimum(tokens, np.flatnonzero(probs)[-1])
    return np.bincount(tokens, minlength=len(probs)) / n_samples"""


def _check(greedy: str = GOOD_GREEDY, tv: str = GOOD_TV, draw: str = GOOD_DRAW) -> str:
    return GREEDY_CHECK_TEMPLATE.format(greedy=greedy, tv=tv, draw=draw)


GREEDY_LAST_TIE = _check(greedy="return int(len(logits) - 1 - np.argmax(np.asarray(logits)[::-1]))")
TV_NO_HALF = _check(tv="return float(np.sum(np.abs(np.asarray(p) - np.asarray(q))))")
DRAW_UNFILTERED = _check(
    draw="""probs = softmax(np.asarray(logits, dtype=float) / temperature)
    tokens = np.minimum(np.searchsorted(np.cumsum(probs), rs, side="right"), len(probs) - 1)
    return np.bincount(tokens, minlength=len(probs)) / n_samples"""
)
DRAW_COUNTS_NOT_FREQUENCIES = _check(
    draw="""probs = filtered_distribution(logits, temperature, top_k, top_p)
    tokens = np.minimum(np.searchsorted(np.cumsum(probs), rs, side="right"), len(probs) - 1)
    return np.bincount(tokens, minlength=len(probs)).astype(float)"""
)
PANELS_WRONG_ORDER = """
plot_tokens = ["Paris", "the", "a", "located", "home", "Lyon", "in", "known"]
plot_logits = np.array([3.0, 1.8, 1.5, 1.0, 0.6, 0.2, -0.3, -1.0])
panels = {
    "T = 0.5": filtered_distribution(plot_logits, 2.0, None, None),
    "T = 1": filtered_distribution(plot_logits, 1.0, None, None),
    "T = 2": filtered_distribution(plot_logits, 0.5, None, None),
    "top-k = 3": filtered_distribution(plot_logits, 1.0, 3, None),
    "top-p = 0.9": filtered_distribution(plot_logits, 1.0, None, 0.9),
}
"""

MUTANTS = {
    "inverse CDF with side='left'": {"ex_10_1_sample_temperature": SAMPLE_T_SIDE_LEFT},
    "inverse CDF without the rounding guard": {"ex_10_1_sample_temperature": SAMPLE_T_NO_GUARD},
    "temperature multiplied": {"ex_10_1_sample_temperature": SAMPLE_T_MULTIPLIED},
    "rounding guard returning the last index even if impossible": {
        "ex_10_1_sample_temperature": SAMPLE_T_GUARD_LAST_INDEX
    },
    "top-k keeping every token tied at the k-th logit (k+1 on ties)": {
        "ex_10_2_top_k": TOP_K_TIES_KEEP_ALL
    },
    "top-k keeping the highest indices on ties": {"ex_10_2_top_k": TOP_K_HIGHEST_INDEX_ON_TIES},
    "top-k without renormalising": {"ex_10_2_top_k": TOP_K_NOT_RENORMALISED},
    "top-k keeping k+1 tokens": {"ex_10_2_top_k": TOP_K_OFF_BY_ONE},
    "top-p with > instead of >= at the boundary": {"ex_10_3_top_p": TOP_P_STRICT},
    "top-p dropping the token that crosses p": {"ex_10_3_top_p": TOP_P_EXCLUDES_CROSSING_TOKEN},
    "top-p accumulating in index order": {"ex_10_3_top_p": TOP_P_UNSORTED},
    "top-p without validating p": {"ex_10_3_top_p": TOP_P_NO_VALIDATION},
    "penalty dividing negative logits": {"ex_10_4_repetition": PENALTY_DIVIDES_ALL},
    "penalty applied once per occurrence": {"ex_10_4_repetition": PENALTY_PER_OCCURRENCE},
    "penalty modifying the logits in place": {"ex_10_4_repetition": PENALTY_IN_PLACE},
    "penalty subtracting log(penalty)": {"ex_10_4_repetition": PENALTY_SUBTRACTS},
    "candidates trace answered B (> convention)": {"ex_10_5_candidates_trace": 'answer_10_5 = "B"'},
    "candidates trace answered C": {"ex_10_5_candidates_trace": 'answer_10_5 = "C"'},
    "temperature applied after filtering": {"ex_10_6_sample": FULL_SAMPLER_TEMPERATURE_AFTER},
    "top-p before top-k": {"ex_10_6_sample": FULL_SAMPLER_TOP_P_FIRST},
    "top-p on the logits, forgetting top-k": {"ex_10_6_sample": FULL_SAMPLER_FILTERS_ON_RAW_LOGITS},
    "sample ignoring the filters": {"ex_10_6_sample": FULL_SAMPLER_UNFILTERED_DRAW},
    "greedy taking the last index on ties": {"ex_10_7_greedy_check": GREEDY_LAST_TIE},
    "total variation without the 1/2": {"ex_10_7_greedy_check": TV_NO_HALF},
    "empirical distribution ignoring the filters": {"ex_10_7_greedy_check": DRAW_UNFILTERED},
    "empirical distribution returning counts": {
        "ex_10_7_greedy_check": DRAW_COUNTS_NOT_FREQUENCIES
    },
    "panels with the temperatures swapped": {"ex_10_8_panels": PANELS_WRONG_ORDER},
}
