"""ch01_softmax: wrong answers students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch01_softmax")
_SHIFT = "shifted = x - np.max(x, axis=axis, keepdims=True)"

MUTANTS = {
    # 1.1 softmax
    "softmax without max subtraction": _swap("ex_1_1_softmax", _SHIFT, "shifted = x"),
    "softmax with one max over the whole array": _swap(
        "ex_1_1_softmax", _SHIFT, "shifted = x - np.max(x)"
    ),
    "softmax summing over axis 0": _swap(
        "ex_1_1_softmax",
        "e / np.sum(e, axis=axis, keepdims=True)",
        "e / np.sum(e, axis=0, keepdims=True)",
    ),
    "softmax dividing by the sum of the whole array": _swap(
        "ex_1_1_softmax", "e / np.sum(e, axis=axis, keepdims=True)", "e / np.sum(e)"
    ),
    "softmax delegating to course.reference": {
        "ex_1_1_softmax": (
            "def softmax(x, axis=-1):\n"
            "    from course.reference.gpt import softmax as _reference\n"
            "    return _reference(np.asarray(x, dtype=float), axis=axis)\n"
        )
    },
    # 1.2 log_softmax
    "log_softmax as log(softmax)": _swap(
        "ex_1_2_log_softmax",
        "return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))",
        "return np.log(softmax(x, axis=axis))",
    ),
    "log_softmax without the max shift": _swap("ex_1_2_log_softmax", _SHIFT, "shifted = x"),
    "log_softmax ignoring axis": _swap(
        "ex_1_2_log_softmax",
        "shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))",
        "shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))",
    ),
    # 1.3 trace
    "naive-overflow trace answered A": _swap("ex_1_3_naive_trace", '"B"', '"A"'),
    "naive-overflow trace answered D": _swap("ex_1_3_naive_trace", '"B"', '"D"'),
    # 1.4 debug
    "debug: fix keeps exp(x)": _swap("ex_1_4_debug_softmax", "np.exp(x - m)", "np.exp(x)"),
    "debug: wrong line number": _swap("ex_1_4_debug_softmax", "buggy_line = 4", "buggy_line = 3"),
    "debug: the fix is the reference softmax": {
        "ex_1_4_debug_softmax": (
            "buggy_line = 4\nfrom course.reference.gpt import softmax as fixed_softmax\n"
        )
    },
    # 1.5 temperature
    "temperature multiplied instead of divided": _swap(
        "ex_1_5_temperature", "np.asarray(x, dtype=float) / T", "np.asarray(x, dtype=float) * T"
    ),
    "temperature without the T <= 0 check": _swap(
        "ex_1_5_temperature",
        'raise ValueError(f"temperature must be positive, got {T}")',
        "pass",
    ),
    "temperature through an aliased reference module": {
        "ex_1_5_temperature": (
            "import course.reference.gpt as R\n\n\n"
            "def softmax_with_temperature(x, T):\n"
            "    if T <= 0:\n"
            "        raise ValueError('T must be positive')\n"
            "    return R.softmax(np.asarray(x, dtype=float) / T, axis=-1)\n"
        )
    },
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "softmax without max subtraction": "exp(x) without subtracting the max first (overflows)",
    "softmax with one max over the whole array": (
        "subtracting one max of the whole array instead of each row's max (keepdims=True)"
    ),
    "softmax summing over axis 0": "normalising over axis 0 instead of the axis you were given",
    "softmax dividing by the sum of the whole array": (
        "dividing by the sum of the whole array instead of each row's sum"
    ),
    "log_softmax as log(softmax)": "taking log(softmax(x)), which gives -inf where it underflows",
    "log_softmax without the max shift": "log-sum-exp without subtracting the max (overflows)",
    "log_softmax ignoring axis": "ignoring the axis argument",
    "naive-overflow trace answered A": "answer A",
    "naive-overflow trace answered D": "answer D",
    "debug: fix keeps exp(x)": "the fixed line still computes exp(x) instead of exp(x - max)",
    "debug: wrong line number": "pointing at the line before the buggy one",
    "temperature multiplied instead of divided": (
        "multiplying the logits by T instead of dividing by T"
    ),
    "temperature without the T <= 0 check": "no ValueError for T <= 0",
}
