"""Issue 10, item 4: one verdict everywhere. For the same notebook, the three places a student or
an instructor sees whether a visible test passes agree, test cell by test cell:

* ``python -m course check`` (``course.cli.run_check``: a Jupyter kernel, ``run_in_kernel``);
* nbgrader's *Validate* button (``nbgrader.validator.Validator`` with the course's config);
* the visible part of the grade: the grade command's rebuild (``sanitize.rebuild``) and judge
  (``course.grading.judge.Judge``) on the notebook with the release's test cells, which hold
  the visible tests only.

Two ch01 notebooks: a mix of right, wrong and unanswered exercises, and an honest notebook
whose answers use IPython magics and shell escapes (the first student of
``tests.differential.mixed_plans``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from course.cli import run_check
from course.execute import grade_cells
from course.grading.judge import GradingLimits, Judge
from course.grading.sanitize import rebuild
from course.pipeline import load_config
from tests.conftest import ROOT, mutants, release_nb
from tests.differential import mixed_plans
from tests.styles import STYLES, styled_notebook

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

CHAPTER = "ch01_softmax"


def mixed_answers() -> nbformat.NotebookNode:
    """1.1 and 1.4 right, 1.2 and 1.5 plausibly wrong (mutants that fail a visible test), 1.3
    left as the release stub."""
    from tests.conftest import source_nb
    from tests.nbtools import answer_cells, with_answers

    reference = {g: c.source for g, c in answer_cells(source_nb(CHAPTER)).items()}
    wrong = mutants(CHAPTER)
    answers = {
        "ex_1_1_softmax": reference["ex_1_1_softmax"],
        "ex_1_4_debug_softmax": reference["ex_1_4_debug_softmax"],
        **wrong["log_softmax as log(softmax)"],
        **wrong["temperature multiplied instead of divided"],
    }
    return with_answers(release_nb(CHAPTER), answers)


def styled() -> nbformat.NotebookNode:
    plan = mixed_plans(CHAPTER, list(STYLES.values()))[0]
    return styled_notebook(release_nb(CHAPTER), plan.answers)


NOTEBOOKS = {"mixed": mixed_answers, "styled": styled}


def place(nb: nbformat.NotebookNode, folder: Path) -> Path:
    """The notebook in a copy of the release folder (its data files next to it)."""
    shutil.copytree(ROOT / "release" / CHAPTER, folder)
    path = folder / f"{CHAPTER}.ipynb"
    nbformat.write(nb, path)
    return path


def check_verdicts(path: Path) -> dict[str, bool]:
    return {o.grade_id: o.passed for r in run_check(path) for o in r.cells}


def validate_verdicts(path: Path) -> dict[str, bool]:
    from nbgrader.validator import Validator

    tests = {
        c.source.strip(): c.metadata["nbgrader"]["grade_id"]
        for c in grade_cells(nbformat.read(path, as_version=4))
    }
    results = Validator(config=load_config(ROOT)).validate(str(path))
    assert set(results) <= {"failed"}, f"Validate did not grade the notebook: {results}"
    failed = {tests[f["source"]] for f in results.get("failed", []) if f["source"] in tests}
    return {grade_id: grade_id not in failed for grade_id in tests.values()}


def judge_verdicts(path: Path) -> tuple[dict[str, bool], dict[str, str]]:
    release = release_nb(CHAPTER)
    rebuilt = rebuild(path, release)
    result = Judge(ROOT / "release" / CHAPTER, GradingLimits(cell_timeout=120)).run(
        rebuilt.nb, release
    )
    return (
        {o.grade_id: o.passed for o in result.outcomes},
        {o.grade_id: o.message for o in result.outcomes},
    )


@pytest.mark.parametrize("which", list(NOTEBOOKS))
def test_check_validate_and_the_visible_grade_agree(which, tmp_path):
    path = place(NOTEBOOKS[which](), tmp_path / which)
    check = check_verdicts(path)
    validate = validate_verdicts(path)
    judged, messages = judge_verdicts(path)

    visible = [c.metadata["nbgrader"]["grade_id"] for c in grade_cells(release_nb(CHAPTER))]
    assert set(check) == set(validate) == set(judged) == set(visible), (
        f"not every visible test cell got a verdict: check {sorted(check)}, validate "
        f"{sorted(validate)}, judge {sorted(judged)}"
    )
    if which == "mixed":  # the notebook has passing and failing cells, so agreement means something
        assert any(check.values()) and not all(check.values()), check

    def show(ok: bool) -> str:
        return "pass" if ok else "FAIL"

    disagree = [
        f"{cell}: check {show(check[cell])}, validate {show(validate[cell])}, "
        f"judge {show(judged[cell])} ({messages[cell] or 'passed'})"
        for cell in visible
        if not check[cell] == validate[cell] == judged[cell]
    ]
    if disagree:
        pytest.fail(
            f"{which} {CHAPTER} notebook: the verdicts differ on {len(disagree)} visible test "
            "cell(s):\n" + "\n".join(disagree),
            pytrace=False,
        )
