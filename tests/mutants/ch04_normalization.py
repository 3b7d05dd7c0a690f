"""ch04_normalization: wrong answers students plausibly write; each must lose points."""

LN_DDOF1 = """
def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, ddof=1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
"""

LN_BATCH_AXIS = """
def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = np.mean(x, axis=0, keepdims=True)
    var = np.var(x, axis=0, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
"""

LN_EPS_OUTSIDE = """
def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    return gamma * (x - mean) / (np.sqrt(var) + eps) + beta
"""

LN_STD_NOT_SQRT = """
def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    return gamma * (x - mean) / (var + eps) + beta
"""

LN_BETA_BEFORE_GAMMA = """
def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    return gamma * ((x - mean) / np.sqrt(var + eps) + beta)
"""

LN_IGNORES_EPS_ARG = """
def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + 1e-5) + beta
"""

RMS_SUBTRACTS_MEAN = """
def rms_norm(x, gamma, eps=1e-6):
    x = np.asarray(x, dtype=float)
    x = x - np.mean(x, axis=-1, keepdims=True)
    return x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps) * gamma
"""

RMS_EPS_OUTSIDE = """
def rms_norm(x, gamma, eps=1e-6):
    x = np.asarray(x, dtype=float)
    return x / (np.sqrt(np.mean(x**2, axis=-1, keepdims=True)) + eps) * gamma
"""

RMS_SUM_NOT_MEAN = """
def rms_norm(x, gamma, eps=1e-6):
    x = np.asarray(x, dtype=float)
    return x / np.sqrt(np.sum(x**2, axis=-1, keepdims=True) + eps) * gamma
"""

RMS_GLOBAL = """
def rms_norm(x, gamma, eps=1e-6):
    x = np.asarray(x, dtype=float)
    return x / np.sqrt(np.mean(x**2) + eps) * gamma
"""

RMS_STD = """
def rms_norm(x, gamma, eps=1e-6):
    x = np.asarray(x, dtype=float)
    return x / np.sqrt(np.var(x, axis=-1, keepdims=True) + eps) * gamma
"""

BATCHED_OVER_BATCH_AXIS = """
def layer_norm_batched(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise ValueError("x must be 3-D")
    if np.shape(gamma) != (x.shape[-1],) or np.shape(beta) != (x.shape[-1],):
        raise ValueError("gamma and beta must have shape (d,)")
    mean = x.mean(axis=0, keepdims=True)
    var = x.var(axis=0, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
"""

BATCHED_OVER_SEQ_AND_D = """
def layer_norm_batched(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise ValueError("x must be 3-D")
    if np.shape(gamma) != (x.shape[-1],) or np.shape(beta) != (x.shape[-1],):
        raise ValueError("gamma and beta must have shape (d,)")
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
"""

BATCHED_NO_CHECKS = """
def layer_norm_batched(x, gamma, beta, eps=1e-5):
    return layer_norm(x, gamma, beta, eps)
"""

BATCHED_ONLY_GAMMA_CHECK = """
def layer_norm_batched(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise ValueError("x must be 3-D")
    if np.shape(gamma) != (x.shape[-1],):
        raise ValueError("gamma must have shape (d,)")
    return layer_norm(x, gamma, beta, eps)
"""

BATCHED_DROPS_EPS = """
def layer_norm_batched(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise ValueError("x must be 3-D")
    if np.shape(gamma) != (x.shape[-1],) or np.shape(beta) != (x.shape[-1],):
        raise ValueError("gamma and beta must have shape (d,)")
    return layer_norm(x, gamma, beta)
"""

DEBUG_STILL_SUM = """
buggy_line = 4
shrink_factor_d64 = 8.0


def fixed_layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.sum((x - mean) ** 2, axis=-1, keepdims=True)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta
"""

DEBUG_DDOF1_FIX = """
buggy_line = 4
shrink_factor_d64 = 8.0


def fixed_layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.sum((x - mean) ** 2, axis=-1, keepdims=True) / (x.shape[-1] - 1)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta
"""

DEBUG_WRONG_LINE = """
buggy_line = 5
shrink_factor_d64 = 8.0


def fixed_layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.mean((x - mean) ** 2, axis=-1, keepdims=True)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta
"""

DEBUG_FACTOR_D = """
buggy_line = 4
shrink_factor_d64 = 64


def fixed_layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.mean((x - mean) ** 2, axis=-1, keepdims=True)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta
"""

DEBUG_FACTOR_INVERTED = DEBUG_FACTOR_D.replace(
    "shrink_factor_d64 = 64", "shrink_factor_d64 = 0.125"
)

PRE_LN_IS_POST_LN = """
def pre_ln_residual(x, F, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    return layer_norm(x + F(x), gamma, beta, eps)
"""

PRE_LN_ADDS_NORMALIZED = """
def pre_ln_residual(x, F, gamma, beta, eps=1e-5):
    h = layer_norm(x, gamma, beta, eps)
    return h + F(h)
"""

PRE_LN_F_ON_RAW_X = """
def pre_ln_residual(x, F, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    return x + layer_norm(F(x), gamma, beta, eps)
"""

