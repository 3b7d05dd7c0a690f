"""ch12_training: wrong answers students plausibly write; each must lose points.

Each mutant is the reference solution (read from authoring/ch12_training.txt) with one piece
changed; ``_swap`` fails loudly if the piece it edits is gone, so a mutant cannot silently turn
into the correct answer.
"""

from __future__ import annotations

import functools

from tests.mutants import swap, swaps

_swap = functools.partial(swap, "ch12_training")
_swaps = functools.partial(swaps, "ch12_training")


MUTANTS = {
    # 12.1 backward passes
    "linear: db summed over the first axis only": _swap(
        "ex_12_1_linear", "d2.sum(axis=0)", "dout.sum(axis=0)"
    ),
    "linear: dw from the un-flattened batch (last batch row only)": _swap(
        "ex_12_1_linear",
        "x2.T @ d2",
        "x[-1].reshape(-1, x.shape[-1]).T @ dout[-1].reshape(-1, dout.shape[-1])",
    ),
    "layernorm: variance treated as a constant": _swap(
        "ex_12_1_layernorm",
        "dx -= xhat * (ghat * xhat).mean(axis=-1, keepdims=True)",
        "pass",
    ),
    "layernorm: mean treated as a constant": _swap(
        "ex_12_1_layernorm", "dx = ghat - ghat.mean(axis=-1, keepdims=True)", "dx = ghat.copy()"
    ),
    "layernorm: dg without xhat": _swap(
        "ex_12_1_layernorm", "dg = (dout * xhat).reshape(-1, d)", "dg = dout.reshape(-1, d)"
    ),
    "gelu: product rule forgotten": _swap(
        "ex_12_1_gelu",
        "    grad += t\n",
        "    grad = t\n",
    ),
    "gelu: derivative of the cubic term missing": _swap(
        "ex_12_1_gelu", "x2 *= 3 * 0.044715", "x2 *= 0"
    ),
    "attention: 1/sqrt(d_head) forgotten in the backward pass": _swap(
        "ex_12_1_attention",
        "    dscores *= 1 / math.sqrt(dh)",
        "    pass",
    ),
    "attention: softmax backward without the row-sum term": _swap(
        "ex_12_1_attention",
        "dscores -= probs * dscores.sum(axis=-1, keepdims=True)",
        "pass",
    ),
    "attention: dk not transposed": _swap(
        "ex_12_1_attention", "dk = dscores.transpose(0, 1, 3, 2) @ qh", "dk = dscores @ qh"
    ),
    "embedding: dwte[ids] += dout loses repeated tokens": _swap(
        "ex_12_1_embedding",
        "np.add.at(dwte, ids.reshape(-1), dout.reshape(-1, d))",
        "dwte[ids.reshape(-1)] += dout.reshape(-1, d)",
    ),
    "embedding: dwpe is the mean over the batch": _swap(
        "ex_12_1_embedding",
        "dout.reshape(-1, T, d).sum(axis=0)",
        "dout.reshape(-1, T, d).mean(axis=0)",
    ),
    "cross-entropy gradient not divided by N": _swap(
        "ex_12_1_cross_entropy", "p /= targets.size", "pass"
    ),
    "cross-entropy gradient missing the -1": _swap(
        "ex_12_1_cross_entropy",
        "np.put_along_axis(p, idx, np.take_along_axis(p, idx, axis=-1) - 1.0, axis=-1)",
        "pass",
    ),
    # 12.2 training loop
    "targets not shifted": _swap(
        "ex_12_2_train",
        "y = np.stack([ids[s + 1:s + block_size + 1] for s in starts])",
        "y = np.stack([ids[s:s + block_size] for s in starts])",
    ),
    "window starts never reach the last window": _swap(
        "ex_12_2_train",
        "rng.integers(0, len(ids) - block_size, size=batch_size)",
        "rng.integers(0, len(ids) - block_size - 1, size=batch_size)",
    ),
    "no gradient clipping": _swap(
        "ex_12_2_train",
        "grads, norm = clip_grad_norm(grads, s.max_norm)",
        "norm = clip_grad_norm(grads, s.max_norm)[1]",
    ),
    "schedule off by one step": _swap(
        "ex_12_2_train", "lr = lr_schedule(step, s.max_lr", "lr = lr_schedule(step + 1, s.max_lr"
    ),
    "constant learning rate": _swap(
        "ex_12_2_train",
        "lr = lr_schedule(step, s.max_lr, s.warmup, s.steps, s.min_lr)",
        "lr = s.max_lr",
    ),
    "new generator for every batch": _swap(
        "ex_12_2_train",
        "x, y = get_batch(train_ids, s.batch_size, s.block_size, rng)",
        "x, y = get_batch(train_ids, s.batch_size, s.block_size, "
        "np.random.default_rng(s.seed + step))",
    ),
    "callback missing after the last step": _swap(
        "ex_12_2_train",
        "if callback is not None and ((step + 1) % s.eval_every == 0 or step + 1 == s.steps):",
        "if callback is not None and (step + 1) % s.eval_every == 0:",
    ),
    "norm recorded after clipping": _swap(
        "ex_12_2_train",
        'history["grad_norm"].append(norm)',
        'history["grad_norm"].append(min(norm, s.max_norm))',
    ),
    # 12.3 evaluation
    "evaluate ignores from_pos": _swap(
        "ex_12_3_evaluate", "scored = y[:, from_pos:]", "scored = y"
    ),
    "evaluate averages batch means without weights": _swap(
        "ex_12_3_evaluate",
        "total += cross_entropy(logits[:, from_pos:], scored) * scored.size\n"
        "        count += scored.size",
        "total += cross_entropy(logits[:, from_pos:], scored)\n        count += 1",
    ),
    "evaluate drops the last window that fits": _swap(
        "ex_12_3_evaluate", "np.arange(0, len(ids) - T, T)", "np.arange(0, len(ids) - T - 1, T)"
    ),
    "overfitting measured on the wrong split": _swap(
        "ex_12_3_overfit",
        "tiny_val_loss = evaluate(tiny_params, val_ids, 2, 16)",
        "tiny_val_loss = evaluate(tiny_params, train_ids[600:4600], 2, 16)",
    ),
    # 12.5 bigram
    "bigram entropy of the joint instead of the conditional": _swap(
        "ex_12_5_bigram",
        "np.log((counts / np.maximum(rows, 1))[nz])",
        "np.log((counts / counts.sum())[nz])",
    ),
    "tied bigram: only the output path of dE": _swap(
        "ex_12_5_bigram", "dE = dlogits.T @ H + dH @ W.T", "dE = dlogits.T @ H"
    ),
    "tied bigram: only the input path of dE": _swap(
        "ex_12_5_bigram", "dE = dlogits.T @ H + dH @ W.T", "dE = dH @ W.T"
    ),
    "tied bigram: W initialised before E": _swap(
        "ex_12_5_bigram",
        'p = {"E": rng.normal(0, 0.1, (vocab_size, d)), "W": rng.normal(0, 0.1, (d, d)), '
        '"b": np.zeros(d)}',
        "W0 = rng.normal(0, 0.1, (d, d))\n"
        '    p = {"E": rng.normal(0, 0.1, (vocab_size, d)), "W": W0, "b": np.zeros(d)}',
    ),
    # 12.6 capstone
    "capstone evaluated on the training text": _swap(
        "ex_12_6_capstone",
        "capstone_val_loss = evaluate(capstone_params, val_ids,",
        "capstone_val_loss = evaluate(capstone_params, train_ids[:len(val_ids)],",
    ),
    # 12.7 generation
    "generation without cropping the context": _swap(
        "ex_12_7_generate",
        "context = np.array(ids[-block_size:])[None, :]",
        "context = np.array(ids)[None, :]",
    ),
    "generation ignores top_k and top_p": _swap(
        "ex_12_7_generate",
        "probs = filter_probs(logits, temperature, top_k, top_p)",
        "probs = filter_probs(logits, temperature)",
    ),
    "generation samples from the first position's logits": _swap(
        "ex_12_7_generate",
        "logits = gpt_forward(params, context, n_heads)[0][0, -1]",
        "logits = gpt_forward(params, context, n_heads)[0][0, 0]",
    ),
    "generation uses numpy's global random state": _swap(
        "ex_12_7_generate",
        "next_id = int(rng.choice(len(probs), p=probs))",
        "next_id = int(np.random.choice(len(probs), p=probs))",
    ),
    "generation ignores eos_id": _swap(
        "ex_12_7_generate", "        if next_id == eos_id:", "        if False:"
    ),
    "generation stops before emitting the EOS (the EOS is left out)": _swaps(
        "ex_12_7_generate",
        (
            "        ids.append(next_id)\n        if next_id == eos_id:",
            "        if next_id == eos_id:",
        ),
        ("            break\n", "            break\n        ids.append(next_id)\n"),
    ),
    "generation checks for EOS only when sampling, not when greedy": _swaps(
        "ex_12_7_generate",
        (
            "        ids.append(next_id)\n        if next_id == eos_id:",
            "        ids.append(next_id)\n        if temperature != 0 and next_id == eos_id:",
        ),
    ),
    "generation tests `if eos_id and ...`, so EOS id 0 never stops it": _swap(
        "ex_12_7_generate", "if next_id == eos_id:", "if eos_id and next_id == eos_id:"
    ),
    "generation checks the last id (prompt included) before drawing, so a prompt ending in EOS "
    "generates nothing": _swaps(
        "ex_12_7_generate",
        (
            "    for _ in range(n_new):\n",
            "    for _ in range(n_new):\n        if ids[-1] == eos_id:\n            break\n",
        ),
        (
            "        if next_id == eos_id:  # EOS is kept in the output, then generation stops\n"
            "            break\n",
            "",
        ),
    ),
    "generation does not count the EOS in n_new (one token too many)": _swap(
        "ex_12_7_generate",
        "for _ in range(n_new):",
        "for _ in range(n_new + (eos_id is not None)):",
    ),
    # 12.8 epoch-based batches
    "epoch stream drawing random windows instead of a permutation": _swap(
        "ex_12_8_epochs",
        "queue = np.concatenate([queue, rng.permutation(n_windows)])",
        "queue = np.concatenate([queue, rng.integers(0, n_windows, size=n_windows)])",
    ),
    "epoch stream reusing the first epoch's order every epoch": _swaps(
        "ex_12_8_epochs",
        (
            "    queue = np.empty(0, dtype=int)\n",
            "    queue = np.empty(0, dtype=int)\n    first = rng.permutation(n_windows)\n",
        ),
        ("rng.permutation(n_windows)])", "first])"),
    ),
    "epoch stream dropping the windows left at the end of an epoch": _swap(
        "ex_12_8_epochs",
        "queue = np.concatenate([queue, rng.permutation(n_windows)])",
        "queue = rng.permutation(n_windows)",
    ),
    "epoch stream with overlapping windows (stride 1)": _swap(
        "ex_12_8_epochs",
        "starts = np.arange(n_windows) * block_size",
        "starts = np.arange(n_windows)",
    ),
    "epoch stream over the whole text instead of the first n_windows windows": _swaps(
        "ex_12_8_epochs",
        ("starts = np.arange(n_windows) * block_size", "starts = np.arange(fit) * block_size"),
        ("rng.permutation(n_windows)", "rng.permutation(fit)"),
    ),
    "epoch stream without the size check (last window's target past the end)": _swap(
        "ex_12_8_epochs", "fit = (len(ids) - 1) // block_size", "fit = len(ids) // block_size"
    ),
    # 12.9 input noising
    "noising modifies x in place": _swap(
        "ex_12_9_noise",
        "return np.where(r < p, u, x)",
        "x[r < p] = u[r < p]\n    return x",
    ),
    "noising keeps with probability p instead of replacing": _swap(
        "ex_12_9_noise", "np.where(r < p, u, x)", "np.where(r < 1 - p, u, x)"
    ),
    "noising draws the random ids before the coin flips": _swaps(
        "ex_12_9_noise",
        ("    r = rng.random(np.shape(x))\n", ""),
        (
            "    u = rng.integers(0, vocab_size, size=np.shape(x))\n",
            "    u = rng.integers(0, vocab_size, size=np.shape(x))\n"
            "    r = rng.random(np.shape(x))\n",
        ),
    ),
    "noising never draws the last id (vocab_size - 1)": _swap(
        "ex_12_9_noise", "rng.integers(0, vocab_size,", "rng.integers(0, vocab_size - 1,"
    ),
    "noising without validating p": _swap("ex_12_9_noise", "if not 0 <= p < 1:", "if False:"),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "linear: db summed over the first axis only": (
        "summing db over the first axis only instead of over every axis but the last"
    ),
    "linear: dw from the un-flattened batch (last batch row only)": (
        "computing dw from the last batch element only instead of flattening all leading axes"
    ),
    "layernorm: variance treated as a constant": (
        "treating the variance as a constant (no xhat * mean(ghat * xhat) term)"
    ),
    "layernorm: mean treated as a constant": (
        "treating the mean as a constant (no mean(ghat) subtracted)"
    ),
    "layernorm: dg without xhat": "dg as the sum of dout, without multiplying by xhat",
    "gelu: product rule forgotten": (
        "only the 0.5 (1 + tanh u) term: the product rule's 0.5 x (1 - tanh^2 u) u' is missing"
    ),
    "gelu: derivative of the cubic term missing": (
        "u' without the derivative of the cubic term (the 3 * 0.044715 x^2 part)"
    ),
    "attention: 1/sqrt(d_head) forgotten in the backward pass": (
        "not multiplying dscores by 1/sqrt(d_head) in the backward pass"
    ),
    "attention: softmax backward without the row-sum term": (
        "softmax backward as P * dP, without subtracting P * rowsum(P * dP)"
    ),
    "attention: dk not transposed": "dk = dscores @ qh instead of dscores transposed @ qh",
    "embedding: dwte[ids] += dout loses repeated tokens": (
        "dwte[ids] += dout, which keeps one update per repeated token (np.add.at adds them all)"
    ),
    "embedding: dwpe is the mean over the batch": (
        "averaging dwpe over the batch instead of summing"
    ),
    "cross-entropy gradient not divided by N": (
        "not dividing the gradient by the number of targets"
    ),
    "cross-entropy gradient missing the -1": (
        "softmax(logits) without subtracting 1 at each target"
    ),
    "targets not shifted": "y equal to x instead of x shifted by one token",
    "window starts never reach the last window": (
        "starts drawn below len(ids) - block_size - 1, so the last window is never drawn"
    ),
    "no gradient clipping": "computing the clipped gradients but updating with the unclipped ones",
    "schedule off by one step": "lr_schedule(step + 1, ...) instead of lr_schedule(step, ...)",
    "constant learning rate": "a constant learning rate (max_lr) instead of lr_schedule",
    "new generator for every batch": (
        "a new generator for every batch instead of one rng made from the seed"
    ),
    "callback missing after the last step": (
        "no callback after the last step when steps is not a multiple of eval_every"
    ),
    "norm recorded after clipping": "recording the norm after clipping instead of before",
    "evaluate ignores from_pos": "scoring every position, ignoring from_pos",
    "evaluate averages batch means without weights": (
        "averaging the chunks' means without weighting them by their number of tokens"
    ),
    "evaluate drops the last window that fits": (
        "stopping one window early: the last window that fits is left out"
    ),
    "overfitting measured on the wrong split": (
        "measuring tiny_val_loss on training text instead of val_ids"
    ),
    "bigram entropy of the joint instead of the conditional": (
        "dividing the counts by the grand total instead of by each row's total (the joint "
        "instead of the conditional)"
    ),
    "tied bigram: only the output path of dE": (
        "only the output path of dE (dlogits.T @ H), without dH @ W.T"
    ),
    "tied bigram: only the input path of dE": (
        "only the input path of dE (dH @ W.T), without dlogits.T @ H"
    ),
    "tied bigram: W initialised before E": (
        "drawing W before E from the generator (the order changes the initial values)"
    ),
    "capstone evaluated on the training text": ("evaluating on training text instead of val_ids"),
    "generation without cropping the context": (
        "not cropping the context to the last block_size tokens"
    ),
    "generation ignores top_k and top_p": "not passing top_k and top_p to filter_probs",
    "generation samples from the first position's logits": (
        "sampling from the first position's logits instead of the last"
    ),
    "generation uses numpy's global random state": (
        "np.random.choice (numpy's global generator) instead of the rng made from seed"
    ),
    "generation ignores eos_id": "not stopping when eos_id is drawn",
    "generation stops before emitting the EOS (the EOS is left out)": (
        "stopping at EOS without putting it in the output"
    ),
    "generation checks for EOS only when sampling, not when greedy": (
        "stopping at EOS only when sampling, not when temperature=0"
    ),
    "generation tests `if eos_id and ...`, so EOS id 0 never stops it": (
        "`if eos_id and ...`, so an EOS id of 0 never stops generation"
    ),
    "generation checks the last id (prompt included) before drawing, so a prompt ending in EOS "
    "generates nothing": (
        "checking the last id (the prompt's included) before drawing, so a prompt that ends in "
        "EOS generates nothing"
    ),
    "generation does not count the EOS in n_new (one token too many)": (
        "drawing one token more than n_new when eos_id is given"
    ),
    "epoch stream drawing random windows instead of a permutation": (
        "drawing random windows (with repeats) instead of a permutation of all of them"
    ),
    "epoch stream reusing the first epoch's order every epoch": (
        "the same order every epoch instead of a new permutation"
    ),
    "epoch stream dropping the windows left at the end of an epoch": (
        "dropping the windows still queued at the end of an epoch"
    ),
    "epoch stream with overlapping windows (stride 1)": (
        "window starts 0, 1, 2, ... (stride 1) instead of multiples of block_size"
    ),
    "epoch stream over the whole text instead of the first n_windows windows": (
        "every window that fits instead of only the first n_windows"
    ),
    "epoch stream without the size check (last window's target past the end)": (
        "len(ids) // block_size windows, so the last window's target can run past the end"
    ),
    "noising modifies x in place": "changing x in place instead of returning a copy",
    "noising keeps with probability p instead of replacing": (
        "replacing with probability 1 - p instead of p"
    ),
    "noising draws the random ids before the coin flips": (
        "drawing the random ids before the coin flips (the draw order changes the result)"
    ),
    "noising never draws the last id (vocab_size - 1)": (
        "rng.integers(0, vocab_size - 1), which never draws vocab_size - 1"
    ),
    "noising without validating p": "no ValueError for p outside [0, 1)",
}
