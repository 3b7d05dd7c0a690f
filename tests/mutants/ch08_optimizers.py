"""ch08_optimizers: wrong answers students plausibly write; each must lose points."""

ADAM_HEAD = """
def adam_step(params, grads, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    if t < 1:
        raise ValueError("t is 1-indexed")
"""

ADAM_NO_BIAS_CORRECTION = (
    ADAM_HEAD
    + """
    m = beta1 * m + (1 - beta1) * grads
    v = beta2 * v + (1 - beta2) * grads**2
    return params - lr * m / (np.sqrt(v) + eps), m, v
"""
)

ADAM_T_FROM_ZERO = (
    ADAM_HEAD
    + """
    m = beta1 * m + (1 - beta1) * grads
    v = beta2 * v + (1 - beta2) * grads**2
    m_hat = m / (1 - beta1 ** (t + 1))
    v_hat = v / (1 - beta2 ** (t + 1))
    return params - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
"""
)

ADAM_EPS_INSIDE_SQRT = (
    ADAM_HEAD
    + """
    m = beta1 * m + (1 - beta1) * grads
    v = beta2 * v + (1 - beta2) * grads**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return params - lr * m_hat / np.sqrt(v_hat + eps), m, v
"""
)

ADAM_IN_PLACE = (
    ADAM_HEAD
    + """
    m *= beta1
    m += (1 - beta1) * grads
    v *= beta2
    v += (1 - beta2) * grads**2
    params -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return params, m, v
"""
)

ADAM_RETURNS_HATS = (
    ADAM_HEAD
    + """
    m = beta1 * m + (1 - beta1) * grads
    v = beta2 * v + (1 - beta2) * grads**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat
"""
)

ADAM_NO_T_CHECK = """
def adam_step(params, grads, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grads
    v = beta2 * v + (1 - beta2) * grads**2
    with np.errstate(all="ignore"):
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        return params - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
"""

MINIMIZE_LOSS_AS_GRAD = """
def minimize_quadratic(x0, steps, lr=0.1):
    x, m, v = np.array(float(x0)), np.array(0.0), np.array(0.0)
    path = [float(x)]
    for t in range(1, steps + 1):
        x, m, v = adam_step(x, x**2, m, v, t, lr)
        path.append(float(x))
    return np.array(path)
"""

MINIMIZE_FIXED_LR = """
def minimize_quadratic(x0, steps, lr=0.1):
    x, m, v = np.array(float(x0)), np.array(0.0), np.array(0.0)
    path = [float(x)]
    for t in range(1, steps + 1):
        x, m, v = adam_step(x, 2 * x, m, v, t, 0.1)
        path.append(float(x))
    return np.array(path)
"""

MINIMIZE_NO_START = """
def minimize_quadratic(x0, steps, lr=0.1):
    x, m, v = np.array(float(x0)), np.array(0.0), np.array(0.0)
    path = []
    for t in range(1, steps + 1):
        x, m, v = adam_step(x, 2 * x, m, v, t, lr)
        path.append(float(x))
    return np.array(path)
"""

MINIMIZE_RESETS_STATE = """
def minimize_quadratic(x0, steps, lr=0.1):
    x = np.array(float(x0))
    path = [float(x)]
    for t in range(1, steps + 1):
        x, _, _ = adam_step(x, 2 * x, np.array(0.0), np.array(0.0), t, lr)
        path.append(float(x))
    return np.array(path)
"""

SGD_IN_PLACE = """
def sgd_step(params, grads, lr):
    params -= lr * grads
    return params
"""

SGD_WRONG_SIGN = """
def sgd_step(params, grads, lr):
    return np.asarray(params, dtype=float) + lr * np.asarray(grads, dtype=float)
"""

DEBUG_EPS_INSIDE = """
buggy_line = 6


def fixed_adam_step(params, grads, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grads
    v = beta2 * v + (1 - beta2) * grads**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return params - lr * m_hat / np.sqrt(v_hat + eps), m, v
"""

DEBUG_NAN_TO_NUM = """
buggy_line = 6


def fixed_adam_step(params, grads, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grads
    v = beta2 * v + (1 - beta2) * grads**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    with np.errstate(all="ignore"):
        step = np.nan_to_num(m_hat / np.sqrt(v_hat))
    return params - lr * step, m, v
"""

DEBUG_WRONG_LINE = """
buggy_line = 5


def fixed_adam_step(params, grads, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grads
    v = beta2 * v + (1 - beta2) * grads**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
"""

SCHEDULE_DIVIDES_BY_TOTAL = """
def lr_schedule(step, max_lr, warmup, total, min_lr):
    if step < warmup:
        return max_lr * step / warmup
    if step > total:
        return float(min_lr)
    progress = (step - warmup) / total
    return min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * progress))
"""

