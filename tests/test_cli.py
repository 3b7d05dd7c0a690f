"""``python -m course``: student commands on real notebooks; one clear line for bad input."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course import progress
from course.cli import course_exercise_count, main
from course.execute import CellOutcome, ExerciseResult
from course.syllabus import CHAPTERS
from tests.conftest import ROOT, release_nb, source_nb
from tests.nbtools import fill_answers


def run_cli(*args: str, env_file=None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "COURSE_FAST": "1"}
    if env_file:
        env["COURSE_PROGRESS_FILE"] = str(env_file)
    return subprocess.run(
        [sys.executable, "-m", "course", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "ch99"], "unknown chapter 'ch99'"),
        (["check", "ch01", "/nonexistent/x.ipynb"], "no notebook at /nonexistent/x.ipynb"),
        (["solution", "one"], "exercise should look like 1.1"),
        (["solution", "1.9"], "exercise 1.9 has no reference solution"),
        (["progress", "--dir", "/nonexistent"], "no folder /nonexistent"),
        (["grade", "ch99"], "unknown chapter 'ch99'"),
        (["grade", "ch01", "--course-dir", "/nonexistent"], "no release notebook"),
        (["report", "ch99"], "unknown chapter 'ch99'"),
        (["report", "ch01", "--similarity", "2"], "--similarity must be between 0 and 1, got 2.0"),
        (
            ["report", "ch01", "--course-dir", "/nonexistent"],
            "no gradebook at sqlite:////nonexistent",
        ),
    ],
)
def test_bad_input_gets_one_clear_line(args, message):
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == f"error: {message}" or proc.stderr.startswith(f"error: {message}")
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_invalid_json_notebook(tmp_path):
    bad = tmp_path / "ch01_softmax.ipynb"
    bad.write_text("{ not json")
    proc = run_cli("check", "ch01", str(bad))
    assert proc.returncode == 2 and "is not a valid notebook" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_notebook_without_tests(tmp_path):
    empty = tmp_path / "x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), empty)
    proc = run_cli("check", "ch01", str(empty))
    assert proc.returncode == 2 and "has no test cells" in proc.stderr


def test_solution_prints_reference_without_markers():
    proc = run_cli("solution", "1.1")
    assert proc.returncode == 0
    assert "def softmax" in proc.stdout and "np.max(x, axis=axis, keepdims=True)" in proc.stdout
    assert "BEGIN SOLUTION" not in proc.stdout


@pytest.mark.slow
def test_check_and_progress_on_a_partial_attempt(tmp_path, monkeypatch, capsys):
    chapter = "ch01_softmax"
    log = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(log))
    work = tmp_path / "work" / chapter
    work.mkdir(parents=True)
    attempt = fill_answers(release_nb(chapter), source_nb(chapter), only={"ex_1_1_softmax"})
    for cell in attempt.cells:  # a wrong log_softmax: log of the probabilities
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "ex_1_2_log_softmax":
            cell.source = cell.source.replace(
                "# YOUR CODE HERE\n    raise NotImplementedError()",
                "return np.log(softmax(x, axis=axis))",
            )
    nbformat.write(attempt, work / f"{chapter}.ipynb")

    assert main(["check", "ch01", "--dir", str(tmp_path / "work")]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line[:1].isdigit()}
    assert rows["1.1"][0] == "passed" and rows["1.1"][1] == "3/3"
    assert rows["1.2"][0] == "failed"
    assert rows["1.3"][:2] == ["not", "attempted"]
    assert "log_softmax([0, -1000]): expected only finite numbers" in out
    assert "Newly passed: 1.1" in out

    assert main(["progress", "--dir", str(tmp_path / "work"), "--no-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Mastery 1 / ")
    assert "Day streak 1, best 1" in out
    assert "ch01_softmax" in out and "1 / 5" in out


def test_streak_counts_consecutive_days():
    today = dt.date(2026, 11, 22)
    data = {"passed": {}, "notebooks": {}}
    assert progress.streak(data, today) == 0
    for exercise, days_ago in [("1.1", 3), ("1.2", 2), ("1.3", 1), ("2.1", 5)]:
        data["passed"][exercise] = (today - dt.timedelta(days=days_ago)).isoformat()
    assert progress.streak(data, today) == 3, "yesterday's run continues until today ends"
    data["passed"]["2.2"] = today.isoformat()
    assert progress.streak(data, today) == 4
    assert progress.streak(data, today + dt.timedelta(days=2)) == 0


def test_best_streak_is_the_longest_run_ever():
    today = dt.date(2026, 11, 22)
    data = {"passed": {}, "notebooks": {}}
    assert progress.best_streak(data) == 0
    assert progress.streak_line(data, today) == "Day streak 0, best 0"
    # A 4-day run long ago (two exercises on one of its days), a gap, then 2 days ending today.
    for exercise, days_ago in [("1.1", 20), ("1.2", 19), ("1.3", 19), ("1.4", 18), ("1.5", 17)]:
        data["passed"][exercise] = (today - dt.timedelta(days=days_ago)).isoformat()
    for exercise, days_ago in [("2.1", 15), ("2.2", 1), ("2.3", 0)]:
        data["passed"][exercise] = (today - dt.timedelta(days=days_ago)).isoformat()
    assert progress.streak(data, today) == 2
    assert progress.best_streak(data) == 4
    assert progress.streak_line(data, today) == "Day streak 2, best 4"
    # The current run becomes the best once it is longer.
    for days_ago in (2, 3, 4):
        data["passed"][f"3.{days_ago}"] = (today - dt.timedelta(days=days_ago)).isoformat()
    assert progress.streak_line(data, today) == "Day streak 5, best 5"
    assert progress.streak_line(data, today + dt.timedelta(days=3)) == "Day streak 0, best 5"


def test_readme_progress_example_counts_every_exercise():
    """The README's `progress` example shows the real total, as the command computes it for a
    student who has not started (from the release notebooks), and its percentage is right."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"Mastery (\d+) / (\d+) exercises \((\d+)%\)", readme)
    assert examples, "the README no longer shows a `Mastery N / M exercises (P%)` example"
    total = course_exercise_count(ROOT)
    assert total == sum(len(c.exercises) for c in CHAPTERS), (
        "the release notebooks and course/syllabus.py disagree on the exercises"
    )
    for done, shown_total, percent in examples:
        assert int(shown_total) == total, (
            f"README says {shown_total} exercises, the course has {total}: update the example"
        )
        assert int(percent) == round(100 * int(done) / total), "the example's percentage"


