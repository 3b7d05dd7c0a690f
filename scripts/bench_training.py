"""Benchmark (not a test): training throughput of the ch12 numpy GPT against this machine's
measured numpy matmul speed.

Prints tokens/s, the achieved FLOP/s of the training step (forward + backward ~ 3x the forward
matmul FLOPs) and that as a fraction of the FLOP/s numpy's matmul reaches on (a) one large square
product and (b) products of the shapes the model actually multiplies. Uses the reference forward
pass and a reference backward pass written here (the chapter's graded backward is the student's).

    python scripts/bench_training.py [--d 32 --layers 2 --heads 2 --block 32 --batch 32 --steps 20]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from course.reference.blas import get_blas_threads, set_blas_threads
from course.reference.gpt import gpt_forward, init_params, softmax


def _linear_b(dout, cache):
    x, w = cache
    x2, d2 = x.reshape(-1, x.shape[-1]), dout.reshape(-1, dout.shape[-1])
    return dout @ w.T, x2.T @ d2, d2.sum(0)


def _ln_b(dout, cache):
    xhat, rstd, g = cache
    d = xhat.shape[-1]
    gh = dout * g
    dx = rstd * (gh - gh.mean(-1, keepdims=True) - xhat * (gh * xhat).mean(-1, keepdims=True))
    return dx, (dout * xhat).reshape(-1, d).sum(0), dout.reshape(-1, d).sum(0)


def _gelu_b(dout, x):
    c = np.sqrt(2 / np.pi)
    t = np.tanh(c * (x + 0.044715 * x**3))
    return dout * (0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2))


def _attn_b(dout, cache):
    qh, kh, vh, p = cache
    B, H, T, dh = qh.shape
    do = dout.reshape(B, T, H, dh).transpose(0, 2, 1, 3)
    dp = do @ vh.transpose(0, 1, 3, 2)
    ds = p * (dp - (dp * p).sum(-1, keepdims=True)) / np.sqrt(dh)

    def merge(a):
        return a.transpose(0, 2, 1, 3).reshape(B, T, H * dh)

    return merge(ds @ kh), merge(ds.transpose(0, 1, 3, 2) @ qh), merge(p.transpose(0, 1, 3, 2) @ do)


def backward(params, tape, dlogits):
    grads = {}
    c_lnf, h = tape[-1][1]
    d = h.shape[-1]
    dhead = h.reshape(-1, d).T @ dlogits.reshape(-1, dlogits.shape[-1])
    dx, grads["lnf_g"], grads["lnf_b"] = _ln_b(dlogits @ params["wte"], c_lnf)
    for name, cache in reversed(tape[1:-1]):
        c_ln1, c_q, c_k, c_v, c_att, c_o, c_ln2, c_fc, c_gelu, c_proj = cache
        pre = name + "."
        dg, grads[pre + "w_proj"], grads[pre + "b_proj"] = _linear_b(dx, c_proj)
        dh2, grads[pre + "w_fc"], grads[pre + "b_fc"] = _linear_b(_gelu_b(dg, c_gelu), c_fc)
        db, grads[pre + "ln2_g"], grads[pre + "ln2_b"] = _ln_b(dh2, c_ln2)
        dx = dx + db
        da, grads[pre + "w_o"], grads[pre + "b_o"] = _linear_b(dx, c_o)
        dh1 = 0.0
        for part, dp, c in zip("qkv", _attn_b(da, c_att), (c_q, c_k, c_v), strict=True):
            di, grads[pre + "w_" + part], grads[pre + "b_" + part] = _linear_b(dp, c)
            dh1 = dh1 + di
        db, grads[pre + "ln1_g"], grads[pre + "ln1_b"] = _ln_b(dh1, c_ln1)
        dx = dx + db
    ids = tape[0][1]
    dwte = np.zeros_like(params["wte"])
    np.add.at(dwte, ids.reshape(-1), dx.reshape(-1, d))
    grads["wte"] = dwte + dhead.T
    grads["wpe"] = np.zeros_like(params["wpe"])
    grads["wpe"][: ids.shape[1]] = dx.sum(0)
    return grads


def forward_matmul_flops(v: int, d: int, n_layers: int, t: int, tokens: int) -> float:
    """2 * (multiply-adds) of every matmul in the forward pass, for ``tokens`` tokens."""
    per_token = n_layers * (2 * 12 * d * d + 2 * 2 * t * d) + 2 * d * v
    return float(per_token * tokens)


def measured_matmul_flops(shapes: list[tuple[int, int, int]], repeat: int = 20) -> float:
    """FLOP/s numpy reaches on products [m, k] @ [k, n] of the given shapes (best of runs)."""
    rng = np.random.default_rng(0)
    pairs = [(rng.normal(size=(m, k)), rng.normal(size=(k, n))) for m, k, n in shapes]
    flops = sum(2.0 * m * k * n for m, k, n in shapes)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for a, b in pairs:
            a @ b
        best = min(best, time.perf_counter() - start)
    return flops / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--d", type=int, default=32)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--block", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--vocab", type=int, default=21)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    args = parser.parse_args()
    previous = set_blas_threads(args.threads)
    print(f"BLAS threads: {get_blas_threads()} (was {previous})")

    v, d, n_layers, t, b = args.vocab, args.d, args.layers, args.block, args.batch
    params = init_params(v, t, d, n_layers, seed=0)
    rng = np.random.default_rng(0)
    x = rng.integers(0, v, size=(b, t))
    y = rng.integers(0, v, size=(b, t))

    def step() -> None:
        logits, tape = gpt_forward(params, x, args.heads)
        p = softmax(logits)
        np.put_along_axis(p, y[..., None], np.take_along_axis(p, y[..., None], -1) - 1, -1)
        backward(params, tape, p / y.size)

    step()  # warm-up
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds = (time.perf_counter() - start) / args.steps
    tokens = b * t
    achieved = 3 * forward_matmul_flops(v, d, n_layers, t, tokens) / seconds

    n = b * t
    model_shapes = [(n, d, d)] * 4 + [(n, d, 4 * d), (n, 4 * d, d), (n, d, v)]
    model_shapes += [(t, d // args.heads, t)] * (b * args.heads)
    big = measured_matmul_flops([(1024, 1024, 1024)], repeat=5)
    small = measured_matmul_flops(model_shapes, repeat=10)
    print(f"model: V={v} d={d} L={n_layers} H={args.heads} T={t} B={b}")
    print(f"training step: {seconds * 1e3:.1f} ms, {tokens / seconds:,.0f} tokens/s")
    print(f"achieved: {achieved / 1e9:.3f} GFLOP/s (forward + backward = 3 x forward matmuls)")
    print(f"numpy matmul, 1024^3:          {big / 1e9:.2f} GFLOP/s -> {achieved / big:.1%} of it")
    print(f"numpy matmul, the model shapes: {small / 1e9:.2f} GFLOP/s -> {achieved / small:.1%}")
    if previous is not None:
        set_blas_threads(previous)


if __name__ == "__main__":
    main()
