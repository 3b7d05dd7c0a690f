"""ch11_gpt_model: wrong answers students plausibly write; each must lose points.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``);
``_swaps`` applies several such checked edits to one cell. The delegating mutants append an
override to the reference solution.
"""

from __future__ import annotations

import functools

from tests.mutants import solutions, swap, swaps

_CH = "ch11_gpt_model"
_swap = functools.partial(swap, _CH)


_swaps = functools.partial(swaps, _CH)


def _append(grade_id: str, extra: str) -> dict[str, str]:
    """The reference solution followed by ``extra`` (e.g. an override that delegates)."""
    return {grade_id: solutions(_CH)[grade_id] + extra}


_B = "ex_11_1_block"
_G = "ex_11_2_gpt"
_T = "ex_11_3_tied"
_C = "ex_11_4_count"
_E = "ex_11_5_encoder"
_L = "ex_11_6_load"
_S = "ex_11_7_generate"
_K = "ex_11_11_check_model"

_ATTN_RESIDUAL = 'x = x + self.attention(layer_norm(x, p["ln1_g"], p["ln1_b"]), causal)'
_GPT_EMBED = "x = self.wte[ids] + self.wpe[:T]"
_GPT_OUT = "return self.head(layer_norm(x, self.lnf_g, self.lnf_b))"

