"""``python -m course report``: a synthetic class of ch01 graded once per module (full, partial,
blank, hostile, two mutant students, two honest students who wrote their own different answers,
and one who copied an honest student's answers with the names changed); the report's numbers are
checked against nbgrader's gradebook, the similarity check against the pairs we know."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.grading.class_report import (
    NOT_IMPLEMENTED_CHECK,
    build_report,
    failures_in,
    parse_failure,
    render_html,
)
from course.grading.report import read_run_record
from course.grading.similarity import similar_pairs
from tests import grading_tools
from tests.conftest import release_nb, source_nb
from tests.nbtools import fill_answers, with_answers

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*not in session.*"),
]

CHAPTER = "ch01_softmax"

# Two students who solved ch01 each in their own way (both earn full marks) ...
HONEST_1 = {
    "ex_1_1_softmax": '''def softmax(x, axis=-1):
    """Numerically stable softmax of `x` along `axis`."""
    values = np.array(x, dtype=np.float64)
    peak = values.max(axis=axis, keepdims=True)
    unnormalised = np.exp(values - peak)
    return unnormalised / unnormalised.sum(axis=axis, keepdims=True)
''',
    "ex_1_2_log_softmax": '''def log_softmax(x, axis=-1):
    """log(softmax(x)) computed without ever taking the log of a tiny probability."""
    values = np.array(x, dtype=np.float64)
    peak = values.max(axis=axis, keepdims=True)
    log_total = np.log(np.exp(values - peak).sum(axis=axis, keepdims=True))
    return values - peak - log_total
''',
    "ex_1_3_naive_trace": 'answer_1_3 = "B"\n',
    "ex_1_4_debug_softmax": """buggy_line = 4


def fixed_softmax(x, axis=-1):
    values = np.array(x, dtype=np.float64)
    unnormalised = np.exp(values - values.max(axis=axis, keepdims=True))
    return unnormalised / unnormalised.sum(axis=axis, keepdims=True)
""",
    "ex_1_5_temperature": '''def softmax_with_temperature(x, T):
    """softmax(x / T) along the last axis; T must be positive."""
    if not T > 0:
        raise ValueError("the temperature T has to be above zero")
    scaled = np.array(x, dtype=np.float64) / T
    return softmax(scaled)
''',
}
HONEST_2 = {
    "ex_1_1_softmax": '''def softmax(x, axis=-1):
    """Numerically stable softmax of `x` along `axis`."""
    import math

    a = np.asarray(x, float)
    a = np.moveaxis(a, axis, -1)
    out = np.empty_like(a)
    for idx in np.ndindex(a.shape[:-1]):
        row = a[idx]
        ex = [math.exp(v - max(row)) for v in row]
        out[idx] = [e / sum(ex) for e in ex]
    return np.moveaxis(out, -1, axis)
''',
    "ex_1_2_log_softmax": '''def log_softmax(x, axis=-1):
    """log(softmax(x)) computed without ever taking the log of a tiny probability."""
    a = np.asarray(x, float)
    c = np.amax(a, axis, keepdims=True)
    lse = c + np.log(np.sum(np.exp(a - c), axis, keepdims=True))
    return a - lse
''',
    "ex_1_3_naive_trace": "answer_1_3 = 'B'  # everything overflows\n",
    "ex_1_4_debug_softmax": """buggy_line = 4  # exp of raw x


def fixed_softmax(x, axis=-1):
    return softmax(x, axis)
""",
    "ex_1_5_temperature": '''def softmax_with_temperature(x, T):
    """softmax(x / T) along the last axis; T must be positive."""
    assert_positive = T <= 0
    if assert_positive:
        raise ValueError(f"T={T}: use a positive temperature")
    return softmax(np.divide(x, T), axis=-1)
''',
}


def renamed(answers: dict[str, str]) -> dict[str, str]:
    """A copy with other variable names and comments: what a copier hands in."""
    names = {"values": "arr", "peak": "biggest", "unnormalised": "expd", "log_total": "lt"}
    out = {}
    for grade_id, source in answers.items():
        for old, new in names.items():
            source = re.sub(rf"\b{old}\b", new, source)
        out[grade_id] = source.replace("    return", "    # done\n    return")
    return out


COPIER = renamed(HONEST_1)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The ch01 class, graded once by the grade command (export included, which writes the run
    record); returns (course directory, {student: SubmissionResult})."""
    from course.grading.batch import grade_chapter

    tmp = tmp_path_factory.mktemp("class")
    course = grading_tools.make_course(tmp, CHAPTER)
    release, reference = release_nb(CHAPTER), source_nb(CHAPTER)
    hostile = fill_answers(release, reference, only={"ex_1_1_softmax", "ex_1_2_log_softmax"})
    first = next(c for c in hostile.cells if c.metadata.get("nbgrader", {}).get("solution"))
    first.source = "%pip install not-a-package-the-grader-has\n" + first.source
    hostile.cells.insert(0, nbformat.v4.new_code_cell("np.allclose = lambda *a, **k: True"))
    students = {
        "full": fill_answers(release, reference),
        "partial": fill_answers(release, reference, only={"ex_1_1_softmax"}),
        "blank": release,
        "hostile": hostile,
        "honest1": with_answers(release, HONEST_1),
        "honest2": with_answers(release, HONEST_2),
        "copier": with_answers(release, COPIER),
    }
    for i, wrong in enumerate(grading_tools.mutant_students(CHAPTER, 2)):
        students[f"mutant{i}"] = with_answers(release, wrong)
    for student, nb in students.items():
        grading_tools.submit(course, CHAPTER, student, nb)
    with open(os.devnull, "w") as quiet:
        results = grade_chapter(
            course,
            CHAPTER,
            jobs=2,
            feedback=False,
            exchange_dir=tmp / "exchange",
            progress_stream=quiet,
        )
    assert not any(r.error for r in results.values()), {s: r.error for s, r in results.items()}
    return course, results


