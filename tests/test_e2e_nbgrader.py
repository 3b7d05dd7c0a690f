"""The whole nbgrader workflow, through real nbgrader, for every chapter: generate, release to a
local exchange, fetch and submit as three students (full solution, untouched release, a partial
attempt), collect, autograde, generate feedback, export grades."""

from __future__ import annotations

import csv
import html
import shutil

import nbformat
import pytest

from course.execute import run_in_process
from course.pipeline import Pipeline
from tests.conftest import ROOT, WRITTEN, cells, source_nb
from tests.nbtools import HIDDEN, code_answer_ids, fill_answers, secret_lines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*not in session.*"),
]


@pytest.mark.parametrize("chapter", WRITTEN)
def test_full_pipeline(chapter, tmp_path):
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / chapter, course / "source" / chapter)
    pipe = Pipeline(course, tmp_path / "exchange")
    pipe.generate(chapter)
    pipe.release(chapter)

    reference = source_nb(chapter)
    answers = code_answer_ids(reference)
    partial_ids = set(answers[: max(1, len(answers) // 2)])
    students = {"full": None, "untouched": set(), "partial": partial_ids}
    submitted = {}
    for student, only in students.items():
        home = tmp_path / "home" / student
        folder = pipe.fetch(chapter, student, home)
        notebook = folder / f"{chapter}.ipynb"
        released = nbformat.read(notebook, as_version=4)
        mine = fill_answers(released, reference, only) if only != set() else released
        nbformat.write(mine, notebook)
        submitted[student] = mine
        pipe.submit(chapter, student, home)

    pipe.collect(chapter)
    for student in students:
        pipe.autograde(chapter, student)
    scores = pipe.scores(chapter)

    full, none, partial = scores["full"], scores["untouched"], scores["partial"]
    assert full.auto == full.auto_max > 0, (
        f"{chapter}: full solution scored {full.auto}/{full.auto_max}"
    )
    assert none.auto == 0, f"{chapter}: the untouched release scored {none.auto}"
    assert 0 < partial.auto < partial.auto_max, (
        f"{chapter}: a partial attempt scored {partial.auto}/{partial.auto_max}"
    )
    # nbgrader and the course's in-process scorer agree on the partial attempt.
    outcomes = run_in_process(submitted["partial"], course / "source" / chapter)
    assert sum(o.score for o in outcomes) == partial.auto, f"{chapter}: in-process score differs"

    secret = secret_lines(cells(chapter), (HIDDEN,), min_len=25)
    assert secret, f"{chapter}: no hidden-test lines to look for in the feedback"
    for student in students:
        page = html.unescape(pipe.feedback(chapter, student).read_text(encoding="utf-8"))
        shown = [line for line in secret if line in page]
        assert not shown, f"{chapter}: feedback for {student} shows hidden tests: {shown[:2]}"
    failed_page = html.unescape(pipe.feedback(chapter, "untouched").read_text(encoding="utf-8"))
    assert "NotImplementedError" in failed_page, "feedback should show the failure message"

    grades = pipe.export_csv(tmp_path / "grades.csv")
    rows = {r["student_id"]: r for r in csv.DictReader(grades.open())}
    assert set(rows) == set(students)
    assert float(rows["full"]["raw_score"]) == full.auto
    assert float(rows["untouched"]["raw_score"]) == 0.0
