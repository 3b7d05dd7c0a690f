"""The whole workflow for every chapter, through real nbgrader and the course's grading command:
generate, release to a local exchange, fetch and submit as five students (full solution, untouched
release, a partial attempt, and two students whose every answer is a plausible wrong one from the
chapter's mutant list), then ``grade_chapter`` (collect, rebuild, judge, feedback, export).

The judge never runs test cells where student code runs, so its verdicts are checked cell by cell
against the naive in-process executor, which scores exactly like plain nbgrader (checked here
against ``nbgrader autograde`` itself for one chapter)."""

from __future__ import annotations

import csv
import html
import os

import nbformat
import pytest

from course.execute import run_in_process
from course.grading.batch import grade_chapter
from course.grading.judge import GradingLimits
from course.nbgrader_ext import nbgrader_autograde_preprocessors
from course.pipeline import Pipeline
from tests import grading_tools
from tests.conftest import ROOT, WRITTEN, cells, source_nb
from tests.nbtools import (
    HIDDEN,
    answer_cells,
    code_answer_ids,
    fill_answers,
    secret_lines,
    with_answers,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*not in session.*"),
]

LIMITS = GradingLimits(cell_timeout=120, submission_timeout=600)


def naive_outcomes(chapter: str, submitted: nbformat.NotebookNode):
    """``run_in_process`` on the source notebook (hidden tests included) with the answers of
    ``submitted`` in its answer cells: what plain nbgrader would score."""
    answers = {g: c.source for g, c in answer_cells(submitted).items() if c.cell_type == "code"}
    return run_in_process(source_nb(chapter), ROOT / "source" / chapter, replacements=answers)


def make_course(tmp_path, chapter):
    """A generated course (tests.grading_tools.make_course), released to the exchange."""
    course = grading_tools.make_course(tmp_path, chapter)
    pipe = Pipeline(course, tmp_path / "exchange")
    pipe.release(chapter)
    return course, pipe


def hand_in(pipe, tmp_path, chapter, student, make) -> nbformat.NotebookNode:
    home = tmp_path / "home" / student
    folder = pipe.fetch(chapter, student, home)
    notebook = folder / f"{chapter}.ipynb"
    mine = make(nbformat.read(notebook, as_version=4))
    nbformat.write(mine, notebook)
    pipe.submit(chapter, student, home)
    return mine