PRE_LN_NO_RESIDUAL = """
def pre_ln_residual(x, F, gamma, beta, eps=1e-5):
    return F(layer_norm(x, gamma, beta, eps))
"""

PRE_LN_DEFAULT_PARAMS = """
def pre_ln_residual(x, F, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    return x + F(layer_norm(x, np.ones(d), np.zeros(d), eps))
"""

PRE_LN_DROPS_EPS = """
def pre_ln_residual(x, F, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    return x + F(layer_norm(x, gamma, beta))
"""

LN_DELEGATES_TO_REFERENCE = """
def layer_norm(x, gamma, beta, eps=1e-5):
    from course.reference.gpt import layer_norm_forward

    return layer_norm_forward(np.asarray(x, dtype=float), gamma, beta, eps)[0]
"""

BATCHED_DELEGATES_TO_REFERENCE = """
def layer_norm_batched(x, gamma, beta, eps=1e-5):
    from course.reference.gpt import layer_norm_forward

    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise ValueError("x must be 3-D")
    if np.shape(gamma) != (x.shape[-1],) or np.shape(beta) != (x.shape[-1],):
        raise ValueError("gamma and beta must have shape (d,)")
    return layer_norm_forward(x, gamma, beta, eps)[0]
"""

MUTANTS = {
    "layer_norm delegating to course.reference": {"ex_4_1_layer_norm": LN_DELEGATES_TO_REFERENCE},
    "batched LayerNorm delegating to course.reference": {
        "ex_4_3_layer_norm_batched": BATCHED_DELEGATES_TO_REFERENCE
    },
    "layer_norm with the sample variance (ddof=1)": {"ex_4_1_layer_norm": LN_DDOF1},
    "layer_norm over the batch axis": {"ex_4_1_layer_norm": LN_BATCH_AXIS},
    "layer_norm with eps outside the square root": {"ex_4_1_layer_norm": LN_EPS_OUTSIDE},
    "layer_norm dividing by the variance, not the std": {"ex_4_1_layer_norm": LN_STD_NOT_SQRT},
    "layer_norm adding beta before scaling by gamma": {"ex_4_1_layer_norm": LN_BETA_BEFORE_GAMMA},
    "layer_norm ignoring the eps argument": {"ex_4_1_layer_norm": LN_IGNORES_EPS_ARG},
    "rms_norm subtracting the mean": {"ex_4_2_rms_norm": RMS_SUBTRACTS_MEAN},
    "rms_norm with eps outside the square root": {"ex_4_2_rms_norm": RMS_EPS_OUTSIDE},
    "rms_norm with a sum of squares": {"ex_4_2_rms_norm": RMS_SUM_NOT_MEAN},
    "rms_norm over the whole array": {"ex_4_2_rms_norm": RMS_GLOBAL},
    "rms_norm dividing by the standard deviation": {"ex_4_2_rms_norm": RMS_STD},
    "batched LayerNorm over the batch axis": {"ex_4_3_layer_norm_batched": BATCHED_OVER_BATCH_AXIS},
    "batched LayerNorm over (seq, d)": {"ex_4_3_layer_norm_batched": BATCHED_OVER_SEQ_AND_D},
    "batched LayerNorm without shape checks": {"ex_4_3_layer_norm_batched": BATCHED_NO_CHECKS},
    "batched LayerNorm checking gamma only": {
        "ex_4_3_layer_norm_batched": BATCHED_ONLY_GAMMA_CHECK
    },
    "batched LayerNorm dropping eps": {"ex_4_3_layer_norm_batched": BATCHED_DROPS_EPS},
    "debug: fix keeps the sum": {"ex_4_4_debug_layer_norm": DEBUG_STILL_SUM},
    "debug: fix divides by d - 1": {"ex_4_4_debug_layer_norm": DEBUG_DDOF1_FIX},
    "debug: wrong line number": {"ex_4_4_debug_layer_norm": DEBUG_WRONG_LINE},
    "debug: shrink factor d instead of sqrt(d)": {"ex_4_4_debug_layer_norm": DEBUG_FACTOR_D},
    "debug: shrink factor inverted": {"ex_4_4_debug_layer_norm": DEBUG_FACTOR_INVERTED},
    "pre-norm trace answered A": {"ex_4_5_prenorm_trace": 'answer_4_5 = "A"'},
    "pre-norm trace answered D": {"ex_4_5_prenorm_trace": 'answer_4_5 = "D"'},
    "pre_ln_residual as post-norm": {"ex_4_6_pre_ln_residual": PRE_LN_IS_POST_LN},
    "pre_ln_residual adding LN(x) as the skip": {"ex_4_6_pre_ln_residual": PRE_LN_ADDS_NORMALIZED},
    "pre_ln_residual applying F to raw x": {"ex_4_6_pre_ln_residual": PRE_LN_F_ON_RAW_X},
    "pre_ln_residual without the residual": {"ex_4_6_pre_ln_residual": PRE_LN_NO_RESIDUAL},
    "pre_ln_residual ignoring gamma and beta": {"ex_4_6_pre_ln_residual": PRE_LN_DEFAULT_PARAMS},
    "pre_ln_residual dropping eps": {"ex_4_6_pre_ln_residual": PRE_LN_DROPS_EPS},
}
