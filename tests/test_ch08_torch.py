"""Optional cross-check: the ch08 reference adam_step agrees with torch.optim.Adam.

Skipped when torch is not installed (the course does not depend on it).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import cells

torch = pytest.importorskip("torch")


def _reference_adam_step():
    namespace = {"np": np, "math": math}
    (cell,) = [c for c in cells("ch08_optimizers") if c.grade_id == "ex_8_1_adam"]
    exec(cell.source, namespace)
    return namespace["adam_step"]


def test_reference_adam_step_matches_torch_adam():
    adam_step = _reference_adam_step()
    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 4))
    grads = [rng.normal(scale=10.0 ** rng.integers(-4, 2), size=(3, 4)) for _ in range(25)]
    weight = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([weight], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    params, m, v = start.copy(), np.zeros_like(start), np.zeros_like(start)
    for t, grad in enumerate(grads, start=1):
        optimizer.zero_grad()
        weight.grad = torch.tensor(grad, dtype=torch.float64)
        optimizer.step()
        params, m, v = adam_step(params, grad, m, v, t, 0.01)
    np.testing.assert_allclose(params, weight.detach().numpy(), rtol=1e-9, atol=1e-12)
