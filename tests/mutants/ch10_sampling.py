"""ch10_sampling: wrong answers students plausibly write; each must lose points.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``);
the explicit sources below are genuinely different (wrong) implementations.
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch10_sampling")
_GUARD = "int(np.flatnonzero(probs)[-1])"
_KTH = "kth = np.sort(logits)[-min(k, logits.size)]"
_N_KEEP = "n_keep = min(int(np.sum(cum < p)) + 1, len(probs))"
_PENALISE = "np.where(seen > 0, seen / penalty, seen * penalty)"
_SAMPLE_BODY = (
    "probs = filtered_distribution(logits, temperature, top_k, top_p)\n"
    '    index = int(np.searchsorted(np.cumsum(probs), r, side="right"))\n'
    "    return min(index, int(np.flatnonzero(probs)[-1]))"
)
_PANELS = (
    '"T = 0.5": filtered_distribution(plot_logits, {}, None, None),\n'
    '    "T = 1": filtered_distribution(plot_logits, 1.0, None, None),\n'
    '    "T = 2": filtered_distribution(plot_logits, {}, None, None),'
)

TOP_K_EXACTLY_K = """
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    logits = np.asarray(logits, dtype=float)
    order = np.argsort(-logits, kind="stable")
    keep = np.zeros(logits.shape, dtype=bool)
    keep[order[:k]] = True
    return softmax(np.where(keep, logits, -np.inf))
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

