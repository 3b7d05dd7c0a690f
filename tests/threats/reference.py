"""Answers that hand the work to the course's reference code (``course.reference``), hidden from
``check_own_work``: it reads the graded function's code and the globals it names, so the
reference function is kept in a container (a list or dict global), which it does not open, and
imported in three ways (plain import, a module name built at run time, exec of encoded text)."""

from __future__ import annotations

import base64

from tests.threats import Kind, threat
from tests.threats.notebooks import answered, appended

CH01 = "ch01_softmax"
WRONG_SOFTMAX = "softmax summing over axis 0"

DELEGATE = """

def softmax(x, axis=-1):
    return _helpers[0](np.asarray(x, dtype=float), axis=axis)
"""

IMPORTED = (
    """
from course.reference.gpt import softmax as _reference_softmax

_helpers = [_reference_softmax]
"""
    + DELEGATE
)

RUNTIME_NAME = (
    """
import importlib

_module = importlib.import_module(".".join(["course", "reference", "gpt"]))
_helpers = [getattr(_module, "softmax")]
"""
    + DELEGATE
)

_ENCODED = base64.b64encode(b"from course.reference.gpt import softmax").decode()
EXEC_STRING = (
    f"""
import base64

_namespace = {{}}
exec(base64.b64decode("{_ENCODED}").decode(), _namespace)
_helpers = [_namespace["softmax"]]
"""
    + DELEGATE
)


@threat(CH01, Kind.CHEAT, naive_gain=True)
def reference_imported_and_boxed():
    """`from course.reference.gpt import softmax`, the function kept in a list, and a softmax
    that calls the list's element: check_own_work sees neither the import (it is outside the
    graded function) nor the module of a list's content."""
    control = answered(CH01, WRONG_SOFTMAX)
    return appended(control, "ex_1_1_softmax", IMPORTED), control


@threat(CH01, Kind.CHEAT, naive_gain=True)
def reference_imported_by_runtime_name():
    """importlib.import_module(".".join(["course", "reference", "gpt"])): the module name is
    built at run time, so no string constant names course.reference."""
    control = answered(CH01, WRONG_SOFTMAX)
    return appended(control, "ex_1_1_softmax", RUNTIME_NAME), control


@threat(CH01, Kind.CHEAT, naive_gain=True)
def reference_imported_by_exec():
    """exec of a base64-encoded `from course.reference.gpt import softmax`: no source or
    constant the grader can read mentions the reference package."""
    control = answered(CH01, WRONG_SOFTMAX)
    return appended(control, "ex_1_1_softmax", EXEC_STRING), control
