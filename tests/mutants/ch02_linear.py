"""ch02_linear: wrong answers students plausibly write; each must lose points."""

MATMUL_AT = """
def matmul(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"cannot multiply {A.shape} by {B.shape}")
    return A @ B
"""

MATMUL_DOT_INNER = """
def matmul(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"cannot multiply {A.shape} by {B.shape}")
    C = np.zeros((A.shape[0], B.shape[1]))
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            C[i, j] = np.dot(A[i, :], B[:, j])
    return C
"""

MATMUL_OVERWRITES = """
def matmul(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"cannot multiply {A.shape} by {B.shape}")
    C = np.zeros((A.shape[0], B.shape[1]))
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            for p in range(A.shape[1]):
                C[i, j] = A[i, p] * B[p, j]
    return C
"""

_MATMUL_LOOPS = """
    C = np.zeros((A.shape[0], B.shape[1]))
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            for p in range(A.shape[1]):
                C[i, j] += A[i, p] * B[p, j]
    return C
"""

MATMUL_NO_CHECK = (
    """
def matmul(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
"""
    + _MATMUL_LOOPS
)

MATMUL_MESSAGE_WITHOUT_SHAPES = (
    """
def matmul(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.shape[1] != B.shape[0]:
        raise ValueError("shapes do not match")
"""
    + _MATMUL_LOOPS
)

MATMUL_CHECKS_WRONG_AXES = (
    """
def matmul(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.shape[0] != B.shape[0]:
        raise ValueError(f"cannot multiply {A.shape} by {B.shape}")
"""
    + _MATMUL_LOOPS
)

LINEAR_NO_BIAS = """
def linear(x, W, b=None):
    return np.asarray(x, dtype=float) @ np.asarray(W, dtype=float)
"""

LINEAR_FLATTENS = """
def linear(x, W, b=None):
    x = np.asarray(x, dtype=float)
    y = x.reshape(-1, x.shape[-1]) @ W
    return y if b is None else y + b
"""

LINEAR_BIAS_REQUIRED = """
def linear(x, W, b=None):
    return np.asarray(x, dtype=float) @ W + np.asarray(b, dtype=float)
"""

LINEAR_2D_ONLY = """
def linear(x, W, b=None):
    x = np.asarray(x, dtype=float)
    y = np.zeros((x.shape[0], W.shape[1]))
    for r in range(x.shape[0]):
        y[r] = x[r] @ W
    return y if b is None else y + b
"""

TRANSPOSE_RESHAPE = """
def transpose(A):
    A = np.asarray(A)
    if A.ndim < 2:
        raise ValueError("need 2 dims")
    return A.reshape(A.shape[:-2] + (A.shape[-1], A.shape[-2])).copy()
"""

TRANSPOSE_DOT_T = """
def transpose(A):
    A = np.asarray(A)
    if A.ndim < 2:
        raise ValueError("need 2 dims")
    return np.swapaxes(A, -1, -2).copy()
"""

TRANSPOSE_FIRST_AXES = """
def transpose(A):
    A = np.asarray(A)
    if A.ndim < 2:
        raise ValueError("need 2 dims")
    m, n = A.shape[0], A.shape[1]
    out = np.empty((n, m) + A.shape[2:], dtype=A.dtype)
    for i in range(m):
        out[:, i] = A[i]
    return out
"""

TRANSPOSE_2D_ONLY = """
def transpose(A):
    A = np.asarray(A)
    if A.ndim < 2:
        raise ValueError("need 2 dims")
    m, n = A.shape
    out = np.empty((n, m), dtype=A.dtype)
    for i in range(m):
        for j in range(n):
            out[j, i] = A[i, j]
    return out
"""

_BACKWARD = """
def linear_backward(x, W, dY):
    x = np.asarray(x, dtype=float)
    W = np.asarray(W, dtype=float)
    dY = np.asarray(dY, dtype=float)
    return {{"dx": {dx}, "dW": {dW}, "db": {db}}}
"""


def _backward(dx: str = "dY @ W.T", dW: str = "x.T @ dY", db: str = "dY.sum(axis=0)") -> str:
    return _BACKWARD.format(dx=dx, dW=dW, db=db)


RELU_IN_PLACE = """
def relu(X):
    X = np.asarray(X, dtype=float)
    X[X < 0] = 0.0
    return X


def relu_backward(X, dY):
    return np.asarray(dY, dtype=float) * (np.asarray(X) > 0)
"""

_RELU = """
def relu(X):
    return np.maximum(np.asarray(X, dtype=float), 0.0)


def relu_backward(X, dY):
    X = np.asarray(X, dtype=float)
    dY = np.asarray(dY, dtype=float)
    return {body}
"""

_NUMGRAD_REST = """

def relative_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes {a.shape} and {b.shape}")
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0.0 else float(np.linalg.norm(a - b) / scale)


def grad_check_linear(backward, x, W, b, dY, eps=1e-6):
    analytic = backward(x, W, dY)
    numeric = {
        "dW": numerical_gradient(lambda W_: np.sum(dY * linear(x, W_, b)), W, eps),
        "db": numerical_gradient(lambda b_: np.sum(dY * linear(x, W, b_)), b, eps),
        "dx": numerical_gradient(lambda x_: np.sum(dY * linear(x_, W, b)), x, eps),
    }
    return {k: relative_error(analytic[k], numeric[k]) for k in numeric}
"""


