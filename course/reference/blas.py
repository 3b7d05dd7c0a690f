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


# glibc's malloc: mallopt parameter numbers (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory(limit_bytes: int = 32 << 20) -> bool:
    """Let freed arrays up to ``limit_bytes`` be reused by the next ones instead of returned to the
    operating system (glibc only; returns whether it took effect).

    By default glibc hands every block above 128 KiB straight back to the system when numpy frees
    it, and the next temporary of that size gets fresh pages that the kernel must map and zero on
    first touch: in a training step, which allocates and frees the same few hundred arrays every
    step, that can cost as much as the arithmetic. With this, those blocks stay in the process's
    heap and are reused.
    """
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    ok = mallopt(_M_MMAP_THRESHOLD, int(limit_bytes)) == 1
    return ok and mallopt(_M_TRIM_THRESHOLD, 8 * int(limit_bytes)) == 1
