"""ch13_alignment: wrong losses, gradients, training loops and KLs students plausibly write.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch13_alignment")
_PREF = "ex_13_2_preference_loss"
_RM = "ex_13_3_reward_model"
_KL = "ex_13_4_kl"
_PPO = "ex_13_5_ppo_clip"
_RATIO = "ratio = np.exp(logp_new - logp_old)"
_PPO_MIN = "return np.minimum(unclipped, clipped)  # the pessimistic of the two"
_PPO_CLIP = "clipped = np.clip(ratio, 1.0 - eps, 1.0 + eps) * advantages"
_PPO_MEAN = "return float(-(objective * mask).sum() / n_tokens)"
_PPO_ACTIVE = "d_objective = np.where(unclipped <= clipped, unclipped, 0.0)"
_LOSS = "return np.logaddexp(0.0, -margin)"
_SIG_NEG = "np.exp(-np.logaddexp(0.0, margin))"
_GRAD = "grad = (X_chosen.T @ g_c + X_rejected.T @ g_r) / len(r_c)"
_TERMS = "p * (np.log(p) - np.log(q))"
_KL_BLOCK = (
    'with np.errstate(divide="ignore", invalid="ignore"):\n'
    "        terms = np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0)"
)

MUTANTS = {
    "RLHF stages answered C (no KL)": _swap("ex_13_1_rlhf_stages", '"B"', '"C"'),
    "RLHF stages answered D": _swap("ex_13_1_rlhf_stages", '"B"', '"D"'),
    "preference loss as -log(sigmoid)": _swap(
        _PREF, _LOSS, "return -np.log(1.0 / (1.0 + np.exp(-margin)))"
    ),
    "preference loss with clipped margins": _swap(
        _PREF,
        _LOSS,
        "margin = np.clip(margin, -30, 30)\n    return np.log1p(np.exp(-margin))",
    ),
    "preference loss with the sign swapped": _swap(
        _PREF, _LOSS, "return np.logaddexp(0.0, margin)"
    ),
    "preference loss averaged over pairs": _swap(
        _PREF, _LOSS, "return np.mean(np.logaddexp(0.0, -margin))"
    ),
    "gradient using sigmoid(m)": _swap(_PREF, _SIG_NEG, "np.exp(-np.logaddexp(0.0, -margin))"),
    "gradient with the sign swapped": _swap(
        _PREF, "return -sig_neg, sig_neg", "return sig_neg, -sig_neg"
    ),
    "gradient with a naive sigmoid (overflow)": _swap(
        _PREF, _SIG_NEG, "1.0 / (1.0 + np.exp(margin))"
    ),
    "reward model gradient summed, not averaged": _swap(
        _RM, _GRAD, "grad = X_chosen.T @ g_c + X_rejected.T @ g_r"
    ),
    "reward model gradient missing the rejected term": _swap(
        _RM, _GRAD, "grad = X_chosen.T @ g_c / len(r_c)"
    ),
    "reward model trained by gradient ascent": _swap(_RM, "w = w - lr * grad", "w = w + lr * grad"),
    "reward model from a random init": _swap(
        _RM,
        "w = np.zeros(X_chosen.shape[1])",
        "w = np.random.default_rng(0).normal(size=X_chosen.shape[1])",
    ),
    "reward model recording the loss after the step": _swap(
        _RM,
        "loss, grad = reward_loss_and_grad(w, X_chosen, X_rejected)\n"
        "        losses.append(loss)\n"
        "        w = w - lr * grad",
        "_, grad = reward_loss_and_grad(w, X_chosen, X_rejected)\n"
        "        w = w - lr * grad\n"
        "        losses.append(reward_loss_and_grad(w, X_chosen, X_rejected)[0])",
    ),
    "accuracy counting ties as wins": _swap(
        _RM, "X_chosen @ w > X_rejected @ w", "X_chosen @ w >= X_rejected @ w"
    ),
    "KL with p and q swapped": _swap(
        _KL,
        f"np.where(p > 0, {_TERMS}, 0.0)",
        "np.where(q > 0, q * (np.log(q) - np.log(p)), 0.0)",
    ),
    "KL without the zero convention": _swap(_KL, _KL_BLOCK, "terms = p * np.log(p / q)"),
    "KL in bits": _swap(_KL, "np.log(p) - np.log(q)", "np.log2(p) - np.log2(q)"),
    "KL summed over every axis": _swap(_KL, "terms.sum(axis=-1)", "terms.sum()"),
    "KL with an epsilon fudge": _swap(
        _KL, _KL_BLOCK, "terms = p * np.log((p + 1e-12) / (q + 1e-12))"
    ),
    "KL without the p weighting": _swap(_KL, _TERMS, "(np.log(p) - np.log(q))"),
    "PPO: the clipped term alone, without the min": _swap(_PPO, _PPO_MIN, "return clipped"),
    "PPO: max instead of min (an optimistic bound)": _swap(
        _PPO, _PPO_MIN, "return np.maximum(unclipped, clipped)"
    ),
    "PPO: ratio taken as the log-probability difference, without exp": _swap(
        _PPO, _RATIO, "ratio = logp_new - logp_old", count=2
    ),
    "PPO: ratio inverted (old over new)": _swap(
        _PPO, _RATIO, "ratio = np.exp(logp_old - logp_new)", count=2
    ),
    "PPO: clip range 1 +- eps applied to the advantage instead of the ratio": _swap(
        _PPO,
        "clipped = np.clip(ratio, 1.0 - eps, 1.0 + eps) * advantages\n    return",
        "clipped = ratio * np.clip(advantages, 1.0 - eps, 1.0 + eps)\n    return",
    ),
    "PPO: advantage factored out of the min (ignores the sign of A)": _swap(
        _PPO,
        _PPO_MIN,
        "return np.minimum(ratio, np.clip(ratio, 1.0 - eps, 1.0 + eps)) * advantages",
    ),
    "PPO: only the upper clip 1 + eps, whatever the sign of A": _swap(
        _PPO, _PPO_MIN, "return np.minimum(ratio, 1.0 + eps) * advantages"
    ),
    "PPO: eps ignored (always 0.2)": _swap(
        _PPO,
        "clipped = np.clip(ratio, 1.0 - eps, 1.0 + eps) * advantages\n    return",
        "clipped = np.clip(ratio, 0.8, 1.2) * advantages\n    return",
    ),
    "PPO loss returns the objective (sign error: maximised instead of minimised)": _swap(
        _PPO, _PPO_MEAN, "return float((objective * mask).sum() / n_tokens)"
    ),
    "PPO loss averaged over padding too (mean over every position)": _swap(
        _PPO, _PPO_MEAN, "return float(-np.mean(objective * mask))"
    ),
    "PPO loss as the mean of per-answer means (wrong axis)": _swap(
        _PPO,
        _PPO_MEAN,
        "return float(-np.mean((objective * mask).sum(axis=-1) / mask.sum(axis=-1)))",
    ),
    "PPO loss ignores the mask": _swap(_PPO, _PPO_MEAN, "return float(-np.mean(objective))"),
    "PPO loss returns nan for an empty mask instead of raising": _swap(
        _PPO,
        'raise ValueError("the mask selects no token: there is nothing to average over")\n'
        "    objective",
        "return float('nan')\n    objective",
    ),
    "PPO gradient flows through the clipped term too (no zero where clipped)": _swap(
        _PPO, _PPO_ACTIVE, "d_objective = unclipped"
    ),
    "PPO gradient zeroed wherever the ratio leaves the band, whatever the sign of A": _swap(
        _PPO,
        _PPO_ACTIVE,
        "d_objective = np.where(np.abs(ratio - 1.0) <= eps, unclipped, 0.0)",
    ),
    "PPO gradient taken with respect to the ratio (A instead of rho A)": _swap(
        _PPO, _PPO_ACTIVE, "d_objective = np.where(unclipped <= clipped, advantages, 0.0)"
    ),
    "PPO gradient of the objective, not of the loss (sign)": _swap(
        _PPO, "return -d_objective * mask / n_tokens", "return d_objective * mask / n_tokens"
    ),
    "PPO gradient ignores the mask": _swap(
        _PPO, "return -d_objective * mask / n_tokens", "return -d_objective / n_tokens"
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "RLHF stages answered C (no KL)": "answer C",
    "RLHF stages answered D": "answer D",
    "preference loss as -log(sigmoid)": (
        "-log(1 / (1 + exp(-m))) computed directly, which overflows for large negative margins"
    ),
    "preference loss with clipped margins": (
        "clipping the margin to [-30, 30], which caps the loss at about 30"
    ),
    "preference loss with the sign swapped": (
        "log(1 + exp(m)) instead of log(1 + exp(-m)) (the margin's sign swapped)"
    ),
    "preference loss averaged over pairs": (
        "averaging into one number instead of returning one loss per pair"
    ),
    "gradient using sigmoid(m)": "sigmoid(m) instead of sigmoid(-m) in the gradient",
    "gradient with the sign swapped": (
        "the gradient's signs swapped (+ for r_chosen, - for r_rejected)"
    ),
    "gradient with a naive sigmoid (overflow)": (
        "1 / (1 + exp(m)), which overflows for large margins"
    ),
    "reward model gradient summed, not averaged": (
        "summing the gradient over the pairs instead of averaging (the loss is a mean)"
    ),
    "reward model gradient missing the rejected term": (
        "leaving out the rejected answers' term X_rejected.T @ g_r"
    ),
    "reward model trained by gradient ascent": (
        "w + lr * grad (gradient ascent) instead of w - lr * grad"
    ),
    "reward model from a random init": "starting from random weights instead of w = 0",
    "reward model recording the loss after the step": (
        "recording the loss after each update instead of before it"
    ),
    "accuracy counting ties as wins": ">= instead of > (ties counted as correct)",
    "KL with p and q swapped": "computing KL(q || p) instead of KL(p || q)",
    "KL without the zero convention": (
        "p * log(p / q) without the rule 0 log 0 = 0 (nan where p is 0)"
    ),
    "KL in bits": "log2 (bits) instead of the natural log (nats)",
    "KL summed over every axis": "summing over every axis instead of only the last one",
    "KL with an epsilon fudge": (
        "adding 1e-12 to p and q, which gives a finite number where KL is infinite"
    ),
    "KL without the p weighting": "summing log(p) - log(q) without weighting by p",
    "PPO: the clipped term alone, without the min": (
        "returning the clipped term alone, without the min with the unclipped one"
    ),
    "PPO: max instead of min (an optimistic bound)": "np.maximum instead of np.minimum",
    "PPO: ratio taken as the log-probability difference, without exp": (
        "logp_new - logp_old as the ratio, without the exp"
    ),
    "PPO: ratio inverted (old over new)": "exp(logp_old - logp_new) (old over new) as the ratio",
    "PPO: clip range 1 +- eps applied to the advantage instead of the ratio": (
        "clipping the advantages instead of the ratio"
    ),
    "PPO: advantage factored out of the min (ignores the sign of A)": (
        "min(ratio, clip(ratio)) * A, which ignores the sign of A"
    ),
    "PPO: only the upper clip 1 + eps, whatever the sign of A": (
        "min(ratio, 1 + eps) * A: only the upper clip, whatever the sign of A"
    ),
    "PPO: eps ignored (always 0.2)": "clipping to [0.8, 1.2] whatever eps is",
    "PPO loss returns the objective (sign error: maximised instead of minimised)": (
        "returning the mean objective instead of minus it"
    ),
    "PPO loss averaged over padding too (mean over every position)": (
        "dividing by every position, padding included, instead of by the number of masked-in tokens"
    ),
    "PPO loss as the mean of per-answer means (wrong axis)": (
        "averaging each answer's mean instead of averaging over all the selected tokens"
    ),
    "PPO loss ignores the mask": "averaging over every token, ignoring the mask",
    "PPO loss returns nan for an empty mask instead of raising": (
        "returning nan for an all-zero mask instead of raising ValueError"
    ),
    "PPO gradient flows through the clipped term too (no zero where clipped)": (
        "a gradient of ratio * A everywhere, also where the clipped term is the min (it is 0 there)"
    ),
    "PPO gradient zeroed wherever the ratio leaves the band, whatever the sign of A": (
        "zeroing the gradient wherever the ratio is outside [1 - eps, 1 + eps], whatever the "
        "sign of A"
    ),
    "PPO gradient taken with respect to the ratio (A instead of rho A)": (
        "the derivative with respect to the ratio (A) instead of the log-probability (ratio * A)"
    ),
    "PPO gradient of the objective, not of the loss (sign)": (
        "the gradient of the objective instead of the loss (the sign is flipped)"
    ),
    "PPO gradient ignores the mask": "not multiplying the gradient by the mask",
}