def test_record_marks_only_new_passes(tmp_path):
    notebook = tmp_path / "ch01_softmax.ipynb"
    notebook.write_text("{}")
    data = {"passed": {}, "notebooks": {}}
    ok = ExerciseResult("1.1", [CellOutcome("test_1_1_x", 1, True)])
    bad = ExerciseResult("1.2", [CellOutcome("test_1_2_x", 1, False, "AssertionError")])
    assert progress.record(data, notebook, [ok, bad], dt.date(2026, 1, 1)) == ["1.1"]
    assert progress.record(data, notebook, [ok, bad], dt.date(2026, 1, 2)) == []
    assert data["passed"] == {"1.1": "2026-01-01"}
    assert progress.cached_results(data, notebook) == {"1.1": "passed", "1.2": "failed"}
    notebook.write_text('{"changed": 1}')
    assert progress.cached_results(data, notebook) is None


@pytest.mark.slow
def test_grade_command_grades_a_class_and_reports(tmp_path):
    """The instructor's command end to end on a tiny class: a full solution, an untouched
    notebook and a file that is not a notebook; the batch goes on, the broken one is flagged."""
    from tests.grading_tools import make_course, submit

    chapter = "ch01_softmax"
    course = make_course(tmp_path, chapter)
    submit(course, chapter, "ada", fill_answers(release_nb(chapter), source_nb(chapter)))
    submit(course, chapter, "bob", release_nb(chapter))
    submit(course, chapter, "eve", b"{ this is not json")
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "course",
            "grade",
            "ch01",
            "--course-dir",
            str(course),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    rows = {line.split()[0]: line.split() for line in proc.stdout.splitlines() if line.split()}
    assert rows["ada"][1:3] == ["10", "10"] and rows["bob"][1:3] == ["0", "10"]
    assert "unreadable" in rows["eve"][-1] + " ".join(rows["eve"])
    assert "3 graded, 0 failed" in proc.stdout and "isolation:" in proc.stdout
    questions = (course / "exports" / f"{chapter}-questions.csv").read_text(encoding="utf-8")
    assert questions.count("\n") == 4  # header and three students
    for student in ("ada", "bob", "eve"):
        assert (course / "feedback" / student / chapter / f"{chapter}.html").exists()
    # the batch ran the gradebook in write-ahead-log mode and gave it back in its own mode
    with contextlib.closing(sqlite3.connect(course / "gradebook.db")) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not (course / "gradebook.db-wal").exists()


def test_metadata_check_remembers_only_what_it_found_valid():
    """The grader's cached version of nbgrader's metadata check keeps nbgrader's rules: a cell it
    has seen valid passes at once; a cell whose metadata was broken is checked in full and fails."""
    from nbgrader.nbgraderformat import ValidationError

    from course.nbgrader_ext import CheckCellMetadataOnce

    nb = release_nb("ch01_softmax")
    for _ in range(2):
        CheckCellMetadataOnce().preprocess(nb, {})
    graded = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))
    del graded.metadata["nbgrader"]["points"]
    with pytest.raises(ValidationError):
        CheckCellMetadataOnce().preprocess(nb, {})


