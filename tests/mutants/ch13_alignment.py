"""ch13_alignment: wrong losses, gradients, training loops and KLs students plausibly write."""

_GRAD_OK = """

def preference_loss_grad(r_chosen, r_rejected):
    m = np.asarray(r_chosen, dtype=float) - np.asarray(r_rejected, dtype=float)
    s = np.exp(-np.logaddexp(0.0, m))
    return -s, s
"""

_LOSS_OK = """
def preference_loss(r_chosen, r_rejected):
    m = np.asarray(r_chosen, dtype=float) - np.asarray(r_rejected, dtype=float)
    return np.logaddexp(0.0, -m)
"""

LOSS_NAIVE = (
    """
def preference_loss(r_chosen, r_rejected):
    m = np.asarray(r_chosen, dtype=float) - np.asarray(r_rejected, dtype=float)
    return -np.log(1.0 / (1.0 + np.exp(-m)))
"""
    + _GRAD_OK
)

LOSS_CLIPPED = (
    """
def preference_loss(r_chosen, r_rejected):
    m = np.asarray(r_chosen, dtype=float) - np.asarray(r_rejected, dtype=float)
    m = np.clip(m, -30, 30)
    return np.log1p(np.exp(-m))
"""
    + _GRAD_OK
)

LOSS_SIGN_SWAPPED = (
    """
def preference_loss(r_chosen, r_rejected):
    m = np.asarray(r_chosen, dtype=float) - np.asarray(r_rejected, dtype=float)
    return np.logaddexp(0.0, m)
"""
    + _GRAD_OK
)

LOSS_MEAN = (
    """
def preference_loss(r_chosen, r_rejected):
    m = np.asarray(r_chosen, dtype=float) - np.asarray(r_rejected, dtype=float)
    return np.mean(np.logaddexp(0.0, -m))
"""
    + _GRAD_OK
)

GRAD_SIGMOID_OF_M = (
    _LOSS_OK
    + """

def preference_loss_grad(r_chosen, r_rejected):
    m = np.asarray(r_chosen, dtype=float) - np.asarray(r_rejected, dtype=float)
    s = np.exp(-np.logaddexp(0.0, -m))
    return -s, s
"""
)

GRAD_SIGN_SWAPPED = (
    _LOSS_OK
    + """

def preference_loss_grad(r_chosen, r_rejected):
    m = np.asarray(r_chosen, dtype=float) - np.asarray(r_rejected, dtype=float)
    s = np.exp(-np.logaddexp(0.0, m))
    return s, -s
"""
)

GRAD_NAIVE_SIGMOID = (
    _LOSS_OK
    + """

def preference_loss_grad(r_chosen, r_rejected):
    m = np.asarray(r_chosen, dtype=float) - np.asarray(r_rejected, dtype=float)
    s = 1.0 / (1.0 + np.exp(m))
    return -s, s
"""
)

_ACC_OK = """

def preference_accuracy(w, X_chosen, X_rejected):
    return float(np.mean(X_chosen @ w > X_rejected @ w))
"""

_TRAIN_OK = """

def train_reward_model(X_chosen, X_rejected, lr=0.5, steps=300):
    w = np.zeros(X_chosen.shape[1])
    losses = []
    for _ in range(steps):
        loss, grad = reward_loss_and_grad(w, X_chosen, X_rejected)
        losses.append(loss)
        w = w - lr * grad
    return w, losses
"""

_LOSS_AND_GRAD_OK = """
def reward_loss_and_grad(w, X_chosen, X_rejected):
    r_c, r_r = X_chosen @ w, X_rejected @ w
    g_c, g_r = preference_loss_grad(r_c, r_r)
    grad = (X_chosen.T @ g_c + X_rejected.T @ g_r) / len(r_c)
    return float(np.mean(preference_loss(r_c, r_r))), grad
"""

RM_GRAD_SUMMED = (
    """
def reward_loss_and_grad(w, X_chosen, X_rejected):
    r_c, r_r = X_chosen @ w, X_rejected @ w
    g_c, g_r = preference_loss_grad(r_c, r_r)
    grad = X_chosen.T @ g_c + X_rejected.T @ g_r
    return float(np.mean(preference_loss(r_c, r_r))), grad
"""
    + _TRAIN_OK
    + _ACC_OK
)

RM_GRAD_CHOSEN_ONLY = (
    """
def reward_loss_and_grad(w, X_chosen, X_rejected):
    r_c, r_r = X_chosen @ w, X_rejected @ w
    g_c, g_r = preference_loss_grad(r_c, r_r)
    grad = X_chosen.T @ g_c / len(r_c)
    return float(np.mean(preference_loss(r_c, r_r))), grad
"""
    + _TRAIN_OK
    + _ACC_OK
)