def gradebook_scores(course: Path, auto: bool = False) -> dict[str, dict[str, float | None]]:
    """{student: {grade_id: score}} straight from nbgrader's API (None: awaiting a person, i.e. a
    written answer nobody graded yet, or any cell of a flagged submission); ``auto``: the
    autograder's scores instead."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(CHAPTER):
            nb = submission.notebooks[0]
            scores[submission.student.id] = {
                g.name: g.auto_score
                if auto
                else (None if g.needs_manual_grade and g.manual_score is None else g.score)
                for g in nb.grades
            }
    return scores


def test_report_numbers_match_the_gradebook(graded):
    course, results = graded
    before = gradebook_scores(course)
    report = build_report(course, CHAPTER)
    assert gradebook_scores(course) == before  # the report never writes the gradebook

    assert set(report.totals) == set(results)
    for student, cells in before.items():
        assert report.totals[student] == pytest.approx(sum(v or 0 for v in cells.values()))
    assert report.totals["full"] == report.max_score - 1  # all but the ungraded written answer
    assert report.totals["blank"] == 0

    for stats in report.questions:
        grade_id = stats.question.grade_id
        values = [s[grade_id] for s in before.values() if s[grade_id] is not None]
        assert stats.scored == len(values)
        if not values:
            assert stats.mean is None and stats.discrimination is None
            continue
        assert stats.mean == pytest.approx(statistics.mean(values))
        rest = [
            sum(v or 0 for v in s.values()) - s[grade_id]
            for s in before.values()
            if s[grade_id] is not None
        ]
        if len(set(values)) > 1 and len(set(rest)) > 1:
            assert stats.discrimination == pytest.approx(statistics.correlation(values, rest))
        else:
            assert stats.discrimination is None
    written = next(q for q in report.questions if q.question.cell_type == "markdown")
    # only the full student wrote it (the others left it as released, which nbgrader scores 0)
    assert (written.pending, written.scored) == (1, len(results) - 1)

    # Failing checks: every autograded cell a submission lost is counted once, under its first
    # failing check; the blank notebook's are "not attempted".
    auto = gradebook_scores(course, auto=True)
    for stats in report.questions:
        q = stats.question
        if q.cell_type != "code":
            continue
        lost = sum(1 for s in auto.values() if s[q.grade_id] < q.max_score)
        counted = [c for c in report.checks if c.question == q.key]
        assert sum(c.count for c in counted) == lost or len(counted) == 5, (q.key, counted)
        for c in counted:
            assert c.share == pytest.approx(c.count / len(results))
    blank_checks = {c.check for c in report.checks}
    assert NOT_IMPLEMENTED_CHECK in blank_checks

    # Time and flags come from the run record the grade command wrote.
    record = read_run_record(course, CHAPTER)
    assert set(record) == set(results)
    assert report.seconds == {s: pytest.approx(r.seconds, abs=1e-3) for s, r in results.items()}
    flagged = {s for s, _ in report.flags}
    assert "hostile" in flagged and "full" not in flagged and "honest1" not in flagged
    assert any("not-a-package-the-grader-has" in r for s, r in report.flags if s == "hostile")


def test_similar_submissions_are_flagged_and_scores_unchanged(graded):
    course, results = graded
    report = build_report(course, CHAPTER)
    pairs = {(p.student_a, p.student_b): p for p in report.pairs}
    assert ("copier", "honest1") in pairs, sorted(pairs)
    copy = pairs[("copier", "honest1")]
    assert copy.similarity > 0.9
    assert {c.grade_id for c in copy.cells} >= {"ex_1_1_softmax", "ex_1_2_log_softmax"}
    assert all(c.spans_a and c.spans_b for c in copy.cells)
    assert ("honest1", "honest2") not in pairs and ("copier", "honest2") not in pairs
    for a, b in pairs:
        assert "blank" not in (a, b), (a, b)
    # honest, copied or not: full marks, as graded (the report changes no score)
    for student in ("honest1", "honest2", "copier"):
        assert results[student].score == results[student].max_score > 0, results[student]


def test_report_command_writes_a_page_a_person_can_read(graded, tmp_path):
    course, results = graded
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path)}
    out = tmp_path / "page"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "course",
            "report",
            "ch01",
            "--course-dir",
            str(course),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    page = out / "index.html"
    assert proc.stdout.strip() == f"class report: {page}"
    text = html.unescape(page.read_text(encoding="utf-8"))
    for figure in ("scores.png", "questions.png", "times.png"):
        assert (out / figure).stat().st_size > 5000 and f"src='{figure}'" in text
    assert "copier and honest1" in text and "not-a-package-the-grader-has" in text
    assert f"{len(results)}</b>submissions" in text


def test_report_on_an_ungraded_chapter_says_what_to_do(tmp_path):
    course = grading_tools.make_course(tmp_path, CHAPTER)
    proc = subprocess.run(
        [sys.executable, "-m", "course", "report", "ch01", "--course-dir", str(course)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"error: no graded submission of {CHAPTER} in {course / 'gradebook.db'}: run "
        f"`python -m course grade {CHAPTER}` first"
    )


def test_known_mistakes_are_counted_as_shares(graded, tmp_path):
    """The "Likely mistake:" line a check adds when it recognises a known wrong answer is counted
    per question as a share of submissions. Grading does not write such lines yet on this branch,
    so two autograded notebooks (of a copy of the class) get one in a failing check's message."""
    course, results = graded
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    edited = 0
    for student in ("mutant0", "partial"):
        path = copy / "autograded" / student / CHAPTER / f"{CHAPTER}.ipynb"
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") != "test_1_2_log_softmax":
                continue
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.ename = "CheckFailed"
                    output.evalue = (
                        "log_softmax([1, 2, 3]): expected [-2.4, -1.4, -0.4], got [0.09, 0.24, "
                        "0.67] -- take the log\nLikely mistake: returned softmax, not its log"
                    )
                    edited += 1
        nbformat.write(nb, path)
    assert edited == 2
    report = build_report(copy, CHAPTER)
    check = next(c for c in report.checks if c.check == "log_softmax([1, 2, 3])")
    assert check.mistakes == [("returned softmax, not its log", 2)]
    page = html.unescape(render_html(report, {"scores": "s.png", "questions": "q.png"}))
    share = f"{100 * 2 / len(results):.0f}% (2)"
    assert re.search(
        rf"{re.escape(share)}</td><td class='mistake'>returned softmax, not its log", page
    ), page


