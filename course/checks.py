"""Assertion helpers for the tests in chapter notebooks.

Every helper raises ``AssertionError`` with a message in three parts: what was checked, what was
expected and what came back, and a hint on what to look at. Example::

    check_close(softmax(np.array([1000.0, 1001.0, 999.0])), expected,
                "softmax([1000, 1001, 999])", hint="did you subtract the max before exp?")
"""

from __future__ import annotations

import ast
import inspect
import linecache
import re
import textwrap
import types
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from course import diagnose as _diagnose

# In the student's Jupyter kernel, an error a visible test cell raises outside these helpers (a
# wrong return type the cell unpacks) gets a "Likely mistake" line too; nothing outside IPython.
_diagnose.install_in_kernel()


class CheckFailed(AssertionError):
    """A visible or hidden test found a wrong answer.

    ``str(exc)`` is one line (``what: detail -- hint``), which is what the grade command, the
    feedback and ``python -m course check`` report. In a notebook, IPython shows
    :meth:`_render_traceback_` instead of a traceback: a short block saying what was checked, what
    was expected, what came back and the hint, plus the line of the test cell that failed, with
    no frames from the course package.
    """

    def __init__(
        self, message: str, what: str = "", detail: str = "", hint: str = "", mistake: str = ""
    ):
        super().__init__(message)
        self.what, self.detail, self.hint, self.mistake = what, detail, hint, mistake

    def _render_traceback_(self) -> list[str]:
        red, bold, reset = "\x1b[31m", "\x1b[1m", "\x1b[0m"
        lines = [f"{red}{bold}✗ Check failed:{reset} {bold}{self.what or self}{reset}"]
        parts = _EXPECTED_GOT.match(self.detail)
        if parts:
            lines.append(f"  expected: {parts['expected']}")
            lines.append(f"  got:      {parts['got']}")
        elif self.detail:
            lines.append(f"  {self.detail}")
        if self.hint:
            lines.append(f"  hint:     {self.hint}")
        if self.mistake:
            lines.append(f"{bold}{_diagnose.PREFIX}{self.mistake}{reset}")
        where = _cell_line(self.__traceback__)
        if where:
            lines.append(f"  (test cell line {where})")
        return lines


def _cell_line(tb: types.TracebackType | None) -> str:
    """``3: check_close(...)``: the last line outside the course package that led to the
    failure (the test cell's line), or '' if there is none."""
    found = ""
    while tb is not None:
        code = tb.tb_frame.f_code
        if not code.co_filename.startswith(_PACKAGE):
            text = linecache.getline(code.co_filename, tb.tb_lineno).strip()
            text = text if len(text) <= 80 else text[:77] + "..."
            found = f"{tb.tb_lineno}: {text}" if text else str(tb.tb_lineno)
        tb = tb.tb_next
    return found


_PACKAGE = str(Path(__file__).resolve().parent)
_EXPECTED_GOT = re.compile(r"expected (?P<expected>.+?), (?:got |but it )(?P<got>.+)", re.S)


_NO_VALUE = object()


def _fail(
    what: str,
    detail: str,
    hint: str = "",
    value: Any = _NO_VALUE,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    exact: bool = False,
) -> None:
    """Raise :class:`CheckFailed`. ``value`` (what reached the check) is compared with the known
    mistakes' values at this check (:mod:`course.diagnose`); on a match the message gains a line
    ``Likely mistake: <words>``."""
    __tracebackhide__ = True  # noqa: F841 - read by IPython and pytest
    message = f"{what}: {detail}"
    if hint:
        message += f" -- {hint}"
    mistake = ""
    if value is not _NO_VALUE and not _diagnose.observe(what, value, exact):
        mistake = _diagnose.diagnose(what, value, rtol, atol)
    if mistake:
        message += f"\n{_diagnose.PREFIX}{mistake}"
    error = CheckFailed(message, what, detail, hint, mistake)
    error.__cause__ = None  # no "during handling of the above exception" chain (check_raises)
    raise error


