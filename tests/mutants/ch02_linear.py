"""ch02_linear: wrong answers students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``),
except the one that delegates to course.reference.
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch02_linear")

_MATMUL_CHECK = (
    "if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:\n"
    '        raise ValueError(f"cannot multiply {A.shape} by {B.shape}: '
    'inner dimensions must agree")\n    '
)
_MATMUL_LOOPS = (
    "C = np.zeros((n, m))\n"
    "    for i in range(n):\n"
    "        for j in range(m):\n"
    "            total = 0.0\n"
    "            for p in range(k):  # dot product of row i of A with column j of B\n"
    "                total += A[i, p] * B[p, j]\n"
    "            C[i, j] = total\n"
    "    return C"
)
_MATMUL_DOT = (
    "total = 0.0\n"
    "            for p in range(k):  # dot product of row i of A with column j of B\n"
    "                total += A[i, p] * B[p, j]\n"
    "            C[i, j] = total"
)
_LINEAR_Y = "y = np.asarray(x, dtype=float) @ np.asarray(W, dtype=float)"
_LINEAR_BIAS = "if b is not None:\n        y = y + np.asarray(b, dtype=float)\n    "
_TRANSPOSE_LOOP = (
    "m, n = A.shape[-2], A.shape[-1]\n"
    "    out = np.empty(A.shape[:-2] + (n, m), dtype=A.dtype)\n"
    "    for i in range(m):\n"
    "        out[..., :, i] = A[..., i, :]  # row i of every matrix becomes column i\n"
    "    return out"
)
_RELU_BACK = "return dY * (X > 0)  # relu'(0) is taken as 0"
_NUMGRAD_COPY = (
    "x = np.array(x, dtype=np.float64)  # our own float64 copy: the caller's x is never touched"
)
_NUMGRAD_LOOP = (
    "x[idx] = old - eps\n"
    "        f_minus = float(f(x))\n"
    "        x[idx] = old\n"
    "        grad[idx] = (f_plus - f_minus) / (2 * eps)"
)
_RELERR_RETURN = "return float(np.linalg.norm(a - b) / scale)"
_RELERR_ZERO = "if scale == 0.0:\n        return 0.0\n    " + _RELERR_RETURN
_RELERR_SHAPES = (
    "if a.shape != b.shape:\n"
    '        raise ValueError(f"relative_error needs equal shapes, got {a.shape} and {b.shape}")\n'
    "    "
)
_CHECK_NUMERIC = (
    "numeric = {\n"
    '        "dW": numerical_gradient(lambda W_: np.sum(dY * linear(x, W_, b)), W, eps),\n'
    '        "db": numerical_gradient(lambda b_: np.sum(dY * linear(x, W, b_)), b, eps),\n'
    '        "dx": numerical_gradient(lambda x_: np.sum(dY * linear(x_, W, b)), x, eps),\n'
    "    }"
)
_CHECK_COMPARE = "relative_error(analytic[name], numeric[name])"

MUTANTS = {
    # 2.1 matmul
    "matmul with @": _swap("ex_2_1_matmul", _MATMUL_LOOPS, "return A @ B"),
    "matmul with np.dot in the inner loop": _swap(
        "ex_2_1_matmul", _MATMUL_DOT, "C[i, j] = np.dot(A[i, :], B[:, j])"
    ),
    "matmul overwriting instead of accumulating": _swap(
        "ex_2_1_matmul", "total += A[i, p] * B[p, j]", "total = A[i, p] * B[p, j]"
    ),
    "matmul without the shape check": _swap("ex_2_1_matmul", _MATMUL_CHECK, ""),
    "matmul error message without the shapes": _swap(
        "ex_2_1_matmul",
        'f"cannot multiply {A.shape} by {B.shape}: inner dimensions must agree"',
        '"shapes do not match"',
    ),
    "matmul checking A.shape[0] against B.shape[0]": _swap(
        "ex_2_1_matmul", "A.shape[1] != B.shape[0]", "A.shape[0] != B.shape[0]"
    ),
    # 2.2 linear
    "linear without the bias": _swap("ex_2_2_linear", _LINEAR_BIAS, ""),
    "linear flattening the leading axes": _swap(
        "ex_2_2_linear",
        _LINEAR_Y,
        "y = np.asarray(x, dtype=float).reshape(-1, np.shape(x)[-1]) @ np.asarray(W, dtype=float)",
    ),
    "linear that cannot take b=None": _swap(
        "ex_2_2_linear", _LINEAR_BIAS, "y = y + np.asarray(b, dtype=float)\n    "
    ),
    "linear for 2-D input only": _swap(
        "ex_2_2_linear",
        _LINEAR_Y,
        "x = np.asarray(x, dtype=float)\n"
        "    y = np.zeros((x.shape[0], W.shape[1]))\n"
        "    for r in range(x.shape[0]):\n"
        "        y[r] = x[r] @ W",
    ),
    # 2.3 transpose
    "transpose by reshape": _swap(
        "ex_2_3_transpose",
        _TRANSPOSE_LOOP,
        "return A.reshape(A.shape[:-2] + (A.shape[-1], A.shape[-2])).copy()",
    ),
    "transpose with np.swapaxes": _swap(
        "ex_2_3_transpose", _TRANSPOSE_LOOP, "return np.swapaxes(A, -1, -2).copy()"
    ),
    "transpose swapping the first two axes": _swap(
        "ex_2_3_transpose",
        _TRANSPOSE_LOOP,
        "m, n = A.shape[0], A.shape[1]\n"
        "    out = np.empty((n, m) + A.shape[2:], dtype=A.dtype)\n"
        "    for i in range(m):\n"
        "        out[:, i] = A[i]\n"
        "    return out",
    ),
    "transpose for 2-D only": _swap(
        "ex_2_3_transpose",
        _TRANSPOSE_LOOP,
        "m, n = A.shape\n"
        "    out = np.empty((n, m), dtype=A.dtype)\n"
        "    for i in range(m):\n"
        "        for j in range(n):\n"
        "            out[j, i] = A[i, j]\n"
        "    return out",
    ),
    # 2.4 linear_backward
    "dW = dY^T x": _swap("ex_2_4_linear_backward", '"dW": x.T @ dY', '"dW": dY.T @ x'),
    "db averaged instead of summed": _swap(
        "ex_2_4_linear_backward", '"db": dY.sum(axis=0)', '"db": dY.mean(axis=0)'
    ),
    "dx = dY W": _swap("ex_2_4_linear_backward", '"dx": dY @ W.T', '"dx": dY @ W'),
    "db not reduced over the batch": _swap(
        "ex_2_4_linear_backward", '"db": dY.sum(axis=0)', '"db": dY'
    ),
    "dW divided by the batch size": _swap(
        "ex_2_4_linear_backward", '"dW": x.T @ dY', '"dW": x.T @ dY / len(x)'
    ),
    # 2.5 trace
    "trace 2.5 answered A": _swap("ex_2_5_linear_cost", '"B"', '"A"'),
    "trace 2.5 answered D": _swap("ex_2_5_linear_cost", '"B"', '"D"'),
    # 2.6 relu
    "relu_backward passing gradient where x < 0": _swap(
        "ex_2_6_relu", _RELU_BACK, "return dY.copy()"
    ),
    "relu_backward masking by the sign of dY": _swap(
        "ex_2_6_relu", _RELU_BACK, "return dY * (dY > 0)"
    ),
    "relu_backward with gradient 1 at x = 0": _swap(
        "ex_2_6_relu", _RELU_BACK, "return dY * (X >= 0)"
    ),
    "relu_backward masked by x < 0": _swap("ex_2_6_relu", _RELU_BACK, "return dY * (X < 0)"),
    "relu modifying its input in place": _swap(
        "ex_2_6_relu",
        "return np.maximum(np.asarray(X, dtype=float), 0.0)",
        "X = np.asarray(X, dtype=float)\n    X[X < 0] = 0.0\n    return X",
    ),
    # 2.7 gradient check: numerical_gradient
    "numerical gradient with forward differences": _swap(
        "ex_2_7_gradient_check",
        _NUMGRAD_LOOP,
        "x[idx] = old\n        f_minus = float(f(x))\n        grad[idx] = (f_plus - f_minus) / eps",
    ),
    "numerical gradient dividing by eps": _swap(
        "ex_2_7_gradient_check", "(f_plus - f_minus) / (2 * eps)", "(f_plus - f_minus) / eps"
    ),
    "numerical gradient modifying the caller's x": _swap(
        "ex_2_7_gradient_check",
        _NUMGRAD_COPY + "\n    grad = np.zeros_like(x)\n" + "    for idx in np.ndindex(x.shape):\n"
        "        old = x[idx]\n"
        "        x[idx] = old + eps\n"
        "        f_plus = float(f(x))\n"
        "        " + _NUMGRAD_LOOP,
        "x = np.asarray(x, dtype=np.float64)\n"
        "    grad = np.zeros_like(x)\n"
        "    for idx in np.ndindex(x.shape):\n"
        "        old = x[idx]\n"
        "        x[idx] = old + eps\n"
        "        f_plus = float(f(x))\n"
        "        x[idx] = old - eps\n"
        "        f_minus = float(f(x))\n"
        "        grad[idx] = (f_plus - f_minus) / (2 * eps)",
    ),
    "numerical gradient keeping int/float32 dtype": _swap(
        "ex_2_7_gradient_check",
        _NUMGRAD_COPY + "\n    grad = np.zeros_like(x)",
        "x = np.array(x)\n    grad = np.zeros(x.shape)",
    ),
    "numerical gradient ignoring eps": _swap(
        "ex_2_7_gradient_check",
        "grad = np.zeros_like(x)",
        "grad = np.zeros_like(x)\n    eps = 1e-2",
    ),
    # 2.7 gradient check: relative_error
    "relative error without normalisation": _swap(
        "ex_2_7_gradient_check", _RELERR_RETURN, "return float(np.linalg.norm(a - b))"
    ),
    "relative error dividing by ||b|| only": _swap(
        "ex_2_7_gradient_check",
        "scale = max(np.linalg.norm(a), np.linalg.norm(b))",
        "scale = np.linalg.norm(b)",
    ),
    "relative error broadcasting shapes": _swap("ex_2_7_gradient_check", _RELERR_SHAPES, ""),
    "relative error as an elementwise max": _swap(
        "ex_2_7_gradient_check",
        _RELERR_RETURN,
        "return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))))",
    ),
    "relative error nan for two zero arrays": _swap(
        "ex_2_7_gradient_check",
        _RELERR_ZERO,
        'with np.errstate(invalid="ignore"):\n        ' + _RELERR_RETURN,
    ),
    # 2.7 gradient check: grad_check_linear
    "gradient check with loss sum(Y)": _swap(
        "ex_2_7_gradient_check", "np.sum(dY * linear(", "np.sum(linear(", count=3
    ),
    "gradient check transposing dW before comparing": _swap(
        "ex_2_7_gradient_check",
        _CHECK_COMPARE,
        'relative_error(analytic[name].T if name == "dW" else analytic[name], numeric[name])',
    ),
    "gradient check that never computes numerical gradients": _swap(
        "ex_2_7_gradient_check",
        _CHECK_NUMERIC,
        'numeric = {name: analytic[name] for name in ("dW", "db", "dx")}',
    ),
    "linear delegating to course.reference": {
        "ex_2_2_linear": (
            "def linear(x, W, b=None):\n"
            "    from course.reference.gpt import linear_forward\n"
            "    x, W = np.asarray(x, dtype=float), np.asarray(W, dtype=float)\n"
            "    return linear_forward(x, W, 0.0 if b is None else np.asarray(b, dtype=float))[0]\n"
        )
    },
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "matmul with @": "using @ instead of explicit loops",
    "matmul with np.dot in the inner loop": (
        "np.dot for each entry instead of a loop over the shared dimension"
    ),
    "matmul overwriting instead of accumulating": (
        "total = ... instead of total += ... in the inner loop (keeps only the last product)"
    ),
    "matmul without the shape check": "no ValueError when the inner dimensions differ",
    "matmul error message without the shapes": "an error message that does not give both shapes",
    "matmul checking A.shape[0] against B.shape[0]": (
        "comparing A.shape[0] (A's rows) with B.shape[0] instead of A.shape[1] (A's columns)"
    ),
    "linear without the bias": "leaving out the bias b",
    "linear flattening the leading axes": (
        "flattening x's leading axes, so the result loses x's batch shape"
    ),
    "linear that cannot take b=None": "adding b even when b is None",
    "linear for 2-D input only": ("a loop over the rows of x that works only when x is 2-D"),
    "transpose by reshape": (
        "reshaping to the swapped shape, which keeps the entries in their old order"
    ),
    "transpose with np.swapaxes": "np.swapaxes, which this exercise asks you not to use",
    "transpose swapping the first two axes": "swapping the first two axes instead of the last two",
    "transpose for 2-D only": "code that handles only 2-D arrays (no leading batch axes)",
    "dW = dY^T x": "dY.T @ x instead of x.T @ dY (dW comes out transposed)",
    "db averaged instead of summed": "averaging dY over the batch for db instead of summing",
    "dx = dY W": "dY @ W instead of dY @ W.T for dx",
    "db not reduced over the batch": "returning dY as db without summing over the batch axis",
    "dW divided by the batch size": "dividing dW by the batch size",
    "trace 2.5 answered A": (
        "answer A: one MAC per output entry, forgetting that each entry is a whole dot product"
    ),
    "trace 2.5 answered D": "answer D: MACs and FLOPs swapped (one MAC is 2 FLOPs)",
    "relu_backward passing gradient where x < 0": (
        "passing dY through unchanged, also where X < 0"
    ),
    "relu_backward masking by the sign of dY": "masking by dY > 0 instead of X > 0",
    "relu_backward with gradient 1 at x = 0": (
        "letting the gradient through at X == 0 (X >= 0 instead of X > 0)"
    ),
    "relu_backward masked by x < 0": "keeping dY where X < 0 instead of where X > 0",
    "relu modifying its input in place": "setting the negative entries to 0 in the caller's X",
    "numerical gradient with forward differences": (
        "the forward difference (f(x + eps) - f(x)) / eps instead of the central one"
    ),
    "numerical gradient dividing by eps": (
        "dividing f(x + eps) - f(x - eps) by eps instead of 2 * eps"
    ),
    "numerical gradient modifying the caller's x": (
        "nudging the caller's own x (np.asarray makes no copy) and not putting each entry back"
    ),
    "numerical gradient keeping int/float32 dtype": (
        "keeping x's dtype instead of a float64 copy, so an integer x cannot hold x + eps"
    ),
    "numerical gradient ignoring eps": "a fixed step instead of the eps you were given",
    "relative error without normalisation": ("||a - b|| without dividing by max(||a||, ||b||)"),
    "relative error dividing by ||b|| only": "dividing by ||b|| instead of max(||a||, ||b||)",
    "relative error broadcasting shapes": "no ValueError when a and b have different shapes",
    "relative error as an elementwise max": (
        "the largest elementwise relative difference instead of a ratio of norms"
    ),
    "relative error nan for two zero arrays": "nan instead of 0 when both arrays are all zeros",
    "gradient check with loss sum(Y)": (
        "numerical gradients of sum(linear(...)) instead of sum(dY * linear(...))"
    ),
    "gradient check transposing dW before comparing": "transposing dW before comparing it",
    "gradient check that never computes numerical gradients": (
        "comparing the analytic gradients with themselves instead of with numerical gradients"
    ),
    "linear delegating to course.reference": "calling course.reference instead of your own code",
}