# --------------------------------------------------------------------------- unit tests


@pytest.mark.parametrize(
    ("ename", "evalue", "check", "mistake"),
    [
        (
            "CheckFailed",
            "attention(Q, K, V): expected [0.1], got [0.2] -- scale the scores\n"
            "Likely mistake: dividing the scores by d_k instead of sqrt(d_k)",
            "attention(Q, K, V)",
            "dividing the scores by d_k instead of sqrt(d_k)",
        ),
        ("CheckFailed", "softmax(x): expected shape (3,), got (1, 3)", "softmax(x)", ""),
        ("NotImplementedError", "", NOT_IMPLEMENTED_CHECK, ""),
        ("ValueError", "Likely mistake: only a diagnosis", "ValueError", "only a diagnosis"),
        (
            "NameError",
            "name 'softmax' is not defined",
            "NameError: name 'softmax' is not defined (its answer cell was not attempted or failed "
            "before defining it)",
            "",
        ),
    ],
)
def test_parse_failure(ename, evalue, check, mistake):
    assert parse_failure(ename, evalue) == (check, mistake)


def test_failures_in_reads_only_failing_test_cells():
    nb = nbformat.v4.new_notebook()
    meta = {"nbgrader": {"grade": True, "solution": False, "grade_id": "t1", "points": 1}}
    failing = nbformat.v4.new_code_cell("check()", metadata=meta)
    failing.outputs = [
        nbformat.v4.new_output(
            "error", ename="CheckFailed", evalue="f(1): expected 2, got 3", traceback=[]
        )
    ]
    passing = nbformat.v4.new_code_cell(
        "check()", metadata={"nbgrader": {**meta["nbgrader"], "grade_id": "t2"}}
    )
    student = nbformat.v4.new_code_cell("1/0", metadata={})
    student.outputs = [
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="x", traceback=[])
    ]
    nb.cells = [student, failing, passing]
    assert failures_in(nb) == {"t1": ("f(1)", "")}


def test_similarity_ignores_stubs_and_renaming():
    stubs = {g: c.source for g, c in _answer_cells(release_nb(CHAPTER)).items()}
    answers = {
        "honest1": HONEST_1,
        "honest2": HONEST_2,
        "copier": COPIER,
        "blank": dict(stubs),
        "blank2": dict(stubs),
        "trivial": {"ex_1_3_naive_trace": 'answer_1_3 = "B"'},
        "trivial2": {"ex_1_3_naive_trace": 'answer_1_3 = "B"'},
    }
    pairs = similar_pairs(answers, stubs)
    assert [(p.student_a, p.student_b) for p in pairs] == [("copier", "honest1")]
    assert json.dumps([c.grade_id for c in pairs[0].cells])


def _answer_cells(nb):
    return {
        c.metadata["nbgrader"]["grade_id"]: c
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
    }
