"""ch19_numerics: wrong answers students plausibly write; each must lose points."""

_NAIVE_OK = """

def naive_breaks_at(dtype, n):
    c = 0
    while True:
        x = np.full(n, c, dtype=dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(x)
            p = e / e.sum()
        if not np.allclose(p.astype(float), 1 / n, rtol=0.01):
            return c
        c += 1
"""

_SOFTMAX_OK = """
def stable_softmax(x, axis=-1):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)

"""

SOFTMAX_NO_MAX = (
    """
def stable_softmax(x, axis=-1):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return e / np.sum(e, axis=axis, keepdims=True)
"""
    + _NAIVE_OK
)

SOFTMAX_FLOAT64 = (
    """
def stable_softmax(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
"""
    + _NAIVE_OK
)

SOFTMAX_GLOBAL_MAX = (
    """
def stable_softmax(x, axis=-1):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        e = np.exp(x - np.max(x))
        return e / np.sum(e, axis=axis, keepdims=True)
"""
    + _NAIVE_OK
)

SOFTMAX_SUM_AXIS0 = (
    """
def stable_softmax(x, axis=-1):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
"""
    + _NAIVE_OK
)

BREAKS_SINGLE_EXP = (
    _SOFTMAX_OK
    + """
def naive_breaks_at(dtype, n):
    c = 0
    while True:
        with np.errstate(over="ignore"):
            if np.isinf(np.exp(dtype(c))):
                return c
        c += 1
"""
)

BREAKS_FLOOR = (
    _SOFTMAX_OK
    + """
def naive_breaks_at(dtype, n):
    return math.floor(math.log(float(np.finfo(dtype).max)))
"""
)

BREAKS_NAN_ONLY = (
    _SOFTMAX_OK
    + """
def naive_breaks_at(dtype, n):
    c = 0
    while True:
        x = np.full(n, c, dtype=dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(x)
            p = e / e.sum()
        if np.any(np.isnan(p)):
            return c
        c += 1
"""
)

_COUNTS_OK_RMS = """
def rms_norm(x, gain, eps=1e-6):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * gain

"""

_NORM_COSTS_OK = """

def norm_costs(d):
    return 7 * d + 4, 4 * d + 3
"""

RMS_EPS_OUTSIDE = (
    """
def rms_norm(x, gain, eps=1e-6):
    return x / (np.sqrt(np.mean(x * x, axis=-1, keepdims=True)) + eps) * gain
"""
    + _NORM_COSTS_OK
)

RMS_SUBTRACTS_MEAN = (
    """
def rms_norm(x, gain, eps=1e-6):
    c = x - np.mean(x, axis=-1, keepdims=True)
    return c / np.sqrt(np.mean(c * c, axis=-1, keepdims=True) + eps) * gain
"""
    + _NORM_COSTS_OK
)

RMS_WRONG_AXIS = (
    """
def rms_norm(x, gain, eps=1e-6):
    return x / np.sqrt(np.mean(x * x, axis=0, keepdims=True) + eps) * gain
"""
    + _NORM_COSTS_OK
)

RMS_SUM_NOT_MEAN = (
    """
def rms_norm(x, gain, eps=1e-6):
    return x / np.sqrt(np.sum(x * x, axis=-1, keepdims=True) + eps) * gain
"""
    + _NORM_COSTS_OK
)

RMS_NO_GAIN = (
    """
def rms_norm(x, gain, eps=1e-6):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
"""
    + _NORM_COSTS_OK
)

COSTS_REDUCTION_AS_ONE = (
    _COUNTS_OK_RMS
    + """
def norm_costs(d):
    return 5 * d + 6, 3 * d + 4
"""
)

COSTS_FORGOT_MEAN_DIVISION = (
    _COUNTS_OK_RMS
    + """
def norm_costs(d):
    return 7 * d + 2, 4 * d + 2
"""
)

COSTS_FORGOT_BETA = (
    _COUNTS_OK_RMS
    + """
def norm_costs(d):
    return 6 * d + 4, 4 * d + 3
"""
)

_LSE_OK = """
def logsumexp(x, axis=-1):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)), axis=axis)
"""

_CE_OK = """

def cross_entropy(logits, targets):
    logits = np.asarray(logits)
    picked = logits[np.arange(logits.shape[0]), np.asarray(targets)]
    return np.mean(logsumexp(logits, axis=-1) - picked)
"""

_ERRORS_OK = """

def ce_errors(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    reference = float(cross_entropy(logits, targets))
    return {name: abs(float(cross_entropy(logits.astype(dt), targets)) - reference)
            for name, dt in (("float16", np.float16), ("float32", np.float32),
                             ("float64", np.float64))}
"""

LSE_NAIVE = (
    """
def logsumexp(x, axis=-1):
    x = np.asarray(x)
    with np.errstate(over="ignore", divide="ignore"):
        return np.log(np.sum(np.exp(x), axis=axis))
"""
    + _CE_OK
    + _ERRORS_OK
)

LSE_FORGETS_MAX = (
    """
def logsumexp(x, axis=-1):
    x = np.asarray(x)
    m = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)), axis=axis)
"""
    + _CE_OK
    + _ERRORS_OK
)

LSE_FLOAT64 = (
    """
def logsumexp(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)), axis=axis)
"""
    + _CE_OK
    + _ERRORS_OK
)

CE_SUM = (
    _LSE_OK
    + """

def cross_entropy(logits, targets):
    logits = np.asarray(logits)
    picked = logits[np.arange(logits.shape[0]), np.asarray(targets)]
    return np.sum(logsumexp(logits, axis=-1) - picked)
"""
    + _ERRORS_OK
)

