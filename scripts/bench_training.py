"""Benchmark (not a test): training throughput of chapter 12's trainer, side by side with PyTorch.

The course trainer is chapter 12 as students run it with the reference answers: the chapter's
definitions (``authoring/ch12_training.txt`` up to its training loop: the reference backward
passes, ``gpt_backward``, ``loss_and_grads``, ``clip_grad_norm``, ``adam_step`` on one flat buffer)
around the forward pass of ``course.reference.gpt``. One step is forward, cross-entropy, backward,
global-norm clipping and Adam on one fixed batch. When torch is installed, PyTorch CPU runs the
identical model (same weights, tied head, tanh GELU) and the identical step, and the table prints
both, float32 and float64, with 1 and 2 threads, and their ratio; the configurations are timed in
turn, best of ``--repeats`` rounds, so that a busy machine slows them alike.

    python scripts/bench_training.py --d 128 --layers 4 --heads 4 --block 64 --batch 12 --vocab 65

The first lines keep the single-configuration report (``--threads``, ``--dtype``): tokens/s and
the FLOP/s achieved against numpy's own matmul speed. Threads for the course trainer are the
chapter's: one BLAS thread per matmul and the batch split across Python threads
(``loss_and_grads(..., threads)``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from course.authoring import parse_text, without_solution_markers
from course.reference.blas import set_blas_threads

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "authoring" / "ch12_training.txt"


def chapter_trainer() -> dict[str, Any]:
    """The namespace of chapter 12's code cells (reference solutions included) up to ``train``."""
    if not CHAPTER.exists():
        raise SystemExit(f"{CHAPTER} is missing: the benchmark runs the chapter's reference code")
    namespace: dict[str, Any] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in parse_text(CHAPTER.read_text(encoding="utf-8"), CHAPTER.name):
            if cell.kind in ("code", "solution"):
                code = compile(without_solution_markers(cell.source), str(CHAPTER), "exec")
                exec(code, namespace)
            if cell.grade_id == "ex_12_2_train":
                return namespace
    raise SystemExit(f"{CHAPTER} has no ex_12_2_train cell")


def course_step(
    ns: dict[str, Any], params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, heads: int
) -> Callable[[int], float]:
    """One training step of the chapter's trainer, as ``train`` runs it: returns step(threads)."""
    p = ns["flat_copy"](params)
    m, v = ns["flat_zeros_like"](p), ns["flat_zeros_like"](p)
    t = [0]

    def step(threads: int) -> float:
        t[0] += 1
        loss, grads = ns["loss_and_grads"](p, x, y, heads, threads=threads)
        grads, _ = ns["clip_grad_norm"](grads, 1.0)
        ns["adam_step"](p, grads, m, v, t[0], 1e-4)
        return loss

    return step


def torch_step(
    params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, heads: int, dtype: Any
) -> tuple[Callable[[int], float], Callable[[], tuple[float, dict[str, np.ndarray]]]]:
    """The same model and step in PyTorch: returns (step(threads), first_grads()) where
    first_grads gives the loss and gradients of the starting parameters (for the cross-check)."""
    import torch
    import torch.nn.functional as F

    tp = {k: torch.tensor(a, dtype=dtype, requires_grad=True) for k, a in params.items()}
    opt = torch.optim.Adam(list(tp.values()), lr=1e-4)
    n_layers = len({k.split(".")[1] for k in params if k.startswith("blocks.")})
    xt, yt = torch.tensor(x), torch.tensor(y)

    def loss_fn() -> Any:
        B, T = xt.shape
        h = tp["wte"][xt] + tp["wpe"][:T]
        d = h.shape[-1]
        for i in range(n_layers):
            p = {k.split(".", 2)[2]: t for k, t in tp.items() if k.startswith(f"blocks.{i}.")}
            a = F.layer_norm(h, (d,), p["ln1_g"], p["ln1_b"], 1e-5)

            def heads_of(t: Any) -> Any:
                return t.view(B, T, heads, d // heads).transpose(1, 2)

            q, k, v = (heads_of(a @ p["w_" + n] + p["b_" + n]) for n in "qkv")
            o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            h = h + o.transpose(1, 2).reshape(B, T, d) @ p["w_o"] + p["b_o"]
            f = F.layer_norm(h, (d,), p["ln2_g"], p["ln2_b"], 1e-5)
            f = F.gelu(f @ p["w_fc"] + p["b_fc"], approximate="tanh")
            h = h + f @ p["w_proj"] + p["b_proj"]
        h = F.layer_norm(h, (d,), tp["lnf_g"], tp["lnf_b"], 1e-5)
        logits = h @ tp["wte"].T
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), yt.reshape(-1))

    def first_grads() -> tuple[float, dict[str, np.ndarray]]:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        return float(loss.detach()), {k: t.grad.double().numpy().copy() for k, t in tp.items()}

    def step(threads: int) -> float:
        torch.set_num_threads(threads)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(tp.values()), 1.0)
        opt.step()
        return float(loss.detach())

    return step, first_grads


def time_configs(
    configs: dict[Any, tuple[Callable[[int], float], int]], steps: int, repeats: int
) -> dict[Any, float]:
    """Seconds per step of each configuration: configurations in turn, best of ``repeats``."""
    best = dict.fromkeys(configs, float("inf"))
    for _ in range(repeats):
        for key, (step, threads) in configs.items():
            step(threads)  # warm-up (and thread start-up) outside the timing
            start = time.perf_counter()
            for _ in range(steps):
                step(threads)
            best[key] = min(best[key], (time.perf_counter() - start) / steps)
    return best


