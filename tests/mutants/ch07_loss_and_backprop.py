"""ch07_loss_and_backprop: wrong answers students plausibly write; each must lose points.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``);
the explicit sources below are genuinely different (wrong) implementations.
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch07_loss_and_backprop")
_CE_RETURN = "return float(log_sum_exp - z[target])"
_BATCH_LSE = (
    "m = np.max(z, axis=-1, keepdims=True)  # [B, 1]\n"
    "    log_sum_exp = m[:, 0] + np.log(np.sum(np.exp(z - m), axis=-1))"
)
_PPL = "batch_cross_entropy(z.reshape(-1, vocab), flat_targets)"
_LOSS_CURVE = "ce_on_grid = np.array([cross_entropy(np.log([p, 1.0 - p]), 0) for p in p_grid])"

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

PPL_MEAN_OF_EXP = """
def perplexity(logits, targets):
    z = np.asarray(logits, dtype=float).reshape(-1, np.shape(logits)[-1])
    t = np.asarray(targets).reshape(-1)
    return float(np.mean([np.exp(cross_entropy(z[i], t[i])) for i in range(len(t))]))
"""

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

MUTANTS = {
    "dataset: targets not shifted": _swap(
        "ex_7_1_make_dataset", "return inputs, targets", "return inputs, inputs.copy()"
    ),
    "dataset: drops the last window": _swap(
        "ex_7_1_make_dataset", "n = len(ids) - context_len", "n = len(ids) - context_len - 1"
    ),
    "dataset: non-overlapping windows (stride C)": _swap(
        "ex_7_1_make_dataset", "for i in range(n)]", "for i in range(0, n, context_len)]", count=2
    ),
    "dataset: inputs and targets swapped": _swap(
        "ex_7_1_make_dataset", "return inputs, targets", "return targets, inputs"
    ),
    "dataset: no ValueError when too short": _swap(
        "ex_7_1_make_dataset", "if n <= 0:", "if False:"
    ),
    "dataset: float token ids": _swap(
        "ex_7_1_make_dataset", "dtype=np.int64", "dtype=float", count=3
    ),
    "CE as -log(softmax) (inf for very negative logits)": _swap(
        "ex_7_2_cross_entropy", _CE_RETURN, "return float(-np.log(softmax(logits)[target]))"
    ),
    "CE with a clamped probability": _swap(
        "ex_7_2_cross_entropy",
        _CE_RETURN,
        "return float(-np.log(max(softmax(logits)[target], 1e-12)))",
    ),
    "CE without max subtraction": _swap(
        "ex_7_2_cross_entropy",
        "log_sum_exp = m + np.log(np.sum(np.exp(z - m)))",
        'with np.errstate(all="ignore"):\n        log_sum_exp = np.log(np.sum(np.exp(z)))',
    ),
    "CE with the wrong sign": _swap(
        "ex_7_2_cross_entropy", _CE_RETURN, "return float(z[target] - log_sum_exp)"
    ),
    "CE forgetting to add the max back": _swap(
        "ex_7_2_cross_entropy", "log_sum_exp = m + np.log", "log_sum_exp = np.log"
    ),
    "batch CE: sum instead of mean": _swap(
        "ex_7_3_batch_cross_entropy", "np.mean(losses)", "np.sum(losses)"
    ),
    "batch CE: one max for the whole batch": _swap(
        "ex_7_3_batch_cross_entropy",
        _BATCH_LSE,
        "m = np.max(z)\n"
        '    with np.errstate(all="ignore"):\n'
        "        log_sum_exp = m + np.log(np.sum(np.exp(z - m), axis=-1))",
    ),
    "batch CE: z[:, targets] fancy indexing": _swap(
        "ex_7_3_batch_cross_entropy", "z[np.arange(len(z)), targets]", "z[:, targets]"
    ),
    "batch CE: divided by B * V": _swap(
        "ex_7_3_batch_cross_entropy", "np.mean(losses)", "np.sum(losses) / z.size"
    ),
    "grad: missing the -1": _swap("ex_7_4_cross_entropy_grad", "-= 1.0", "-= 0.0", count=2),
    "grad: batch version not divided by B (mean vs sum)": _swap(
        "ex_7_4_cross_entropy_grad", "return grad / batch", "return grad"
    ),
    "grad: one-hot at the argmax": _swap(
        "ex_7_4_cross_entropy_grad", "grad[target] -= 1.0", "grad[np.argmax(logits)] -= 1.0"
    ),
    "grad: sign flipped": _swap(
        "ex_7_4_cross_entropy_grad", "return grad", "return -grad", count=2
    ),
    "grad: modifies the logits in place": {"ex_7_4_cross_entropy_grad": GRAD_IN_PLACE},
    "perplexity as exp of the sum": _swap(
        "ex_7_5_perplexity",
        f"return float(np.exp({_PPL}))",
        'with np.errstate(over="ignore"):\n'
        f"        return float(np.exp(len(flat_targets) * {_PPL}))",
    ),
    "perplexity in base 2": _swap("ex_7_5_perplexity", "np.exp(", "2.0 ** ("),
    "perplexity as the mean of per-token exp": {"ex_7_5_perplexity": PPL_MEAN_OF_EXP},
    "perplexity without flattening [B, T, V]": _swap(
        "ex_7_5_perplexity", _PPL, "batch_cross_entropy(z, np.asarray(targets))"
    ),
    "gradient trace answered B": _swap(
        "ex_7_6_gradient_trace", 'answer_7_6 = "A"', 'answer_7_6 = "B"'
    ),
    "gradient trace answered C": _swap(
        "ex_7_6_gradient_trace", 'answer_7_6 = "A"', 'answer_7_6 = "C"'
    ),
    "gradient trace answered D": _swap(
        "ex_7_6_gradient_trace", 'answer_7_6 = "A"', 'answer_7_6 = "D"'
    ),
    "backprop: missing the factor 2": _swap(
        "ex_7_7_backprop", "dy = 2.0 * (y - t)", "dy = (y - t)"
    ),
    "backprop: (t - y) sign": _swap("ex_7_7_backprop", "dy = 2.0 * (y - t)", "dy = 2.0 * (t - y)"),
    "backprop: no output ReLU mask": _swap("ex_7_7_backprop", "dz = dy * (z > 0)", "dz = dy"),
    "backprop: no hidden ReLU mask": _swap("ex_7_7_backprop", "du = da * (u > 0)", "du = da"),
    "backprop: dw2 from pre-activations u": _swap(
        "ex_7_7_backprop", "dw2 = dz * a", "dw2 = dz * u"
    ),
    "backprop: dw1 transposed (outer(x, du))": _swap(
        "ex_7_7_backprop", "np.outer(du, x)", "np.outer(x, du)"
    ),
    "backprop: hidden mask from w2 sign": _swap(
        "ex_7_7_backprop", "du = da * (u > 0)", "du = da * (w2 > 0)"
    ),
    "backprop: modifies params in place": {"ex_7_7_backprop": BACKPROP_IN_PLACE},
    "loss curve: log p instead of -log p": _swap(
        "ex_7_8_loss_curve", _LOSS_CURVE, "ce_on_grid = np.log(p_grid)"
    ),
    "loss curve: bits instead of nats": _swap(
        "ex_7_8_loss_curve", _LOSS_CURVE, "ce_on_grid = -np.log2(p_grid)"
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "dataset: targets not shifted": "targets equal to the inputs instead of shifted by one token",
    "dataset: drops the last window": "one window too few (the last window is missing)",
    "dataset: non-overlapping windows (stride C)": (
        "windows that start every context_len tokens instead of at every position"
    ),
    "dataset: inputs and targets swapped": (
        "returning (targets, inputs) instead of (inputs, targets)"
    ),
    "dataset: no ValueError when too short": (
        "no ValueError when there are too few tokens for one window"
    ),
    "dataset: float token ids": "float arrays instead of integer (np.int64) token ids",
    "CE as -log(softmax) (inf for very negative logits)": (
        "-log(softmax(logits)[target]), which gives inf when the probability underflows to 0"
    ),
    "CE with a clamped probability": (
        "-log of a probability clamped at 1e-12 instead of log-sum-exp minus the target logit"
    ),
    "CE without max subtraction": "log(sum(exp(z))) without subtracting the max (overflows)",
    "CE with the wrong sign": "z[target] - log_sum_exp (the loss with the wrong sign)",
    "CE forgetting to add the max back": (
        "subtracting the max inside the exp but not adding it back outside the log"
    ),
    "batch CE: sum instead of mean": "summing the per-example losses instead of averaging them",
    "batch CE: one max for the whole batch": (
        "one max for the whole batch instead of each row's max (underflows for some rows)"
    ),
    "batch CE: z[:, targets] fancy indexing": (
        "z[:, targets], which picks every target in every row, instead of z[np.arange(B), targets]"
    ),
    "batch CE: divided by B * V": "dividing the summed loss by B * V instead of by B",
    "grad: missing the -1": "softmax(logits) without subtracting 1 at the target",
    "grad: batch version not divided by B (mean vs sum)": (
        "not dividing the batch gradient by B (the loss is a mean over the batch)"
    ),
    "grad: one-hot at the argmax": "subtracting 1 at the largest logit instead of at the target",
    "grad: sign flipped": "one_hot - softmax instead of softmax - one_hot (the sign flipped)",
    "grad: modifies the logits in place": "overwriting the caller's logits array in place",
    "perplexity as exp of the sum": (
        "exp of the summed cross-entropy instead of the mean over positions"
    ),
    "perplexity in base 2": "2 ** loss instead of exp(loss) (the loss is in nats)",
    "perplexity as the mean of per-token exp": (
        "the mean of exp(loss) per token instead of exp of the mean loss"
    ),
    "perplexity without flattening [B, T, V]": (
        "passing [B, T, V] logits on without flattening them to [B * T, V]"
    ),
    "gradient trace answered B": "answer B",
    "gradient trace answered C": "answer C",
    "gradient trace answered D": "answer D",
    "backprop: missing the factor 2": "dL/dy = (y - t) without the factor 2",
    "backprop: (t - y) sign": "dL/dy = 2 (t - y) instead of 2 (y - t)",
    "backprop: no output ReLU mask": "not masking dz by the output ReLU (z > 0)",
    "backprop: no hidden ReLU mask": "not masking du by the hidden ReLU (u > 0)",
    "backprop: dw2 from pre-activations u": (
        "dw2 = dz * u (before the ReLU) instead of dz * a (after it)"
    ),
    "backprop: dw1 transposed (outer(x, du))": (
        "np.outer(x, du) instead of np.outer(du, x) (dw1 comes out transposed)"
    ),
    "backprop: hidden mask from w2 sign": "masking du by w2 > 0 instead of u > 0",
    "backprop: modifies params in place": "changing the params dict you were given",
    "loss curve: log p instead of -log p": "log p instead of -log p (the loss comes out negative)",
    "loss curve: bits instead of nats": "-log2 p (bits) instead of the natural log (nats)",
}
