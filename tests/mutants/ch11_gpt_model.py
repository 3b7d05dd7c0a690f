"""ch11_gpt_model: wrong answers students plausibly write; each must lose points.

Most mutants are the reference answer with one line changed (``_swap`` fails loudly if the line it
edits disappears, so a mutant can never silently become the correct answer).
"""

from __future__ import annotations


def _swap(source: str, old: str, new: str) -> str:
    if old not in source:
        raise ValueError(f"mutant anchor not found: {old!r}")
    return source.replace(old, new)


BLOCK = """
class Block:
    def __init__(self, d_model, n_heads, rng=None):
        if d_model % n_heads != 0:
            raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}")
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.p = init_block_params(d_model, np.random.default_rng(0) if rng is None else rng)

    def attention_probs(self, h, causal=True):
        p, T = self.p, h.shape[0]
        H, dh = self.n_heads, self.d_head
        q = (h @ p["w_q"] + p["b_q"]).reshape(T, H, dh).transpose(1, 0, 2)
        k = (h @ p["w_k"] + p["b_k"]).reshape(T, H, dh).transpose(1, 0, 2)
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
        if causal:
            future = np.triu(np.ones((T, T), dtype=bool), k=1)
            scores = np.where(future, -np.inf, scores)
        return softmax(scores, axis=-1)

    def attention(self, h, causal=True):
        p, T = self.p, h.shape[0]
        v = (h @ p["w_v"] + p["b_v"]).reshape(T, self.n_heads, self.d_head).transpose(1, 0, 2)
        heads = self.attention_probs(h, causal) @ v
        merged = heads.transpose(1, 0, 2).reshape(T, self.d_model)
        return merged @ p["w_o"] + p["b_o"]

    def mlp(self, h):
        p = self.p
        return gelu(h @ p["w_fc"] + p["b_fc"]) @ p["w_proj"] + p["b_proj"]

    def forward(self, x, causal=True):
        p = self.p
        x = x + self.attention(layer_norm(x, p["ln1_g"], p["ln1_b"]), causal)
        return x + self.mlp(layer_norm(x, p["ln2_g"], p["ln2_b"]))
"""

GPT_CLASS = """
class GPT:
    def __init__(self, config, rng=None):
        rng = np.random.default_rng(0) if rng is None else rng
        c = self.config = config
        self.wte = rng.normal(0, 0.02, (c.vocab_size, c.d_model))
        self.wpe = rng.normal(0, 0.01, (c.block_size, c.d_model))
        self.blocks = [Block(c.d_model, c.n_heads, rng) for _ in range(c.n_layers)]
        self.lnf_g, self.lnf_b = np.ones(c.d_model), np.zeros(c.d_model)
        self.w_head = rng.normal(0, 0.02, (c.d_model, c.vocab_size))

    def parameters(self):
        params = {"wte": self.wte, "wpe": self.wpe}
        for i, block in enumerate(self.blocks):
            params.update({f"blocks.{i}.{k}": v for k, v in block.p.items()})
        params.update({"lnf_g": self.lnf_g, "lnf_b": self.lnf_b})
        if self.w_head is not None:
            params["w_head"] = self.w_head
        return params

    def head(self, h):
        return h @ self.w_head

    def forward(self, ids, causal=True):
        ids = np.asarray(ids)
        T = len(ids)
        if T > self.config.block_size:
            raise ValueError("too long")
        x = self.wte[ids] + self.wpe[:T]
        for block in self.blocks:
            x = block.forward(x, causal)
        return self.head(layer_norm(x, self.lnf_g, self.lnf_b))
"""

TIED = """
class TiedGPT(GPT):
    def __init__(self, config, rng=None):
        super().__init__(config, rng)
        self.w_head = None

    def head(self, h):
        return h @ self.wte.T
"""

COUNT = """
def count_params(config, tied=True):
    V, T, d, L = config.vocab_size, config.block_size, config.d_model, config.n_layers
    ln = 2 * d
    attn = 4 * (d * d + d)
    mlp = d * 4 * d + 4 * d + 4 * d * d + d
    per_block = 2 * ln + attn + mlp
    head = 0 if tied else d * V
    return int(V * d + T * d + L * per_block + ln + head)
"""

