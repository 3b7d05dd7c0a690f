"""Issue #6: every threat of ``tests/threats`` submitted as its own student, graded by the grading
command in one batch per chapter, must score exactly like its control (the same wrong answers
without the trick); notebook edits must also be flagged; resource attacks may cost the attacker
points but never earn any, and the rest of the notebook is still graded. Honest students in the
same batch get their true scores.

A grader without defences (the naive in-process executor, tests.grading_tools.naive_scores)
gives each control its true score, which the grading command must match, and scores the hostile
notebook above its control wherever that can be shown in-process: the proof that the trick is
real and the threat test can fail.

Running a subset (``-k redefin``) grades only the chapters and threats its selected tests need.
A redefinition of a name the notebook provides must also be flagged ("redefines X")."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from course.execute import exercise_of
from tests.conftest import source_nb
from tests.grading_tools import make_course, naive_scores, submission_dir, submit
from tests.threats import THREATS, Kind, Threat
from tests.threats.notebooks import answered, blank
from tests.threats.redefinitions import REDEFINED

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*not in session.*"),
]

CHAPTERS = sorted({t.chapter for t in THREATS.values()})
HONEST = {"h_full": answered, "h_blank": blank}


def _threats(*kinds: Kind, naive_gain_only: bool = False) -> list:
    """pytest params, one per threat of ``kinds``, named after the threat."""
    return [
        pytest.param(t, id=t.name)
        for t in THREATS.values()
        if t.kind in kinds and (t.naive_gain or not naive_gain_only)
    ]


def _selected(session: pytest.Session) -> tuple[dict[str, Threat], list[str], set[str]]:
    """The threats, the chapters and the chapters with honest students that this session's
    selected tests of this module need (all of them when the whole module runs), so that ``-k``
    grades only what it selects."""
    threats, chapters, honest = {}, set(), set()
    for item in session.items:
        if getattr(item, "module", None) is None or item.module.__name__ != __name__:
            continue
        params = getattr(getattr(item, "callspec", None), "params", {})
        if isinstance(params.get("t"), Threat):
            threats[params["t"].name] = params["t"]
            chapters.add(params["t"].chapter)
        if isinstance(params.get("chapter"), str):
            chapters.add(params["chapter"])
            honest.add(params["chapter"])
    return {n: t for n, t in THREATS.items() if n in threats}, sorted(chapters), honest


@pytest.fixture(scope="module")
def selection(request) -> tuple[dict[str, Threat], list[str], set[str]]:
    return _selected(request.session)


@pytest.fixture(scope="module")
def courses(tmp_path_factory, selection) -> dict[str, Path]:
    """One course per chapter with every hostile, control and honest notebook submitted (the
    honest ones where a selected test checks them)."""
    threats, chapters, honest = selection
    built = {}
    for chapter in chapters:
        course = make_course(tmp_path_factory.mktemp(chapter), chapter)
        for t in threats.values():
            if t.chapter == chapter:
                hostile, control = t.build()
                submit(course, chapter, t.hostile_student, hostile)
                submit(course, chapter, t.control_student, control)
        for student, notebook in HONEST.items() if chapter in honest else ():
            submit(course, chapter, student, notebook(chapter))
        built[chapter] = course
    return built


@pytest.fixture(scope="module")
def graded(courses) -> dict[str, dict]:
    """The grading command's results, one batch per chapter: {chapter: {student: result}}."""
    from course.grading.batch import GradingLimits, grade_chapter

    limits = GradingLimits(cell_timeout=10, submission_timeout=120)
    return {
        chapter: grade_chapter(course, chapter, jobs=2, limits=limits)
        for chapter, course in courses.items()
    }


@pytest.fixture(scope="module")
def naive(courses, selection) -> dict[str, float]:
    """{student: score} under a grader with no defences (tests.grading_tools.naive_scores),
    run from each student's submission folder inside the course, where a grader runs it: every
    control of a CHEAT or EDIT (an ordinary notebook, so this is its true score) and every
    hostile notebook whose trick can show its gain in-process."""
    threats = selection[0]
    scores = {}
    for chapter in courses:
        jobs = {}
        for t in threats.values():
            if t.chapter != chapter or t.kind is Kind.RESOURCE:
                continue
            students = [t.control_student] + ([t.hostile_student] if t.naive_gain else [])
            for student in students:
                folder = submission_dir(courses[chapter], chapter, student)
                notebook = nbformat.read(folder / f"{chapter}.ipynb", as_version=4)
                jobs[student] = (notebook, folder)
        scores.update(naive_scores(jobs, source_nb(chapter)))
    return scores


def _pair(graded, t: Threat):
    results = graded[t.chapter]
    missing = {t.hostile_student, t.control_student} - set(results)
    assert not missing, f"{t.name}: the grading command returned no result for {sorted(missing)}"
    return results[t.hostile_student], results[t.control_student]


