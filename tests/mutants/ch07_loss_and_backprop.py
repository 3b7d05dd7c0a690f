"""ch07_loss_and_backprop: wrong answers students plausibly write; each must lose points."""

DATASET_NO_SHIFT = """
def make_dataset(token_ids, context_len):
    ids = np.asarray(token_ids, dtype=np.int64)
    n = len(ids) - context_len
    if n <= 0:
        raise ValueError("not enough tokens")
    inputs = np.array([ids[i : i + context_len] for i in range(n)], dtype=np.int64)
    return inputs, inputs.copy()
"""

DATASET_DROPS_LAST_WINDOW = """
def make_dataset(token_ids, context_len):
    ids = np.asarray(token_ids, dtype=np.int64)
    n = len(ids) - context_len - 1
    if n <= 0:
        raise ValueError("not enough tokens")
    inputs = np.array([ids[i : i + context_len] for i in range(n)], dtype=np.int64)
    targets = np.array([ids[i + 1 : i + 1 + context_len] for i in range(n)], dtype=np.int64)
    return inputs, targets
"""

DATASET_STRIDE_C = """
def make_dataset(token_ids, context_len):
    ids = np.asarray(token_ids, dtype=np.int64)
    n = len(ids) - context_len
    if n <= 0:
        raise ValueError("not enough tokens")
    starts = range(0, n, context_len)
    inputs = np.array([ids[i : i + context_len] for i in starts], dtype=np.int64)
    targets = np.array([ids[i + 1 : i + 1 + context_len] for i in starts], dtype=np.int64)
    return inputs, targets
"""

DATASET_SWAPPED = """
def make_dataset(token_ids, context_len):
    ids = np.asarray(token_ids, dtype=np.int64)
    n = len(ids) - context_len
    if n <= 0:
        raise ValueError("not enough tokens")
    inputs = np.array([ids[i + 1 : i + 1 + context_len] for i in range(n)], dtype=np.int64)
    targets = np.array([ids[i : i + context_len] for i in range(n)], dtype=np.int64)
    return inputs, targets
"""

DATASET_NO_ERROR = """
def make_dataset(token_ids, context_len):
    ids = np.asarray(token_ids, dtype=np.int64)
    n = max(len(ids) - context_len, 0)
    inputs = np.array([ids[i : i + context_len] for i in range(n)], dtype=np.int64)
    targets = np.array([ids[i + 1 : i + 1 + context_len] for i in range(n)], dtype=np.int64)
    return inputs, targets
"""

DATASET_FLOAT = """
def make_dataset(token_ids, context_len):
    ids = np.asarray(token_ids, dtype=float)
    n = len(ids) - context_len
    if n <= 0:
        raise ValueError("not enough tokens")
    inputs = np.array([ids[i : i + context_len] for i in range(n)])
    targets = np.array([ids[i + 1 : i + 1 + context_len] for i in range(n)])
    return inputs, targets
"""

CE_NEG_LOG_SOFTMAX = """
def cross_entropy(logits, target):
    return float(-np.log(softmax(logits)[target]))
"""

CE_CLAMPED = """
def cross_entropy(logits, target):
    p = softmax(logits)[target]
    return float(-np.log(max(p, 1e-12)))
"""

CE_NO_MAX_SHIFT = """
def cross_entropy(logits, target):
    z = np.asarray(logits, dtype=float)
    with np.errstate(all="ignore"):
        return float(np.log(np.sum(np.exp(z))) - z[target])
"""

CE_WRONG_SIGN = """
def cross_entropy(logits, target):
    z = np.asarray(logits, dtype=float)
    m = np.max(z)
    return float(z[target] - m - np.log(np.sum(np.exp(z - m))))
"""

CE_FORGETS_MAX = """
def cross_entropy(logits, target):
    z = np.asarray(logits, dtype=float)
    m = np.max(z)
    return float(np.log(np.sum(np.exp(z - m))) - z[target])
"""

BATCH_CE_SUM = """
def batch_cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    m = np.max(z, axis=-1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(z - m), axis=-1))
    return float(np.sum(lse - z[np.arange(len(z)), targets]))
"""

BATCH_CE_GLOBAL_MAX = """
def batch_cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    m = np.max(z)
    with np.errstate(all="ignore"):
        lse = m + np.log(np.sum(np.exp(z - m), axis=-1))
    return float(np.mean(lse - z[np.arange(len(z)), targets]))
"""

BATCH_CE_FANCY_INDEX = """
def batch_cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    m = np.max(z, axis=-1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return float(np.mean(lse - z[:, targets]))
"""

BATCH_CE_DIVIDES_BY_ALL = """
def batch_cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    m = np.max(z, axis=-1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(z - m), axis=-1))
    return float(np.sum(lse - z[np.arange(len(z)), targets]) / z.size)
"""

