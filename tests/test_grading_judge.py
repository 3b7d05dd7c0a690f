"""The judge on small notebooks: test cells run in the judge, student code in the sandboxed
worker, and the semantics tests rely on (exceptions, in-place changes, callbacks, source
inspection) survive the process boundary; a dying or hanging worker costs one cell only."""

from __future__ import annotations

import ast

import nbformat
import pytest

from course.grading.judge import GradingLimits, Judge
from course.grading.provided import ReleasePlan
from tests.conftest import ROOT

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

IMPORTS = (
    "import inspect\nimport numpy as np\n"
    "from course.checks import check_close, check_raises, check_true"
)


def notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    """Cells as (kind, source): kind "code" is an answer cell (it runs in the worker), "test" a
    1-point test cell; the first cell is provided (imports)."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(IMPORTS))
    for i, (kind, source) in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source)
        if kind == "code":  # an answer cell: the student's
            cell.metadata["nbgrader"] = {
                "grade": False,
                "solution": True,
                "locked": False,
                "grade_id": f"answer_{i}",
                "schema_version": 3,
            }
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


# --------------------------------------------------------------------------- IPython semantics


def test_answer_cells_run_as_in_a_kernel():
    """Magics, shell escapes, help, display, the last expression, top-level await and
    get_ipython() in answer cells: everything passes and nothing is flagged."""
    outcomes, result = judge(
        notebook(
            ("code", "%%time\ndef square(x):\n    return x * x"),
            ("test", "check_close(square(3.0), 9.0, 'square(3)')"),
            (
                "code",
                "!echo hello from the shell\nfiles = !ls\nnp.mean?\n%timeit -n 2 -r 1 square(2)\n"
                "%pip install numpy\nimport asyncio\nawait asyncio.sleep(0)\n"
                "display(square(4))\nget_ipython().run_line_magic('load_ext', 'autoreload')\n"
                "%autoreload 2\nshell_ok = isinstance(files, list) and _exit_code == 0\n"
                "square(5)",
            ),
            ("test", "check_true(shell_ok, 'the shell escape ran')"),
            ("code", "%%capture captured\ndef cube(x):\n    print('cubing')\n    return x ** 3"),
            ("test", "check_close(cube(2.0), 8.0, 'cube(2)')"),
            (
                "code",
                "last = _\n%matplotlib inline\nimport matplotlib.pyplot as plt\n"
                "def plot():\n    plt.plot([1, 2])\n    plt.show()\n    return 1",
            ),
            ("test", "check_true(last == 25, f'_ is the last value ({last})')\nplot()"),
        )
    )
    assert all(o.passed for o in outcomes.values()), {g: o.message for g, o in outcomes.items()}
    assert not result.notes, result.notes
    assert "hello from the shell" in "".join(o.get("text", "") for o in result.nb.cells[3].outputs)


def test_source_checks_read_what_ipython_ran():
    """A function from a cell with line magics has its source; one that ``%%time`` compiled has
    none, as in a kernel (where inspect.getsource fails too)."""
    outcomes, _ = judge(
        notebook(
            ("code", "x = 1\n%time y = 2\ndef f(a):\n    return a @ a"),
            ("code", "%%time\ndef g(a):\n    return a @ a"),
            ("code", "%%capture\ndef h(a):\n    return a @ a"),
            ("test", "check_true('a @ a' in inspect.getsource(f), 'source of f')"),
            ("test", "inspect.getsource(g)"),
            ("test", "check_true('a @ a' in inspect.getsource(h), 'source of h')"),
        )
    )
    assert outcomes["test_3"].passed, outcomes["test_3"].message
    assert outcomes["test_4"].message.startswith("OSError"), outcomes["test_4"].message
    assert outcomes["test_5"].passed, outcomes["test_5"].message


def test_what_the_sandbox_refuses_is_flagged_with_its_reason():
    outcomes, result = judge(
        notebook(
            ("code", "%pip install surely-not-a-real-package-xyz\ndef f():\n    return 1"),
            ("test", "check_true(f() == 1, 'f')"),
            ("code", "def g():\n    return 2\n!pip install another-missing-package-xyz"),
            ("test", "check_true(g() == 2, 'g')"),
        )
    )
    assert not outcomes["test_1"].passed  # the cell stopped at %pip, so f is not defined
    assert outcomes["test_3"].passed  # a shell command never raises, as in a kernel
    notes = " | ".join(result.notes)
    assert "surely-not-a-real-package-xyz" in notes and "another-missing-package-xyz" in notes
    assert "installing packages is not possible while grading" in notes


@pytest.mark.skipif(
    __import__("course.grading.sandbox", fromlist=["isolation"]).isolation() == "rlimits",
    reason="only the namespace levels make the file system read-only and cut the network",
)
def test_file_system_and_network_refusals_are_flagged():
    outcomes, result = judge(
        notebook(
            ("code", "open('/usr/should-not-write.txt', 'w').write('x')"),
            ("code", "import socket\nsocket.getaddrinfo('example.com', 80)"),
            (
                "code",
                "def f():\n    with open('/tmp/../usr/x.txt', 'w') as fh:\n        fh.write('x')",
            ),
            ("test", "f()"),
            (
                "code",
                "with open('mine.txt', 'w') as fh:\n    fh.write('allowed')\n"
                "with open('mine.txt') as fh:\n    ok = fh.read() == 'allowed'",
            ),
            ("test", "check_true(ok, 'the working folder is writable')"),
        )
    )
    notes = " | ".join(result.notes)
    assert "read-only while grading" in notes and "network" in notes, notes
    assert "test test_3" in notes  # the failing call inside a test is flagged too
    assert outcomes["test_5"].passed


def test_grader_limitations_are_flagged():
    outcomes, result = judge(
        notebook(
            ("code", "class Box:\n    pass\ndef f():\n    return Box()"),
            ("test", "assert f()"),
        )
    )
    assert not outcomes["test_1"].passed
    assert any("True/False" in note for note in result.notes), result.notes


# --------------------------------------------------------------------------- provided names


def provided_notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    """Like :func:`notebook`, with kind "provided" for a code cell of the release."""
    nb = notebook(*[("code" if k == "provided" else k, s) for k, s in cells])
    for cell, (kind, _) in zip(nb.cells[1:], cells, strict=True):
        if kind == "provided":
            del cell.metadata["nbgrader"]
    return nb


def judge_against(release: nbformat.NotebookNode, answers: str):
    """Grade ``release`` with its first answer cell (cell 2) replaced by ``answers``."""
    submitted = nbformat.from_dict(release)
    submitted.cells[2].source = answers
    result = Judge(ROOT / "release" / "ch01_softmax", GradingLimits()).run(submitted, release)
    return {o.grade_id: o for o in result.outcomes}, result


def test_tests_use_the_notebooks_own_definitions():
    release = provided_notebook(
        (
            "provided",
            "def reference(x):\n    return 2 * x\nTOLERANCE = 1e-9\n"
            "def check_double(f):\n    check_close(f(3.0), reference(3.0), 'f(3)',"
            " atol=TOLERANCE)",
        ),
        ("code", "def double(x):\n    raise NotImplementedError()"),
        ("test", "check_double(double)"),
        ("test", "check_close(double(1.0), reference(1.0), 'double(1)', atol=TOLERANCE)"),
    )
    outcomes, result = judge_against(
        release,
        "def double(x):\n    return 3 * x\n"
        "def reference(x):\n    return 3 * x\nTOLERANCE = 1e9\n"
        "def check_double(f):\n    pass\ncheck_close = lambda *a, **k: None",
    )
    assert not outcomes["test_2"].passed and not outcomes["test_3"].passed
    flagged = " | ".join(result.notes)
    for name in ("reference", "TOLERANCE", "check_double"):
        assert f"redefines {name}" in flagged, flagged

    _, result = judge_against(release, "def double(x):\n    return 2 * x")
    assert all(o.passed for o in result.outcomes), [o.message for o in result.outcomes]
    assert not result.notes, result.notes


def test_provided_code_calls_the_students_answers_and_objects_cross_both_ways():
    """A provided function calls the student's answer (in the worker); a provided class's instance
    made in a test is changed in place by the student's code; isinstance with a provided class
    holds for the student's instance; a provided value computed from the student's code comes
    from the student's process."""
    release = provided_notebook(
        (
            "provided",
            "class Cache:\n    def __init__(self):\n        self.items = []\n"
            "    def add(self, x):\n        self.items.append(x)\n"
            "def run_twice(f, x):\n    return f(f(x))",
        ),
        (
            "code",
            "def inc(x):\n    raise NotImplementedError()\n"
            "def fill(cache, n):\n    raise NotImplementedError()\n"
            "def make():\n    raise NotImplementedError()",
        ),
        ("provided", "made = make()\nbase = 10"),
        ("test", "check_close(run_twice(inc, 1.0), 3.0, 'inc twice')"),
        ("test", "c = Cache()\nfill(c, 3)\ncheck_true(c.items == [0, 1, 2], f'filled: {c.items}')"),
        ("test", "check_true(isinstance(make(), Cache) and isinstance(made, Cache), 'a Cache')"),
        ("test", "check_true(base == 10 and len(made.items) == 1, 'provided values')"),
    )
    _, result = judge_against(
        release,
        "def inc(x):\n    return x + 1\n"
        "def fill(cache, n):\n    for i in range(n):\n        cache.add(i)\n"
        "def make():\n    c = Cache()\n    c.add('x')\n    return c",
    )
    assert all(o.passed for o in result.outcomes), [o.message for o in result.outcomes]
    assert not result.notes, result.notes