def _numgrad(body: str) -> str:
    return "\ndef numerical_gradient(f, x, eps=1e-6):\n" + body + _NUMGRAD_REST


NUMGRAD_FORWARD = _numgrad("""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    f0 = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        grad[idx] = (f(x) - f0) / eps
        x[idx] = old
    return grad
""")

NUMGRAD_HALF = _numgrad("""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        fp = f(x)
        x[idx] = old - eps
        fm = f(x)
        x[idx] = old
        grad[idx] = (fp - fm) / eps
    return grad
""")

NUMGRAD_MUTATES_CALLER = _numgrad("""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        fp = f(x)
        x[idx] = old - eps
        fm = f(x)
        grad[idx] = (fp - fm) / (2 * eps)
    return grad
""")

NUMGRAD_KEEPS_DTYPE = _numgrad("""
    x = np.array(x)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        fp = f(x)
        x[idx] = old - eps
        fm = f(x)
        x[idx] = old
        grad[idx] = (fp - fm) / (2 * eps)
    return grad
""")

NUMGRAD_DEFAULT_EPS_ONLY = _numgrad("""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + 1e-2
        fp = f(x)
        x[idx] = old - 1e-2
        fm = f(x)
        x[idx] = old
        grad[idx] = (fp - fm) / (2 * 1e-2)
    return grad
""")

_NUMGRAD_OK = """
def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        fp = f(x)
        x[idx] = old - eps
        fm = f(x)
        x[idx] = old
        grad[idx] = (fp - fm) / (2 * eps)
    return grad


def grad_check_linear(backward, x, W, b, dY, eps=1e-6):
    analytic = backward(x, W, dY)
    numeric = {
        "dW": numerical_gradient(lambda W_: np.sum(dY * linear(x, W_, b)), W, eps),
        "db": numerical_gradient(lambda b_: np.sum(dY * linear(x, W, b_)), b, eps),
        "dx": numerical_gradient(lambda x_: np.sum(dY * linear(x_, W, b)), x, eps),
    }
    return {k: relative_error(analytic[k], numeric[k]) for k in numeric}
"""


def _relerr(body: str) -> str:
    return _NUMGRAD_OK + "\n\ndef relative_error(a, b):\n" + body


RELERR_ABSOLUTE = _relerr("""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("shapes")
    return float(np.linalg.norm(a - b))
""")

RELERR_DIVIDES_BY_B = _relerr("""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("shapes")
    nb = np.linalg.norm(b)
    return 0.0 if nb == 0 else float(np.linalg.norm(a - b) / nb)
""")

RELERR_BROADCASTS = _relerr("""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0.0 else float(np.linalg.norm(a - b) / scale)
""")

RELERR_ELEMENTWISE_MAX = _relerr("""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("shapes")
    if not np.any(a) and not np.any(b):
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))))
""")

RELERR_NAN_ON_ZEROS = _relerr("""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("shapes")
    with np.errstate(invalid="ignore"):
        return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b)))
""")

_NUMGRAD_AND_RELERR = (
    _NUMGRAD_OK.split("\n\ndef grad_check_linear")[0]
    + """

def relative_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes {a.shape} and {b.shape}")
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0.0 else float(np.linalg.norm(a - b) / scale)

"""
)

CHECK_SUM_LOSS = (
    _NUMGRAD_AND_RELERR
    + """
def grad_check_linear(backward, x, W, b, dY, eps=1e-6):
    analytic = backward(x, W, dY)
    numeric = {
        "dW": numerical_gradient(lambda W_: np.sum(linear(x, W_, b)), W, eps),
        "db": numerical_gradient(lambda b_: np.sum(linear(x, W, b_)), b, eps),
        "dx": numerical_gradient(lambda x_: np.sum(linear(x_, W, b)), x, eps),
    }
    return {k: relative_error(analytic[k], numeric[k]) for k in numeric}
"""
)

CHECK_SWAPPED_KEYS = (
    _NUMGRAD_AND_RELERR
    + """
def grad_check_linear(backward, x, W, b, dY, eps=1e-6):
    analytic = backward(x, W, dY)
    numeric = {
        "dW": numerical_gradient(lambda W_: np.sum(dY * linear(x, W_, b)), W, eps),
        "db": numerical_gradient(lambda b_: np.sum(dY * linear(x, W, b_)), b, eps),
        "dx": numerical_gradient(lambda x_: np.sum(dY * linear(x_, W, b)), x, eps),
    }
    analytic = {"dW": analytic["dW"], "db": analytic["db"], "dx": analytic["dx"]}
    return {k: relative_error(analytic[k], numeric[k]) if k != "dW" else
            relative_error(analytic[k].T, numeric[k]) for k in numeric}
"""
)

