"""Differential grading: the same styled notebooks graded by nbgrader's own kernel executor (what
the student's kernel does) and by the course's grade command (the judge), compared cell by cell.

One throw-away course per chapter (:func:`tests.grading_tools.make_course`), one student per
style (``tests/styles.py``), then both gradings of the whole class at once: plain
``nbgrader autograde <chapter>`` with nbgrader's default preprocessors (its kernel ``Execute``) in
a child process, on a copy of the course, while :func:`course.grading.batch.grade_chapter` grades
the original in this process. Scores come from each course's gradebook; the message of each
test cell (the error or stderr it showed) from each side's autograded notebook.

Used by ``tests/test_differential.py`` (a fast subset) and ``scripts/differential_matrix.py``
(styles x chapters).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.execute import exercise_of, is_test_cell, outcome_from_outputs
from course.grading.batch import grade_chapter
from course.grading.judge import GradingLimits
from tests.conftest import source_nb
from tests.grading_tools import make_course, submit
from tests.styles import REFERENCE, Style, Styled, styled_answers, styled_notebook

LIMITS = GradingLimits(cell_timeout=120, submission_timeout=900)
KERNEL_CONFIG = (
    "\n# differential grading: nbgrader's own kernel executor, not the course's judge\n"
    "from course.nbgrader_ext import nbgrader_autograde_preprocessors\n"
    "c.Autograde.autograde_preprocessors = nbgrader_autograde_preprocessors()\n"
)


@dataclass
class CellVerdict:
    score: float | None  # None: no grade in the gradebook (grading failed before this cell)
    max_score: float
    message: str = ""  # the error or stderr the cell showed ('' when it passed)


@dataclass
class StudentPlan:
    """One student's notebook: each code answer in a style (or the reference, where the style
    was skipped)."""

    name: str
    answers: dict[str, Styled]
    style_of: dict[str, str]  # answer grade_id -> the style it was written in
    skipped: dict[str, str] = field(default_factory=dict)  # answer grade_id -> why not styled

    def styles_for(self, test_cell: str) -> str:
        """The styles of the answers of the exercise a test cell belongs to."""
        exercise = exercise_of(test_cell)
        names = {s for g, s in self.style_of.items() if exercise_of(g) == exercise}
        return "+".join(sorted(names)) or "reference"


def one_style_plans(
    chapter: str, styles: list[Style], include_reference: bool = True
) -> list[StudentPlan]:
    """One student per style, writing every answer of the chapter in it."""
    reference = source_nb(chapter)
    plans = []
    for style in ([REFERENCE] if include_reference else []) + list(styles):
        answers, skipped = styled_answers(chapter, reference, style)
        style_of = {g: style.name for g in answers if g not in skipped}
        plans.append(StudentPlan(style.name, answers, style_of, skipped))
    return plans


def mixed_plans(chapter: str, styles: list[Style], prefix: str = "mix") -> list[StudentPlan]:
    """As few students as possible, each answer cell in a different style, so that every style
    that applies to some answer of the chapter is used once (greedily, in order); the other
    answers keep the reference. Returns the plans; styles that apply nowhere are left out."""
    reference = source_nb(chapter)
    options: dict[str, dict[str, Styled]] = {}  # style -> {grade_id: Styled} where it applies
    for style in styles:
        answers, skipped = styled_answers(chapter, reference, style)
        options[style.name] = {g: a for g, a in answers.items() if g not in skipped}
    plain, _ = styled_answers(chapter, reference, REFERENCE)
    plans: list[StudentPlan] = []
    for style in styles:
        usable = options[style.name]
        if not usable:
            continue
        slot = next(
            ((p, g) for p in plans for g in usable if g not in p.style_of),
            None,
        )
        if slot is None:
            plan = StudentPlan(f"{prefix}{len(plans)}", dict(plain), {})
            plans.append(plan)
            slot = (plan, next(iter(usable)))
        plan, grade_id = slot
        plan.answers[grade_id] = usable[grade_id]
        plan.style_of[grade_id] = style.name
    return plans


@dataclass
class StudentResult:
    """One styled notebook graded both ways."""

    plan: StudentPlan
    kernel: dict[str, CellVerdict] = field(default_factory=dict)
    judge: dict[str, CellVerdict] = field(default_factory=dict)
    judge_flags: list[str] = field(default_factory=list)
    judge_error: str = ""
    # the first error each side showed in a cell that is not a test cell (the cause of a cascade)
    kernel_cause: str = ""
    judge_cause: str = ""

    def differences(self) -> list[CellDiff]:
        diffs = []
        for cell in sorted(set(self.kernel) | set(self.judge), key=_cell_order(self)):
            kernel = self.kernel.get(cell, CellVerdict(None, 0.0, "no grade"))
            judge = self.judge.get(cell, CellVerdict(None, 0.0, "no grade"))
            if kernel.score != judge.score:
                diffs.append(CellDiff(self.plan.styles_for(cell), cell, kernel, judge))
        return diffs

    def total(self, side: str) -> tuple[float, float]:
        cells = getattr(self, side).values()
        return sum(c.score or 0.0 for c in cells), sum(c.max_score for c in cells)


def _cell_order(result: StudentResult):
    order = {name: i for i, name in enumerate(result.kernel)}
    return lambda name: order.get(name, len(order))


@dataclass
class CellDiff:
    style: str
    cell: str
    kernel: CellVerdict
    judge: CellVerdict

    def describe(self, chapter: str) -> str:
        return (
            f"style {self.style} / {chapter} / {self.cell}: kernel {_fmt(self.kernel.score)}, "
            f"judge {_fmt(self.judge.score)} of {self.kernel.max_score or self.judge.max_score:g}"
            f"\n    judge:  {self.judge.message or '(passed)'}"
            f"\n    kernel: {self.kernel.message or '(passed)'}"
        )


def first_cause(course: Path, chapter: str, student: str) -> str:
    """The first error shown by a cell of the autograded notebook that is not a test cell (an
    answer or a student-added cell), with its label: why later test cells failed."""
    notebook = course / "autograded" / student / chapter / f"{chapter}.ipynb"
    if not notebook.is_file():
        return "no autograded notebook"
    for number, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
        if cell.cell_type != "code" or is_test_cell(cell):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                label = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell #{number + 1}"
                evalue = " ".join(str(output.get("evalue", "")).split())[:200]
                return f"{label}: {output.get('ename', 'Error')}: {evalue}"
    return ""


def _fmt(score: float | None) -> str:
    return "none" if score is None else f"{score:g}"


@dataclass
class ChapterRun:
    chapter: str
    students: dict[str, StudentResult]
    seconds: dict[str, float]  # 'setup', 'kernel', 'judge', 'total'
    kernel_log: str = ""

    def differences(self) -> list[CellDiff]:
        return [d for r in self.students.values() for d in r.differences()]

    def report(self, cells_per_student: int | None = None) -> str:
        """Each student whose cells differ, why (the first failing non-test cell on each side),
        and the differing cells (all, or the first ``cells_per_student``)."""
        lines = []
        for result in self.students.values():
            diffs = result.differences()
            if diffs:
                lines.append(
                    f"student {result.plan.name} / {self.chapter}: {len(diffs)} cell(s) differ; "
                    f"first failing non-test cell: judge [{result.judge_cause or 'none'}], "
                    f"kernel [{result.kernel_cause or 'none'}]"
                )
                shown = diffs[:cells_per_student] if cells_per_student is not None else diffs
                lines.extend("  " + d.describe(self.chapter) for d in shown)
                if len(shown) < len(diffs):
                    lines.append(f"  ... and {len(diffs) - len(shown)} more cell(s)")
            if result.judge_error:
                lines.append(
                    f"student {result.plan.name} / {self.chapter}: judge error {result.judge_error}"
                )
        return "\n".join(lines)


def _read_gradebook(course: Path, chapter: str, student: str) -> dict[str, CellVerdict]:
    from nbgrader.api import Gradebook, MissingEntry

    verdicts = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}?timeout=120") as gradebook:
        try:
            submission = gradebook.find_submission_notebook(chapter, chapter, student)
        except MissingEntry:
            return {}
        for grade in submission.grades:
            if grade.cell.cell_type == "code":
                verdicts[grade.name] = CellVerdict(grade.auto_score, grade.max_score)
    notebook = course / "autograded" / student / chapter / f"{chapter}.ipynb"
    if notebook.is_file():
        for cell in nbformat.read(notebook, as_version=4).cells:
            if is_test_cell(cell) and cell.metadata["nbgrader"]["grade_id"] in verdicts:
                verdicts[cell.metadata["nbgrader"]["grade_id"]].message = outcome_from_outputs(
                    cell
                ).message
    return verdicts


def run_chapter(
    chapter: str,
    plans: list[StudentPlan],
    workdir: Path,
    *,
    jobs: int = 1,
    limits: GradingLimits = LIMITS,
) -> ChapterRun:
    """Grade one notebook per plan of ``chapter`` both ways; see the module docstring.

    ``jobs``: the judge's parallel workers (the kernel side runs meanwhile in its own process,
    so ``jobs=1`` keeps two cores busy)."""
    start = time.monotonic()
    workdir = Path(workdir)
    course = make_course(workdir, chapter)
    release = nbformat.read(course / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    students: dict[str, StudentResult] = {}
    for plan in plans:
        submit(course, chapter, plan.name, styled_notebook(release, plan.answers))
        students[plan.name] = StudentResult(plan)

    plain = workdir / "kernel-course"
    shutil.copytree(course, plain)
    with (plain / "nbgrader_config.py").open("a") as config:
        config.write(KERNEL_CONFIG)
    setup = time.monotonic()
    bindir = str(Path(sys.executable).parent)  # nbgrader shells out to alembic
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.setdefault("COURSE_FAST", "1")
    log = open(workdir / "kernel-autograde.log", "w+")
    kernel = subprocess.Popen(
        [sys.executable, "-m", "nbgrader", "autograde", chapter, "--force"],
        cwd=plain,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    finished: list[float] = []
    waiter = threading.Thread(target=lambda: finished.append(kernel.wait() * 0 + time.monotonic()))
    waiter.start()
    try:
        with open(os.devnull, "w") as quiet:
            results = grade_chapter(
                course,
                chapter,
                jobs=jobs,
                limits=limits,
                feedback=False,
                export=False,
                exchange_dir=workdir / "exchange",
                progress_stream=quiet,
            )
        judged = time.monotonic()
        waiter.join(timeout=3600)
    finally:
        if kernel.poll() is None:
            kernel.kill()
        waiter.join()
    done = time.monotonic()
    log.seek(0)
    kernel_log = log.read()[-4000:]
    log.close()
    for name, result in students.items():
        result.kernel = _read_gradebook(plain, chapter, name)
        result.judge = _read_gradebook(course, chapter, name)
        result.judge_flags = list(results[name].flags)
        result.judge_error = results[name].error
        result.kernel_cause = first_cause(plain, chapter, name)
        result.judge_cause = first_cause(course, chapter, name)
    return ChapterRun(
        chapter,
        students,
        {
            "setup": setup - start,
            "judge": judged - setup,
            "kernel": (finished[0] if finished else done) - setup,
            "total": done - start,
        },
        kernel_log,
    )
