"""ch04_normalization: wrong answers students plausibly write; each must lose points.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``);
the ones that delegate to course.reference stay explicit.
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch04_normalization")

_LN_MEAN = "mean = np.mean(x, axis=-1, keepdims=True)  # [..., 1]"
_LN_VAR = "var = np.mean((x - mean) ** 2, axis=-1, keepdims=True)"
_LN_XHAT = "x_hat = (x - mean) / np.sqrt(var + eps)"
_LN_OUT = "np.asarray(gamma, dtype=float) * x_hat + np.asarray(beta, dtype=float)"
_RMS = "rms = np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps)"
_BATCHED_RETURN = "return layer_norm(x, gamma, beta, eps)"
_DEBUG_VAR = "var = np.mean((x - mean) ** 2, axis=-1, keepdims=True)\n    x_hat"
_PRE_LN = "return x + F(layer_norm(x, gamma, beta, eps))"

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
    # 4.1 layer_norm
    "layer_norm with the sample variance (ddof=1)": _swap(
        "ex_4_1_layer_norm", _LN_VAR, "var = np.var(x, axis=-1, ddof=1, keepdims=True)"
    ),
    "layer_norm over the batch axis": _swap(
        "ex_4_1_layer_norm",
        _LN_MEAN + "\n    " + _LN_VAR,
        "mean = np.mean(x, axis=0, keepdims=True)\n"
        "    var = np.mean((x - mean) ** 2, axis=0, keepdims=True)",
    ),
    "layer_norm with eps outside the square root": _swap(
        "ex_4_1_layer_norm", _LN_XHAT, "x_hat = (x - mean) / (np.sqrt(var) + eps)"
    ),
    "layer_norm dividing by the variance, not the std": _swap(
        "ex_4_1_layer_norm", _LN_XHAT, "x_hat = (x - mean) / (var + eps)"
    ),
    "layer_norm adding beta before scaling by gamma": _swap(
        "ex_4_1_layer_norm",
        _LN_OUT,
        "np.asarray(gamma, dtype=float) * (x_hat + np.asarray(beta, dtype=float))",
    ),
    "layer_norm ignoring the eps argument": _swap(
        "ex_4_1_layer_norm", _LN_XHAT, "x_hat = (x - mean) / np.sqrt(var + 1e-5)"
    ),
    # 4.2 rms_norm
    "rms_norm subtracting the mean": _swap(
        "ex_4_2_rms_norm", _RMS, "x = x - np.mean(x, axis=-1, keepdims=True)\n    " + _RMS
    ),
    "rms_norm with eps outside the square root": _swap(
        "ex_4_2_rms_norm", _RMS, "rms = np.sqrt(np.mean(x**2, axis=-1, keepdims=True)) + eps"
    ),
    "rms_norm with a sum of squares": _swap(
        "ex_4_2_rms_norm", _RMS, "rms = np.sqrt(np.sum(x**2, axis=-1, keepdims=True) + eps)"
    ),
    "rms_norm over the whole array": _swap(
        "ex_4_2_rms_norm", _RMS, "rms = np.sqrt(np.mean(x**2) + eps)"
    ),
    "rms_norm dividing by the standard deviation": _swap(
        "ex_4_2_rms_norm", _RMS, "rms = np.sqrt(np.var(x, axis=-1, keepdims=True) + eps)"
    ),
    # 4.3 layer_norm_batched
    "batched LayerNorm over the batch axis": _swap(
        "ex_4_3_layer_norm_batched",
        _BATCHED_RETURN,
        "mean = x.mean(axis=0, keepdims=True)\n"
        "    var = x.var(axis=0, keepdims=True)\n"
        "    return gamma * (x - mean) / np.sqrt(var + eps) + beta",
    ),
    "batched LayerNorm over (seq, d)": _swap(
        "ex_4_3_layer_norm_batched",
        _BATCHED_RETURN,
        "mean = x.mean(axis=(1, 2), keepdims=True)\n"
        "    var = x.var(axis=(1, 2), keepdims=True)\n"
        "    return gamma * (x - mean) / np.sqrt(var + eps) + beta",
    ),
    "batched LayerNorm without shape checks": _swap(
        "ex_4_3_layer_norm_batched",
        "### BEGIN SOLUTION",
        "### BEGIN SOLUTION\n    " + _BATCHED_RETURN,
    ),
    "batched LayerNorm checking gamma only": _swap(
        "ex_4_3_layer_norm_batched", '(("gamma", gamma), ("beta", beta))', '(("gamma", gamma),)'
    ),
    "batched LayerNorm dropping eps": _swap(
        "ex_4_3_layer_norm_batched", _BATCHED_RETURN, "return layer_norm(x, gamma, beta)"
    ),
    # 4.4 debug
    "debug: fix keeps the sum": _swap(
        "ex_4_4_debug_layer_norm",
        _DEBUG_VAR,
        "var = np.sum((x - mean) ** 2, axis=-1, keepdims=True)\n    x_hat",
    ),
    "debug: fix divides by d - 1": _swap(
        "ex_4_4_debug_layer_norm",
        _DEBUG_VAR,
        "var = np.sum((x - mean) ** 2, axis=-1, keepdims=True) / (x.shape[-1] - 1)\n    x_hat",
    ),
    "debug: wrong line number": _swap(
        "ex_4_4_debug_layer_norm", "buggy_line = 4", "buggy_line = 5"
    ),
    "debug: shrink factor d instead of sqrt(d)": _swap(
        "ex_4_4_debug_layer_norm", "shrink_factor_d64 = 8.0", "shrink_factor_d64 = 64"
    ),
    "debug: shrink factor inverted": _swap(
        "ex_4_4_debug_layer_norm", "shrink_factor_d64 = 8.0", "shrink_factor_d64 = 0.125"
    ),
    # 4.5 trace
    "pre-norm trace answered A": _swap("ex_4_5_prenorm_trace", '"B"', '"A"'),
    "pre-norm trace answered D": _swap("ex_4_5_prenorm_trace", '"B"', '"D"'),
    # 4.6 pre_ln_residual
    "pre_ln_residual as post-norm": _swap(
        "ex_4_6_pre_ln_residual", _PRE_LN, "return layer_norm(x + F(x), gamma, beta, eps)"
    ),
    "pre_ln_residual adding LN(x) as the skip": _swap(
        "ex_4_6_pre_ln_residual",
        _PRE_LN,
        "h = layer_norm(x, gamma, beta, eps)\n    return h + F(h)",
    ),
    "pre_ln_residual applying F to raw x": _swap(
        "ex_4_6_pre_ln_residual", _PRE_LN, "return x + layer_norm(F(x), gamma, beta, eps)"
    ),
    "pre_ln_residual without the residual": _swap(
        "ex_4_6_pre_ln_residual", _PRE_LN, "return F(layer_norm(x, gamma, beta, eps))"
    ),
    "pre_ln_residual ignoring gamma and beta": _swap(
        "ex_4_6_pre_ln_residual",
        _PRE_LN,
        "d = x.shape[-1]\n    return x + F(layer_norm(x, np.ones(d), np.zeros(d), eps))",
    ),
    "pre_ln_residual dropping eps": _swap(
        "ex_4_6_pre_ln_residual", _PRE_LN, "return x + F(layer_norm(x, gamma, beta))"
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "layer_norm delegating to course.reference": (
        "calling course.reference instead of your own code"
    ),
    "batched LayerNorm delegating to course.reference": (
        "calling course.reference instead of your own code"
    ),
    "layer_norm with the sample variance (ddof=1)": (
        "the sample variance (dividing by d - 1, ddof=1) instead of dividing by d"
    ),
    "layer_norm over the batch axis": (
        "normalising over axis 0 (across tokens) instead of the last axis"
    ),
    "layer_norm with eps outside the square root": ("sqrt(var) + eps instead of sqrt(var + eps)"),
    "layer_norm dividing by the variance, not the std": (
        "dividing by the variance instead of its square root"
    ),
    "layer_norm adding beta before scaling by gamma": (
        "gamma * (x_hat + beta) instead of gamma * x_hat + beta"
    ),
    "layer_norm ignoring the eps argument": "a fixed eps instead of the eps you were given",
    "rms_norm subtracting the mean": "subtracting the mean first (RMSNorm does not centre x)",
    "rms_norm with eps outside the square root": (
        "sqrt(mean(x**2)) + eps instead of sqrt(mean(x**2) + eps)"
    ),
    "rms_norm with a sum of squares": "the sum of squares instead of their mean",
    "rms_norm over the whole array": (
        "one mean of squares over the whole array instead of one per row (axis=-1)"
    ),
    "rms_norm dividing by the standard deviation": (
        "dividing by the standard deviation (np.var) instead of the root mean square"
    ),
    "batched LayerNorm over the batch axis": (
        "normalising over the batch axis instead of each token's last axis"
    ),
    "batched LayerNorm over (seq, d)": (
        "normalising over (seq, d) together instead of each token on its own"
    ),
    "batched LayerNorm without shape checks": (
        "no shape checks at all (x not 3-D, gamma or beta of the wrong shape)"
    ),
    "batched LayerNorm checking gamma only": "checking gamma's shape but not beta's",
    "batched LayerNorm dropping eps": (
        "not passing eps on to layer_norm (its default is used instead)"
    ),
    "debug: fix keeps the sum": "the fixed line still sums the squared deviations",
    "debug: fix divides by d - 1": "the fixed line divides by d - 1 instead of d",
    "debug: wrong line number": "pointing at the line after the buggy one",
    "debug: shrink factor d instead of sqrt(d)": (
        "shrink factor: how much too large var is, instead of how much too small the output is"
    ),
    "debug: shrink factor inverted": ("shrink factor upside down (buggy output / correct output)"),
    "pre-norm trace answered A": "answer A",
    "pre-norm trace answered D": "answer D",
    "pre_ln_residual as post-norm": "post-norm LN(x + F(x)) instead of x + F(LN(x))",
    "pre_ln_residual adding LN(x) as the skip": (
        "adding the normalised LN(x) on the skip path instead of the raw x"
    ),
    "pre_ln_residual applying F to raw x": "x + LN(F(x)) instead of x + F(LN(x))",
    "pre_ln_residual without the residual": "returning F(LN(x)) without adding x",
    "pre_ln_residual ignoring gamma and beta": (
        "normalising with gamma = 1 and beta = 0 instead of the gamma and beta you were given"
    ),
    "pre_ln_residual dropping eps": (
        "not passing eps on to layer_norm (its default is used instead)"
    ),
}