ENCODER = """
def encoder_forward(model, ids):
    ids = np.asarray(ids)
    x = model.wte[ids] + model.wpe[: len(ids)]
    for block in model.blocks:
        x = block.forward(x, causal=False)
    return layer_norm(x, model.lnf_g, model.lnf_b)


def attention_pattern(model, ids, layer, causal):
    ids = np.asarray(ids)
    x = model.wte[ids] + model.wpe[: len(ids)]
    for block in model.blocks[:layer]:
        x = block.forward(x, causal)
    block = model.blocks[layer]
    return block.attention_probs(layer_norm(x, block.p["ln1_g"], block.p["ln1_b"]), causal)
"""

LOAD = """
def load_gpt2_weights(model, state):
    def fetch(name, expected_shape):
        if name not in state:
            raise KeyError(f"checkpoint has no parameter {name!r}")
        array = np.array(state[name], dtype=np.float64)
        if array.shape != tuple(expected_shape):
            raise ValueError(f"{name}: shape {array.shape}, expected {tuple(expected_shape)}")
        return array

    d = model.config.d_model
    model.wte = fetch("wte.weight", model.wte.shape)
    model.wpe = fetch("wpe.weight", model.wpe.shape)
    for i, block in enumerate(model.blocks):
        p, pre = block.p, f"h.{i}."
        p["ln1_g"] = fetch(pre + "ln_1.weight", (d,))
        p["ln1_b"] = fetch(pre + "ln_1.bias", (d,))
        qkv = fetch(pre + "attn.c_attn.weight", (d, 3 * d))
        p["w_q"], p["w_k"], p["w_v"] = np.split(qkv, 3, axis=1)
        p["b_q"], p["b_k"], p["b_v"] = np.split(fetch(pre + "attn.c_attn.bias", (3 * d,)), 3)
        p["w_o"] = fetch(pre + "attn.c_proj.weight", (d, d))
        p["b_o"] = fetch(pre + "attn.c_proj.bias", (d,))
        p["ln2_g"] = fetch(pre + "ln_2.weight", (d,))
        p["ln2_b"] = fetch(pre + "ln_2.bias", (d,))
        p["w_fc"] = fetch(pre + "mlp.c_fc.weight", (d, 4 * d))
        p["b_fc"] = fetch(pre + "mlp.c_fc.bias", (4 * d,))
        p["w_proj"] = fetch(pre + "mlp.c_proj.weight", (4 * d, d))
        p["b_proj"] = fetch(pre + "mlp.c_proj.bias", (d,))
    model.lnf_g = fetch("ln_f.weight", (d,))
    model.lnf_b = fetch("ln_f.bias", (d,))
    if model.w_head is not None:
        model.w_head = model.wte.T.copy()
    return model
"""

GENERATE = """
def gpt_step(model, token_id, pos, caches):
    x = model.wte[token_id] + model.wpe[pos]
    for block, cache in zip(model.blocks, caches):
        p, H, dh = block.p, block.n_heads, block.d_head
        h = layer_norm(x, p["ln1_g"], p["ln1_b"])
        q = h @ p["w_q"] + p["b_q"]
        cache.append(h @ p["w_k"] + p["b_k"], h @ p["w_v"] + p["b_v"])
        t = len(cache)
        keys = cache.keys.reshape(t, H, dh).transpose(1, 0, 2)
        values = cache.values.reshape(t, H, dh).transpose(1, 0, 2)
        scores = np.einsum("hd,htd->ht", q.reshape(H, dh), keys) / np.sqrt(dh)
        heads = np.einsum("ht,htd->hd", softmax(scores, axis=-1), values)
        x = x + heads.reshape(-1) @ p["w_o"] + p["b_o"]
        x = x + block.mlp(layer_norm(x, p["ln2_g"], p["ln2_b"]))
    return model.head(layer_norm(x, model.lnf_g, model.lnf_b)[None, :])[0]


def generate_cached(model, prompt_ids, n_new):
    prompt = [int(t) for t in prompt_ids]
    if len(prompt) + n_new > model.config.block_size:
        raise ValueError("too long")
    caches = [KVCache() for _ in model.blocks]
    for pos, token in enumerate(prompt):
        logits = gpt_step(model, token, pos, caches)
    new = []
    for _ in range(n_new):
        token = int(np.argmax(logits))
        new.append(token)
        logits = gpt_step(model, token, len(prompt) + len(new) - 1, caches)
    return new
"""