def _describe(result) -> str:
    return f"{result.score}/{result.max_score} {result.cells} flags={result.flags} {result.error}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_honest_students_get_their_true_scores(graded, chapter):
    full, untouched = graded[chapter]["h_full"], graded[chapter]["h_blank"]
    assert full.score == full.max_score > 0, f"{chapter}: the full solution got {_describe(full)}"
    assert untouched.score == 0, f"{chapter}: the untouched release got {_describe(untouched)}"
    for name, result in (("full solution", full), ("untouched release", untouched)):
        assert not result.flags and not result.error, (
            f"{chapter}: the {name} was flagged: {result.flags} {result.error}"
        )


@pytest.mark.parametrize("t", _threats(Kind.CHEAT, Kind.EDIT))
def test_trick_scores_like_its_control(graded, naive, t):
    hostile, control = _pair(graded, t)
    assert not control.error, f"{t.name}: the control failed to grade: {control.error}"
    assert control.score == naive[t.control_student], (
        f"{t.name}: the control (no trick) should score {naive[t.control_student]}, got "
        f"{_describe(control)}: a grader bug, or another submission of the batch changed it"
    )
    assert (hostile.score, hostile.max_score) == (control.score, control.max_score), (
        f"{t.name}: {t.doc}\nhostile {_describe(hostile)}\ncontrol {_describe(control)}"
    )
    assert hostile.cells == control.cells, (
        f"{t.name}: same total, different questions\nhostile {hostile.cells}\n"
        f"control {control.cells}"
    )


@pytest.mark.parametrize("t", _threats(Kind.EDIT))
def test_notebook_edit_is_flagged(graded, t):
    hostile, control = _pair(graded, t)
    assert hostile.flags, f"{t.name}: not flagged for the instructor ({t.doc})"
    assert not control.flags, f"{t.name}: the plain control was flagged: {control.flags}"


@pytest.mark.parametrize("t", _threats(Kind.RESOURCE))
def test_resource_attack_earns_nothing_and_the_rest_is_graded(graded, t):
    hostile, control = _pair(graded, t)
    assert control.score == control.max_score > 0, f"{t.name}: control got {_describe(control)}"
    assert hostile.max_score == control.max_score, f"{t.name}: hostile {_describe(hostile)}"
    assert hostile.score <= control.score, f"{t.name}: hostile {_describe(hostile)}"
    lost = {
        grade_id: hostile.cells.get(grade_id)
        for grade_id, score in control.cells.items()
        if exercise_of(grade_id) in t.spared and hostile.cells.get(grade_id) != score
    }
    assert not lost, (
        f"{t.name}: exercises {sorted(t.spared)} should be graded as in the control, but "
        f"{lost} (control {control.cells})"
    )


@pytest.mark.parametrize("t", _threats(Kind.CHEAT, Kind.EDIT, naive_gain_only=True))
def test_trick_is_real_under_naive_execution(naive, t):
    """Without defences the hostile notebook scores more than its control, so the threat test
    above can fail."""
    hostile, control = naive[t.hostile_student], naive[t.control_student]
    assert hostile > control, f"{t.name}: naive execution gives {hostile} vs control {control}"


@pytest.mark.parametrize("t", _threats(Kind.CHEAT, Kind.EDIT, Kind.RESOURCE))
def test_threat_is_a_real_variation_of_its_control(t):
    """The control is a valid notebook, the hostile differs from it, and every code cell of the
    hostile compiles (a trick with a syntax error would tie with its control for nothing)."""
    hostile, control = t.build()
    nbformat.validate(control)
    assert hostile != control, f"{t.name}: no trick added"
    if isinstance(hostile, nbformat.NotebookNode):
        for index, cell in enumerate(hostile.cells):
            if cell.cell_type == "code":
                compile(cell.source, f"{t.name} cell {index}", "exec")


# Redefinitions of provided names: every threat of tests/threats/redefinitions.py, and the
# rebinding of the check helpers (imported by a provided cell) in tests/threats/patching.py.
REDEFINITIONS = {**REDEFINED, "check_names_rebound": ("check_close", "check_true")}


@pytest.mark.parametrize("t", [pytest.param(THREATS[n], id=n) for n in REDEFINITIONS])
def test_redefinition_is_flagged(graded, t):
    """An answer cell that rebinds a name the notebook provides is flagged, naming it; the same
    answers without the redefinition are not."""
    hostile, control = _pair(graded, t)
    for name in REDEFINITIONS[t.name]:
        assert any(f"redefines {name}," in flag for flag in hostile.flags), (
            f"{t.name}: no 'redefines {name}' flag: {hostile.flags}"
        )
    assert not any("redefines" in flag for flag in control.flags), (
        f"{t.name}: the control was flagged: {control.flags}"
    )
