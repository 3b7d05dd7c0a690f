"""ch01_softmax: wrong answers students plausibly write; each must lose points."""

SOFTMAX_NO_MAX = """
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)
"""

SOFTMAX_WRONG_AXIS = """
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)
"""

SOFTMAX_GLOBAL_MAX = """
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=axis, keepdims=True)
"""

SOFTMAX_NO_KEEPDIMS_SUM = """
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e)
"""

LOG_SOFTMAX_NAIVE = """
def log_softmax(x, axis=-1):
    return np.log(softmax(x, axis=axis))
"""

LOG_SOFTMAX_NO_SHIFT = """
def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    return x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))
"""

LOG_SOFTMAX_IGNORES_AXIS = """
def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
"""

TEMPERATURE_MULTIPLIED = """
def softmax_with_temperature(x, T):
    if T <= 0:
        raise ValueError("T must be positive")
    return softmax(np.asarray(x, dtype=float) * T, axis=-1)
"""

TEMPERATURE_NO_CHECK = """
def softmax_with_temperature(x, T):
    with np.errstate(all="ignore"):
        return softmax(np.asarray(x, dtype=float) / T, axis=-1)
"""

FIXED_STILL_BUGGY = """
buggy_line = 4


def fixed_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)
"""

WRONG_BUGGY_LINE = """
buggy_line = 3


def fixed_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)
"""

MUTANTS = {
    "softmax without max subtraction": {"ex_1_1_softmax": SOFTMAX_NO_MAX},
    "softmax summing over axis 0": {"ex_1_1_softmax": SOFTMAX_WRONG_AXIS},
    "softmax with one max over the whole array": {"ex_1_1_softmax": SOFTMAX_GLOBAL_MAX},
    "softmax dividing by the sum of the whole array": {"ex_1_1_softmax": SOFTMAX_NO_KEEPDIMS_SUM},
    "log_softmax as log(softmax)": {"ex_1_2_log_softmax": LOG_SOFTMAX_NAIVE},
    "log_softmax without the max shift": {"ex_1_2_log_softmax": LOG_SOFTMAX_NO_SHIFT},
    "log_softmax ignoring axis": {"ex_1_2_log_softmax": LOG_SOFTMAX_IGNORES_AXIS},
    "naive-overflow trace answered A": {"ex_1_3_naive_trace": 'answer_1_3 = "A"'},
    "naive-overflow trace answered D": {"ex_1_3_naive_trace": 'answer_1_3 = "D"'},
    "debug: fix keeps exp(x)": {"ex_1_4_debug_softmax": FIXED_STILL_BUGGY},
    "debug: wrong line number": {"ex_1_4_debug_softmax": WRONG_BUGGY_LINE},
    "temperature multiplied instead of divided": {"ex_1_5_temperature": TEMPERATURE_MULTIPLIED},
    "temperature without the T <= 0 check": {"ex_1_5_temperature": TEMPERATURE_NO_CHECK},
    "softmax delegating to course.reference": {
        "ex_1_1_softmax": (
            "def softmax(x, axis=-1):\n"
            "    from course.reference.gpt import softmax as _reference\n"
            "    return _reference(np.asarray(x, dtype=float), axis=axis)\n"
        )
    },
    "temperature through an aliased reference module": {
        "ex_1_5_temperature": (
            "import course.reference.gpt as R\n\n\n"
            "def softmax_with_temperature(x, T):\n"
            "    if T <= 0:\n"
            "        raise ValueError('T must be positive')\n"
            "    return R.softmax(np.asarray(x, dtype=float) / T, axis=-1)\n"
        )
    },
    "debug: the fix is the reference softmax": {
        "ex_1_4_debug_softmax": (
            "buggy_line = 4\nfrom course.reference.gpt import softmax as fixed_softmax\n"
        )
    },
}