MUTANTS = {
    "inverse CDF with side='left'": _swap(
        "ex_10_1_sample_temperature", 'side="right"', 'side="left"'
    ),
    "inverse CDF without the rounding guard": _swap(
        "ex_10_1_sample_temperature", f"min(index, {_GUARD})", "index"
    ),
    "temperature multiplied": _swap("ex_10_1_sample_temperature", "/ T)", "* T)"),
    "rounding guard returning the last index even if impossible": _swap(
        "ex_10_1_sample_temperature", _GUARD, "len(probs) - 1"
    ),
    "top-k keeping exactly k tokens on ties (the lowest indices), not every tied token": {
        "ex_10_2_top_k": TOP_K_EXACTLY_K
    },
    "top-k comparing with > instead of >=, which drops the k-th token itself": _swap(
        "ex_10_2_top_k", "keep = logits >= kth", "keep = logits > kth"
    ),
    "top-k without renormalising": _swap(
        "ex_10_2_top_k",
        "return softmax(np.where(keep, logits, -np.inf))",
        "return np.where(keep, softmax(logits), 0.0)",
    ),
    "top-k taking the k-th smallest logit (np.sort is ascending)": _swap(
        "ex_10_2_top_k", _KTH, "kth = np.sort(logits)[min(k, logits.size) - 1]"
    ),
    "top-k keeping k+1 tokens": _swap(
        "ex_10_2_top_k", _KTH, "kth = np.sort(logits)[-min(k + 1, logits.size)]"
    ),
    "top-p with > instead of >= at the boundary": _swap(
        "ex_10_3_top_p", "np.sum(cum < p)", "np.sum(cum <= p)"
    ),
    "top-p dropping the token that crosses p": _swap(
        "ex_10_3_top_p", _N_KEEP, "n_keep = max(int(np.sum(cum <= p)), 1)"
    ),
    "top-p accumulating in index order": _swap(
        "ex_10_3_top_p",
        'order = np.argsort(-probs, kind="stable")',
        "order = np.arange(len(probs))",
    ),
    "top-p without validating p": _swap("ex_10_3_top_p", "if not 0 < p <= 1:", "if False:"),
    "penalty dividing negative logits": _swap("ex_10_4_repetition", _PENALISE, "seen / penalty"),
    "penalty applied once per occurrence": {"ex_10_4_repetition": PENALTY_PER_OCCURRENCE},
    "penalty modifying the logits in place": _swap(
        "ex_10_4_repetition", "out = np.array(logits, dtype=float)", "out = logits"
    ),
    "penalty subtracting log(penalty)": _swap(
        "ex_10_4_repetition", _PENALISE, "seen - np.log(penalty)"
    ),
    "candidates trace answered B (> convention)": _swap(
        "ex_10_5_candidates_trace", 'answer_10_5 = "A"', 'answer_10_5 = "B"'
    ),
    "candidates trace answered C": _swap(
        "ex_10_5_candidates_trace", 'answer_10_5 = "A"', 'answer_10_5 = "C"'
    ),
    "temperature applied after filtering": {"ex_10_6_sample": FULL_SAMPLER_TEMPERATURE_AFTER},
    "top-p before top-k": {"ex_10_6_sample": FULL_SAMPLER_TOP_P_FIRST},
    "top-p on the logits, forgetting top-k": _swap(
        "ex_10_6_sample", "top_p_filter(np.log(probs), top_p)", "top_p_filter(z, top_p)"
    ),
    "sample ignoring the filters": _swap(
        "ex_10_6_sample", _SAMPLE_BODY, "return sample_with_temperature(logits, temperature, r)"
    ),
    "greedy taking the last index on ties": _swap(
        "ex_10_7_greedy_check",
        "return int(np.argmax(logits))",
        "return int(len(logits) - 1 - np.argmax(np.asarray(logits)[::-1]))",
    ),
    "total variation without the 1/2": _swap(
        "ex_10_7_greedy_check", "return 0.5 * float(", "return float("
    ),
    "empirical distribution ignoring the filters": _swap(
        "ex_10_7_greedy_check",
        "probs = filtered_distribution(logits, temperature, top_k, top_p)",
        "probs = softmax(np.asarray(logits, dtype=float) / temperature)",
    ),
    "empirical distribution returning counts": _swap(
        "ex_10_7_greedy_check",
        "np.bincount(tokens, minlength=len(probs)) / n_samples",
        "np.bincount(tokens, minlength=len(probs)).astype(float)",
    ),
    "panels with the temperatures swapped": _swap(
        "ex_10_8_panels", _PANELS.format(0.5, 2.0), _PANELS.format(2.0, 0.5)
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "inverse CDF with side='left'": (
        'np.searchsorted(..., side="left"), which counts c_i < r instead of c_i <= r'
    ),
    "inverse CDF without the rounding guard": (
        "no guard for a cumulative sum that rounds to just below 1 (an index past the last "
        "possible token)"
    ),
    "temperature multiplied": "multiplying the logits by T instead of dividing by T",
    "rounding guard returning the last index even if impossible": (
        "a rounding guard that returns the last index even when its probability is 0"
    ),
    "top-k keeping exactly k tokens on ties (the lowest indices), not every tied token": (
        "keeping exactly k tokens on ties instead of every token tied with the k-th largest"
    ),
    "top-k comparing with > instead of >=, which drops the k-th token itself": (
        "logits > kth instead of >=, which drops the k-th largest token itself"
    ),
    "top-k without renormalising": (
        "zeroing the other probabilities without renormalising the ones you keep"
    ),
    "top-k taking the k-th smallest logit (np.sort is ascending)": (
        "the k-th smallest logit as the threshold instead of the k-th largest "
        "(np.sort is ascending)"
    ),
    "top-k keeping k+1 tokens": "keeping k + 1 tokens instead of k",
    "top-p with > instead of >= at the boundary": (
        "adding tokens until the total is above p instead of until it reaches p"
    ),
    "top-p dropping the token that crosses p": ("dropping the token that brings the total up to p"),
    "top-p accumulating in index order": (
        "adding up probabilities in index order instead of from the most likely token down"
    ),
    "top-p without validating p": "no ValueError for p outside (0, 1]",
    "penalty dividing negative logits": (
        "dividing negative logits by the penalty too (which raises them)"
    ),
    "penalty applied once per occurrence": (
        "penalising a token once per occurrence instead of once"
    ),
    "penalty modifying the logits in place": "changing the caller's logits in place",
    "penalty subtracting log(penalty)": (
        "subtracting log(penalty) instead of dividing positive and multiplying negative logits"
    ),
    "candidates trace answered B (> convention)": (
        "answer B: top-p adding tokens until the total is above p instead of reaching it"
    ),
    "candidates trace answered C": "answer C",
    "temperature applied after filtering": (
        "applying the temperature after top-k and top-p instead of before"
    ),
    "top-p before top-k": "applying top-p before top-k instead of after it",
    "top-p on the logits, forgetting top-k": ("top-p on the unfiltered logits, which undoes top-k"),
    "sample ignoring the filters": "sampling from softmax(logits / T) without top-k and top-p",
    "greedy taking the last index on ties": "the last index on ties instead of the first",
    "total variation without the 1/2": "the sum of absolute differences without the factor 1/2",
    "empirical distribution ignoring the filters": (
        "sampling from softmax(logits / T) without top-k and top-p"
    ),
    "empirical distribution returning counts": (
        "returning counts instead of frequencies (counts / n_samples)"
    ),
    "panels with the temperatures swapped": "the T = 0.5 and T = 2 panels swapped",
}
