"""ch19_numerics: wrong answers students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch19_numerics")

SM = "ex_19_2_stable_softmax"
RMS = "ex_19_4_rms_norm"
LSE = "ex_19_6_lse_cross_entropy"

_SM_BODY = (
    "    e = np.exp(x - np.max(x, axis=axis, keepdims=True))  # exponents <= 0: no overflow\n"
    "    return e / np.sum(e, axis=axis, keepdims=True)\n"
)
_FLOAT_CAST = (
    "    x = np.asarray(x)\n"
    "    if not np.issubdtype(x.dtype, np.floating):\n"
    "        x = x.astype(np.float64)\n"
)
_BREAKS_LOOP = (
    "    while True:\n"
    "        x = np.full(n, c, dtype=dtype)\n"
    '        with np.errstate(over="ignore", invalid="ignore"):\n'
    "            e = np.exp(x)\n"
    "            p = e / e.sum()\n"
    "        if not np.allclose(p.astype(float), 1 / n, rtol=0.01):\n"
    "            return c\n"
)
_RMS = "return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * gain"
_LSE_BODY = (
    "    m = np.max(x, axis=axis, keepdims=True)\n"
    "    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))\n"
    "    return np.squeeze(out, axis=axis)\n"
)
_CE_RETURN = "return np.mean(logsumexp(logits, axis=-1) - picked)"
_ERROR = "abs(float(cross_entropy(logits.astype(dtype), targets)) - reference)"

MUTANTS = {
    "19.1: answered A (exp(1000) representable)": _swap("ex_19_1_exp_overflow", '"B"', '"A"'),
    "19.1: answered C (saturates)": _swap("ex_19_1_exp_overflow", '"B"', '"C"'),
    "19.1: answered D (raises)": _swap("ex_19_1_exp_overflow", '"B"', '"D"'),
    "19.2: softmax without the max": _swap(
        SM,
        _SM_BODY,
        '    with np.errstate(over="ignore", invalid="ignore"):\n'
        "        e = np.exp(x)\n"
        "        return e / np.sum(e, axis=axis, keepdims=True)\n",
    ),
    "19.2: softmax always float64": _swap(
        SM, _FLOAT_CAST + "    e = ", "    x = np.asarray(x, dtype=np.float64)\n    e = "
    ),
    "19.2: softmax with one global max": _swap(
        SM,
        _SM_BODY,
        '    with np.errstate(over="ignore", invalid="ignore", under="ignore"):\n'
        "        e = np.exp(x - np.max(x))\n"
        "        return e / np.sum(e, axis=axis, keepdims=True)\n",
    ),
    "19.2: softmax summing over the last axis regardless of axis": _swap(
        SM,
        "return e / np.sum(e, axis=axis, keepdims=True)",
        "return e / np.sum(e, axis=-1, keepdims=True)",
    ),
    "19.2: breaks where a single exp overflows (ignores the sum)": _swap(
        SM,
        _BREAKS_LOOP,
        "    while True:\n"
        '        with np.errstate(over="ignore"):\n'
        "            if np.isinf(np.exp(dtype(c))):\n"
        "                return c\n",
    ),
    "19.2: breaks at floor(ln max) (off by one, ignores n)": _swap(
        SM,
        "    c = 0\n" + _BREAKS_LOOP + "        c += 1\n",
        "    return math.floor(math.log(float(np.finfo(dtype).max)))\n",
    ),
    "19.2: breaks only when nan appears": _swap(
        SM,
        "if not np.allclose(p.astype(float), 1 / n, rtol=0.01):",
        "if np.any(np.isnan(p)):",
    ),
    "19.3: answered A": _swap("ex_19_3_rmsnorm_trace", '"B"', '"A"'),
    "19.3: answered D": _swap("ex_19_3_rmsnorm_trace", '"B"', '"D"'),
    "19.4: eps outside the square root": _swap(
        RMS,
        "np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)",
        "(np.sqrt(np.mean(x * x, axis=-1, keepdims=True)) + eps)",
    ),
    "19.4: RMSNorm subtracting the mean": _swap(
        RMS,
        _RMS,
        "c = x - np.mean(x, axis=-1, keepdims=True)\n"
        "    return c / np.sqrt(np.mean(c * c, axis=-1, keepdims=True) + eps) * gain",
    ),
    "19.4: mean over axis 0": _swap(RMS, "np.mean(x * x, axis=-1", "np.mean(x * x, axis=0"),
    "19.4: sum instead of mean": _swap(RMS, "np.mean(x * x", "np.sum(x * x"),
    "19.4: gain ignored": _swap(RMS, "keepdims=True) + eps) * gain", "keepdims=True) + eps)"),
    # the reference counts a mean as d + 1 (sum d, divide 1)
    "19.4: costs counting a reduction as one operation": _swap(RMS, "(d + 1)", "2", count=3),
    "19.4: costs forgetting the mean's division": _swap(RMS, "(d + 1)", "d", count=3),
    "19.4: LayerNorm cost without the bias": _swap(RMS, "1 + 1 + 3 * d", "1 + 1 + 2 * d"),
    "19.5: temperature multiplied": _swap("ex_19_5_temperature", "_logits / 0.5", "_logits * 0.5"),
    "19.5: the quoted 0.5761 for T = 1 (logits [2, 1, 1])": _swap(
        "ex_19_5_temperature", "_logits / 1.0", "np.array([2.0, 1.0, 1.0])"
    ),
    "19.6: naive logsumexp": _swap(
        LSE,
        _LSE_BODY,
        '    with np.errstate(over="ignore", divide="ignore"):\n'
        "        return np.log(np.sum(np.exp(x), axis=axis))\n",
    ),
    "19.6: logsumexp forgetting to add the max back": _swap(
        LSE, "out = m + np.log", "out = np.log"
    ),
    "19.6: logsumexp always float64": _swap(
        LSE, _FLOAT_CAST + "    m = ", "    x = np.asarray(x, dtype=np.float64)\n    m = "
    ),
    "19.6: cross-entropy summed over rows": _swap(
        LSE, _CE_RETURN, "return np.sum(logsumexp(logits, axis=-1) - picked)"
    ),
    "19.6: cross-entropy with the sign flipped": _swap(
        LSE, _CE_RETURN, "return np.mean(picked - logsumexp(logits, axis=-1))"
    ),
    "19.6: cross-entropy picking whole target columns": _swap(
        LSE,
        "picked = logits[np.arange(logits.shape[0]), targets]",
        "picked = logits[:, targets].mean(axis=0)",
    ),
    "19.6: errors measured without casting": _swap(
        LSE, "cross_entropy(logits.astype(dtype), targets)", "cross_entropy(logits, targets)"
    ),
    "19.6: signed errors": _swap(
        LSE, _ERROR, "float(cross_entropy(logits.astype(dtype), targets)) - reference"
    ),
    "19.6: errors against a float32 reference": _swap(
        LSE,
        "reference = math.fsum(losses) / len(losses)",
        "reference = float(cross_entropy(logits.astype(np.float32), targets))",
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "19.1: answered A (exp(1000) representable)": "answer A (exp(1000) fits in float32)",
    "19.1: answered C (saturates)": "answer C (exp saturates at the largest float32)",
    "19.1: answered D (raises)": "answer D (numpy raises FloatingPointError)",
    "19.2: softmax without the max": "exp(x) without subtracting the max first (overflows)",
    "19.2: softmax always float64": (
        "converting every input to float64 instead of keeping float16/float32 in their dtype"
    ),
    "19.2: softmax with one global max": (
        "subtracting one max of the whole array instead of the max along axis (keepdims=True)"
    ),
    "19.2: softmax summing over the last axis regardless of axis": (
        "summing over the last axis instead of the axis you were given"
    ),
    "19.2: breaks where a single exp overflows (ignores the sum)": (
        "stopping where a single exp(c) overflows, ignoring that the sum of n terms overflows first"
    ),
    "19.2: breaks at floor(ln max) (off by one, ignores n)": (
        "returning floor(ln(largest float)) instead of trying c = 0, 1, 2, ... (n is ignored)"
    ),
    "19.2: breaks only when nan appears": (
        "waiting for nan instead of testing whether p is still uniform within 1%"
    ),
    "19.3: answered A": "answer A (subtracting the mean is unstable in float16)",
    "19.3: answered D": "answer D (RMSNorm and LayerNorm compute the same function)",
    "19.4: eps outside the square root": "adding eps outside the square root instead of inside",
    "19.4: RMSNorm subtracting the mean": "subtracting the mean first (that is LayerNorm)",
    "19.4: mean over axis 0": "the mean of squares over axis 0 instead of the last axis",
    "19.4: sum instead of mean": "the sum of squares instead of their mean",
    "19.4: gain ignored": "not multiplying by gain",
    "19.4: costs counting a reduction as one operation": (
        "counting each mean as a fixed 2 instead of d + 1 (d numbers summed, one division)"
    ),
    "19.4: costs forgetting the mean's division": (
        "counting each mean as d instead of d + 1 (the division left out)"
    ),
    "19.4: LayerNorm cost without the bias": "leaving the + beta step out of the LayerNorm cost",
    "19.5: temperature multiplied": "multiplying the logits by T instead of dividing by T",
    "19.5: the quoted 0.5761 for T = 1 (logits [2, 1, 1])": (
        "the quoted 0.5761, which belongs to logits [2, 1, 1], not [2, 1, 0.5]"
    ),
    "19.6: naive logsumexp": "log(sum(exp(x))) without subtracting the max (overflows)",
    "19.6: logsumexp forgetting to add the max back": (
        "not adding the max back: log(sum(exp(x - m))) without the + m"
    ),
    "19.6: logsumexp always float64": (
        "converting every input to float64 instead of keeping its float dtype"
    ),
    "19.6: cross-entropy summed over rows": "summing the row losses instead of taking their mean",
    "19.6: cross-entropy with the sign flipped": (
        "row[target] - logsumexp(row): the sign is flipped"
    ),
    "19.6: cross-entropy picking whole target columns": (
        "logits[:, targets] (whole columns) instead of one entry per row, "
        "logits[np.arange(N), targets]"
    ),
    "19.6: errors measured without casting": (
        "computing every error from the float64 logits without casting them to each dtype first"
    ),
    "19.6: signed errors": "signed differences instead of absolute errors",
    "19.6: errors against a float32 reference": (
        "measuring against a float32 reference instead of one computed in float64"
    ),
}