def _show(value: Any, limit: int = 160) -> str:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        text = repr(value.item())
    elif isinstance(value, np.ndarray):
        with np.printoptions(precision=6, suppress=False, threshold=20, edgeitems=3):
            text = np.array2string(value, separator=", ")
        text = f"array(shape={value.shape}, dtype={value.dtype}) {text}"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def as_float_array(value: Any, what: str, hint: str = "") -> np.ndarray:
    """``np.asarray(value, dtype=float)`` or a clear failure naming what was returned instead."""
    if value is None:
        _fail(
            what,
            "returned None, expected an array",
            hint or "did you forget `return`?",
            value=value,
        )
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(
            what,
            f"returned {type(value).__name__} {_show(value)}, expected numbers",
            hint,
            value=value,
        )
    return array


def check_shape(value: Any, shape: tuple[int, ...], what: str, hint: str = "") -> np.ndarray:
    """Check that ``value`` is an array of exactly ``shape``; returns it as a float array."""
    array = as_float_array(value, what, hint)
    if array.shape != tuple(shape):
        _fail(what, f"expected shape {tuple(shape)}, got {array.shape}", hint, value=array)
    return array


def check_close(
    actual: Any,
    expected: Any,
    what: str,
    hint: str = "",
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> None:
    """Check shape first, then values within ``rtol``/``atol`` (nan never equals anything)."""
    expected_array = np.asarray(expected, dtype=float)
    actual_array = check_shape(actual, expected_array.shape, what, hint)
    if not np.all(np.isfinite(actual_array) == np.isfinite(expected_array)):
        _fail(
            what,
            f"expected {_show(expected_array)}, got {_show(actual_array)} (nan or inf where "
            "finite numbers were expected, or the other way round)",
            hint,
            value=actual_array,
            rtol=rtol,
            atol=atol,
        )
    finite = np.isfinite(expected_array)
    same_infinities = np.array_equal(actual_array[~finite], expected_array[~finite])
    if not same_infinities or not np.allclose(
        actual_array[finite], expected_array[finite], rtol=rtol, atol=atol
    ):
        worst = np.max(np.abs(actual_array - expected_array), initial=0.0, where=finite)
        _fail(
            what,
            f"expected {_show(expected_array)}, got {_show(actual_array)} "
            f"(largest difference {worst:.3g}; tolerance rtol={rtol:g}, atol={atol:g})",
            hint,
            value=actual_array,
            rtol=rtol,
            atol=atol,
        )


def check_scalar(
    actual: Any,
    expected: float,
    what: str,
    hint: str = "",
    rtol: float = 0.01,
    atol: float = 0.0,
    known: dict[float, str] | None = None,
) -> None:
    """Check a single number (a Derive answer) to a relative tolerance, 1% by default.

    ``known`` maps wrong answers a student plausibly gives (a GiB for a GB, a forgotten factor) to
    the mistake behind each; an answer within the same tolerance of one of them is reported with
    that mistake instead of ``hint``.
    """
    _require_number(actual, what, hint)
    if not np.isfinite(actual) or abs(float(actual) - expected) > max(atol, rtol * abs(expected)):
        for value, mistake in (known or {}).items():
            if abs(float(actual) - value) <= max(atol, rtol * abs(value)):
                hint = mistake
                break
        tolerance = f"within {rtol:.0%}" if rtol >= 0.01 else f"relative tolerance {rtol:g}"
        _fail(
            what,
            f"expected about {expected:.6g} ({tolerance}), got {_show(actual)}",
            hint,
            value=float(actual),
            rtol=rtol,
            atol=atol,
        )


def _require_number(actual: Any, what: str, hint: str) -> None:
    """Fail unless ``actual`` is an int or float (numpy's included, bool excluded)."""
    if isinstance(actual, bool) or not isinstance(actual, (int, float, np.integer, np.floating)):
        _fail(
            what,
            f"expected a number, got {type(actual).__name__} {_show(actual)}",
            hint,
            value=actual,
            exact=True,
        )


def check_count(
    actual: Any,
    expected: int,
    what: str,
    hint: str = "",
    known: dict[int, str] | None = None,
) -> None:
    """Check an exact count (parameters, bytes, elements): a whole number equal to ``expected``.

    An int or a float holding a whole number passes; no tolerance, so a forgotten bias or norm
    vector fails. ``known`` maps wrong answers a student plausibly gives to the mistake behind
    each; when the answer is one of them, the message names that mistake instead of ``hint``.
    """
    _require_number(actual, what, hint)
    if not np.isfinite(actual) or float(actual) != round(float(actual)):
        _fail(
            what,
            f"expected the whole number {int(expected):,}, got {_show(actual)}",
            hint,
            value=float(actual),
            exact=True,
        )
    got = int(actual)
    if got != int(expected):
        for value, mistake in (known or {}).items():
            if got == int(value) and value != expected:
                hint = mistake
                break
        _fail(
            what,
            f"expected exactly {int(expected):,}, got {got:,} (off by {got - int(expected):+,})",
            hint,
            value=got,
            exact=True,
        )


def check_equal(
    actual: Any, expected: Any, what: str, hint: str = "", known: dict[Any, str] | None = None
) -> None:
    """Exact equality for ids, letters, lists and shapes (arrays compared elementwise).

    ``known`` maps wrong answers (numbers, strings) to the mistake behind each; when a wrong
    answer is one of them, the message names that mistake instead of ``hint``.
    """
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        same = np.shape(actual) == np.shape(expected) and bool(np.all(actual == expected))
    else:
        same = type(actual) is type(expected) and actual == expected
        if not same and isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
            same = not isinstance(actual, bool) and actual == expected
    if not same:
        if not isinstance(actual, (np.ndarray, bool)):
            for value, mistake in (known or {}).items():
                numbers = all(
                    isinstance(v, (int, float, np.integer, np.floating)) for v in (value, actual)
                )
                if (numbers or type(value) is type(actual)) and value == actual:
                    hint = mistake
                    break
        _fail(
            what, f"expected {_show(expected)}, got {_show(actual)}", hint, value=actual, exact=True
        )


def _kind_of(value: Any) -> str:
    """``float 0.25``, ``array of shape (2, 5)``, ``tuple of 3 values``: what came back, briefly."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    if value is None:
        return "None"
    return f"{type(value).__name__} {_show(value, 60)}"


def check_tuple(
    value: Any,
    length: int,
    what: str,
    names: str = "",
    hint: str = "",
    kinds: tuple[type, ...] = (tuple,),
) -> tuple[Any, ...]:
    """Check that a function returned a tuple (``kinds``) of ``length`` values and return it as a
    tuple, so a test can unpack it with a clear message instead of a bare ``TypeError``::

        out, w = check_tuple(attention(Q, K, V, return_weights=True), 2,
                             "attention(..., return_weights=True)", "(output, weights)")
    """
    if isinstance(value, kinds) and len(value) == length:
        return tuple(value)
    expected = f"a tuple {names}" if names else f"a tuple of {length} values"
    _fail(
        what,
        f"expected {expected}, got {_kind_of(value)}",
        hint or f"return {length} values: `return {', '.join(['...'] * length)}`",
        value=value,
    )
    raise AssertionError("unreachable")


def check_true(condition: Any, what: str, hint: str = "", value: Any = _NO_VALUE) -> None:
    """Check that ``condition`` is True. ``value``: what the condition is about (the student's
    result), so a failure can be compared with known mistakes' values; without it, only a label
    that shows the student's number (``f"relative error ({err:.2e})"``) can be."""
    if not (condition is True or condition is np.True_):
        shown = _diagnose.LABEL if value is _NO_VALUE else value
        _fail(what, "the check did not hold", hint, value=shown)


def check_finite(value: Any, what: str, hint: str = "") -> np.ndarray:
    array = as_float_array(value, what, hint)
    if not np.all(np.isfinite(array)):
        _fail(what, f"expected only finite numbers, got {_show(array)}", hint, value=array)
    return array


def check_raises(
    func: Callable[[], Any],
    exception: type[BaseException],
    what: str,
    hint: str = "",
    contains: Iterable[str] = (),
) -> BaseException:
    """Check that ``func()`` raises ``exception`` whose message mentions every ``contains``."""
    try:
        result = func()
    except exception as exc:
        message = str(exc)
        missing = [part for part in contains if part not in message]
        if missing:
            _fail(
                what,
                f"the error message {message!r} should mention {missing}",
                hint,
                value=f"{type(exc).__name__} without {missing}",
                exact=True,
            )
        return exc
    except Exception as exc:  # a different error
        _fail(
            what,
            f"expected {exception.__name__}, got {type(exc).__name__}: {exc}",
            hint,
            value=f"raised {type(exc).__name__}",
            exact=True,
        )
    _fail(
        what,
        f"expected {exception.__name__}, but it returned {_show(result)}",
        hint,
        value=result,
        exact=True,
    )
    raise AssertionError("unreachable")


def check_answer_letter(answer: Any, options: str, what: str) -> str:
    """A Trace answer must be one of the option letters (the hidden test checks which)."""
    if not isinstance(answer, str) or answer.strip().upper() not in options:
        _fail(
            what,
            f"expected one letter of {', '.join(options)}, got {_show(answer)}",
            value=answer,
            exact=True,
        )
    return answer.strip().upper()


def called_names(func: Callable[..., Any]) -> set[str]:
    """Names and attributes that ``func``'s source calls or uses (``np.dot`` -> ``dot``), and
    operators such as ``@`` (as ``"@"``): for tests that forbid a shortcut."""
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        _fail("reading your function's source", "it is not available", "define it in a cell")
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            names.add("@")
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.MatMult):
            names.add("@")
    return names


