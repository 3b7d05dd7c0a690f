"""The grading run's reports: the progress line, the summary table, and the per-question CSV read
back from a real nbgrader gradebook."""

from __future__ import annotations

import csv
import io
import re
import shutil

import nbformat
import pytest

from course.grading.report import (
    Progress,
    SubmissionResult,
    per_question_rows,
    summary_table,
    write_per_question_csv,
)
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    # nbgrader's own Gradebook.add_submission trips SQLAlchemy's autoflush warning.
    pytest.mark.filterwarnings("ignore:.*not in session.*"),
]

ASSIGNMENT = "ch99_demo"
# (grade_id, cell type, points) in notebook order; deliberately not alphabetical, and with a
# written (manually graded) answer between two test cells, as in the course's chapters.
GRADED = [
    ("test_1_b", "code", 2.0),
    ("written_1", "markdown", 1.0),
    ("test_1_a", "code", 1.0),
    ("test_2", "code", 3.0),
]
MAX = sum(points for _, _, points in GRADED)


class TtyStream(io.StringIO):
    def isatty(self) -> bool:
        return True


def result(student: str, score: float = 5, **kw) -> SubmissionResult:
    return SubmissionResult(student=student, score=score, max_score=6, **kw)


# --------------------------------------------------------------------------- progress


def test_progress_prints_a_line_every_tenth_when_not_a_tty():
    out = io.StringIO()
    progress = Progress(100, "ch01", stream=out)
    for i in range(100):
        progress.advance(result(f"s{i:03d}", score=i % 7))
    progress.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 10, out.getvalue()
    assert "\r" not in out.getvalue()
    assert re.fullmatch(
        r"ch01 \[#{20}\] 100/100  \d+\.\d sub/s  eta \S+  last: s099 1/6", lines[-1]
    ), lines[-1]
    assert lines[0].startswith("ch01 [##" + "." * 18 + "] 10/100"), lines[0]


def test_progress_small_batch_prints_every_submission():
    out = io.StringIO()
    progress = Progress(3, "ch02", stream=out)
    for name in "abc":
        progress.advance(result(name))
    assert [line.split("] ")[1].split()[0] for line in out.getvalue().splitlines()] == [
        "1/3",
        "2/3",
        "3/3",
    ]


def test_progress_redraws_in_place_on_a_tty():
    out = TtyStream()
    progress = Progress(4, "ch01", stream=out)
    progress.advance(result("alice", flags=["fast"]))
    progress.advance(result("bob", error="worker crashed"))
    assert out.getvalue().count("\r") == 2 and "\n" not in out.getvalue()
    assert "last: alice 5/6 (flagged)" in out.getvalue()
    assert out.getvalue().rstrip().endswith("last: bob error")
    progress.close()
    assert out.getvalue().endswith("\n")


def test_progress_enabled_overrides_the_tty_check():
    out = TtyStream()
    progress = Progress(2, "ch01", stream=out, enabled=False)
    progress.advance(result("alice"))
    progress.close()
    assert "\r" not in out.getvalue() and out.getvalue().count("\n") == 1


# --------------------------------------------------------------------------- summary table


def test_summary_table_lists_everyone_flagged_first_with_totals():
    results = [
        result("dave", score=6, seconds=1.5),
        result("alice", score=0),
        result("carol", score=3, flags=["wrote to the test cell " + "x" * 100]),
        result("bob", score=0, error="timed out after 180 s"),
        result("eve", score=6),
    ]
    table = summary_table("ch01_softmax", results, elapsed=150.0)
    assert "ch01_softmax" in table
    body = table.splitlines()
    students = ("alice", "bob", "carol", "dave", "eve")
    positions = {s: next(i for i, line in enumerate(body) if line.startswith(s)) for s in students}
    assert positions["bob"] < positions["carol"] < positions["alice"] < positions["dave"]
    assert positions["dave"] < positions["eve"]
    assert "error: timed out after 180 s" in table
    assert "wrote to the test cell xxx" in table and "x" * 100 not in table  # truncated
    assert "1.5s" in table
    assert "4 graded, 1 failed" in table
    assert "mean 3.75, median 4.5 of 6" in table
    assert "2 full marks, 1 zero, 2 flagged" in table
    assert "5 submissions in 2:30 (2.0 submissions/min)" in table


def test_summary_table_without_submissions():
    table = summary_table("ch01_softmax", [], elapsed=0.0)
    assert "(no submissions)" in table and "n/a submissions/min" in table


# --------------------------------------------------------------------------- per-question CSV


