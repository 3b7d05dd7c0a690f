"""The assertion helpers say what was expected, what came back and what to check."""

from __future__ import annotations

import numpy as np
import pytest

from course import checks


def fails(func, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        func(*args, **kwargs)
    return str(info.value)


def test_check_close_messages():
    msg = fails(
        checks.check_close, [1.0, np.nan], [1.0, 2.0], "softmax(x)", hint="subtract the max"
    )
    assert "softmax(x)" in msg and "nan" in msg and "subtract the max" in msg
    msg = fails(checks.check_close, [1.0, 2.0], [1.0, 2.0, 3.0], "f(x)")
    assert "expected shape (3,), got (2,)" in msg
    msg = fails(checks.check_close, None, [1.0], "f(x)")
    assert "returned None" in msg
    msg = fails(checks.check_close, "abc", [1.0], "f(x)")
    assert "expected numbers" in msg
    msg = fails(checks.check_close, [1.0, 2.5], [1.0, 2.0], "f(x)")
    assert "largest difference 0.5" in msg
    checks.check_close([1.0, -np.inf], [1.0, -np.inf], "inf allowed where expected")
    fails(checks.check_close, [1.0, np.inf], [1.0, -np.inf], "sign of inf")


def test_check_scalar_and_equal():
    checks.check_scalar(124_500_000, 124_439_808, "params")
    msg = fails(checks.check_scalar, 110e6, 124_439_808, "params", hint="count biases")
    assert "within 1%" in msg and "count biases" in msg
    assert "relative tolerance 1e-09" in fails(checks.check_scalar, 1.1, 1.0, "x", rtol=1e-9)
    assert "expected a number" in fails(checks.check_scalar, "1e9", 1e9, "x")
    assert "expected a number" in fails(checks.check_scalar, True, 1.0, "x")
    msg = fails(checks.check_scalar, 2**30, 1e9, "gb", hint="generic", known={2**30: "GiB, not GB"})
    assert "GiB, not GB" in msg and "generic" not in msg
    assert "generic" in fails(checks.check_scalar, 5.0, 1.0, "x", hint="generic", known={3.0: "no"})
    checks.check_equal("B", "B", "answer")
    assert "expected 'B', got 'C'" in fails(checks.check_equal, "C", "B", "answer")
    assert "expected 4" in fails(checks.check_equal, True, 4, "line")
    checks.check_equal(4, 4, "line")
    msg = fails(checks.check_equal, 31, 30, "users", hint="generic", known={31: "round down"})
    assert "expected 30, got 31" in msg and "round down" in msg and "generic" not in msg
    assert "generic" in fails(checks.check_equal, 32, 30, "users", hint="generic", known={31: "x"})
    assert "pick B" in fails(checks.check_equal, "A", "B", "letter", known={"A": "pick B"})


def test_check_count_is_exact_and_names_known_mistakes():
    checks.check_count(124_439_808, 124_439_808, "params")
    checks.check_count(124_439_808.0, 124_439_808, "params")
    checks.check_count(np.int64(7), 7, "params")
    msg = fails(checks.check_count, 124_439_808 - 768, 124_439_808, "params", hint="count all")
    assert "expected exactly 124,439,808" in msg and "off by -768" in msg and "count all" in msg
    msg = fails(
        checks.check_count, 10, 12, "params", hint="generic", known={10: "you forgot the bias"}
    )
    assert "you forgot the bias" in msg and "generic" not in msg
    assert "whole number" in fails(checks.check_count, 12.5, 12, "params")
    assert "expected a number" in fails(checks.check_count, "12", 12, "params")
    assert "expected a number" in fails(checks.check_count, True, 1, "params")
    assert "whole number" in fails(checks.check_count, float("nan"), 12, "params")


def test_check_raises_and_true():
    def boom():
        raise ValueError("shapes (2, 3) and (4, 5)")

    checks.check_raises(boom, ValueError, "matmul", contains=["(2, 3)", "(4, 5)"])
    assert "should mention" in fails(checks.check_raises, boom, ValueError, "m", contains=["(9,)"])
    assert "but it returned 3" in fails(checks.check_raises, lambda: 3, ValueError, "m")
    assert "expected KeyError, got ValueError" in fails(checks.check_raises, boom, KeyError, "m")
    assert "did not hold" in fails(checks.check_true, np.array([True, True]), "x")
    checks.check_true(np.True_, "numpy bool")


def test_check_not_using_and_own_work():
    def uses_matmul(a, b):
        return a @ b

    def loops(a, b):
        return [
            [sum(x * y for x, y in zip(r, c, strict=True)) for c in zip(*b, strict=True)] for r in a
        ]

    assert "uses @" in fails(checks.check_not_using, uses_matmul, {"@", "dot"}, "matmul")
    checks.check_not_using(loops, {"@", "dot"}, "matmul")

    def delegates(x):
        from course import reference  # noqa: F401

        return reference.softmax(x)

    assert "reference" in fails(checks.check_own_work, delegates, "softmax")
    checks.check_own_work(loops, "matmul")

    # aliases, string imports and helpers are followed too (functions built in a notebook-like
    # namespace so that their globals are the "notebook's")
    namespace: dict = {}
    exec(
        "import numpy as np\n"
        "import course.reference.gpt as R\n"
        "from course.reference.gpt import softmax as sm\n"
        "def via_alias(x):\n    return R.softmax(x)\n"
        "def via_name(x):\n    return sm(x)\n"
        "def via_string(x):\n"
        "    import importlib\n"
        "    return importlib.import_module('course.reference.gpt').softmax(x)\n"
        "def helper(x):\n    return sm(x)\n"
        "def via_helper(x):\n    return helper(x) * 1.0\n"
        "def honest(x):\n    e = np.exp(x - x.max())\n    return e / e.sum()\n"
        "def calls_honest(x):\n    return honest(x)\n",
        namespace,
    )
    for name in ("via_alias", "via_name", "via_string", "via_helper"):
        fails(checks.check_own_work, namespace[name], name)
    assert "through helper" in fails(checks.check_own_work, namespace["via_helper"], "f")
    checks.check_own_work(namespace["honest"], "honest")
    checks.check_own_work(namespace["calls_honest"], "calls_honest")
    from course.reference.gpt import softmax

    assert "reference code" in fails(checks.check_own_work, softmax, "softmax")


def test_a_failure_renders_as_a_short_block_in_a_notebook():
    """IPython shows ``_render_traceback_`` instead of a traceback: what was checked, expected,
    got and the hint, the test cell's line, and no frame from the course package."""
    namespace: dict = {"checks": checks, "np": np}
    source = "x = 1\nchecks.check_close(np.array([1.0, 2.5]), [1.0, 2.0], 'f(x)', hint='look')\n"
    with pytest.raises(checks.CheckFailed) as info:
        exec(compile(source, "<test cell>", "exec"), namespace)
    lines = [line for line in info.value._render_traceback_()]
    plain = "\n".join(lines).replace("\x1b[31m", "").replace("\x1b[1m", "").replace("\x1b[0m", "")
    assert plain.splitlines()[0] == "✗ Check failed: f(x)"
    assert "  expected: array(shape=(2,), dtype=float64) [1., 2.]" in plain
    assert "  got:      array(shape=(2,), dtype=float64) [1. , 2.5]" in plain
    assert "  hint:     look" in plain
    assert plain.splitlines()[-1] == "  (test cell line 2)"  # exec'd text has no source lines
    assert "checks.py" not in plain and len(lines) == 5
    # the one-line message the grader and `course check` report is unchanged
    assert str(info.value).startswith("f(x): expected array(") and str(info.value).endswith("look")


def test_check_raises_failure_has_no_chained_traceback():
    with pytest.raises(checks.CheckFailed) as info:
        checks.check_raises(lambda: 1 / 0, ValueError, "dividing by zero")
    assert info.value.__suppress_context__ and info.value.__cause__ is None
    block = "\n".join(info.value._render_traceback_())
    assert "expected: ValueError" in block and "got:      ZeroDivisionError" in block
    import traceback

    printed = "".join(traceback.format_exception(info.value))
    assert "During handling" not in printed and "ZeroDivisionError" in printed
