"""The numbers-touched cost model of chapter 19, for hidden tests.

The chapter's notebook defines its own ``OpCounter`` for students to read and use; this copy lives
in the grader, so the reference costs a hidden test measures never depend on code in the
student's process (which the student could redefine).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class OpCounter(np.ndarray):
    """An ndarray that adds the numbers touched by every numpy ufunc applied to it to ``tally``:
    an elementwise operation costs one per output number, a reduction one per input number."""

    tally = {"elementwise": 0, "reduce": 0}

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        plain = [i.view(np.ndarray) if isinstance(i, OpCounter) else i for i in inputs]
        if out is not None:
            kwargs["out"] = tuple(
                o.view(np.ndarray) if isinstance(o, OpCounter) else o for o in out
            )
        result = getattr(ufunc, method)(*plain, **kwargs)
        if method == "reduce":
            OpCounter.tally["reduce"] += int(np.size(plain[0]))
        elif method == "__call__":
            OpCounter.tally["elementwise"] += int(np.size(result))
        else:
            raise TypeError(f"OpCounter does not count ufunc method {method!r}")
        return result.view(OpCounter) if isinstance(result, np.ndarray) else result


def count_cost(fn: Callable[..., Any], x: Any, *args: Any, **kwargs: Any) -> int:
    """Numbers touched when ``fn(x, *args, **kwargs)`` runs with ``x`` wrapped in an OpCounter."""
    OpCounter.tally = {"elementwise": 0, "reduce": 0}
    fn(np.asarray(x, dtype=float).view(OpCounter), *args, **kwargs)
    return OpCounter.tally["elementwise"] + OpCounter.tally["reduce"]