def grade_env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path)}


@pytest.mark.slow
def test_grade_on_a_fresh_clone_sets_up_the_gradebook(tmp_path):
    """A fresh clone has source/ and release/ but no gradebook (and plain `nbgrader
    generate_assignment` skips a chapter whose release/ exists): the grade command adds the chapter
    to the gradebook itself, leaves release/ untouched, grades, and counts as pending only the
    written answers nobody has scored (nbgrader itself gives 0 to one left as released)."""
    import shutil

    from tests.grading_tools import submit

    chapter = "ch01_softmax"
    course = tmp_path / "course"
    for part in ("source", "release"):
        shutil.copytree(ROOT / part / chapter, course / part / chapter)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    before = {p: p.read_bytes() for p in (course / "release").rglob("*") if p.is_file()}
    full = fill_answers(release_nb(chapter), source_nb(chapter))
    written = [
        c
        for c in full.cells
        if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")
    ]
    assert written, "ch01 has a written answer"
    submit(course, chapter, "ada", full)
    submit(course, chapter, "bob", release_nb(chapter))

    def grade() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "course", "grade", "ch01", "--course-dir", str(course)],
            capture_output=True,
            text=True,
            env=grade_env(tmp_path),
            cwd=tmp_path,
        )

    proc = grade()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"added {chapter} to the gradebook from source/{chapter}" in proc.stdout
    assert {p: p.read_bytes() for p in (course / "release").rglob("*") if p.is_file()} == before
    rows = {line.split()[0]: line.split() for line in proc.stdout.splitlines() if line.split()}
    points = sum(c.metadata.nbgrader["points"] for c in written)
    assert rows["ada"][1:4] == ["10", "10", f"{points:g}"]  # her written answer awaits a grade
    assert rows["bob"][1:4] == ["0", "10", "0"]  # left as released: nbgrader scored it 0
    # a second run finds the chapter in the gradebook and does not touch it again
    again = grade()
    assert again.returncode == 0 and "added" not in again.stdout, again.stdout + again.stderr


def test_grade_without_gradebook_or_source_says_what_to_do(tmp_path):
    """A course folder with the release notebook only (no gradebook entry, no source/ to make
    one from): one clear line, nothing graded."""
    import shutil

    shutil.copytree(ROOT / "release" / "ch01_softmax", tmp_path / "release" / "ch01_softmax")
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    proc = run_cli("grade", "ch01", "--course-dir", str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"error: ch01_softmax is not in the gradebook {tmp_path / 'gradebook.db'} and there is "
        f"no {tmp_path / 'source' / 'ch01_softmax' / 'ch01_softmax.ipynb'} to add it from: grade "
        "in the instructor's course directory (the one with source/)"
    ]
    assert not (tmp_path / "gradebook.db").exists()


def test_grade_flags_what_the_grader_refused_and_keeps_honest_magics_clean(tmp_path):
    """An answer cell that asks for a package the grader lacks is flagged with that reason (summary,
    per-question CSV, formgrader's manual review); an honest notebook full of magics and shell
    escapes scores full marks, unflagged."""
    from nbgrader.api import Gradebook

    from course.grading.batch import grade_chapter
    from tests.grading_tools import make_course, submit
    from tests.nbtools import answer_cells

    chapter = "ch01_softmax"
    course = make_course(tmp_path, chapter)
    magics = fill_answers(release_nb(chapter), source_nb(chapter))
    for cell in answer_cells(magics).values():
        if cell.cell_type == "code":
            cell.source = "%%time\n" + cell.source + "\n!echo done\n%pip install numpy"
    submit(course, chapter, "ada", magics)
    wants = fill_answers(release_nb(chapter), source_nb(chapter))
    first = next(c for c in answer_cells(wants).values() if c.cell_type == "code")
    first.source = "%pip install not-a-package-the-grader-has\n" + first.source
    submit(course, chapter, "bob", wants)
    results = grade_chapter(course, chapter, jobs=2, exchange_dir=tmp_path / "exchange")
    assert results["ada"].score == results["ada"].max_score == 10, results["ada"]
    assert not results["ada"].flags, results["ada"].flags
    assert results["bob"].score < 10
    assert any("not-a-package-the-grader-has" in f for f in results["bob"].flags), results["bob"]
    questions = (course / "exports" / f"{chapter}-questions.csv").read_text(encoding="utf-8")
    assert "installing packages is not possible while grading" in questions
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        bob = gradebook.find_submission_notebook(chapter, chapter, "bob")
        assert all(g.needs_manual_grade for g in bob.grades if g.cell.cell_type == "code")