def test_provided_code_runs_in_the_judge_only_where_a_test_needs_it():
    """A provided statement that calls an answer runs once, in the student's process, as in the
    kernel, even after a test looked that answer up; the judge keeps only what tests need: data
    a test (hidden ones included) reads, imports, definitions, and bare calls on a module."""
    release = provided_notebook(
        ("provided", "start = 1.0"),
        ("code", "calls = []\ndef f(x):\n    raise NotImplementedError()"),
        ("test", "check_close(f(start), 1.0, 'f(1)')"),
        ("provided", "value = f(5.0)\nshown = np.asarray([value, f(6.0)])"),
        ("test", "check_true(calls == [1.0, 5.0, 6.0], f'calls: {calls}')"),
        ("test", "check_close(value, 5.0, 'value')"),
    )
    outcomes, result = judge_against(
        release, "calls = []\ndef f(x):\n    calls.append(x)\n    return x"
    )
    assert all(o.passed for o in result.outcomes), [o.message for o in result.outcomes]

    plan = ReleasePlan.of(
        provided_notebook(
            ("provided", "np.set_printoptions(precision=3)\nDATA = np.arange(3)\nSHOWN = 1"),
            ("provided", "fig = show(np.ones(3), f(2))\nDATA += 1\nSHOWN += 1"),
            ("test", "check_true(True, 'visible part')"),
        ),
        tests=("check_true(DATA.sum() == 6, 'hidden part')",),
    )
    needed = {
        ast.unparse(s.node): s.needed for statements in plan.cells.values() for s in statements
    }
    assert needed == {
        "import inspect": True,
        "import numpy as np": True,
        "from course.checks import check_close, check_raises, check_true": True,
        "np.set_printoptions(precision=3)": True,
        "DATA = np.arange(3)": True,
        "SHOWN = 1": False,
        "fig = show(np.ones(3), f(2))": False,
        "DATA += 1": True,
        "SHOWN += 1": False,
    }, needed
