"""The judge on small notebooks: test cells run in the judge, student code in the sandboxed
worker, and the semantics tests rely on (exceptions, in-place changes, callbacks, source
inspection) survive the process boundary; a dying or hanging worker costs one cell only."""

from __future__ import annotations

import nbformat
import pytest

from course.grading.judge import GradingLimits, Judge
from tests.conftest import ROOT

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

IMPORTS = (
    "import inspect\nimport numpy as np\n"
    "from course.checks import check_close, check_raises, check_true"
)


def notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    """Cells as (kind, source): kind "code" runs in the worker, "test" is a 1-point test cell."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(IMPORTS))
    for i, (kind, source) in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source)
        if kind == "test":
            cell.metadata["nbgrader"] = {
                "grade": True,
                "solution": False,
                "locked": True,
                "points": 1,
                "grade_id": f"test_{i}",
                "schema_version": 3,
            }
        nb.cells.append(cell)
    return nb


def judge(nb, **limits):
    result = Judge(ROOT / "release" / "ch01_softmax", GradingLimits(**limits)).run(nb, nb)
    return {o.grade_id: o for o in result.outcomes}, result


def test_exceptions_keep_their_builtin_class_and_message():
    outcomes, _ = judge(
        notebook(
            (
                "code",
                "def f(x):\n    if x < 0:\n        raise ValueError('x must be >= 0')\n"
                "    return {'a': 1}[x]",
            ),
            ("test", "check_raises(lambda: f(-1), ValueError, 'f(-1)', contains=['x must be'])"),
            ("test", "try:\n    f(3)\nexcept KeyError as e:\n    assert str(e) == '3', str(e)"),
            ("test", "f(-1)"),
        )
    )
    assert outcomes["test_1"].passed and outcomes["test_2"].passed
    assert outcomes["test_3"].message == "ValueError: x must be >= 0"


def test_student_objects_cannot_pass_for_expected_values():
    outcomes, _ = judge(
        notebook(
            (
                "code",
                "class Anything:\n    def __eq__(self, other):\n        return True\n"
                "    def __bool__(self):\n        return True\n"
                "    __array_interface__ = {'data': (0, False), 'shape': (3,), 'typestr': '<f8'}\n"
                "def f():\n    return Anything()",
            ),
            ("test", "assert f() == 1"),
            ("test", "assert f()"),
            ("test", "check_close(f(), [1.0, 2.0, 3.0], 'f()')"),
            ("test", "x = f()\nassert x == x and x != f() or x is not f()"),
        )
    )
    assert not outcomes["test_1"].passed and not outcomes["test_2"].passed
    assert not outcomes["test_3"].passed
    assert outcomes["test_4"].passed  # identity still works


def test_in_place_changes_and_callbacks_see_the_same_arrays():
    outcomes, _ = judge(
        notebook(
            (
                "code",
                "def bump(a):\n    a += 1\n"
                "def numerical_gradient(f, x, eps=1e-6):\n    g = np.zeros_like(x)\n"
                "    for i in range(x.size):\n        old = x[i]\n        x[i] = old + eps\n"
                "        plus = f()\n        x[i] = old - eps\n        minus = f()\n"
                "        x[i] = old\n"
                "        g[i] = (plus - minus) / (2 * eps)\n    return g\n"
                "class Model:\n    def __init__(self):\n        self.w = np.zeros(2)\n"
                "    def out(self):\n        return float(self.w.sum())",
            ),
            ("test", "v = np.zeros(3)\nbump(v)\ncheck_close(v, [1, 1, 1], 'bumped')"),
            (
                "test",
                "x = np.array([1.0, 2.0])\n"
                "check_close(numerical_gradient(lambda: float(np.sum(x ** 2)), x),"
                " [2.0, 4.0], 'gradient', rtol=1e-5)",
            ),
            (
                "test",
                "m = Model()\nm.w[1] += 3.0\ncheck_close(m.out(), 3.0, 'model sees the change')",
            ),
        )
    )
    assert all(o.passed for o in outcomes.values()), {g: o.message for g, o in outcomes.items()}


def test_source_checks_read_the_submitted_cell_text():
    outcomes, _ = judge(
        notebook(
            (
                "code",
                "import inspect as _i\n"
                "_i.getsource = lambda f: 'def matmul(a, b):\\n    return loops'\n"
                "def matmul(a, b):\n    return a @ b",
            ),
            ("test", "assert '@' in inspect.getsource(matmul)"),
        )
    )
    assert outcomes["test_1"].passed, outcomes["test_1"].message


def test_a_dying_or_hanging_worker_costs_only_its_cell():
    outcomes, result = judge(
        notebook(
            ("code", "def f():\n    return 1"),
            ("code", "import os\nos._exit(3)"),
            ("test", "check_close(f(), 1.0, 'f() after the worker died')"),
            ("code", "while True:\n    pass"),
            ("test", "check_close(f(), 1.0, 'f() after a hang')"),
            ("test", "def g():\n    return 2\ncheck_true(g() == 2, 'a test cell on its own')"),
        ),
        cell_timeout=3,
    )
    assert all(o.passed for o in outcomes.values()), {g: o.message for g, o in outcomes.items()}
    assert any("exited with status 3" in note for note in result.notes), result.notes
    assert any("longer than 3 s" in note for note in result.notes), result.notes
    errors = [o for c in result.nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert len(errors) == 2  # the two cells that broke the worker say why


def test_output_is_capped():
    _, result = judge(
        notebook(("code", "for i in range(10**6):\n    print('spam spam spam')")), output_chars=1000
    )
    text = result.nb.cells[1].outputs[0]["text"]
    assert len(text) < 1200 and "more characters of output dropped" in text


def test_operators_on_student_objects_run_in_the_worker():
    outcomes, _ = judge(
        notebook(
            (
                "code",
                "class Vec:\n    def __init__(self, xs):\n        self.xs = np.asarray(xs, float)\n"
                "    def __add__(self, other):\n        return self.xs + other\n"
                "    def __rmul__(self, k):\n        return k * self.xs\n"
                "    def __neg__(self):\n        return -self.xs\n"
                "    def __len__(self):\n        return len(self.xs)\n"
                "    def __getitem__(self, i):\n        return float(self.xs[i])",
            ),
            (
                "test",
                "v = Vec([1, 2])\ncheck_close(v + 1, [2, 3], 'v + 1')\n"
                "check_close(3 * v, [3, 6], '3 * v')\ncheck_close(-v, [-1, -2], '-v')\n"
                "check_true(len(v) == 2 and v[1] == 2.0 and list(v) == [1.0, 2.0], 'sequence')",
            ),
        )
    )
    assert outcomes["test_1"].passed, outcomes["test_1"].message