CE_SIGN = (
    _LSE_OK
    + """

def cross_entropy(logits, targets):
    logits = np.asarray(logits)
    picked = logits[np.arange(logits.shape[0]), np.asarray(targets)]
    return np.mean(picked - logsumexp(logits, axis=-1))
"""
    + _ERRORS_OK
)

CE_TARGET_COLUMN = (
    _LSE_OK
    + """

def cross_entropy(logits, targets):
    logits = np.asarray(logits)
    picked = logits[:, np.asarray(targets)].mean(axis=0)
    return np.mean(logsumexp(logits, axis=-1) - picked)
"""
    + _ERRORS_OK
)

ERRORS_NO_CAST = (
    _LSE_OK
    + _CE_OK
    + """

def ce_errors(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    reference = float(cross_entropy(logits, targets))
    return {name: abs(float(cross_entropy(logits, targets)) - reference)
            for name in ("float16", "float32", "float64")}
"""
)

ERRORS_SIGNED = (
    _LSE_OK
    + _CE_OK
    + """

def ce_errors(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    reference = float(cross_entropy(logits, targets))
    return {name: float(cross_entropy(logits.astype(dt), targets)) - reference
            for name, dt in (("float16", np.float16), ("float32", np.float32),
                             ("float64", np.float64))}
"""
)

ERRORS_RELATIVE_TO_FLOAT32 = (
    _LSE_OK
    + _CE_OK
    + """

def ce_errors(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    reference = float(cross_entropy(logits.astype(np.float32), targets))
    return {name: abs(float(cross_entropy(logits.astype(dt), targets)) - reference)
            for name, dt in (("float16", np.float16), ("float32", np.float32),
                             ("float64", np.float64))}
"""
)

SM = "ex_19_2_stable_softmax"
RMS = "ex_19_4_rms_norm"
LSE = "ex_19_6_lse_cross_entropy"

MUTANTS = {
    "19.1: answered A (exp(1000) representable)": {"ex_19_1_exp_overflow": 'answer_19_1 = "A"'},
    "19.1: answered C (saturates)": {"ex_19_1_exp_overflow": 'answer_19_1 = "C"'},
    "19.1: answered D (raises)": {"ex_19_1_exp_overflow": 'answer_19_1 = "D"'},
    "19.2: softmax without the max": {SM: SOFTMAX_NO_MAX},
    "19.2: softmax always float64": {SM: SOFTMAX_FLOAT64},
    "19.2: softmax with one global max": {SM: SOFTMAX_GLOBAL_MAX},
    "19.2: softmax summing over the last axis regardless of axis": {SM: SOFTMAX_SUM_AXIS0},
    "19.2: breaks where a single exp overflows (ignores the sum)": {SM: BREAKS_SINGLE_EXP},
    "19.2: breaks at floor(ln max) (off by one, ignores n)": {SM: BREAKS_FLOOR},
    "19.2: breaks only when nan appears": {SM: BREAKS_NAN_ONLY},
    "19.3: answered A": {"ex_19_3_rmsnorm_trace": 'answer_19_3 = "A"'},
    "19.3: answered D": {"ex_19_3_rmsnorm_trace": 'answer_19_3 = "D"'},
    "19.4: eps outside the square root": {RMS: RMS_EPS_OUTSIDE},
    "19.4: RMSNorm subtracting the mean": {RMS: RMS_SUBTRACTS_MEAN},
    "19.4: mean over axis 0": {RMS: RMS_WRONG_AXIS},
    "19.4: sum instead of mean": {RMS: RMS_SUM_NOT_MEAN},
    "19.4: gain ignored": {RMS: RMS_NO_GAIN},
    "19.4: costs counting a reduction as one operation": {RMS: COSTS_REDUCTION_AS_ONE},
    "19.4: costs forgetting the mean's division": {RMS: COSTS_FORGOT_MEAN_DIVISION},
    "19.4: LayerNorm cost without the bias": {RMS: COSTS_FORGOT_BETA},
    "19.5: temperature multiplied": {
        "ex_19_5_temperature": "_x = np.array([2.0, 1.0, 0.5])\n"
        "p_top_t05 = float(stable_softmax(_x * 0.5)[0])\n"
        "p_top_t1 = float(stable_softmax(_x)[0])\n"
    },
    "19.5: the quoted 0.5761 for T = 1 (logits [2, 1, 1])": {
        "ex_19_5_temperature": "p_top_t05 = float(stable_softmax(np.array([4.0, 2.0, 1.0]))[0])\n"
        "p_top_t1 = float(stable_softmax(np.array([2.0, 1.0, 1.0]))[0])\n"
    },
    "19.6: naive logsumexp": {LSE: LSE_NAIVE},
    "19.6: logsumexp forgetting to add the max back": {LSE: LSE_FORGETS_MAX},
    "19.6: logsumexp always float64": {LSE: LSE_FLOAT64},
    "19.6: cross-entropy summed over rows": {LSE: CE_SUM},
    "19.6: cross-entropy with the sign flipped": {LSE: CE_SIGN},
    "19.6: cross-entropy picking whole target columns": {LSE: CE_TARGET_COLUMN},
    "19.6: errors measured without casting": {LSE: ERRORS_NO_CAST},
    "19.6: signed errors": {LSE: ERRORS_SIGNED},
    "19.6: errors against a float32 reference": {LSE: ERRORS_RELATIVE_TO_FLOAT32},
}