RM_ASCENT = (
    _LOSS_AND_GRAD_OK
    + """

def train_reward_model(X_chosen, X_rejected, lr=0.5, steps=300):
    w = np.zeros(X_chosen.shape[1])
    losses = []
    for _ in range(steps):
        loss, grad = reward_loss_and_grad(w, X_chosen, X_rejected)
        losses.append(loss)
        w = w + lr * grad
    return w, losses
"""
    + _ACC_OK
)

RM_RANDOM_INIT = (
    _LOSS_AND_GRAD_OK
    + """

def train_reward_model(X_chosen, X_rejected, lr=0.5, steps=300):
    w = np.random.default_rng(0).normal(size=X_chosen.shape[1])
    losses = []
    for _ in range(steps):
        loss, grad = reward_loss_and_grad(w, X_chosen, X_rejected)
        losses.append(loss)
        w = w - lr * grad
    return w, losses
"""
    + _ACC_OK
)

RM_LOSS_AFTER_STEP = (
    _LOSS_AND_GRAD_OK
    + """

def train_reward_model(X_chosen, X_rejected, lr=0.5, steps=300):
    w = np.zeros(X_chosen.shape[1])
    losses = []
    for _ in range(steps):
        _, grad = reward_loss_and_grad(w, X_chosen, X_rejected)
        w = w - lr * grad
        losses.append(reward_loss_and_grad(w, X_chosen, X_rejected)[0])
    return w, losses
"""
    + _ACC_OK
)

RM_ACC_TIES_WIN = (
    _LOSS_AND_GRAD_OK
    + _TRAIN_OK
    + """

def preference_accuracy(w, X_chosen, X_rejected):
    return float(np.mean(X_chosen @ w >= X_rejected @ w))
"""
)

KL_REVERSED = """
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * (np.log(q) - np.log(p)), 0.0)
    return terms.sum(axis=-1)
"""

KL_NAIVE_ZEROS = """
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    return np.sum(p * np.log(p / q), axis=-1)
"""

KL_LOG2 = """
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log2(p) - np.log2(q)), 0.0)
    return terms.sum(axis=-1)
"""

KL_ALL_AXES = """
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0)
    return terms.sum()
"""

KL_EPSILON = """
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    return np.sum(p * np.log((p + 1e-12) / (q + 1e-12)), axis=-1)
"""

KL_UNWEIGHTED = """
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, np.log(p) - np.log(q), 0.0)
    return terms.sum(axis=-1)
"""

MUTANTS = {
    "RLHF stages answered C (no KL)": {"ex_13_1_rlhf_stages": 'answer_13_1 = "C"'},
    "RLHF stages answered D": {"ex_13_1_rlhf_stages": 'answer_13_1 = "D"'},
    "preference loss as -log(sigmoid)": {"ex_13_2_preference_loss": LOSS_NAIVE},
    "preference loss with clipped margins": {"ex_13_2_preference_loss": LOSS_CLIPPED},
    "preference loss with the sign swapped": {"ex_13_2_preference_loss": LOSS_SIGN_SWAPPED},
    "preference loss averaged over pairs": {"ex_13_2_preference_loss": LOSS_MEAN},
    "gradient using sigmoid(m)": {"ex_13_2_preference_loss": GRAD_SIGMOID_OF_M},
    "gradient with the sign swapped": {"ex_13_2_preference_loss": GRAD_SIGN_SWAPPED},
    "gradient with a naive sigmoid (overflow)": {"ex_13_2_preference_loss": GRAD_NAIVE_SIGMOID},
    "reward model gradient summed, not averaged": {"ex_13_3_reward_model": RM_GRAD_SUMMED},
    "reward model gradient missing the rejected term": {
        "ex_13_3_reward_model": RM_GRAD_CHOSEN_ONLY
    },
    "reward model trained by gradient ascent": {"ex_13_3_reward_model": RM_ASCENT},
    "reward model from a random init": {"ex_13_3_reward_model": RM_RANDOM_INIT},
    "reward model recording the loss after the step": {"ex_13_3_reward_model": RM_LOSS_AFTER_STEP},
    "accuracy counting ties as wins": {"ex_13_3_reward_model": RM_ACC_TIES_WIN},
    "KL with p and q swapped": {"ex_13_4_kl": KL_REVERSED},
    "KL without the zero convention": {"ex_13_4_kl": KL_NAIVE_ZEROS},
    "KL in bits": {"ex_13_4_kl": KL_LOG2},
    "KL summed over every axis": {"ex_13_4_kl": KL_ALL_AXES},
    "KL with an epsilon fudge": {"ex_13_4_kl": KL_EPSILON},
    "KL without the p weighting": {"ex_13_4_kl": KL_UNWEIGHTED},
}
