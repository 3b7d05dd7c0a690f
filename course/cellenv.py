"""What a notebook cell finds outside IPython, wherever it runs (in-process, in the judge, in the
sandboxed student worker): warnings shown every time and written to stderr (where nbgrader counts
them against a test cell), deprecation noise from libraries left out; and a ``display`` that
prints reprs.

Dependency-free on purpose: the student worker imports it and must start fast.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def cell_warnings() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
        warnings.showwarning = _warning_to_stderr
        yield


def _warning_to_stderr(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def display_repr(*objects, **kwargs) -> None:
    """``display`` outside IPython: print each object's repr."""
    for obj in objects:
        print(repr(obj))
