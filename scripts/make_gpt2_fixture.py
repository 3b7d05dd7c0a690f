"""Regenerate the ch11 GPT-2 fixture: a tiny random checkpoint and reference logits.

Writes two files into the output directory (default: source/ch11_gpt_model/):

* ``gpt2_tiny.npz``          -- a GPT-2 checkpoint with the public parameter names and layouts
                                (``wte.weight``, ``h.0.attn.c_attn.weight`` [d, 3d], ...), float32;
* ``gpt2_tiny_expected.npz`` -- the config, a fixed input sequence and the logits that
                                HuggingFace ``transformers``' ``GPT2LMHeadModel`` computes for it.

The weights come from numpy's generator (seeded, so the checkpoint is bit-for-bit reproducible
without torch). Every parameter is random -- biases and LayerNorm gains included -- so a loader
that drops a bias, swaps Q and K, or transposes a square Conv1D matrix gives different logits.
The reference model is built from a ``GPT2Config`` (nothing is downloaded), the weights are copied
in, and it runs in float64 so the logits are exact to ~1e-12.

Needs ``torch`` and ``transformers`` (not course dependencies)::

    python scripts/make_gpt2_fixture.py [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

CONFIG = {"vocab_size": 64, "block_size": 16, "d_model": 32, "n_layers": 2, "n_heads": 2}
SEED = 2026
INPUT_IDS = [3, 17, 42, 0, 63, 8, 8, 25, 50, 11, 2, 39]


def make_state(seed: int = SEED) -> dict[str, np.ndarray]:
    """A random GPT-2 state dict (public names, Conv1D [in, out] layout), float32."""
    rng = np.random.default_rng(seed)
    v, t, d, n_layers = (CONFIG[k] for k in ("vocab_size", "block_size", "d_model", "n_layers"))

    def normal(*shape: int, std: float = 0.2) -> np.ndarray:
        return (rng.standard_normal(shape) * std).astype(np.float32)

    def gain(n: int) -> np.ndarray:
        return (1.0 + 0.2 * rng.standard_normal(n)).astype(np.float32)

    state = {"wte.weight": normal(v, d, std=0.5), "wpe.weight": normal(t, d, std=0.3)}
    for i in range(n_layers):
        p = f"h.{i}."
        state[p + "ln_1.weight"] = gain(d)
        state[p + "ln_1.bias"] = normal(d, std=0.1)
        state[p + "attn.c_attn.weight"] = normal(d, 3 * d)
        state[p + "attn.c_attn.bias"] = normal(3 * d, std=0.1)
        state[p + "attn.c_proj.weight"] = normal(d, d)
        state[p + "attn.c_proj.bias"] = normal(d, std=0.1)
        state[p + "ln_2.weight"] = gain(d)
        state[p + "ln_2.bias"] = normal(d, std=0.1)
        state[p + "mlp.c_fc.weight"] = normal(d, 4 * d)
        state[p + "mlp.c_fc.bias"] = normal(4 * d, std=0.1)
        state[p + "mlp.c_proj.weight"] = normal(4 * d, d)
        state[p + "mlp.c_proj.bias"] = normal(d, std=0.1)
    state["ln_f.weight"] = gain(d)
    state["ln_f.bias"] = normal(d, std=0.1)
    return state


def reference_logits(state: dict[str, np.ndarray], input_ids: list[int]) -> np.ndarray:
    """Logits [T, V] from transformers' GPT2LMHeadModel loaded with ``state`` (float64)."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=CONFIG["vocab_size"],
        n_positions=CONFIG["block_size"],
        n_embd=CONFIG["d_model"],
        n_layer=CONFIG["n_layers"],
        n_head=CONFIG["n_heads"],
        activation_function="gelu_new",
        layer_norm_epsilon=1e-5,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        tie_word_embeddings=True,
        bos_token_id=0,
        eos_token_id=0,
    )
    config._attn_implementation = "eager"
    torch.manual_seed(0)
    model = GPT2LMHeadModel(config).double().eval()
    tensors = {k: torch.from_numpy(v.astype(np.float64)) for k, v in state.items()}
    missing, unexpected = model.transformer.load_state_dict(tensors, strict=False)
    missing = [k for k in missing if not k.endswith(("attn.bias", "attn.masked_bias"))]
    if missing or unexpected:
        raise RuntimeError(f"state does not fit GPT2Model: missing {missing}, extra {unexpected}")
    model.tie_weights()
    with torch.no_grad():
        out = model(torch.tensor([input_ids])).logits[0]
    return out.numpy().astype(np.float64)


def write_fixture(out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    state = make_state()
    logits = reference_logits(state, INPUT_IDS)
    ckpt = out_dir / "gpt2_tiny.npz"
    expected = out_dir / "gpt2_tiny_expected.npz"
    np.savez(ckpt, **state)
    np.savez(
        expected,
        input_ids=np.array(INPUT_IDS, dtype=np.int64),
        logits=logits,
        **{k: np.array(v, dtype=np.int64) for k, v in CONFIG.items()},
    )
    return ckpt, expected


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=root / "source" / "ch11_gpt_model")
    args = parser.parse_args()
    for path in write_fixture(args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