def check_not_using(func: Callable[..., Any], forbidden: Iterable[str], what: str) -> None:
    """Fail if ``func``'s source uses any of ``forbidden`` (e.g. ``{"@", "dot", "matmul"}``)."""
    used = sorted(called_names(func) & set(forbidden))
    if used:
        _fail(
            what,
            f"your code uses {', '.join(used)}",
            "write the loops yourself",
            value=f"uses {', '.join(used)}",  # the rule broken is the fingerprint (exact)
            exact=True,
        )


def _code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _uses_reference(func: Any, seen: set[int]) -> str | None:
    """The first way ``func`` (or a notebook function it calls) reaches ``course.reference``."""
    func = inspect.unwrap(func)
    code = getattr(func, "__code__", None)
    if code is None or id(func) in seen:
        return None
    seen.add(id(func))
    glob = getattr(func, "__globals__", {})
    for part in _code_objects(code):
        for const in part.co_consts:
            if isinstance(const, str) and "course.reference" in const:
                return f"it imports {const!r}"
        for name in part.co_names:
            if "course.reference" in name:
                return f"it imports {name}"
            if name == "reference" and ("course" in part.co_names or "course" in glob):
                return "it uses course.reference"
            obj = glob.get(name)
            module = getattr(obj, "__name__", "") if isinstance(obj, types.ModuleType) else ""
            owner = getattr(obj, "__module__", "") or ""
            if module.startswith("course.reference") or owner.startswith("course.reference"):
                return f"it uses {name} from the course's reference code"
            if isinstance(obj, types.FunctionType) and obj.__globals__ is glob:
                found = _uses_reference(obj, seen)
                if found:
                    return f"{found} (through {name})"
            if isinstance(obj, type) and obj.__module__ == glob.get("__name__"):
                for method in vars(obj).values():
                    if isinstance(method, types.FunctionType):
                        found = _uses_reference(method, seen)
                        if found:
                            return f"{found} (through {name})"
    return None


def check_own_work(func: Callable[..., Any], what: str) -> None:
    """Fail if ``func`` hands its work to the course's reference code (``course.reference``),
    directly, through an alias, a string import, or a notebook helper it calls: a graded
    function that merely delegates to a reference piece scores 0."""
    if (getattr(func, "__module__", "") or "").startswith("course."):
        found = "it is the course's reference code"
    else:
        found = _uses_reference(func, set()) or ""
    if found:  # however it gets there, the rule broken is the fingerprint (exact)
        _fail(what, found, "write the computation yourself", value=_DELEGATES, exact=True)


_DELEGATES = "delegates to course.reference"
