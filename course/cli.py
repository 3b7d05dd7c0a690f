"""``python -m course <command>``: the course's command line.

Students: ``check``, ``progress``, ``solution``. Instructors: ``build``, ``release``,
``import-notebook``, ``grade``, ``report``. Bad input gets one line on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
import time
from pathlib import Path

import nbformat

from course import progress as progress_log
from course.authoring import (
    AuthoringError,
    build_chapter,
    import_notebook,
    parse_text,
    text_path,
    without_solution_markers,
)
from course.execute import (
    MISTAKE,
    ExerciseResult,
    exercise_of,
    grade_cells,
    run_in_kernel,
    summarize,
)
from course.grading.similarity import THRESHOLD as SIMILARITY
from course.paths import course_root
from course.syllabus import CHAPTERS, Chapter, find_chapter


class UserError(Exception):
    """Something the user can fix; printed as one line."""


# --------------------------------------------------------------------------- helpers


def read_notebook(path: Path) -> nbformat.NotebookNode:
    if not path.exists():
        raise UserError(f"no notebook at {path}")
    try:
        return nbformat.read(path, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError):
        raise UserError(
            f"{path} is not a valid notebook (not JSON); restore it from a backup or "
            "re-fetch the assignment"
        ) from None
    except Exception as exc:  # nbformat validation and reader errors
        raise UserError(f"{path} could not be read as a notebook: {exc}") from None


def work_dir(explicit: str | None) -> Path:
    """Where the student's notebooks are: --dir, else my-work/ in the course, else the cwd."""
    if explicit:
        path = Path(explicit)
        if not path.is_dir():
            raise UserError(f"no folder {path}")
        return path
    mine = course_root() / "my-work"
    return mine if mine.is_dir() else Path.cwd()


def find_student_notebook(chapter: str, folder: Path) -> Path | None:
    for candidate in (folder / chapter / f"{chapter}.ipynb", folder / f"{chapter}.ipynb"):
        if candidate.exists():
            return candidate
    return None


