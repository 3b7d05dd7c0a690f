"""ch08_optimizers: wrong answers students plausibly write; each must lose points.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``);
the explicit sources below are genuinely different (wrong) implementations.
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch08_optimizers")
_ADAM_UPDATE = "new_params = params - lr * m_hat / (np.sqrt(v_hat) + eps)"
_EPS_OUTSIDE = "(np.sqrt(v_hat) + eps)"
_COSINE = "return min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * progress))"

ADAM_IN_PLACE = """
def adam_step(params, grads, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    if t < 1:
        raise ValueError("t is 1-indexed")
    m *= beta1
    m += (1 - beta1) * grads
    v *= beta2
    v += (1 - beta2) * grads**2
    params -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return params, m, v
"""

SGD_IN_PLACE = """
def sgd_step(params, grads, lr):
    params -= lr * grads
    return params
"""

CLIP_PER_ARRAY = """
def clip_grad_norm(grads, max_norm):
    out, total = [], 0.0
    for g in grads:
        g = np.asarray(g, dtype=float)
        n = float(np.sqrt(np.sum(g**2)))
        total += n**2
        out.append(g * (max_norm / n) if n > max_norm else g.copy())
    return out, math.sqrt(total)
"""

CLIP_IN_PLACE = """
def clip_grad_norm(grads, max_norm):
    total_norm = math.sqrt(sum(float(np.sum(g**2)) for g in grads))
    if total_norm > max_norm:
        for g in grads:
            g *= max_norm / total_norm
    return grads, total_norm
"""

CURVES_SGD_LR_TOO_BIG = """
H_DIAG = np.array([1.0, 100.0])
w = np.array([5.0, 5.0])
sgd_losses = [0.5 * float(np.sum(H_DIAG * w**2))]
for _ in range(200):
    w = sgd_step(w, H_DIAG * w, 0.1)
    sgd_losses.append(0.5 * float(np.sum(H_DIAG * w**2)))
adam_losses = list(sgd_losses)
schedule_lrs = [lr_schedule(s, 6e-4, 100, 1000, 6e-5) for s in range(1000)]
"""

MUTANTS = {
    "adam without bias correction": _swap(
        "ex_8_1_adam", _ADAM_UPDATE, "new_params = params - lr * m / (np.sqrt(v) + eps)"
    ),
    "adam bias correction with t starting at 0": _swap(
        "ex_8_1_adam", "**t)", " ** (t + 1))", count=2
    ),
    "adam with eps inside the sqrt": _swap("ex_8_1_adam", _EPS_OUTSIDE, "np.sqrt(v_hat + eps)"),
    "adam updating its inputs in place": {"ex_8_1_adam": ADAM_IN_PLACE},
    "adam returning bias-corrected moments as state": _swap(
        "ex_8_1_adam", "return new_params, m, v", "return new_params, m_hat, v_hat"
    ),
    "adam accepting t = 0": _swap("ex_8_1_adam", "if t < 1:", "if False:"),
    "minimize feeding the loss x**2 as the gradient": _swap(
        "ex_8_2_minimize", "adam_step(x, 2 * x,", "adam_step(x, x**2,"
    ),
    "minimize ignoring lr": _swap("ex_8_2_minimize", "m, v, t, lr)", "m, v, t, 0.1)"),
    "minimize without x0 in the trajectory": _swap(
        "ex_8_2_minimize", "path = [float(x)]", "path = []"
    ),
    "minimize resetting m and v every step": _swap(
        "ex_8_2_minimize",
        "x, m, v = adam_step(x, 2 * x, m, v, t, lr)",
        "x, _, _ = adam_step(x, 2 * x, np.array(0.0), np.array(0.0), t, lr)",
    ),
    "sgd in place": {"ex_8_3_sgd": SGD_IN_PLACE},
    "sgd stepping uphill": _swap("ex_8_3_sgd", " - lr * ", " + lr * "),
    "bias trace answered A": _swap("ex_8_4_bias_trace", 'answer_8_4 = "B"', 'answer_8_4 = "A"'),
    "bias trace answered D": _swap("ex_8_4_bias_trace", 'answer_8_4 = "B"', 'answer_8_4 = "D"'),
    "debug: eps inside the sqrt": _swap("ex_8_5_debug_eps", _EPS_OUTSIDE, "np.sqrt(v_hat + eps)"),
    "debug: nan_to_num instead of eps": _swap(
        "ex_8_5_debug_eps",
        _ADAM_UPDATE,
        'with np.errstate(all="ignore"):\n'
        "        step = np.nan_to_num(m_hat / np.sqrt(v_hat))\n"
        "    new_params = params - lr * step",
    ),
    "debug: wrong line number": _swap("ex_8_5_debug_eps", "buggy_line = 6", "buggy_line = 5"),
    "cosine that does not reach min_lr at total": _swap(
        "ex_8_6_schedule", "(step - warmup) / (total - warmup)", "(step - warmup) / total"
    ),
    "cosine decaying to 0 then floored": _swap(
        "ex_8_6_schedule",
        _COSINE,
        "return max(min_lr, 0.5 * max_lr * (1 + math.cos(math.pi * progress)))",
    ),
    "warm-up off by one": _swap(
        "ex_8_6_schedule", "max_lr * step / warmup", "max_lr * (step + 1) / warmup"
    ),
    "schedule without the floor after total": _swap(
        "ex_8_6_schedule", "    if step > total:\n        return float(min_lr)\n", ""
    ),
    "per-array instead of global clipping": {"ex_8_7_clip": CLIP_PER_ARRAY},
    "clipping returning the post-clip norm": _swap(
        "ex_8_7_clip",
        "return [g * scale for g in grads], total_norm",
        "return [g * scale for g in grads], min(total_norm, max_norm)",
    ),
    "clipping that also scales small gradients up": _swap(
        "ex_8_7_clip",
        "scale = max_norm / total_norm if total_norm > max_norm else 1.0",
        "scale = max_norm / total_norm",
    ),
    "clipping in place": {"ex_8_7_clip": CLIP_IN_PLACE},
    "plot data with a diverging SGD rate": {"ex_8_8_curves": CURVES_SGD_LR_TOO_BIG},
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "adam without bias correction": (
        "updating with m and v instead of the bias-corrected m_hat and v_hat"
    ),
    "adam bias correction with t starting at 0": (
        "bias correction with t + 1 instead of t (t already starts at 1)"
    ),
    "adam with eps inside the sqrt": "sqrt(v_hat + eps) instead of sqrt(v_hat) + eps",
    "adam updating its inputs in place": "updating the caller's params, m and v in place",
    "adam returning bias-corrected moments as state": (
        "returning m_hat and v_hat as the new state instead of m and v"
    ),
    "adam accepting t = 0": "no ValueError for t < 1 (the step counter starts at 1)",
    "minimize feeding the loss x**2 as the gradient": (
        "passing the loss x**2 as the gradient instead of its derivative 2x"
    ),
    "minimize ignoring lr": "a fixed learning rate instead of the lr you were given",
    "minimize without x0 in the trajectory": "a path that leaves out the starting point x0",
    "minimize resetting m and v every step": (
        "starting every step from m = v = 0 instead of carrying m and v forward"
    ),
    "sgd in place": "updating the caller's params in place (-=) instead of returning a new array",
    "sgd stepping uphill": "params + lr * grads instead of params - lr * grads",
    "bias trace answered A": "answer A: m_1 before the bias correction",
    "bias trace answered D": "answer D",
    "debug: eps inside the sqrt": "the fix puts eps inside the square root",
    "debug: nan_to_num instead of eps": (
        "hiding the nan with np.nan_to_num instead of adding eps to the denominator"
    ),
    "debug: wrong line number": "pointing at the line before the buggy one",
    "cosine that does not reach min_lr at total": (
        "progress = (step - warmup) / total instead of / (total - warmup) (min_lr is not "
        "reached at total)"
    ),
    "cosine decaying to 0 then floored": (
        "a cosine from max_lr down to 0, cut off at min_lr, instead of one from max_lr to min_lr"
    ),
    "warm-up off by one": "max_lr * (step + 1) / warmup instead of max_lr * step / warmup",
    "schedule without the floor after total": "not returning min_lr for steps past total",
    "per-array instead of global clipping": (
        "clipping each array by its own norm instead of all of them by the global norm"
    ),
    "clipping returning the post-clip norm": (
        "returning the norm after clipping instead of before"
    ),
    "clipping that also scales small gradients up": (
        "scaling by max_norm / total_norm even when the norm is already below max_norm"
    ),
    "clipping in place": "scaling the caller's gradient arrays in place instead of copies",
    "plot data with a diverging SGD rate": (
        "settings other than those given (SGD at lr = 0.1, which diverges; schedule only to "
        "s = 999)"
    ),
}