CHECK = """
def check_model(model, step=None):
    step = gpt_step if step is None else step
    c = model.config
    assert c.d_model % c.n_heads == 0, "d_model is not divisible by n_heads"
    T = min(c.block_size, 8)
    ids = np.random.default_rng(0).integers(0, c.vocab_size, size=T)
    logits = np.asarray(model.forward(ids))
    assert logits.shape == (T, c.vocab_size), "wrong shape"
    half = T // 2
    changed = ids.copy()
    changed[half:] = (changed[half:] + 1) % c.vocab_size
    leak = float(np.max(np.abs(np.asarray(model.forward(changed))[:half] - logits[:half])))
    assert leak < 1e-9, "causal mask broken"
    caches = [KVCache() for _ in model.blocks]
    cached = np.stack([step(model, int(t), pos, caches) for pos, t in enumerate(ids)])
    gap = float(np.max(np.abs(cached - logits)))
    assert gap < 1e-8, "cache mismatch"
    return True
"""

_B = "ex_11_1_block"
_G = "ex_11_2_gpt"
_T = "ex_11_3_tied"
_C = "ex_11_4_count"
_E = "ex_11_5_encoder"
_L = "ex_11_6_load"
_S = "ex_11_7_generate"
_K = "ex_11_11_check_model"

