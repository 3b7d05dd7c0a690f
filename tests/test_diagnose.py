"""Diagnostic feedback (course/diagnose.py): a failing check names the known mistake the
student's value equals, in the notebook, in ``python -m course check`` and in grading feedback
computed by the judge; hidden checks' diagnoses never reach the student's side."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import numpy as np
import pytest

from course import checks, diagnose
from course.cli import main
from course.grading.judge import GradingLimits, Judge
from tests.conftest import ROOT, WRITTEN, mutant_words, mutants, release_nb, source_nb
from tests.nbtools import HIDDEN, SOLUTION, fill_answers, secret_lines

CH03 = "ch03_attention"
D_K = "attention scaled by d_k instead of sqrt(d_k)"  # fails a visible check first
MINUS_INF_ONLY = "mask honouring only its -inf entries"  # fails only a hidden check
LINE = re.compile(r"^Likely mistake: (.+)$", re.M)


def failure(func, *args, **kwargs) -> checks.CheckFailed:
    with pytest.raises(checks.CheckFailed) as info:
        func(*args, **kwargs)
    return info.value


def mutant_function(chapter: str, mutant: str, name: str):
    """The function ``name`` as the mutant defines it (run in a namespace with numpy and the
    chapter's other reference answers, like the notebook)."""
    namespace: dict = {}
    replacements = mutants(chapter)[mutant]
    for cell in source_nb(chapter).cells:  # the provided code cells before the answer
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") in replacements:
            break
        if cell.cell_type == "code" and not meta.get("grade") and not meta.get("solution"):
            exec(cell.source, namespace)  # noqa: S102 - the course's own notebook
    for source in replacements.values():
        exec(source, namespace)  # noqa: S102 - the course's own mutant
    return namespace[name]


def with_mutant(chapter: str, mutant: str) -> nbformat.NotebookNode:
    """The release notebook with every answer filled in, the mutant's in place of the answer."""
    nb = fill_answers(release_nb(chapter), source_nb(chapter))
    replacements = mutants(chapter)[mutant]
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in replacements:
            cell.source = replacements[grade_id]
    return nb


# --------------------------------------------------------------------------- matching


def test_fingerprints_compare_shape_first_then_values_within_tolerance():
    stored = diagnose.fingerprint(np.arange(6.0).reshape(2, 3) / 7)
    assert diagnose.matches(stored, np.arange(6.0).reshape(2, 3) / 7 + 1e-12)
    assert not diagnose.matches(stored, np.arange(6.0).reshape(3, 2) / 7)  # same numbers
    assert not diagnose.matches(stored, np.arange(6.0).reshape(2, 3) / 7 + 1e-3)
    big = np.linspace(0, 1, 1000)
    assert len(diagnose.fingerprint(big)["values"]) <= diagnose.SAMPLES
    assert diagnose.matches(diagnose.fingerprint(big), big.copy())
    assert not diagnose.matches(diagnose.fingerprint(big), big[::-1])
    nan = diagnose.fingerprint(np.array([np.nan, -np.inf]))
    assert json.loads(json.dumps(nan)) == nan  # stored as JSON
    assert diagnose.matches(nan, [np.nan, -np.inf]) and not diagnose.matches(nan, [np.nan, np.inf])
    assert diagnose.matches(diagnose.fingerprint("B"), "B")
    assert not diagnose.matches(diagnose.fingerprint("B"), "b")
    assert not diagnose.matches(diagnose.fingerprint((1, 2)), [1, 2, 3])


def test_a_wrong_return_type_names_the_expected_tuple():
    error = failure(
        checks.check_tuple, 0.5, 2, "attention(..., return_weights=True)", "(output, weights)"
    )
    assert "expected a tuple (output, weights), got float 0.5" in str(error)
    error = failure(checks.check_tuple, np.zeros((2, 5)), 2, "f()", "(output [2, 5], w [2, 4])")
    assert "got an array of shape (2, 5)" in str(error)
    assert checks.check_tuple((1, 2), 2, "f()") == (1, 2)


# --------------------------------------------------------------------------- the notebook


def test_the_notebook_rendering_names_the_mistake():
    """The d_k mutant's own function, called as the visible test calls it: the block the
    notebook shows and ``str()`` (what nbgrader stores) both carry the line."""
    attention = mutant_function(CH03, D_K, "attention")
    rng = np.random.default_rng(31)  # the visible test's inputs
    Q, K, V = rng.normal(size=(2, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 5))
    words = mutant_words(CH03)[D_K]
    expected = np.zeros((2, 5)) + 1.0  # any wrong expectation: only the student's value matters
    error = failure(checks.check_close, attention(Q, K, V), expected, "attention(Q, K, V)")
    assert LINE.findall(str(error)) == [words]
    rendered = "\n".join(error._render_traceback_())
    assert re.search(rf"^\S*{re.escape(diagnose.PREFIX)}{re.escape(words)}\S*$", rendered, re.M)
    # The same value under another check's label, or a value near none: no diagnosis.
    assert "Likely mistake" not in str(
        failure(checks.check_close, attention(Q, K, V), expected, "some other check")
    )
    assert "Likely mistake" not in str(
        failure(checks.check_close, attention(Q, K, V) + 0.1, expected, "attention(Q, K, V)")
    )


def test_course_check_names_the_mistake(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    work = tmp_path / "work" / CH03
    work.mkdir(parents=True)
    nbformat.write(with_mutant(CH03, D_K), work / f"{CH03}.ipynb")
    assert main(["check", "ch03", "--dir", str(tmp_path / "work")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^\s*Likely mistake: " + re.escape(mutant_words(CH03)[D_K]) + "$", out, re.M)


# --------------------------------------------------------------------------- hidden checks


def test_hidden_diagnoses_stay_instructor_side():
    hidden = (ROOT / "source" / CH03 / diagnose.HIDDEN_NAME).read_text(encoding="utf-8")
    shown = (diagnose.DATA / f"{CH03}.json").read_text(encoding="utf-8")
    hidden_only = set(json.loads(hidden)["checks"]) - set(json.loads(shown)["checks"])
    assert "attention with a finite additive mask" in hidden_only
    release = (ROOT / "release" / CH03 / f"{CH03}.ipynb").read_text(encoding="utf-8")
    # A hidden check's label (and what the mistakes return there) is nowhere the student looks.
    assert "finite additive mask" not in release and "finite additive mask" not in shown
    assert not list((ROOT / "release").rglob(diagnose.HIDDEN_NAME))
    assert diagnose.HIDDEN_NAME in (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")


def judged_messages(release_dir, nb) -> list[str]:
    result = Judge(release_dir, GradingLimits()).run(nb, release_nb(CH03))
    return [o.message for o in result.outcomes if not o.passed]


def test_the_judge_names_the_mistake_behind_a_hidden_check(tmp_path):
    """Grading feedback (messages the judge computes) names a mistake that only a hidden check
    catches; a course directory without source/ (as the worker sees it) gives no diagnosis."""
    nb = source_nb(CH03)  # as autograde hands it over: the hidden tests restored
    replacements = mutants(CH03)[MINUS_INF_ONLY]
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        cell.source = replacements.get(grade_id, cell.source)
    words = mutant_words(CH03)[MINUS_INF_ONLY]
    messages = judged_messages(ROOT / "release" / CH03, nb)
    assert messages and LINE.findall(messages[0]) == [words], messages
    assert "finite additive mask" in messages[0]

    bare = tmp_path / "release" / CH03
    shutil.copytree(ROOT / "release" / CH03, bare)
    messages = judged_messages(bare, nb)
    assert messages and "finite additive mask" in messages[0]
    assert "Likely mistake" not in messages[0]


@pytest.mark.parametrize("chapter", WRITTEN)
def test_shipped_diagnoses_hold_no_solution_or_hidden_test_line(chapter):
    """course/data/diagnoses/ ships with the package: no line of a solution or hidden test (as
    the release leak check defines them) may appear in it, as a label or as words."""
    path = diagnose.DATA / f"{chapter}.json"
    if not path.exists():
        pytest.skip(f"{chapter} has no visible diagnoses")
    table = json.loads(path.read_text(encoding="utf-8"))
    shown = set(table["checks"])
    shown |= {m for rows in table["checks"].values() for r in rows for m in r["mistakes"]}
    text = "\n".join(shown)
    secret = secret_lines(source_nb(chapter).cells, (SOLUTION, HIDDEN), min_len=20)
    leaked = [line for line in secret if line in text]
    assert not leaked, f"{path.name} shows solution or hidden-test lines: {leaked[:3]}"


# --------------------------------------------------------------------------- errors and rules


def tiny_notebook() -> nbformat.NotebookNode:
    """An answer ``pair()`` (returns a tuple) and a test cell that unpacks it, once in the
    visible part and once in the hidden part."""
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell("def pair():\n    return 1, 2\n")
    answer.metadata["nbgrader"] = {"grade_id": "ex_1_1_pair", "solution": True, "grade": False}
    test = nbformat.v4.new_code_cell(
        "a, b = pair()\n"
        f"{diagnose.HIDDEN_BEGIN}\n"
        "assert [a, b] == [1, 2], 'pair() must return 1, 2'\n"
        f"{diagnose.HIDDEN_END}\n"
    )
    test.metadata["nbgrader"] = {"grade_id": "test_1_1_pair", "grade": True, "points": 1}
    nb.cells = [answer, test]
    return nb


ONE_VALUE = {"ex_1_1_pair": "def pair():\n    return 1\n"}  # the unpacking raises
SWAPPED = {"ex_1_1_pair": "def pair():\n    return 2, 1\n"}  # a hidden plain assert fails


def test_an_error_raised_in_a_test_cell_names_the_mistake(tmp_path, monkeypatch):
    """A mistake that makes the test cell raise before any check (a wrong return type it
    unpacks) is fingerprinted by the cell, the error's type and its message: the same error
    gets the line (in process, as the judge does, and from a kernel's error output); another
    error, or the same error in another cell, does not; an error in the hidden part of the cell
    goes to the hidden table."""
    from course.execute import run_in_process

    nb = tiny_notebook()
    found = {}
    for name, replacements in (("returns one value", ONE_VALUE), ("swaps", SWAPPED)):
        outcomes, found[name] = diagnose.collect(nb, tmp_path, replacements)
        assert not outcomes[0].passed
    assert [(c["what"], c["hidden"]) for c in found["returns one value"]] == [
        ("test_1_1_pair: raised TypeError", False)
    ]
    assert [(c["what"], c["hidden"]) for c in found["swaps"]] == [
        ("test_1_1_pair: raised AssertionError", True)
    ]
    visible, hidden = diagnose.build_tables("ch01_x", found, {"swaps": "swapped the two values"})
    data, source = tmp_path / "data", tmp_path / "source"
    data.mkdir(), source.mkdir()
    (data / "ch01_x.json").write_text(diagnose.dump(visible), encoding="utf-8")
    (source / diagnose.HIDDEN_NAME).write_text(diagnose.dump(hidden), encoding="utf-8")
    monkeypatch.setattr(diagnose, "DATA", data)
    diagnose.reset_cache()
    try:
        message = run_in_process(nb, tmp_path, ONE_VALUE)[0].message
        assert message.startswith("TypeError: cannot unpack non-iterable int object")
        assert LINE.findall(message) == ["returns one value"]
        assert (
            diagnose.explain_output(
                "test_1_1_pair", "TypeError", "cannot unpack non-iterable int object"
            )
            == "returns one value"
        )
        assert not diagnose.explain_output(
            "test_1_2_other", "TypeError", "cannot unpack non-iterable int object"
        )
        assert not diagnose.explain_output("test_1_1_pair", "TypeError", "something else")
        other = {"ex_1_1_pair": "def pair():\n    return 1, 2, 3\n"}
        assert "Likely mistake" not in run_in_process(nb, tmp_path, other)[0].message
        # The hidden part's error: named only while the judge has the hidden table.
        assert "Likely mistake" not in run_in_process(nb, tmp_path, SWAPPED)[0].message
        with diagnose.hidden_diagnoses(source):
            assert LINE.findall(run_in_process(nb, tmp_path, SWAPPED)[0].message) == [
                "swapped the two values"
            ]
        # A kernel's error output (python -m course check) gets the line too.
        from course import execute
        from course.execute import outcome_from_outputs

        cell = nbformat.from_dict(nb.cells[1])
        cell.outputs = [
            nbformat.v4.new_output(
                "error",
                ename="TypeError",
                evalue="cannot unpack non-iterable int object",
                traceback=[],
            )
        ]
        assert LINE.findall(outcome_from_outputs(cell).message) == ["returns one value"]
        cell.outputs.insert(0, nbformat.v4.new_output("stream", name="stderr", text="x.py:1: W: w"))
        message = outcome_from_outputs(cell).message  # the line stays last, on its own
        assert "(the cell also wrote to stderr: W: w)" in message.partition(execute.MISTAKE)[0]
        assert LINE.findall(message) == ["returns one value"]
    finally:
        diagnose.reset_cache()


def test_a_broken_source_rule_is_fingerprinted_by_the_rule():
    """check_not_using and check_own_work fail with the rule as the value (exact), so a
    student's shortcut matches the known mistake that takes the same one, whatever the names."""

    def with_at(a, b):
        return a @ b

    def with_dot(a, b):
        return np.dot(a, b)

    def delegating(x):
        import course.reference.gpt as ref

        return ref.softmax(x)

    def own(x):
        return checks._diagnose.np.exp(x)  # no reference: passes

    with diagnose.record() as found:
        failure(checks.check_not_using, with_at, {"@", "dot"}, "matmul with loops")
        failure(checks.check_not_using, with_dot, {"@", "dot"}, "matmul with loops")
        failure(checks.check_own_work, delegating, "softmax")
        failure(checks.check_own_work, diagnose.fingerprint, "fingerprint")  # course code itself
        checks.check_own_work(own, "exp")
    assert [f["what"] for f in found] == ["matmul with loops"] * 2 + ["softmax", "fingerprint"]
    assert [f["exact"] for f in found] == [True] * 4
    assert found[0]["fingerprint"] == diagnose.fingerprint("uses @")
    assert found[1]["fingerprint"] == diagnose.fingerprint("uses dot")
    assert found[2]["fingerprint"] == found[3]["fingerprint"]


def test_a_warning_a_test_cell_writes_names_the_mistake(tmp_path, monkeypatch):
    """A mistake whose only symptom is a warning on stderr (which scores 0) is fingerprinted by
    the cell and the warning's first line, without the file and line it starts with; a cell
    with a hidden part keeps it in the hidden table (which line warned is not known)."""
    from course.execute import run_in_process

    nb = tiny_notebook()
    warns = {
        "ex_1_1_pair": "import numpy as np\n\ndef pair():\n"
        "    return 1, min(float(np.exp(np.float64(1000))), 2.0)\n"
    }
    outcomes, found = diagnose.collect(nb, tmp_path, warns)
    assert outcomes[0].message.startswith("the cell wrote to stderr")
    assert [(c["what"], c["hidden"]) for c in found] == [("test_1_1_pair: wrote to stderr", True)]
    assert found[0]["fingerprint"] == diagnose.fingerprint(
        "RuntimeWarning: overflow encountered in exp"
    )
    assert diagnose.stderr_value(
        "/tmp/ipykernel_7/123.py:4: RuntimeWarning: overflow encountered in exp\n  return x\n"
    ) == ("RuntimeWarning: overflow encountered in exp")
    _, hidden = diagnose.build_tables("ch01_x", {"overflows": found}, {})
    (tmp_path / diagnose.HIDDEN_NAME).write_text(diagnose.dump(hidden), encoding="utf-8")
    assert "Likely mistake" not in run_in_process(nb, tmp_path, warns)[0].message
    with diagnose.hidden_diagnoses(tmp_path):
        assert LINE.findall(run_in_process(nb, tmp_path, warns)[0].message) == ["overflows"]


def test_the_judge_names_a_mistake_that_makes_the_student_code_raise():
    """Grading feedback names a known mistake whose symptom is an error the student's own code
    raises under a test (it reaches the judge from the student's process as a copy of the
    error), and a shortcut a source rule forbids."""
    chapter = "ch02_linear"
    words = mutant_words(chapter)
    for mutant in ("matmul checking A.shape[0] against B.shape[0]", "matmul with @"):
        nb = source_nb(chapter)
        replacements = mutants(chapter)[mutant]
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            cell.source = replacements.get(grade_id, cell.source)
        result = Judge(ROOT / "release" / chapter, GradingLimits()).run(nb, release_nb(chapter))
        messages = [o.message for o in result.outcomes if not o.passed]
        assert messages and LINE.findall(messages[0]) == [words.get(mutant, mutant)], messages


# --------------------------------------------------------------------------- the student's kernel

CH02 = "ch02_linear"
ROWS_CHECK = "matmul checking A.shape[0] against B.shape[0]"  # raises in test_2_1_matmul's cell


def release_cell(chapter: str, grade_id: str) -> str:
    return next(
        c.source
        for c in release_nb(chapter).cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id
    )


def cell_outputs(cell: nbformat.NotebookNode) -> tuple[str, str, list[str]]:
    """What a kernel showed under ``cell``: its stdout, its stderr, and the output types in
    order (``error`` for a traceback)."""
    streams = {"stdout": "", "stderr": ""}
    kinds = []
    for output in cell.outputs:
        kinds.append(output.get("name", output["output_type"]))
        if output["output_type"] == "stream":
            streams[output["name"]] += output["text"]
    return streams["stdout"], streams["stderr"], kinds


def test_the_student_kernel_names_the_mistake_behind_a_test_cell_error(tmp_path):
    """In a real Jupyter kernel, a visible test cell that raises an error outside the check
    helpers (a known mistake's ValueError) shows the usual traceback and then, on stdout, the
    Likely mistake line, once even when the checks are imported twice. The same error from a
    cell that is not a test cell, another error in the test cell, and a passing test cell show
    no such line; nothing reaches stderr."""
    from course.execute import run_in_kernel

    words = mutant_words(CH02)[ROWS_CHECK]
    imports = release_nb(CH02).cells[1].source
    assert "from course.checks import" in imports
    (mutant,) = mutants(CH02)[ROWS_CHECK].values()
    test = release_cell(CH02, "test_2_1_matmul")
    answer = next(
        c.source
        for c in source_nb(CH02).cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "ex_2_1_matmul"
    )
    other_error = "def matmul(A, B):\n    raise ValueError('not this one')\n"
    cells = [
        imports,
        imports,  # a second import registers nothing more
        mutant,
        test,  # 3: the known mistake's error in the test cell
        "matmul(np.ones((2, 3)), np.ones((3, 2)))",  # 4: the same error, not a test cell
        f"{test}\n",  # 5: the test cell's text as JupyterLab may send it (a trailing newline)
        other_error,
        test,  # 7: an error no known mistake raises there
        answer,
        test,  # 9: passes
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])
    ran, _ = run_in_kernel(nb, tmp_path)
    shown = [cell_outputs(c) for c in ran.cells]
    stdout, stderr, kinds = shown[3]
    assert kinds == ["error", "stdout"], kinds  # the line comes under the traceback
    assert ran.cells[3].outputs[0]["ename"] == "ValueError"
    assert LINE.findall(stdout) == [words]
    assert LINE.findall(shown[5][0]) == [words]
    for index in (4, 7):
        assert shown[index][2] == ["error"], (index, shown[index])
    assert "Likely mistake" not in shown[9][0] and "passed" in shown[9][0]
    assert not any(err for _, err, _ in shown)


def test_no_line_outside_a_kernel_nor_in_the_grading_worker(tmp_path):
    """Importing the checks registers nothing outside IPython, nor in the grading worker's own
    shell (not IPython's global shell; it runs answer cells only), and a rerun of the import in
    a kernel's shell keeps one callback."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from course.grading.shell import GradingShell\n"
        "shell = GradingShell()\n"
        "shell.run_cell('from course.checks import check_close')\n"
        "print(len(shell.events.callbacks['post_run_cell']))\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from course import diagnose\n"
        "kernel = InteractiveShell.instance()\n"
        "before = len(kernel.events.callbacks['post_run_cell'])\n"
        "diagnose.install_in_kernel(); diagnose.install_in_kernel()\n"
        "print(len(kernel.events.callbacks['post_run_cell']) - before)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["0", "1"], done.stdout + done.stderr
    assert (
        "IPython"
        not in subprocess.run(
            [sys.executable, "-c", "import sys, course.checks; print(sorted(sys.modules))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


def test_the_kernel_callback_never_raises_nor_names_other_cells(capsys):
    """Odd results (no error, no cell info, an error whose str() raises) print nothing."""
    from types import SimpleNamespace

    class Unprintable(ValueError):
        def __str__(self) -> str:
            raise RuntimeError("no")

    test = release_cell(CH02, "test_2_1_matmul")
    for result in (
        None,
        SimpleNamespace(error_in_exec=None, info=SimpleNamespace(raw_cell=test)),
        SimpleNamespace(error_in_exec=ValueError("x"), info=None),
        SimpleNamespace(error_in_exec=Unprintable(), info=SimpleNamespace(raw_cell=test)),
        SimpleNamespace(error_in_exec=ValueError("x"), info=SimpleNamespace(raw_cell="1/0")),
    ):
        diagnose.name_mistake_after_cell(result)
    assert capsys.readouterr() == ("", "")