GRAD_NO_MINUS_ONE = """
def cross_entropy_grad(logits, target):
    return softmax(np.asarray(logits, dtype=float))


def batch_cross_entropy_grad(logits, targets):
    z = np.asarray(logits, dtype=float)
    return softmax(z, axis=-1) / z.shape[0]
"""

GRAD_BATCH_NOT_DIVIDED = """
def cross_entropy_grad(logits, target):
    grad = softmax(np.asarray(logits, dtype=float))
    grad[target] -= 1.0
    return grad


def batch_cross_entropy_grad(logits, targets):
    z = np.asarray(logits, dtype=float)
    grad = softmax(z, axis=-1)
    grad[np.arange(z.shape[0]), targets] -= 1.0
    return grad
"""

GRAD_ARGMAX = """
def cross_entropy_grad(logits, target):
    z = np.asarray(logits, dtype=float)
    grad = softmax(z)
    grad[np.argmax(z)] -= 1.0
    return grad


def batch_cross_entropy_grad(logits, targets):
    z = np.asarray(logits, dtype=float)
    grad = softmax(z, axis=-1)
    grad[np.arange(z.shape[0]), targets] -= 1.0
    return grad / z.shape[0]
"""

GRAD_SIGN_FLIPPED = """
def cross_entropy_grad(logits, target):
    grad = -softmax(np.asarray(logits, dtype=float))
    grad[target] += 1.0
    return grad


def batch_cross_entropy_grad(logits, targets):
    z = np.asarray(logits, dtype=float)
    grad = -softmax(z, axis=-1)
    grad[np.arange(z.shape[0]), targets] += 1.0
    return grad / z.shape[0]
"""

GRAD_IN_PLACE = """
def cross_entropy_grad(logits, target):
    z = logits
    z -= np.max(z)
    np.exp(z, out=z)
    z /= z.sum()
    z[target] -= 1.0
    return z


def batch_cross_entropy_grad(logits, targets):
    z = np.asarray(logits, dtype=float)
    grad = softmax(z, axis=-1)
    grad[np.arange(z.shape[0]), targets] -= 1.0
    return grad / z.shape[0]
"""

PPL_EXP_SUM = """
def perplexity(logits, targets):
    z = np.asarray(logits, dtype=float)
    v = z.shape[-1]
    t = np.asarray(targets).reshape(-1)
    with np.errstate(over="ignore"):
        return float(np.exp(len(t) * batch_cross_entropy(z.reshape(-1, v), t)))
"""

PPL_BASE_TWO = """
def perplexity(logits, targets):
    z = np.asarray(logits, dtype=float)
    v = z.shape[-1]
    return float(2.0 ** batch_cross_entropy(z.reshape(-1, v), np.asarray(targets).reshape(-1)))
"""

PPL_MEAN_OF_EXP = """
def perplexity(logits, targets):
    z = np.asarray(logits, dtype=float).reshape(-1, np.shape(logits)[-1])
    t = np.asarray(targets).reshape(-1)
    return float(np.mean([np.exp(cross_entropy(z[i], t[i])) for i in range(len(t))]))
"""

PPL_NO_FLATTEN = """
def perplexity(logits, targets):
    z = np.asarray(logits, dtype=float)
    return float(np.exp(batch_cross_entropy(z, np.asarray(targets))))
"""

BACKPROP_TEMPLATE = """
def mlp_loss_and_grads(params, x, t):
    w1 = np.asarray(params["w1"], dtype=float)
    b1 = np.asarray(params["b1"], dtype=float)
    w2 = np.asarray(params["w2"], dtype=float)
    b2 = float(params["b2"])
    x = np.asarray(x, dtype=float)
    u = w1 @ x + b1
    a = np.maximum(u, 0.0)
    z = float(w2 @ a + b2)
    y = max(z, 0.0)
    loss = (y - t) ** 2
    dy = DY
    dz = DZ
    dw2 = DW2
    db2 = dz
    da = dz * w2
    du = DU
    dw1 = DW1
    db1 = du
    return float(loss), {"w1": dw1, "b1": db1, "w2": dw2, "b2": float(db2)}
"""

CORRECT = {
    "DY": "2.0 * (y - t)",
    "DZ": "dy * (z > 0)",
    "DW2": "dz * a",
    "DU": "da * (u > 0)",
    "DW1": "np.outer(du, x)",
}


def backprop(**changes: str) -> str:
    source = BACKPROP_TEMPLATE
    for key, value in {**CORRECT, **changes}.items():
        source = source.replace(key, value)
    return source


BACKPROP_IN_PLACE = """
def mlp_loss_and_grads(params, x, t):
    w1, b1, w2 = params["w1"], params["b1"], params["w2"]
    b2 = float(params["b2"])
    u = w1 @ x + b1
    a = np.maximum(u, 0.0)
    z = float(w2 @ a + b2)
    y = max(z, 0.0)
    loss = (y - t) ** 2
    dz = 2.0 * (y - t) * (z > 0)
    du = dz * w2 * (u > 0)
    w2 *= 1.0
    b1 -= 0.0 * du
    params["b2"] = b2 + 0.0
    params["w1"] = w1 - 1e-3 * np.outer(du, x)
    return float(loss), {"w1": np.outer(du, x), "b1": du, "w2": dz * a, "b2": float(dz)}
"""