def status_table(results: list[ExerciseResult]) -> str:
    """One row per exercise, then the full first failure message of each failing exercise."""
    rows = [("Exercise", "Status", "Points")]
    rows += [(r.exercise, r.status, f"{r.score:g}/{r.points:g}") for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    failures = [r for r in results if r.status == "failed"]
    if failures:
        lines.append("\nWhat to fix (the first failing check of each exercise):")
        for r in failures:
            message = r.first_failure.removeprefix("CheckFailed: ")
            message, mark, mistake = message.partition(MISTAKE)
            lines.append(
                textwrap.fill(
                    message,
                    width=100,
                    initial_indent=f"  {r.exercise}  ",
                    subsequent_indent=" " * (4 + len(r.exercise)),
                )
            )
            if mark:  # one line, as the notebook shows it (the class report reads this form)
                lines.append(" " * (4 + len(r.exercise)) + MISTAKE.strip("\n") + mistake)
    return "\n".join(lines)


def auto_exercises(nb: nbformat.NotebookNode) -> list[str]:
    """The exercises that have autograded test cells, in notebook order."""
    keys = (exercise_of(c.metadata["nbgrader"]["grade_id"]) for c in grade_cells(nb))
    return list(dict.fromkeys(k for k in keys if k))


def chapter_exercises(chapter: Chapter, root: Path, notebook: Path | None = None) -> list[str]:
    """The exercises ``progress`` counts for a chapter: those with autograded test cells in the
    student's notebook, else in the release notebook, else the syllabus's list."""
    reference = notebook or find_student_notebook(chapter.name, root / "release")
    if reference is not None:
        return auto_exercises(read_notebook(reference))
    return [n for n, _ in chapter.exercises]


def course_exercise_count(root: Path) -> int:
    """The total that ``progress`` shows a student who has not started ("Mastery 0 / N")."""
    return sum(len(chapter_exercises(chapter, root)) for chapter in CHAPTERS)


# --------------------------------------------------------------------------- commands


def cmd_build(args: argparse.Namespace) -> int:
    root = course_root()
    for chapter in selected_chapters(args.chapters, root):
        out = build_chapter(root, chapter)
        print(f"built {out.relative_to(root)}")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from course.release import release_chapter

    root = course_root()
    for chapter in selected_chapters(args.chapters, root):
        out = release_chapter(root, chapter)
        print(f"released {out.relative_to(root)}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    root = course_root()
    chapter = find_chapter(args.chapter).name
    out = import_notebook(root, chapter)
    print(f"wrote {out.relative_to(root)}; run `python -m course release {chapter}` next")
    return 0


def selected_chapters(names: list[str], root: Path) -> list[str]:
    if names:
        return [find_chapter(n).name for n in names]
    return [c.name for c in CHAPTERS if text_path(root, c.name).exists()]


def run_check(notebook: Path) -> list[ExerciseResult]:
    nb = read_notebook(notebook)
    if not grade_cells(nb):
        raise UserError(f"{notebook} has no test cells: is it a chapter notebook of this course?")
    _, outcomes = run_in_kernel(nb, notebook.parent)
    return summarize(nb, outcomes)


def cmd_check(args: argparse.Namespace) -> int:
    chapter = find_chapter(args.chapter).name
    if args.notebook:
        notebook = Path(args.notebook)
    else:
        folder = work_dir(args.dir)
        found = find_student_notebook(chapter, folder)
        if found is None:
            raise UserError(f"no {chapter}.ipynb under {folder}; pass the notebook's path")
        notebook = found
    results = run_check(notebook)
    print(f"{chapter}: {notebook}")
    print(status_table(results))
    passed = sum(r.status == "passed" for r in results)
    print(
        f"\n{passed} / {len(results)} exercises pass their visible tests "
        "(hidden tests decide the grade)."
    )
    data = progress_log.load_log()
    new = progress_log.record(data, notebook, results)
    progress_log.save_log(data)
    if new:
        print(f"Newly passed: {', '.join(new)}. {progress_log.streak_line(data)}")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    folder = work_dir(args.dir)
    root = course_root()
    data = progress_log.load_log()
    rows, total, done = [], 0, 0
    for chapter in CHAPTERS:
        notebook = find_student_notebook(chapter.name, folder)
        exercises = chapter_exercises(chapter, root, notebook)
        statuses: dict[str, str] = {}
        if notebook is not None:
            statuses = progress_log.cached_results(data, notebook) or {}
            if not statuses and not args.no_run:
                print(f"checking {notebook} ...", file=sys.stderr)
                results = run_check(notebook)
                progress_log.record(data, notebook, results)
                statuses = {r.exercise: r.status for r in results}
        passed = sum(statuses.get(e) == "passed" for e in exercises)
        total += len(exercises)
        done += passed
        bar = "#" * passed + "." * (len(exercises) - passed)
        rows.append(f"  {chapter.name:<28} {passed:>3} / {len(exercises):<3} {bar}")
    progress_log.save_log(data)
    percent = 100 * done / total if total else 0
    print(f"Mastery {done} / {total} exercises ({percent:.0f}%)")
    print(progress_log.streak_line(data))
    print("\n".join(rows))
    return 0


def cmd_solution(args: argparse.Namespace) -> int:
    match = re.fullmatch(r"(\d+)\.(\d+)", args.exercise.strip())
    if not match:
        raise UserError(f"exercise should look like 1.1, got {args.exercise!r}")
    chapter = find_chapter(match[1]).name
    root = course_root()
    path = text_path(root, chapter)
    if not path.exists():
        raise UserError(
            "reference solutions are not part of this copy of the course "
            "(graded classes receive release/ only)"
        )
    try:
        cells = parse_text(path.read_text(encoding="utf-8"), str(path))
    except AuthoringError as exc:
        raise UserError(str(exc)) from None
    wanted = f"{int(match[1])}.{int(match[2])}"
    shown = [c for c in cells if c.exercise == wanted and c.kind in ("solution", "written")]
    if not shown:
        raise UserError(f"exercise {wanted} has no reference solution in {chapter}")
    print(f"Reference solution for exercise {wanted} ({chapter}):\n")
    for cell in shown:
        print(without_solution_markers(cell.source))
        print()
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from course.grading.batch import BatchError, grade_chapter, prepare_gradebook
    from course.grading.judge import GradingLimits
    from course.grading.report import summary_table
    from course.grading.sandbox import isolation, why_unavailable

    chapter = find_chapter(args.chapter).name
    root = Path(args.course_dir).resolve() if args.course_dir else course_root()
    students = [s for s in (args.students or "").split(",") if s.strip()] or None
    if args.cluster:
        level = _cluster_isolation(args.cluster)
    else:
        level = isolation()
        if level == "rlimits":
            print(
                "warning: no namespace sandbox on this machine "
                f"({why_unavailable('namespaces')}): student code runs with resource limits "
                "only. Grade under a dedicated account or in a container (see the README).",
            )
    limits = GradingLimits(
        cell_timeout=args.cell_timeout,
        submission_timeout=args.timeout,
        memory_bytes=int(args.memory_gb * 2**30),
    )
    try:
        if (root / "release" / chapter).is_dir() and prepare_gradebook(root, chapter):
            print(f"added {chapter} to the gradebook from source/{chapter} (release/ unchanged)")
    except BatchError as exc:
        raise UserError(str(exc)) from None
    start = time.monotonic()
    try:
        results = grade_chapter(
            root,
            chapter,
            students=students,
            jobs=args.jobs,
            limits=limits,
            feedback=not args.no_feedback,
            cluster=args.cluster,
        )
    except BatchError as exc:
        raise UserError(str(exc)) from None
    print(summary_table(chapter, list(results.values()), time.monotonic() - start))
    print(f"isolation: {level}")
    print(
        f"exports: {root / 'exports' / 'grades.csv'}, "
        f"{root / 'exports' / f'{chapter}-questions.csv'}"
    )
    return 1 if any(r.error for r in results.values()) else 0


def cmd_report(args: argparse.Namespace) -> int:
    from course.grading.class_report import ReportError, write_report

    chapter = find_chapter(args.chapter).name
    root = Path(args.course_dir).resolve() if args.course_dir else course_root()
    if not 0 < args.similarity <= 1:
        raise UserError(f"--similarity must be between 0 and 1, got {args.similarity}")
    try:
        page = write_report(root, chapter, args.out, threshold=args.similarity)
    except (ReportError, ValueError) as exc:
        raise UserError(str(exc)) from None
    print(f"class report: {page}")
    return 0


def _cluster_isolation(address: str) -> str:
    """The sandbox of each worker of the Dask cluster at ``address``, in one line (with a warning
    for workers that have no namespace sandbox)."""
    try:
        from course.grading.cluster import worker_isolation
    except ImportError as exc:
        raise UserError(
            f"--cluster needs Dask's distributed package ({exc}): pip install 'dask[distributed]'"
        ) from None
    try:
        levels = worker_isolation(address)
    except (OSError, TimeoutError) as exc:
        raise UserError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    if not levels:
        return f"no workers connected to {address} yet (each says its sandbox when it grades)"
    weak = sorted(w for w, (level, _) in levels.items() if level == "rlimits")
    if weak:
        why = levels[weak[0]][1]
        print(
            f"warning: {len(weak)} of {len(levels)} workers have no namespace sandbox "
            f"({', '.join(weak[:3])}{', ...' if len(weak) > 3 else ''}: {why}): student code "
            "runs there with resource limits only. Run those workers under a dedicated account "
            "or in a container (see the README)."
        )
    counts: dict[str, int] = {}
    for level, _ in levels.values():
        counts[level] = counts.get(level, 0) + 1
    parts = [f"{level} on {n} worker{'s' if n > 1 else ''}" for level, n in sorted(counts.items())]
    return ", ".join(parts) + f" of {address}"


# --------------------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="run your chapter notebook and show each exercise's status")
    p.add_argument("chapter", help="ch01_softmax, ch01 or 1")
    p.add_argument("notebook", nargs="?", help="path to your notebook (default: found in --dir)")
    p.add_argument("--dir", help="folder with your chapter notebooks (default: my-work/ or .)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("progress", help="your mastery across the course and your day streak")
    p.add_argument("--dir", help="folder with your chapter notebooks (default: my-work/ or .)")
    p.add_argument("--no-run", action="store_true", help="only use results already logged")
    p.set_defaults(func=cmd_progress)

    p = sub.add_parser("solution", help="self-study: print the reference solution of an exercise")
    p.add_argument("exercise", help="e.g. 1.1")
    p.set_defaults(func=cmd_solution)

    p = sub.add_parser("build", help="instructors: authoring/*.txt -> source/*/*.ipynb")
    p.add_argument("chapters", nargs="*")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("release", help="instructors: build, then regenerate release/ with nbgrader")
    p.add_argument("chapters", nargs="*")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser(
        "grade", help="instructors: collect, autograde (sandboxed, in parallel), feedback, export"
    )
    p.add_argument("chapter", help="ch01_softmax, ch01 or 1")
    p.add_argument("--students", help="comma-separated student ids (default: every submission)")
    p.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once"
    )
    p.add_argument("--cell-timeout", type=float, default=180.0, help="seconds per cell")
    p.add_argument("--timeout", type=float, default=1200.0, help="seconds per submission")
    p.add_argument("--memory-gb", type=float, default=4.0, help="memory limit per submission")
    p.add_argument("--no-feedback", action="store_true", help="skip generating feedback")
    p.add_argument("--course-dir", help="the nbgrader course directory (default: this checkout)")
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the judge on the workers of the Dask cluster whose scheduler is at ADDRESS "
        "(e.g. tcp://10.0.0.5:8786); the gradebook and exports are still written here",
    )
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser(
        "report", help="instructors: an HTML class report of a graded chapter (after grade)"
    )
    p.add_argument("chapter", help="ch01_softmax, ch01 or 1")
    p.add_argument("--course-dir", help="the nbgrader course directory (default: this checkout)")
    p.add_argument(
        "--out", help="folder for the page and its figures (default: exports/<chapter>-report/)"
    )
    p.add_argument(
        "--similarity",
        type=float,
        default=SIMILARITY,
        help=f"share of matching answer code from which a pair is listed (default {SIMILARITY})",
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("import-notebook", help="instructors: source notebook -> authoring text")
    p.add_argument("chapter")
    p.set_defaults(func=cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UserError, AuthoringError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:  # unknown chapter
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # nbgrader failures
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
