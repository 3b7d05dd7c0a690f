"""Optional cross-check: the ch10 reference top_k_filter agrees with Hugging Face's
TopKLogitsWarper, ties included (the chapter says it follows Hugging Face's conventions).

Skipped when torch or transformers is not installed (the course does not depend on them).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import cells

torch = pytest.importorskip("torch")
generation = pytest.importorskip("transformers.generation.logits_process")


def _reference_top_k_filter():
    namespace = {"np": np, "math": math}
    (setup,) = [c for c in cells("ch10_sampling") if "def softmax" in c.source][:1]
    exec(setup.source, namespace)
    (cell,) = [c for c in cells("ch10_sampling") if c.grade_id == "ex_10_2_top_k"]
    exec(cell.source, namespace)
    return namespace["top_k_filter"]


def _hf_top_k(logits: np.ndarray, k: int) -> np.ndarray:
    warper = generation.TopKLogitsWarper(top_k=k)
    scores = warper(torch.zeros((1, 1), dtype=torch.long), torch.tensor(logits[None, :]))
    return torch.softmax(scores, dim=-1)[0].numpy()


CASES = [
    ([1.0, 2.0, 1.0, 2.0, 1.0], 3),
    ([1.0, 2.0, 1.0, 2.0, 1.0], 2),
    ([0.0] * 6, 2),
    ([5.0, 1.0, 5.0, 5.0], 1),
    ([3.0, 1.0, 1.0, 1.0, 0.0], 2),
    ([2.0, 0.0, 1.0, 1.0, 2.0], 3),
    ([0.5, 3.0, 2.9, -1.0], 10),
]


@pytest.mark.parametrize(("logits", "k"), CASES)
def test_top_k_matches_hugging_face_with_ties(logits: list[float], k: int) -> None:
    top_k_filter = _reference_top_k_filter()
    z = np.array(logits, dtype=np.float64)
    np.testing.assert_allclose(top_k_filter(z, k), _hf_top_k(z, k), rtol=1e-12, atol=1e-15)


def test_top_k_matches_hugging_face_on_rounded_random_logits() -> None:
    top_k_filter = _reference_top_k_filter()
    rng = np.random.default_rng(0)
    for _ in range(50):
        z = np.round(rng.normal(size=12), 1)  # rounding makes ties common
        k = int(rng.integers(1, 13))
        np.testing.assert_allclose(top_k_filter(z, k), _hf_top_k(z, k), rtol=1e-12, atol=1e-15)