@pytest.mark.parametrize("chapter", WRITTEN)
def test_grading_command(chapter, tmp_path):
    course, pipe = make_course(tmp_path, chapter)
    reference = source_nb(chapter)
    answers = code_answer_ids(reference)
    partial_ids = set(answers[: max(1, len(answers) // 2)])
    makers = {
        "full": lambda nb: fill_answers(nb, reference),
        "untouched": lambda nb: nb,
        "partial": lambda nb: fill_answers(nb, reference, partial_ids),
    }
    for i, wrong in enumerate(grading_tools.mutant_students(chapter, 2)):
        makers[f"mutant{i}"] = lambda nb, wrong=wrong: with_answers(nb, wrong)
    submitted = {s: hand_in(pipe, tmp_path, chapter, s, make) for s, make in makers.items()}

    results = grade_chapter(
        course,
        chapter,
        jobs=1,
        limits=LIMITS,
        exchange_dir=tmp_path / "exchange",
        progress_stream=open("/dev/null", "w"),
    )

    assert set(results) == set(makers)
    assert not any(r.error for r in results.values()), {s: r.error for s, r in results.items()}
    full, none, partial = results["full"], results["untouched"], results["partial"]
    assert full.score == full.max_score > 0, (
        f"{chapter}: full solution {full.score}/{full.max_score}"
    )
    assert none.score == 0, f"{chapter}: the untouched release scored {none.score}"
    assert 0 < partial.score < partial.max_score, f"{chapter}: partial {partial.score}"
    assert not full.flags and not none.flags, (full.flags, none.flags)

    # Cell by cell, the judge agrees with plain execution (of the source notebook, whose test
    # cells include the hidden tests, with this student's answers) on every wrong and partial
    # answer.
    for student in ["partial"] + [s for s in makers if s.startswith("mutant")]:
        naive = {o.grade_id: o.score for o in naive_outcomes(chapter, submitted[student])}
        assert results[student].cells == naive, f"{chapter}/{student}: judge and in-process differ"
        if student.startswith("mutant"):
            assert results[student].score < full.score, f"{chapter}/{student} lost no points"

    # Feedback shows failure messages but no hidden test.
    secret = secret_lines(cells(chapter), (HIDDEN,), min_len=25)
    assert secret, f"{chapter}: no hidden-test lines to look for in the feedback"
    for student in makers:
        page = course / "feedback" / student / chapter / f"{chapter}.html"
        text = html.unescape(page.read_text(encoding="utf-8"))
        shown = [line for line in secret if line in text]
        assert not shown, f"{chapter}: feedback for {student} shows hidden tests: {shown[:2]}"
    failed_page = course / "feedback" / "untouched" / chapter / f"{chapter}.html"
    assert "NotImplementedError" in html.unescape(failed_page.read_text(encoding="utf-8"))

    # nbgrader's CSV and the per-question CSV.
    rows = {r["student_id"]: r for r in csv.DictReader((course / "exports" / "grades.csv").open())}
    assert set(rows) == set(makers)
    assert float(rows["full"]["raw_score"]) == full.score
    questions = list(csv.DictReader((course / "exports" / f"{chapter}-questions.csv").open()))
    by_student = {r["student_id"]: r for r in questions}
    graded = [c for c in questions[0] if c.startswith("test_")]
    assert len(graded) == len(full.cells)
    for column in graded:
        grade_id = column.split(" ")[0]
        assert float(by_student["partial"][column]) == results["partial"].cells[grade_id]


def test_plain_nbgrader_scores_like_the_in_process_executor(tmp_path):
    """The baseline the judge is compared with: plain ``nbgrader autograde`` (a real kernel) and
    ``run_in_process`` give the same points on a partial attempt."""
    chapter = "ch01_softmax"
    course, pipe = make_course(tmp_path, chapter)
    reference = source_nb(chapter)
    partial_ids = set(code_answer_ids(reference)[:2])
    mine = hand_in(
        pipe, tmp_path, chapter, "partial", lambda nb: fill_answers(nb, reference, partial_ids)
    )
    pipe.collect(chapter)
    # nbgrader's own executor, not the course's judge
    pipe.config.Autograde.autograde_preprocessors = nbgrader_autograde_preprocessors()
    pipe.autograde(chapter, "partial")
    outcomes = naive_outcomes(chapter, mine)
    assert 0 < pipe.scores(chapter)["partial"].auto == sum(o.score for o in outcomes)


def test_plain_nbgrader_autograde_runs_the_judge(tmp_path):
    """``nbgrader autograde`` itself (here through its API, with the course's config) grades with
    the judge: a wrong softmax scores the same with or without numpy's comparisons patched to
    always agree (under nbgrader's own executor the patch gains points)."""
    chapter = "ch01_softmax"
    course, pipe = make_course(tmp_path, chapter)
    wrong = {"ex_1_1_softmax": "def softmax(x, axis=-1):\n    return np.asarray(x, dtype=float)"}
    patch = "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True"

    def cheat(nb):
        nb = with_answers(nb, wrong)
        nb.cells.insert(2, nbformat.v4.new_code_cell(patch))
        return nb

    hand_in(pipe, tmp_path, chapter, "cheat", cheat)
    hand_in(pipe, tmp_path, chapter, "control", lambda nb: with_answers(nb, wrong))
    pipe.collect(chapter)
    for student in ("cheat", "control"):
        pipe.autograde(chapter, student)
    scores = pipe.scores(chapter)
    assert scores["cheat"].auto == scores["control"].auto


def test_grade_command_collects_from_the_configured_exchange(tmp_path, monkeypatch):
    """Without an explicit exchange, the grade command uses the one ``nbgrader_config.py`` names
    (here through ``$COURSE_EXCHANGE``), as ``python -m course grade`` does."""
    monkeypatch.setenv("COURSE_EXCHANGE", str(tmp_path / "exchange"))
    chapter = "ch01_softmax"
    course, pipe = make_course(tmp_path, chapter)
    hand_in(pipe, tmp_path, chapter, "ada", lambda nb: fill_answers(nb, source_nb(chapter)))
    with open(os.devnull, "w") as quiet:
        results = grade_chapter(
            course, chapter, jobs=1, feedback=False, export=False, progress_stream=quiet
        )
    assert list(results) == ["ada"]
    assert results["ada"].score == results["ada"].max_score > 0