MUTANTS = {
    # 11.1 Block
    "post-LN block (LayerNorm after the residual add)": {
        _B: _swap(
            _swap(
                BLOCK,
                'x = x + self.attention(layer_norm(x, p["ln1_g"], p["ln1_b"]), causal)',
                'x = layer_norm(x + self.attention(x, causal), p["ln1_g"], p["ln1_b"])',
            ),
            'return x + self.mlp(layer_norm(x, p["ln2_g"], p["ln2_b"]))',
            'return layer_norm(x + self.mlp(x), p["ln2_g"], p["ln2_b"])',
        )
    },
    "exact erf GELU instead of GPT-2's tanh approximation": {
        _B: "from math import erf as _erf\n"
        + _swap(
            BLOCK,
            'return gelu(h @ p["w_fc"] + p["b_fc"]) @ p["w_proj"] + p["b_proj"]',
            'a = h @ p["w_fc"] + p["b_fc"]\n'
            "        a = 0.5 * a * (1 + np.vectorize(_erf)(a / np.sqrt(2)))\n"
            '        return a @ p["w_proj"] + p["b_proj"]',
        )
    },
    "ReLU instead of GELU": {
        _B: _swap(
            BLOCK, 'gelu(h @ p["w_fc"] + p["b_fc"])', 'np.maximum(h @ p["w_fc"] + p["b_fc"], 0)'
        )
    },
    "scores scaled by sqrt(d_model) instead of sqrt(d_head)": {
        _B: _swap(BLOCK, "/ np.sqrt(dh)", "/ np.sqrt(self.d_model)")
    },
    "scores not scaled": {_B: _swap(BLOCK, "/ np.sqrt(dh)", "")},
    "no causal mask": {_B: _swap(BLOCK, "if causal:", "if False:")},
    "mask includes the diagonal (k=0)": {
        _B: _swap(BLOCK, "np.ones((T, T), dtype=bool), k=1)", "np.ones((T, T), dtype=bool), k=0)")
    },
    "mask applied by zeroing probabilities without renormalising": {
        _B: _swap(
            BLOCK,
            "scores = np.where(future, -np.inf, scores)\n        return softmax(scores, axis=-1)",
            "return np.where(future, 0.0, softmax(scores, axis=-1))\n"
            "        return softmax(scores, axis=-1)",
        )
    },
    "heads split as reshape(H, T, dh)": {
        _B: _swap(
            _swap(
                BLOCK,
                '(h @ p["w_q"] + p["b_q"]).reshape(T, H, dh).transpose(1, 0, 2)',
                '(h @ p["w_q"] + p["b_q"]).reshape(H, T, dh)',
            ),
            '(h @ p["w_k"] + p["b_k"]).reshape(T, H, dh).transpose(1, 0, 2)',
            '(h @ p["w_k"] + p["b_k"]).reshape(H, T, dh)',
        )
    },
    "heads merged without transposing back": {
        _B: _swap(
            BLOCK,
            "heads.transpose(1, 0, 2).reshape(T, self.d_model)",
            "heads.reshape(T, self.d_model)",
        )
    },
    "missing attention residual": {
        _B: _swap(
            BLOCK,
            'x = x + self.attention(layer_norm(x, p["ln1_g"], p["ln1_b"]), causal)',
            'x = self.attention(layer_norm(x, p["ln1_g"], p["ln1_b"]), causal)',
        )
    },
    "attention ignores the value bias": {
        _B: _swap(BLOCK, '(h @ p["w_v"] + p["b_v"])', '(h @ p["w_v"])')
    },
    "Block.forward delegates to the course's reference code": {
        _B: BLOCK + "\n\ndef _delegating_forward(self, x, causal=True):\n"
        "    from course.reference import gpt as reference\n"
        "    return reference.block_forward(self.p, x[None], self.n_heads, causal)[0][0]\n\n\n"
        "Block.forward = _delegating_forward\n"
    },
    # 11.2 GPT
    "no position embeddings": {
        _G: _swap(GPT_CLASS, "x = self.wte[ids] + self.wpe[:T]", "x = self.wte[ids]")
    },
    "positions indexed by token id": {
        _G: _swap(
            GPT_CLASS,
            "x = self.wte[ids] + self.wpe[:T]",
            "x = self.wte[ids] + self.wpe[ids % self.config.block_size]",
        )
    },
    "no final LayerNorm": {
        _G: _swap(
            GPT_CLASS,
            "return self.head(layer_norm(x, self.lnf_g, self.lnf_b))",
            "return self.head(x)",
        )
    },
    "head hard-wired to wte.T (ignores w_head)": {
        _G: _swap(
            GPT_CLASS,
            "return self.head(layer_norm(x, self.lnf_g, self.lnf_b))",
            "return layer_norm(x, self.lnf_g, self.lnf_b) @ self.wte.T",
        )
    },
    "GPT.forward delegates to the course's reference code": {
        _G: GPT_CLASS + "\n\ndef _delegating_forward(self, ids, causal=True):\n"
        "    from course.reference import gpt as reference\n"
        "    if len(ids) > self.config.block_size:\n"
        "        raise ValueError('too long')\n"
        "    logits, _ = reference.gpt_forward(self.parameters(), np.asarray(ids)[None],\n"
        "                                      self.config.n_heads, causal)\n"
        "    return logits[0]\n\n\n"
        "GPT.forward = _delegating_forward\n"
    },
    "causal flag not passed to the blocks": {
        _G: _swap(GPT_CLASS, "x = block.forward(x, causal)", "x = block.forward(x)")
    },
    # 11.3 tying
    "tied by copying wte.T at construction time": {
        _T: _swap(
            _swap(TIED, "self.w_head = None", "self.w_head = self.wte.T.copy()"),
            "return h @ self.wte.T",
            "return h @ self.w_head",
        )
    },
    "tied head but the separate head is still stored": {
        _T: _swap(TIED, "self.w_head = None", "pass")
    },
    # 11.4 counting
    "count without biases": {
        _C: _swap(
            _swap(COUNT, "attn = 4 * (d * d + d)", "attn = 4 * d * d"),
            "mlp = d * 4 * d + 4 * d + 4 * d * d + d",
            "mlp = 8 * d * d",
        )
    },
    "count the head even when tied": {
        _C: _swap(COUNT, "head = 0 if tied else d * V", "head = d * V")
    },
    "count without the final LayerNorm": {
        _C: _swap(COUNT, "L * per_block + ln + head", "L * per_block + head")
    },
    "count with one LayerNorm per block": {
        _C: _swap(COUNT, "per_block = 2 * ln + attn + mlp", "per_block = ln + attn + mlp")
    },
    "count by building the model": {
        _C: "def count_params(config, tied=True):\n"
        "    model = TiedGPT(config) if tied else GPT(config)\n"
        "    return int(sum(a.size for a in model.parameters().values()))\n"
    },
    # 11.5 encoder
    "encoder_forward keeps the causal mask": {
        _E: _swap(ENCODER, "x = block.forward(x, causal=False)", "x = block.forward(x)")
    },
    "encoder_forward returns logits": {
        _E: _swap(
            ENCODER,
            "return layer_norm(x, model.lnf_g, model.lnf_b)\n",
            "return model.head(layer_norm(x, model.lnf_g, model.lnf_b))\n",
        )
    },
    "attention_pattern always reads block 0's input": {
        _E: _swap(ENCODER, "for block in model.blocks[:layer]:", "for block in model.blocks[:0]:")
    },
    "attention_pattern without ln_1": {
        _E: _swap(
            ENCODER,
            'block.attention_probs(layer_norm(x, block.p["ln1_g"], block.p["ln1_b"]), causal)',
            "block.attention_probs(x, causal)",
        )
    },
    "encoder_forward delegates to the course's reference code": {
        _E: ENCODER + "\n\ndef encoder_forward(model, ids):\n"
        "    from course.reference import gpt as reference\n"
        "    ids = np.asarray(ids)\n"
        "    x = (model.wte[ids] + model.wpe[: len(ids)])[None]\n"
        "    for block in model.blocks:\n"
        "        x = reference.block_forward(block.p, x, block.n_heads, causal=False)[0]\n"
        "    return layer_norm(x[0], model.lnf_g, model.lnf_b)\n"
    },
    # 11.6 loading
    "c_attn split as k, q, v": {
        _L: _swap(
            LOAD,
            'p["w_q"], p["w_k"], p["w_v"] = np.split',
            'p["w_k"], p["w_q"], p["w_v"] = np.split',
        )
    },
    "c_proj transposed as if it were nn.Linear": {
        _L: _swap(
            LOAD,
            'p["w_o"] = fetch(pre + "attn.c_proj.weight", (d, d))',
            'p["w_o"] = fetch(pre + "attn.c_proj.weight", (d, d)).T',
        )
    },
    "attention biases not loaded": {
        _L: _swap(
            LOAD,
            'p["b_q"], p["b_k"], p["b_v"] = np.split(fetch(pre + "attn.c_attn.bias", (3 * d,)), 3)',
            "pass",
        )
    },
    "LayerNorm weight and bias swapped": {
        _L: _swap(
            _swap(
                LOAD,
                'p["ln1_g"] = fetch(pre + "ln_1.weight", (d,))',
                'p["ln1_g"] = fetch(pre + "ln_1.bias", (d,))',
            ),
            'p["ln1_b"] = fetch(pre + "ln_1.bias", (d,))',
            'p["ln1_b"] = fetch(pre + "ln_1.weight", (d,))',
        )
    },
    "no shape check (numpy reshapes silently)": {
        _L: _swap(LOAD, "        if array.shape != tuple(expected_shape):\n", "        if False:\n")
    },
    "error message does not name the parameter": {
        _L: _swap(LOAD, 'raise ValueError(f"{name}: shape', 'raise ValueError(f"bad shape')
    },
    "untied head left random": {_L: _swap(LOAD, "model.w_head = model.wte.T.copy()", "pass")},
    # 11.7 generation
    "every cached step uses position 0": {
        _S: _swap(
            GENERATE,
            "x = model.wte[token_id] + model.wpe[pos]",
            "x = model.wte[token_id] + model.wpe[0]",
        )
    },
    "cached step attends only to the newest key": {
        _S: _swap(
            GENERATE,
            "        t = len(cache)\n        keys = cache.keys",
            "        t = 1\n        keys = cache.keys[-1:]",
        ).replace("values = cache.values.reshape", "values = cache.values[-1:].reshape")
    },
    "generation feeds back the logit instead of the token id": {
        _S: _swap(
            GENERATE,
            "token = int(np.argmax(logits))",
            "token = int(np.max(logits)) % model.config.vocab_size",
        )
    },
    "generation off by one position": {
        _S: _swap(
            GENERATE, "len(prompt) + len(new) - 1, caches)", "len(prompt) + len(new), caches)"
        )
    },
    "no length check in generation": {
        _S: _swap(GENERATE, "if len(prompt) + n_new > model.config.block_size:", "if False:")
    },
    # 11.11 checklist
    "check_model without the causal check": {
        _K: _swap(CHECK, 'assert leak < 1e-9, "causal mask broken"', "pass")
    },
    "check_model without the cache check": {
        _K: _swap(CHECK, 'assert gap < 1e-8, "cache mismatch"', "pass")
    },
    "check_model without the divisibility check": {
        _K: _swap(
            CHECK,
            'assert c.d_model % c.n_heads == 0, "d_model is not divisible by n_heads"',
            "pass",
        )
    },
    "check_model without the shape check": {
        _K: _swap(CHECK, 'assert logits.shape == (T, c.vocab_size), "wrong shape"', "pass")
    },
    "check_model compares only the last cached position": {
        _K: _swap(
            CHECK,
            "gap = float(np.max(np.abs(cached - logits)))",
            "gap = float(np.max(np.abs(cached[-1] - logits[-1])))",
        )
    },
}
