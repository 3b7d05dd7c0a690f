"""Tricks that patch what the tests use to compare: numpy, the standard library, the course's
check helpers, and the ``inspect`` module that source-reading checks rely on. They work under plain
nbgrader because the hidden tests run in the same interpreter as the student's code."""

from __future__ import annotations

from tests.threats import Kind, threat
from tests.threats.notebooks import CH01_WRONG, answered, appended, inserted

CH01 = "ch01_softmax"
CH02 = "ch02_linear"

NUMPY_ALWAYS_TRUE = """
import numpy as _np
import numpy.testing as _npt


def _agree(*args, **kwargs):
    return True


def _no_error(*args, **kwargs):
    return None


_np.allclose = _np.array_equal = _np.array_equiv = _agree
_np.isclose = lambda a, b, *args, **kwargs: _np.ones(_np.broadcast(a, b).shape, dtype=bool)
for _name in ("assert_allclose", "assert_array_equal", "assert_array_almost_equal",
              "assert_equal", "assert_almost_equal"):
    setattr(_npt, _name, _no_error)
"""


@threat(CH01, Kind.CHEAT, naive_gain=True)
def numpy_comparisons_always_true():
    """Replaces np.allclose, np.isclose, np.array_equal, np.array_equiv and the np.testing
    assertions with functions that always agree. Under plain nbgrader the hidden tests use the
    same numpy module, so every check_close passes on finite values of the right shape, and the
    hidden 1.3 test (which finds the right letter with np.array_equal) takes "A" as the key."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", NUMPY_ALWAYS_TRUE), control


BUILTINS_LIE = """
import builtins
import math
import sys

import numpy as _np

_real = {name: getattr(builtins, name) for name in ("isinstance", "bool", "abs", "any", "all")}


def _asked_by_a_check():
    return sys._getframe(2).f_code.co_filename.endswith("checks.py")


class _NeverRaised(Exception):
    \"\"\"Nothing raises this, so `except AssertionError` in a grader would catch nothing.\"\"\"


class _BoolType(type):
    def __instancecheck__(cls, obj):
        return _real["isinstance"](obj, _real["bool"])

    def __subclasscheck__(cls, sub):
        return issubclass(sub, _real["bool"])


class _Bool(int, metaclass=_BoolType):
    \"\"\"bool, except that it is always True when course.checks calls it. Still a type with a
    bool dtype, so numpy's dtype=bool and isinstance(x, bool) keep working.\"\"\"

    dtype = _np.dtype(_real["bool"])

    def __new__(cls, value=False):
        return True if _asked_by_a_check() else _real["bool"](value)


def _isinstance(obj, cls):
    return (cls is _np.ndarray and _asked_by_a_check()) or _real["isinstance"](obj, cls)


def _abs(value):
    return 0 if _asked_by_a_check() else _real["abs"](value)


def _any(iterable):
    return True if _asked_by_a_check() else _real["any"](iterable)


def _all(iterable):
    return True if _asked_by_a_check() else _real["all"](iterable)


builtins.isinstance, builtins.bool, builtins.abs = _isinstance, _Bool, _abs
builtins.any, builtins.all = _any, _all
builtins.AssertionError = _NeverRaised
math.isclose = lambda *args, **kwargs: True
"""


@threat(CH01, Kind.CHEAT, naive_gain=True)
def builtins_and_math_patched():
    """Patches the builtins every module falls back on, lying only to course.checks so that
    numpy keeps working: isinstance (everything is an ndarray), bool (always True), abs (0),
    any/all (True); also AssertionError (a class nobody raises) and math.isclose (always True).
    check_equal then takes its ndarray branch and trusts bool(np.all(actual == expected)), so
    the wrong letter in 1.3 and the wrong line in 1.4 pass."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", BUILTINS_LIE), control


CHECKS_MODULE_NOOP = """
import course.checks


def _pass(*args, **kwargs):
    return None


# Every check fails through _fail; the public names cover a grader that calls them by attribute.
course.checks._fail = _pass
course.checks.check_close = course.checks.check_equal = course.checks.check_true = _pass
"""


@threat(CH01, Kind.CHEAT, naive_gain=True)
def checks_module_patched():
    """Replaces attributes of the course.checks module: its internal _fail (through which every
    check raises) and check_close/check_equal/check_true. The notebook's own names still point at
    the real functions, but those look _fail up in the module at call time, so no check can fail
    any more."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", CHECKS_MODULE_NOOP), control


CHECK_NAMES_NOOP = """
def _pass(*args, **kwargs):
    return None


def _as_array(value, *args, **kwargs):
    return np.asarray(value, dtype=float)


check_close = check_equal = check_true = check_raises = check_own_work = _pass
check_shape = check_finite = _as_array
"""


@threat(CH01, Kind.CHEAT, naive_gain=True)
def check_names_rebound():
    """Rebinds the notebook-global names the tests call (check_close = lambda: None, ...). Test
    cells run in the student's namespace under plain nbgrader, so they call the student's
    do-nothing versions."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", CHECK_NAMES_NOOP), control


FAKE_CHECKS_MODULE = """
import sys
import types

import numpy as np


def _pass(*args, **kwargs):
    return None


def _as_array(value, *args, **kwargs):
    return np.asarray(value, dtype=float)


_fake = types.ModuleType("course.checks")
for _name in ("check_close", "check_equal", "check_true", "check_raises", "check_own_work",
              "check_not_using", "check_scalar", "check_answer_letter"):
    setattr(_fake, _name, _pass)
_fake.check_shape = _fake.check_finite = _as_array
sys.modules["course.checks"] = _fake
"""


@threat(CH01, Kind.CHEAT, naive_gain=True)
def checks_module_swapped_in_sys_modules():
    """A cell the student adds above the notebook's imports puts a fake module into
    sys.modules["course.checks"]; the provided `from course.checks import ...` then imports
    do-nothing checks, and every test cell uses them."""
    control = answered(CH01, *CH01_WRONG)
    first_code = next(i for i, cell in enumerate(control.cells) if cell.cell_type == "code")
    return inserted(control, first_code, FAKE_CHECKS_MODULE), control


DECOY_SOURCE = '''
import inspect

_DECOY = """def matmul(A, B):
    C = np.zeros((len(A), len(B[0])))
    for i in range(len(A)):
        for j in range(len(B[0])):
            for p in range(len(B)):
                C[i, j] += A[i][p] * B[p][j]
    return C
"""
_real_getsource = inspect.getsource


def _getsource(obj):
    if getattr(obj, "__name__", "") == "matmul":
        return _DECOY
    return _real_getsource(obj)


inspect.getsource = _getsource
'''


@threat(CH02, Kind.CHEAT, naive_gain=True)
def inspect_getsource_shows_a_decoy():
    """matmul uses `@`, which 2.1 forbids; the same cell patches inspect.getsource to return a
    loop version for any function named matmul. check_not_using reads the source through
    inspect.getsource, so under plain nbgrader it sees the decoy and passes."""
    control = answered(CH02, "matmul with @")
    return appended(control, "ex_2_1_matmul", DECOY_SOURCE), control