MUTANTS = {
    # 11.1 Block
    "post-LN block (LayerNorm after the residual add)": _swap(
        _B,
        _ATTN_RESIDUAL + '\n        return x + self.mlp(layer_norm(x, p["ln2_g"], p["ln2_b"]))',
        'x = layer_norm(x + self.attention(x, causal), p["ln1_g"], p["ln1_b"])\n'
        '        return layer_norm(x + self.mlp(x), p["ln2_g"], p["ln2_b"])',
    ),
    "exact erf GELU instead of GPT-2's tanh approximation": _swap(
        _B,
        'return gelu(h @ p["w_fc"] + p["b_fc"]) @ p["w_proj"] + p["b_proj"]',
        "from math import erf as _erf\n"
        '        a = h @ p["w_fc"] + p["b_fc"]\n'
        "        a = 0.5 * a * (1 + np.vectorize(_erf)(a / np.sqrt(2)))\n"
        '        return a @ p["w_proj"] + p["b_proj"]',
    ),
    "ReLU instead of GELU": _swap(
        _B, 'gelu(h @ p["w_fc"] + p["b_fc"])', 'np.maximum(h @ p["w_fc"] + p["b_fc"], 0)'
    ),
    "scores scaled by sqrt(d_model) instead of sqrt(d_head)": _swap(
        _B, "/ np.sqrt(dh)", "/ np.sqrt(self.d_model)"
    ),
    "scores not scaled": _swap(_B, " / np.sqrt(dh)", ""),
    "no causal mask": _swap(_B, "if causal:", "if False:"),
    "mask includes the diagonal (k=0)": _swap(
        _B, "np.ones((T, T), dtype=bool), k=1)", "np.ones((T, T), dtype=bool), k=0)"
    ),
    "mask applied by zeroing probabilities without renormalising": _swap(
        _B,
        "scores = np.where(future, -np.inf, scores)",
        "return np.where(future, 0.0, softmax(scores, axis=-1))",
    ),
    "heads split as reshape(H, T, dh)": _swap(
        _B, ".reshape(T, H, dh).transpose(1, 0, 2)", ".reshape(H, T, dh)", count=2
    ),
    "heads merged without transposing back": _swap(
        _B,
        "heads.transpose(1, 0, 2).reshape(T, self.d_model)",
        "heads.reshape(T, self.d_model)",
    ),
    "missing attention residual": _swap(
        _B, _ATTN_RESIDUAL, 'x = self.attention(layer_norm(x, p["ln1_g"], p["ln1_b"]), causal)'
    ),
    "attention ignores the value bias": _swap(_B, '(h @ p["w_v"] + p["b_v"])', '(h @ p["w_v"])'),
    "Block.forward delegates to the course's reference code": _append(
        _B,
        "\n\ndef _delegating_forward(self, x, causal=True):\n"
        "    from course.reference import gpt as reference\n"
        "    return reference.block_forward(self.p, x[None], self.n_heads, causal)[0][0]\n\n\n"
        "Block.forward = _delegating_forward\n",
    ),
    # 11.2 GPT
    "no position embeddings": _swap(_G, _GPT_EMBED, "x = self.wte[ids]"),
    "positions indexed by token id": _swap(
        _G, _GPT_EMBED, "x = self.wte[ids] + self.wpe[ids % self.config.block_size]"
    ),
    "no final LayerNorm": _swap(_G, _GPT_OUT, "return self.head(x)"),
    "head hard-wired to wte.T (ignores w_head)": _swap(
        _G, _GPT_OUT, "return layer_norm(x, self.lnf_g, self.lnf_b) @ self.wte.T"
    ),
    "GPT.forward delegates to the course's reference code": _append(
        _G,
        "\n\ndef _delegating_forward(self, ids, causal=True):\n"
        "    from course.reference import gpt as reference\n"
        "    if len(ids) > self.config.block_size:\n"
        "        raise ValueError('too long')\n"
        "    logits, _ = reference.gpt_forward(self.parameters(), np.asarray(ids)[None],\n"
        "                                      self.config.n_heads, causal)\n"
        "    return logits[0]\n\n\n"
        "GPT.forward = _delegating_forward\n",
    ),
    "causal flag not passed to the blocks": _swap(
        _G, "x = block.forward(x, causal)", "x = block.forward(x)"
    ),
    # 11.3 tying
    "tied by copying wte.T at construction time": _swaps(
        _T,
        ("self.w_head = None", "self.w_head = self.wte.T.copy()"),
        ("return h @ self.wte.T", "return h @ self.w_head"),
    ),
    "tied head but the separate head is still stored": _swap(_T, "self.w_head = None", "pass"),
    # 11.4 counting
    "count without biases": _swap(
        _C,
        "attn = 4 * (d * d + d)\n    mlp = d * 4 * d + 4 * d + 4 * d * d + d",
        "attn = 4 * d * d\n    mlp = 8 * d * d",
    ),
    "count the head even when tied": _swap(_C, "head = 0 if tied else d * V", "head = d * V"),
    "count without the final LayerNorm": _swap(
        _C, "L * per_block + ln + head", "L * per_block + head"
    ),
    "count with one LayerNorm per block": _swap(
        _C, "per_block = 2 * ln + attn + mlp", "per_block = ln + attn + mlp"
    ),
    "count by building the model": {
        _C: "def count_params(config, tied=True):\n"
        "    model = TiedGPT(config) if tied else GPT(config)\n"
        "    return int(sum(a.size for a in model.parameters().values()))\n"
    },
    # 11.5 encoder
    "encoder_forward keeps the causal mask": _swap(
        _E, "x = block.forward(x, causal=False)", "x = block.forward(x)"
    ),
    "encoder_forward returns logits": _swap(
        _E,
        "return layer_norm(x, model.lnf_g, model.lnf_b)",
        "return model.head(layer_norm(x, model.lnf_g, model.lnf_b))",
    ),
    "attention_pattern always reads block 0's input": _swap(
        _E, "for block in model.blocks[:layer]:", "for block in model.blocks[:0]:"
    ),
    "attention_pattern without ln_1": _swap(
        _E,
        'block.attention_probs(layer_norm(x, block.p["ln1_g"], block.p["ln1_b"]), causal)',
        "block.attention_probs(x, causal)",
    ),
    "encoder_forward delegates to the course's reference code": _append(
        _E,
        "\n\ndef encoder_forward(model, ids):\n"
        "    from course.reference import gpt as reference\n"
        "    ids = np.asarray(ids)\n"
        "    x = (model.wte[ids] + model.wpe[: len(ids)])[None]\n"
        "    for block in model.blocks:\n"
        "        x = reference.block_forward(block.p, x, block.n_heads, causal=False)[0]\n"
        "    return layer_norm(x[0], model.lnf_g, model.lnf_b)\n",
    ),
    # 11.6 loading
    "c_attn split as k, q, v": _swap(
        _L, 'p["w_q"], p["w_k"], p["w_v"] = np.split', 'p["w_k"], p["w_q"], p["w_v"] = np.split'
    ),
    "c_proj transposed as if it were nn.Linear": _swap(
        _L,
        'p["w_o"] = fetch(pre + "attn.c_proj.weight", (d, d))',
        'p["w_o"] = fetch(pre + "attn.c_proj.weight", (d, d)).T',
    ),
    "attention biases not loaded": _swap(
        _L,
        'p["b_q"], p["b_k"], p["b_v"] = np.split(fetch(pre + "attn.c_attn.bias", (3 * d,)), 3)',
        "pass",
    ),
    "LayerNorm weight and bias swapped": _swap(
        _L,
        '"ln_1.weight", (d,))\n        p["ln1_b"] = fetch(pre + "ln_1.bias", (d,))',
        '"ln_1.bias", (d,))\n        p["ln1_b"] = fetch(pre + "ln_1.weight", (d,))',
    ),
    "no shape check (numpy reshapes silently)": _swap(
        _L, "if array.shape != tuple(expected_shape):", "if False:"
    ),
    "error message does not name the parameter": _swap(
        _L, 'raise ValueError(f"{name}: checkpoint shape', 'raise ValueError(f"checkpoint shape'
    ),
    "untied head left random": _swap(_L, "model.w_head = model.wte.T.copy()", "pass"),
    # 11.7 generation
    "every cached step uses position 0": _swap(
        _S,
        "x = model.wte[token_id] + model.wpe[pos]",
        "x = model.wte[token_id] + model.wpe[0]",
    ),
    "cached step attends only to the newest key": _swaps(
        _S,
        ("t = len(cache)\n        keys = cache.keys", "t = 1\n        keys = cache.keys[-1:]"),
        ("values = cache.values.reshape", "values = cache.values[-1:].reshape"),
    ),
    "generation feeds back the logit instead of the token id": _swap(
        _S,
        "token = int(np.argmax(logits))",
        "token = int(np.max(logits)) % model.config.vocab_size",
    ),
    "generation off by one position": _swap(
        _S, "len(prompt) + len(new) - 1, caches)", "len(prompt) + len(new), caches)"
    ),
    "no length check in generation": _swap(
        _S, "if len(prompt) + n_new > model.config.block_size:", "if False:"
    ),
    # 11.11 checklist
    "check_model without the causal check": _swap(_K, "assert leak < 1e-9, (", "assert True, ("),
    "check_model without the cache check": _swap(
        _K, 'assert gap < 1e-8, f"cache:', 'assert True, f"cache:'
    ),
    "check_model without the divisibility check": _swap(
        _K, "assert c.d_model % c.n_heads == 0, (", "assert True, ("
    ),
    "check_model without the shape check": _swap(
        _K, "assert logits.shape == (T, c.vocab_size), (", "assert True, ("
    ),
    "check_model compares only the last cached position": _swap(
        _K,
        "gap = float(np.max(np.abs(cached - logits)))",
        "gap = float(np.max(np.abs(cached[-1] - logits[-1])))",
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
_DELEGATES = "calling the course's reference code (course.reference) instead of your own"
WORDS = {
    "post-LN block (LayerNorm after the residual add)": (
        "LayerNorm after each residual add (post-LN) instead of on the branch input: "
        "x + attention(ln_1(x))"
    ),
    "exact erf GELU instead of GPT-2's tanh approximation": (
        "the exact erf GELU instead of gelu (GPT-2's tanh approximation)"
    ),
    "ReLU instead of GELU": "ReLU instead of GELU in the MLP",
    "scores scaled by sqrt(d_model) instead of sqrt(d_head)": (
        "dividing the scores by sqrt(d_model) instead of sqrt(d_head)"
    ),
    "scores not scaled": "not dividing the scores by sqrt(d_head)",
    "no causal mask": "never applying the causal mask",
    "mask includes the diagonal (k=0)": "masking the diagonal too (k=0): a token cannot see itself",
    "mask applied by zeroing probabilities without renormalising": (
        "zeroing the future weights after the softmax, so the rows no longer sum to 1"
    ),
    "heads split as reshape(H, T, dh)": "a plain reshape to (H, T, dh) without the transpose",
    "heads merged without transposing back": (
        "merging the heads with a plain reshape, without transposing back to (T, H, dh) first"
    ),
    "missing attention residual": (
        "x = attention(...) instead of x = x + attention(...) (the residual add is missing)"
    ),
    "attention ignores the value bias": "leaving out the value bias b_v",
    "Block.forward delegates to the course's reference code": _DELEGATES,
    "no position embeddings": "leaving out the position embeddings wpe",
    "positions indexed by token id": (
        "indexing wpe by the token ids instead of by the positions 0..T-1"
    ),
    "no final LayerNorm": "skipping the final LayerNorm before the head",
    "head hard-wired to wte.T (ignores w_head)": (
        "multiplying by wte.T instead of calling self.head (GPT's head is w_head)"
    ),
    "GPT.forward delegates to the course's reference code": _DELEGATES,
    "causal flag not passed to the blocks": "not passing causal on to the blocks",
    "tied by copying wte.T at construction time": (
        "storing a copy of wte.T in w_head instead of using wte itself"
    ),
    "tied head but the separate head is still stored": (
        "keeping the separate w_head array in the tied model"
    ),
    "count without biases": "leaving out the biases",
    "count the head even when tied": "counting the head's d*V even when it is tied",
    "count without the final LayerNorm": "leaving out the final LayerNorm (2d)",
    "count with one LayerNorm per block": "one LayerNorm per block instead of two",
    "count by building the model": (
        "building the model and counting its arrays instead of computing from the shapes"
    ),
    "encoder_forward keeps the causal mask": (
        "keeping the causal mask in the encoder (the blocks need causal=False)"
    ),
    "encoder_forward returns logits": (
        "returning logits (through the head) instead of the hidden states"
    ),
    "attention_pattern always reads block 0's input": (
        "not running the blocks before `layer`, so every layer sees the embeddings"
    ),
    "attention_pattern without ln_1": ("passing x to attention_probs without the block's ln_1"),
    "encoder_forward delegates to the course's reference code": _DELEGATES,
    "c_attn split as k, q, v": "splitting c_attn's columns as k, q, v instead of q, k, v",
    "c_proj transposed as if it were nn.Linear": (
        "transposing attn.c_proj.weight (GPT-2's Conv1D weights are already [in, out])"
    ),
    "attention biases not loaded": "not loading the attention biases (attn.c_attn.bias)",
    "LayerNorm weight and bias swapped": (
        "loading ln_1.weight into the bias and ln_1.bias into the gain"
    ),
    "no shape check (numpy reshapes silently)": (
        "no ValueError when a checkpoint array has the wrong shape"
    ),
    "error message does not name the parameter": (
        "an error message that does not name the parameter"
    ),
    "untied head left random": (
        "leaving an untied model's w_head random instead of copying wte.T into it"
    ),
    "every cached step uses position 0": "adding wpe[0] at every step instead of wpe[pos]",
    "cached step attends only to the newest key": (
        "attending only to the newest key and value instead of the whole cache"
    ),
    "generation feeds back the logit instead of the token id": (
        "feeding back the largest logit's value instead of its index (argmax)"
    ),
    "generation off by one position": "giving each generated token a position one too far",
    "no length check in generation": (
        "no ValueError when the prompt plus n_new tokens exceed block_size"
    ),
    "check_model without the causal check": (
        "not checking the causal mask: a model whose future tokens leak passes"
    ),
    "check_model without the cache check": (
        "not comparing the cached logits with the recomputed ones"
    ),
    "check_model without the divisibility check": (
        "not checking that d_model is divisible by n_heads"
    ),
    "check_model without the shape check": "not checking the shape of the logits",
    "check_model compares only the last cached position": (
        "comparing only the last position's cached logits instead of every position's"
    ),
}