@pytest.fixture(scope="module")
def gradebook_url(tmp_path_factory) -> str:
    """A real nbgrader gradebook (the tests only read it): alice fully graded (written answer
    hand-graded), bob autograded with his written answer pending and flagged in the formgrader,
    carol enrolled without a submission."""
    from nbgrader.api import Gradebook

    url = f"sqlite:///{tmp_path_factory.mktemp('gradebook')}/gradebook.db"
    with pytest.MonkeyPatch.context() as patch:
        # A new gradebook asks the alembic command for its schema version, seconds of start-up
        # that this throwaway database does not need.
        patch.setattr("nbgrader.api.get_alembic_version", lambda: "test")
        gb = Gradebook(url)
    with gb:
        gb.update_or_create_assignment(ASSIGNMENT)
        gb.add_notebook(ASSIGNMENT, ASSIGNMENT)
        for grade_id, cell_type, points in GRADED:
            gb.add_grade_cell(
                grade_id, ASSIGNMENT, ASSIGNMENT, max_score=points, cell_type=cell_type
            )
        for grade_id in ("ex_1", "written_1"):
            gb.add_solution_cell(grade_id, ASSIGNMENT, ASSIGNMENT)
        gb.add_student("alice", first_name="Zoë", last_name="O'Brien, Jr.", email="z@x.org")
        gb.add_student("bob", first_name="Bob", lms_user_id="lms-42")
        gb.add_student("carol", first_name="Carol")
        auto = {
            "alice": {"test_1_b": 2.0, "test_1_a": 0.0, "test_2": 1.5},
            "bob": {"test_1_b": 0.0, "test_1_a": 1.0, "test_2": 3.0},
        }
        for student, scores in auto.items():
            gb.add_submission(ASSIGNMENT, student)
            for grade_id, score in scores.items():
                grade = gb.find_grade(grade_id, ASSIGNMENT, ASSIGNMENT, student)
                grade.auto_score, grade.needs_manual_grade = score, False
        written = gb.find_grade("written_1", ASSIGNMENT, ASSIGNMENT, "alice")
        written.manual_score, written.needs_manual_grade = 0.5, False
        assert gb.find_grade("written_1", ASSIGNMENT, ASSIGNMENT, "bob").needs_manual_grade
        bob = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "bob")
        bob.flagged, bob.late_submission_penalty = True, 1.0
        gb.db.commit()
    return url


def test_csv_round_trips_with_notebook_order_and_pending_grades(gradebook_url, tmp_path):
    path = write_per_question_csv(
        tmp_path / "out" / "grades.csv", gradebook_url, ASSIGNMENT, flags={"alice": ["slow"]}
    )
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames
        rows = {row["student_id"]: row for row in reader}
    assert header == [
        "student_id",
        "first_name",
        "last_name",
        "email",
        "lms_user_id",
        "test_1_b (2 pts)",
        "written_1 (1 pts)",
        "test_1_a (1 pts)",
        "test_2 (3 pts)",
        "raw_score",
        "late_submission_penalty",
        "total",
        "max_score",
        "needs_manual_grade",
        "flags",
    ]
    assert list(rows) == ["alice", "bob", "carol"]

    alice = rows["alice"]
    assert (alice["first_name"], alice["last_name"]) == ("Zoë", "O'Brien, Jr.")
    assert [float(alice[c]) for c in header[5:9]] == [2.0, 0.5, 0.0, 1.5]
    assert float(alice["total"]) == 4.0 and float(alice["max_score"]) == MAX
    assert alice["needs_manual_grade"] == "no" and alice["flags"] == "slow"

    bob = rows["bob"]
    assert bob["written_1 (1 pts)"] == "", "a pending manual grade must be empty, not 0"
    assert bob["test_1_b (2 pts)"] == "0"
    assert bob["lms_user_id"] == "lms-42" and bob["needs_manual_grade"] == "yes"
    assert float(bob["raw_score"]) == 4.0 and float(bob["late_submission_penalty"]) == 1.0
    assert float(bob["total"]) == 3.0
    assert bob["flags"] == "flagged in formgrader"

    carol = rows["carol"]
    assert all(carol[c] == "" for c in header[5:9]), carol
    assert carol["flags"] == "missing" and float(carol["total"]) == 0


def test_per_question_rows_columns_and_values(gradebook_url):
    columns, rows = per_question_rows(gradebook_url, ASSIGNMENT)
    assert columns[5:9] == [grade_id for grade_id, _, _ in GRADED]
    by_id = {row["student_id"]: row for row in rows}
    assert by_id["bob"]["written_1"] is None and by_id["bob"]["test_2"] == 3.0
    assert by_id["carol"]["test_2"] is None and by_id["carol"]["flags"] == "missing"
    assert all(set(row) == set(columns) for row in rows)


def test_gradebook_errors_name_the_problem(gradebook_url, tmp_path):
    with pytest.raises(FileNotFoundError, match="no gradebook at"):
        per_question_rows(f"sqlite:///{tmp_path}/nowhere.db", ASSIGNMENT)
    assert not (tmp_path / "nowhere.db").exists(), "must not create an empty gradebook"
    with pytest.raises(LookupError, match=f"'ch00' is not in the gradebook.*it has: {ASSIGNMENT}"):
        per_question_rows(gradebook_url, "ch00")


@pytest.mark.slow
def test_columns_follow_a_generated_chapter_notebook(tmp_path):
    """The gradebook keeps no cell position: check the order read back from a gradebook that real
    nbgrader filled matches the chapter's notebook (written answers between test cells)."""
    from course.pipeline import Pipeline

    chapter = "ch14_parameter_counting"
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / chapter, course / "source" / chapter)
    pipe = Pipeline(course, tmp_path / "exchange")
    pipe.generate(chapter)

    notebook = nbformat.read(course / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    expected = [
        c.metadata.nbgrader["grade_id"]
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    ]
    assert any(g.startswith("written_") for g in expected) and expected != sorted(expected)
    columns, rows = per_question_rows(pipe.db_url, chapter)
    assert columns[5 : 5 + len(expected)] == expected
    assert rows == []
