"""Answers that are objects lying about themselves: equal to anything, claiming a type they do not
have, reading the expected value out of the checking function's frame. They work under plain
nbgrader because the test receives the student's object itself, not plain data."""

from __future__ import annotations

from tests.mutants import swap
from tests.threats import Kind, threat
from tests.threats.notebooks import answered, appended

CH01 = "ch01_softmax"
CH02 = "ch02_linear"

AGREEABLE_INT = """
class _Agreeable(int):
    \"\"\"An int that equals whatever it is compared with.\"\"\"

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


buggy_line = _Agreeable(buggy_line)
"""


@threat(CH01, Kind.CHEAT, naive_gain=True)
def int_equal_to_anything():
    """buggy_line is the wrong line number, wrapped in an int subclass whose __eq__ is always
    True: check_equal accepts two ints that compare equal, so the hidden 1.4 test passes."""
    control = answered(CH01, "debug: wrong line number")
    return appended(control, "ex_1_4_debug_softmax", AGREEABLE_INT), control


IMPOSTOR = """
class _Impostor:
    \"\"\"Claims to be an int (isinstance reads __class__), with an int's shape and dtype, and
    agrees with every comparison.\"\"\"

    __class__ = property(lambda self: int)
    shape = ()
    ndim = 0
    dtype = np.dtype(int)

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __le__(self, other):
        return True

    __lt__ = __ge__ = __gt__ = __le__
    __hash__ = object.__hash__

    def __index__(self):
        return 3

    __int__ = __index__

    def __repr__(self):
        return "3"


buggy_line = _Impostor()
"""


@threat(CH01, Kind.CHEAT, naive_gain=True)
def object_lying_about_its_type():
    """buggy_line is an object that claims to be an int through a __class__ property (so
    isinstance(buggy_line, int) holds), reports an int's shape and dtype, and says yes to ==, <=
    and >=: the visible range check and the hidden check_equal both pass."""
    control = answered(CH01, "debug: wrong line number")
    return appended(control, "ex_1_4_debug_softmax", IMPOSTOR), control


FRAME_MIRROR = """
import sys


class _Mirror:
    \"\"\"softmax's result, except that converting it to an array inside check_close gives
    the array check_close expects (read from its frame), and inside check_finite a finite one.\"\"\"

    def __init__(self, value):
        self._value = np.asarray(value, dtype=float)

    def __array__(self, dtype=None, copy=None):
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name == "check_close" and "expected_array" in frame.f_locals:
                return np.asarray(frame.f_locals["expected_array"], dtype=dtype)
            if frame.f_code.co_name == "check_finite":
                return np.nan_to_num(self._value).astype(dtype or float)
            frame = frame.f_back
        return self._value.astype(dtype or float)

    def __getitem__(self, index):
        return _Mirror(self._value[index])

    def __getattr__(self, name):
        if name.startswith("__"):  # numpy must not find the real __array_interface__
            raise AttributeError(name)
        return getattr(self._value, name)


_computed_softmax = softmax


def softmax(x, axis=-1):
    return _Mirror(_computed_softmax(x, axis))
"""

# A softmax that forgets to normalise: finite and of the right shape, wrong everywhere.
UNNORMALISED = swap(
    CH01, "ex_1_1_softmax", "return e / np.sum(e, axis=axis, keepdims=True)", "return e"
)


@threat(CH01, Kind.CHEAT, naive_gain=True)
def array_read_from_the_callers_frame():
    """softmax forgets to normalise and returns its result inside an object whose __array__
    walks up the stack to check_close and returns check_close's own `expected_array`: every
    comparison of softmax's output with an expected value passes."""
    control = answered(CH01, UNNORMALISED)
    return appended(control, "ex_1_1_softmax", FRAME_MIRROR), control


LYING_NDARRAY = """
class _Lying(np.ndarray):
    \"\"\"An ndarray whose comparisons are always true, whose differences are zero and whose
    absolute value is zero: below every threshold and above it at once.\"\"\"

    def __lt__(self, other):
        return np.True_

    __le__ = __gt__ = __ge__ = __eq__ = __lt__

    def __ne__(self, other):
        return np.False_

    def __sub__(self, other):
        return np.zeros(np.broadcast(self, other).shape)

    __rsub__ = __sub__

    def __abs__(self):
        return np.zeros(self.shape)

    __hash__ = None


_computed_grad_check_linear = grad_check_linear


def grad_check_linear(backward, x, W, b, dY, eps=1e-6):
    errors = _computed_grad_check_linear(backward, x, W, b, dY, eps)
    return {name: np.asarray(err, dtype=float).view(_Lying) for name, err in errors.items()}
"""


@threat(CH02, Kind.CHEAT, naive_gain=True)
def ndarray_subclass_that_lies():
    """grad_check_linear uses the wrong loss (sum(Y) instead of sum(dY * Y)), so its relative
    errors are wrong; it returns them as an ndarray subclass whose <, >, ==, - and abs lie. The
    tests compare the errors with thresholds directly (bool(err < 1e-7), bool(err > 1e-3)), so
    under plain nbgrader both threshold tests pass."""
    control = answered(CH02, "gradient check with loss sum(Y)")
    return appended(control, "ex_2_7_gradient_check", LYING_NDARRAY), control