LOSS_CURVE_POSITIVE_LOG = """
with np.errstate(divide="ignore"):
    ce_on_grid = np.log(p_grid)
"""

LOSS_CURVE_LOG2 = """
ce_on_grid = -np.log2(p_grid)
"""

MUTANTS = {
    "dataset: targets not shifted": {"ex_7_1_make_dataset": DATASET_NO_SHIFT},
    "dataset: drops the last window": {"ex_7_1_make_dataset": DATASET_DROPS_LAST_WINDOW},
    "dataset: non-overlapping windows (stride C)": {"ex_7_1_make_dataset": DATASET_STRIDE_C},
    "dataset: inputs and targets swapped": {"ex_7_1_make_dataset": DATASET_SWAPPED},
    "dataset: no ValueError when too short": {"ex_7_1_make_dataset": DATASET_NO_ERROR},
    "dataset: float token ids": {"ex_7_1_make_dataset": DATASET_FLOAT},
    "CE as -log(softmax) (inf for very negative logits)": {
        "ex_7_2_cross_entropy": CE_NEG_LOG_SOFTMAX
    },
    "CE with a clamped probability": {"ex_7_2_cross_entropy": CE_CLAMPED},
    "CE without max subtraction": {"ex_7_2_cross_entropy": CE_NO_MAX_SHIFT},
    "CE with the wrong sign": {"ex_7_2_cross_entropy": CE_WRONG_SIGN},
    "CE forgetting to add the max back": {"ex_7_2_cross_entropy": CE_FORGETS_MAX},
    "batch CE: sum instead of mean": {"ex_7_3_batch_cross_entropy": BATCH_CE_SUM},
    "batch CE: one max for the whole batch": {"ex_7_3_batch_cross_entropy": BATCH_CE_GLOBAL_MAX},
    "batch CE: z[:, targets] fancy indexing": {"ex_7_3_batch_cross_entropy": BATCH_CE_FANCY_INDEX},
    "batch CE: divided by B * V": {"ex_7_3_batch_cross_entropy": BATCH_CE_DIVIDES_BY_ALL},
    "grad: missing the -1": {"ex_7_4_cross_entropy_grad": GRAD_NO_MINUS_ONE},
    "grad: batch version not divided by B (mean vs sum)": {
        "ex_7_4_cross_entropy_grad": GRAD_BATCH_NOT_DIVIDED
    },
    "grad: one-hot at the argmax": {"ex_7_4_cross_entropy_grad": GRAD_ARGMAX},
    "grad: sign flipped": {"ex_7_4_cross_entropy_grad": GRAD_SIGN_FLIPPED},
    "grad: modifies the logits in place": {"ex_7_4_cross_entropy_grad": GRAD_IN_PLACE},
    "perplexity as exp of the sum": {"ex_7_5_perplexity": PPL_EXP_SUM},
    "perplexity in base 2": {"ex_7_5_perplexity": PPL_BASE_TWO},
    "perplexity as the mean of per-token exp": {"ex_7_5_perplexity": PPL_MEAN_OF_EXP},
    "perplexity without flattening [B, T, V]": {"ex_7_5_perplexity": PPL_NO_FLATTEN},
    "gradient trace answered B": {"ex_7_6_gradient_trace": 'answer_7_6 = "B"'},
    "gradient trace answered C": {"ex_7_6_gradient_trace": 'answer_7_6 = "C"'},
    "gradient trace answered D": {"ex_7_6_gradient_trace": 'answer_7_6 = "D"'},
    "backprop: missing the factor 2": {"ex_7_7_backprop": backprop(DY="(y - t)")},
    "backprop: (t - y) sign": {"ex_7_7_backprop": backprop(DY="2.0 * (t - y)")},
    "backprop: no output ReLU mask": {"ex_7_7_backprop": backprop(DZ="dy")},
    "backprop: no hidden ReLU mask": {"ex_7_7_backprop": backprop(DU="da")},
    "backprop: dw2 from pre-activations u": {"ex_7_7_backprop": backprop(DW2="dz * u")},
    "backprop: dw1 transposed (outer(x, du))": {"ex_7_7_backprop": backprop(DW1="np.outer(x, du)")},
    "backprop: hidden mask from w2 sign": {"ex_7_7_backprop": backprop(DU="da * (w2 > 0)")},
    "backprop: modifies params in place": {"ex_7_7_backprop": BACKPROP_IN_PLACE},
    "loss curve: log p instead of -log p": {"ex_7_8_loss_curve": LOSS_CURVE_POSITIVE_LOG},
    "loss curve: bits instead of nats": {"ex_7_8_loss_curve": LOSS_CURVE_LOG2},
}