SCHEDULE_DECAYS_TO_ZERO = """
def lr_schedule(step, max_lr, warmup, total, min_lr):
    if step < warmup:
        return max_lr * step / warmup
    if step > total:
        return float(min_lr)
    progress = (step - warmup) / (total - warmup)
    return max(min_lr, 0.5 * max_lr * (1 + math.cos(math.pi * progress)))
"""

SCHEDULE_WARMUP_PLUS_ONE = """
def lr_schedule(step, max_lr, warmup, total, min_lr):
    if step < warmup:
        return max_lr * (step + 1) / warmup
    if step > total:
        return float(min_lr)
    progress = (step - warmup) / (total - warmup)
    return min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * progress))
"""

SCHEDULE_NO_FLOOR_AFTER_TOTAL = """
def lr_schedule(step, max_lr, warmup, total, min_lr):
    if step < warmup:
        return max_lr * step / warmup
    progress = (step - warmup) / (total - warmup)
    return min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * progress))
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

CLIP_POST_NORM = """
def clip_grad_norm(grads, max_norm):
    grads = [np.asarray(g, dtype=float) for g in grads]
    total_norm = math.sqrt(sum(float(np.sum(g**2)) for g in grads))
    scale = max_norm / total_norm if total_norm > max_norm else 1.0
    return [g * scale for g in grads], min(total_norm, max_norm)
"""

CLIP_ALWAYS_RESCALES = """
def clip_grad_norm(grads, max_norm):
    grads = [np.asarray(g, dtype=float) for g in grads]
    total_norm = math.sqrt(sum(float(np.sum(g**2)) for g in grads))
    return [g * (max_norm / total_norm) for g in grads], total_norm
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
    "adam without bias correction": {"ex_8_1_adam": ADAM_NO_BIAS_CORRECTION},
    "adam bias correction with t starting at 0": {"ex_8_1_adam": ADAM_T_FROM_ZERO},
    "adam with eps inside the sqrt": {"ex_8_1_adam": ADAM_EPS_INSIDE_SQRT},
    "adam updating its inputs in place": {"ex_8_1_adam": ADAM_IN_PLACE},
    "adam returning bias-corrected moments as state": {"ex_8_1_adam": ADAM_RETURNS_HATS},
    "adam accepting t = 0": {"ex_8_1_adam": ADAM_NO_T_CHECK},
    "minimize feeding the loss x**2 as the gradient": {"ex_8_2_minimize": MINIMIZE_LOSS_AS_GRAD},
    "minimize ignoring lr": {"ex_8_2_minimize": MINIMIZE_FIXED_LR},
    "minimize without x0 in the trajectory": {"ex_8_2_minimize": MINIMIZE_NO_START},
    "minimize resetting m and v every step": {"ex_8_2_minimize": MINIMIZE_RESETS_STATE},
    "sgd in place": {"ex_8_3_sgd": SGD_IN_PLACE},
    "sgd stepping uphill": {"ex_8_3_sgd": SGD_WRONG_SIGN},
    "bias trace answered A": {"ex_8_4_bias_trace": 'answer_8_4 = "A"'},
    "bias trace answered D": {"ex_8_4_bias_trace": 'answer_8_4 = "D"'},
    "debug: eps inside the sqrt": {"ex_8_5_debug_eps": DEBUG_EPS_INSIDE},
    "debug: nan_to_num instead of eps": {"ex_8_5_debug_eps": DEBUG_NAN_TO_NUM},
    "debug: wrong line number": {"ex_8_5_debug_eps": DEBUG_WRONG_LINE},
    "cosine that does not reach min_lr at total": {"ex_8_6_schedule": SCHEDULE_DIVIDES_BY_TOTAL},
    "cosine decaying to 0 then floored": {"ex_8_6_schedule": SCHEDULE_DECAYS_TO_ZERO},
    "warm-up off by one": {"ex_8_6_schedule": SCHEDULE_WARMUP_PLUS_ONE},
    "schedule without the floor after total": {"ex_8_6_schedule": SCHEDULE_NO_FLOOR_AFTER_TOTAL},
    "per-array instead of global clipping": {"ex_8_7_clip": CLIP_PER_ARRAY},
    "clipping returning the post-clip norm": {"ex_8_7_clip": CLIP_POST_NORM},
    "clipping that also scales small gradients up": {"ex_8_7_clip": CLIP_ALWAYS_RESCALES},
    "clipping in place": {"ex_8_7_clip": CLIP_IN_PLACE},
    "plot data with a diverging SGD rate": {"ex_8_8_curves": CURVES_SGD_LR_TOO_BIG},
}