CHECK_ALWAYS_ZERO = (
    _NUMGRAD_AND_RELERR
    + """
def grad_check_linear(backward, x, W, b, dY, eps=1e-6):
    analytic = backward(x, W, dY)
    return {k: relative_error(analytic[k], analytic[k]) for k in ("dW", "db", "dx")}
"""
)

MUTANTS = {
    "matmul with @": {"ex_2_1_matmul": MATMUL_AT},
    "matmul with np.dot in the inner loop": {"ex_2_1_matmul": MATMUL_DOT_INNER},
    "matmul overwriting instead of accumulating": {"ex_2_1_matmul": MATMUL_OVERWRITES},
    "matmul without the shape check": {"ex_2_1_matmul": MATMUL_NO_CHECK},
    "matmul error message without the shapes": {"ex_2_1_matmul": MATMUL_MESSAGE_WITHOUT_SHAPES},
    "matmul checking A.shape[0] against B.shape[0]": {"ex_2_1_matmul": MATMUL_CHECKS_WRONG_AXES},
    "linear without the bias": {"ex_2_2_linear": LINEAR_NO_BIAS},
    "linear flattening the leading axes": {"ex_2_2_linear": LINEAR_FLATTENS},
    "linear that cannot take b=None": {"ex_2_2_linear": LINEAR_BIAS_REQUIRED},
    "linear for 2-D input only": {"ex_2_2_linear": LINEAR_2D_ONLY},
    "transpose by reshape": {"ex_2_3_transpose": TRANSPOSE_RESHAPE},
    "transpose with np.swapaxes": {"ex_2_3_transpose": TRANSPOSE_DOT_T},
    "transpose swapping the first two axes": {"ex_2_3_transpose": TRANSPOSE_FIRST_AXES},
    "transpose for 2-D only": {"ex_2_3_transpose": TRANSPOSE_2D_ONLY},
    "dW = dY^T x": {"ex_2_4_linear_backward": _backward(dW="dY.T @ x")},
    "db averaged instead of summed": {"ex_2_4_linear_backward": _backward(db="dY.mean(axis=0)")},
    "dx = dY W": {"ex_2_4_linear_backward": _backward(dx="dY @ W")},
    "db not reduced over the batch": {"ex_2_4_linear_backward": _backward(db="dY")},
    "dW divided by the batch size": {"ex_2_4_linear_backward": _backward(dW="x.T @ dY / len(x)")},
    "trace 2.5 answered A": {"ex_2_5_linear_cost": 'answer_2_5 = "A"'},
    "trace 2.5 answered D": {"ex_2_5_linear_cost": 'answer_2_5 = "D"'},
    "relu_backward passing gradient where x < 0": {"ex_2_6_relu": _RELU.format(body="dY.copy()")},
    "relu_backward masking by the sign of dY": {"ex_2_6_relu": _RELU.format(body="dY * (dY > 0)")},
    "relu_backward with gradient 1 at x = 0": {"ex_2_6_relu": _RELU.format(body="dY * (X >= 0)")},
    "relu_backward masked by x < 0": {"ex_2_6_relu": _RELU.format(body="dY * (X < 0)")},
    "relu modifying its input in place": {"ex_2_6_relu": RELU_IN_PLACE},
    "numerical gradient with forward differences": {"ex_2_7_gradient_check": NUMGRAD_FORWARD},
    "numerical gradient dividing by eps": {"ex_2_7_gradient_check": NUMGRAD_HALF},
    "numerical gradient modifying the caller's x": {
        "ex_2_7_gradient_check": NUMGRAD_MUTATES_CALLER
    },
    "numerical gradient keeping int/float32 dtype": {"ex_2_7_gradient_check": NUMGRAD_KEEPS_DTYPE},
    "numerical gradient ignoring eps": {"ex_2_7_gradient_check": NUMGRAD_DEFAULT_EPS_ONLY},
    "relative error without normalisation": {"ex_2_7_gradient_check": RELERR_ABSOLUTE},
    "relative error dividing by ||b|| only": {"ex_2_7_gradient_check": RELERR_DIVIDES_BY_B},
    "relative error broadcasting shapes": {"ex_2_7_gradient_check": RELERR_BROADCASTS},
    "relative error as an elementwise max": {"ex_2_7_gradient_check": RELERR_ELEMENTWISE_MAX},
    "relative error nan for two zero arrays": {"ex_2_7_gradient_check": RELERR_NAN_ON_ZEROS},
    "gradient check with loss sum(Y)": {"ex_2_7_gradient_check": CHECK_SUM_LOSS},
    "gradient check transposing dW before comparing": {"ex_2_7_gradient_check": CHECK_SWAPPED_KEYS},
    "gradient check that never computes numerical gradients": {
        "ex_2_7_gradient_check": CHECK_ALWAYS_ZERO
    },
    "linear delegating to course.reference": {
        "ex_2_2_linear": (
            "def linear(x, W, b=None):\n"
            "    from course.reference.gpt import linear_forward\n"
            "    x, W = np.asarray(x, dtype=float), np.asarray(W, dtype=float)\n"
            "    return linear_forward(x, W, 0.0 if b is None else np.asarray(b, dtype=float))[0]\n"
        )
    },
}
