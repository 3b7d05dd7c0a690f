"""Best-effort control of numpy's BLAS thread count.

The course's matrices are tiny (tens to hundreds of rows). A multi-threaded BLAS spends more time
waking threads than multiplying on such sizes, and on a busy machine much more: one thread is
several times faster for the training loops of ch12. ``threadpoolctl`` is used when installed;
otherwise the OpenBLAS bundled with numpy's wheels is called directly. On any other BLAS
(Accelerate, MKL without threadpoolctl) these functions do nothing and return ``None``.
"""

from __future__ import annotations

import ctypes
import glob
import os
from typing import Any

import numpy as np

_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


def _bundled_openblas() -> tuple[Any, Any] | None:
    base = os.path.dirname(np.__file__)
    patterns = ("../numpy.libs/*openblas*", ".dylibs/*openblas*", "../numpy.libs/*OpenBLAS*")
    for pattern in patterns:
        for path in glob.glob(os.path.join(base, pattern)):
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            for name in _SETTERS:
                getter = name.replace("set_num_threads", "get_num_threads")
                if hasattr(lib, name) and hasattr(lib, getter):
                    return getattr(lib, name), getattr(lib, getter)
    return None


def get_blas_threads() -> int | None:
    """numpy's current BLAS thread count, or ``None`` when it cannot be read."""
    found = _bundled_openblas()
    if found is None:
        return None
    return int(found[1]())


def set_blas_threads(n: int) -> int | None:
    """Set numpy's BLAS thread count to ``n``; returns the previous count (``None`` when the
    BLAS is not one this module can control)."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits

        previous = max((i.get("num_threads", 1) for i in threadpool_info()), default=None)
        threadpool_limits(n, user_api="blas")
        return previous
    except ImportError:
        pass
    found = _bundled_openblas()
    if found is None:
        return None
    setter, getter = found
    previous = int(getter())
    setter(int(n))
    return previous