def forward_matmul_flops(v: int, d: int, n_layers: int, t: int, tokens: int) -> float:
    """2 * (multiply-adds) of every matmul in the forward pass, for ``tokens`` tokens."""
    per_token = n_layers * (2 * 12 * d * d + 2 * 2 * t * d) + 2 * d * v
    return float(per_token * tokens)


def measured_matmul_flops(
    shapes: list[tuple[int, int, int]], dtype: Any, repeat: int = 20
) -> float:
    """FLOP/s numpy reaches on products [m, k] @ [k, n] of the given shapes (best of runs)."""
    rng = np.random.default_rng(0)
    pairs = [
        (rng.normal(size=(m, k)).astype(dtype), rng.normal(size=(k, n)).astype(dtype))
        for m, k, n in shapes
    ]
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
    parser.add_argument("--steps", type=int, default=10, help="steps per timing (default 10)")
    parser.add_argument("--repeats", type=int, default=5, help="timing rounds, best kept")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads of the single report (default 1)"
    )
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    args = parser.parse_args()
    if args.d % args.heads:
        parser.error(f"--d {args.d} must be divisible by --heads {args.heads}")

    ns = chapter_trainer()  # sets one BLAS thread, as the chapter does
    set_blas_threads(1)
    v, d, n_layers, heads = args.vocab, args.d, args.layers, args.heads
    t, b = args.block, args.batch
    rng = np.random.default_rng(0)
    x = rng.integers(0, v, size=(b, t))
    y = rng.integers(0, v, size=(b, t))
    tokens = b * t
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"model: V={v} d={d} L={n_layers} H={heads} T={t} B={b} ({tokens} tokens/step)")
    print(f"CPUs: {os.cpu_count()}, load average (1 min) {load:.2f}; BLAS threads: 1 per matmul")

    def params_of(dtype: Any) -> dict[str, np.ndarray]:
        return ns["init_params"](v, t, d, n_layers, seed=0, dtype=dtype)

    # The single report.
    step = course_step(ns, params_of(args.dtype), x, y, heads)
    seconds = time_configs({"one": (step, args.threads)}, args.steps, args.repeats)["one"]
    achieved = 3 * forward_matmul_flops(v, d, n_layers, t, tokens) / seconds
    n = b * t
    model_shapes = [(n, d, 3 * d), (n, d, d), (n, d, 4 * d), (n, 4 * d, d), (n, d, v)]
    model_shapes += [(t, d // heads, t)] * (b * heads)
    big = measured_matmul_flops([(1024, 1024, 1024)], args.dtype, repeat=5)
    small = measured_matmul_flops(model_shapes, args.dtype, repeat=10)
    print(f"course trainer ({args.dtype}, {args.threads} thread(s)): "
          f"{seconds * 1e3:.1f} ms/step, {tokens / seconds:,.0f} tokens/s")  # fmt: skip
    print(f"achieved: {achieved / 1e9:.3f} GFLOP/s (forward + backward = 3 x forward matmuls)")
    print(f"numpy matmul, 1024^3:          {big / 1e9:.2f} GFLOP/s -> {achieved / big:.1%} of it")
    print(f"numpy matmul, the model shapes: {small / 1e9:.2f} GFLOP/s -> {achieved / small:.1%}")

    # The table.
    try:
        if args.no_torch:
            raise ImportError
        import torch
    except ImportError:
        torch = None
        print("\n(torch is not installed: `pip install torch` adds PyTorch CPU to the table)")
    dtypes = ("float32", "float64")
    thread_counts = (1, 2)
    configs: dict[Any, tuple[Callable[[int], float], int]] = {}
    for dtype in dtypes:
        params = params_of(dtype)
        ours = course_step(ns, params, x, y, heads)
        for threads in thread_counts:
            configs[("course", dtype, threads)] = (ours, threads)
        if torch is not None:
            theirs, first_grads = torch_step(params, x, y, heads, getattr(torch, dtype))
            if dtype == "float64":  # the two trainers compute the same thing: check it once
                loss, grads = ns["loss_and_grads"](params, x, y, heads, threads=1)
                t_loss, t_grads = first_grads()
                scale = max(float(np.abs(g).max()) for g in t_grads.values())
                worst = max(float(np.abs(grads[k] - t_grads[k]).max()) for k in t_grads) / scale
                print(f"\nsame model: float64 loss {loss:.10f} (numpy) vs {t_loss:.10f} (torch), "
                      f"gradients differ by {worst:.1e} of the largest")  # fmt: skip
            for threads in thread_counts:
                configs[("torch", dtype, threads)] = (theirs, threads)
    times = time_configs(configs, args.steps, args.repeats)
    print(f"\n{'dtype':8} {'threads':>7} | {'course ms':>9} {'tokens/s':>9} | "
          f"{'torch ms':>9} {'tokens/s':>9} | course / torch")  # fmt: skip
    for dtype in dtypes:
        for threads in thread_counts:
            ours_s = times[("course", dtype, threads)]
            row = f"{dtype:8} {threads:>7} | {ours_s * 1e3:9.1f} {tokens / ours_s:9,.0f} |"
            if torch is not None:
                theirs_s = times[("torch", dtype, threads)]
                row += f" {theirs_s * 1e3:9.1f} {tokens / theirs_s:9,.0f} | {theirs_s / ours_s:.2f}"
            print(row)
    for dtype in dtypes:
        one, two = times[("course", dtype, 1)], times[("course", dtype, 2)]
        print(f"course trainer {dtype}: 2 threads are {one / two:.2f}x as fast as 1")
    print(f"load average (1 min) after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
