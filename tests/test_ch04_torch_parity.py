"""ch04's stated conventions agree with PyTorch's ``nn.LayerNorm`` and ``nn.RMSNorm``.

The notebook pins the conventions with its own tests (population variance, eps inside the square
root); this checks the reference solutions against the library the convention is named after.
Skipped where PyTorch is not installed (it is not a course dependency).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import cells

torch = pytest.importorskip("torch")


def _reference_namespace() -> dict:
    namespace: dict = {}
    for cell in cells("ch04_normalization"):
        if cell.grade_id in ("ex_4_1_layer_norm", "ex_4_2_rms_norm"):
            exec(compile(cell.source, cell.grade_id, "exec"), namespace)
        elif cell.kind == "code" and "import numpy" in cell.source:
            exec(compile(cell.source, "setup", "exec"), namespace)
    return namespace


def test_layer_norm_matches_torch():
    ns = _reference_namespace()
    rng = np.random.default_rng(0)
    x = rng.normal(loc=1.0, scale=3.0, size=(2, 5, 8))
    gamma, beta = rng.normal(size=8), rng.normal(size=8)
    for eps in (1e-5, 0.5):
        layer = torch.nn.LayerNorm(8, eps=eps, dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(gamma))
            layer.bias.copy_(torch.from_numpy(beta))
            expected = layer(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(ns["layer_norm"](x, gamma, beta, eps=eps), expected, rtol=1e-10)


def test_rms_norm_matches_torch():
    ns = _reference_namespace()
    rng = np.random.default_rng(1)
    x = rng.normal(loc=0.5, size=(3, 4, 6)) * 0.01
    gamma = rng.normal(size=6)
    for eps in (1e-6, 1e-3):
        layer = torch.nn.RMSNorm(6, eps=eps, dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(gamma))
            expected = layer(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(ns["rms_norm"](x, gamma, eps=eps), expected, rtol=1e-10)
