"""The full differential matrix (issue 10, item 5): every honest style of ``tests/styles.py`` on
every chapter, graded by nbgrader's own kernel executor and by the grade command's judge; prints a
``styles x chapters`` table and the details of every cell where the two disagree.

    python scripts/differential_matrix.py [ch01 ch09 ...] [--styles cell_time,helper_cell]
                                          [--jobs 1] [--keep] [--quiet] [--cells 2]

One throw-away course per chapter, one student per style plus a control (the reference answers
as they are). Table entries: ``=`` both sides give every test cell the same score; ``!N`` N test
cells differ; ``-`` the style applies to no answer of the chapter (every answer keeps the
reference); a trailing ``*`` means the student's own kernel did not give full marks (expected
for ``print_stderr`` only: nbgrader scores a cell that writes to stderr 0). Runs in the fast
chapter setting (``COURSE_FAST=1``) unless ``COURSE_FAST`` is set. Exit status 1 if any cell
differs. Not a test: the test suite runs a fast subset (``tests/test_differential.py``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("COURSE_FAST", "1")
# nbgrader shells out to alembic: find it next to this interpreter even without an active venv
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

from course.syllabus import find_chapter  # noqa: E402
from tests.conftest import WRITTEN  # noqa: E402
from tests.differential import ChapterRun, one_style_plans, run_chapter  # noqa: E402
from tests.styles import STYLES  # noqa: E402


def entry(run: ChapterRun, style: str) -> str:
    result = run.students[style]
    if style != "reference" and not result.plan.style_of:
        return "-"
    diffs = result.differences()
    text = f"!{len(diffs)}" if diffs else "="
    got, most = result.total("kernel")
    return text + ("*" if got < most else "")


def table(runs: list[ChapterRun], styles: list[str]) -> str:
    heads = [r.chapter[:4] for r in runs]
    width = max(len(s) for s in styles) + 2
    lines = [" " * width + " ".join(f"{h:>5}" for h in heads) + "   equal / differ / n.a."]
    for style in styles:
        cells = [entry(r, style) for r in runs]
        equal = sum(c.startswith("=") for c in cells)
        differ = sum(c.startswith("!") for c in cells)
        lines.append(
            f"{style:<{width}}"
            + " ".join(f"{c:>5}" for c in cells)
            + f"   {equal:>5} / {differ:>6} / {len(cells) - equal - differ:>5}"
        )
    totals = [
        sum(len(r.students[s].differences()) for s in styles if s in r.students) for r in runs
    ]
    lines.append(f"{'cells differing':<{width}}" + " ".join(f"{t:>5}" for t in totals))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="ch01 ... (default: every chapter)")
    parser.add_argument("--styles", help="comma-separated style names (default: all)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="judge workers (the kernel side runs alongside in its own process)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the course directories")
    parser.add_argument("--quiet", action="store_true", help="the table only, no details")
    parser.add_argument(
        "--cells", type=int, default=2, help="differing cells shown per student (0: all)"
    )
    options = parser.parse_args()
    chapters = [find_chapter(c).name for c in options.chapters] or list(WRITTEN)
    names = options.styles.split(",") if options.styles else list(STYLES)
    unknown = sorted(set(names) - set(STYLES))
    if unknown:
        parser.error(f"unknown styles {unknown}; known: {', '.join(STYLES)}")
    styles = [STYLES[n] for n in names]

    base = Path(tempfile.mkdtemp(prefix="differential-"))
    runs: list[ChapterRun] = []
    try:
        for chapter in chapters:
            start = time.monotonic()
            run = run_chapter(
                chapter, one_style_plans(chapter, styles), base / chapter, jobs=options.jobs
            )
            runs.append(run)
            t = run.seconds
            print(
                f"{chapter}: {len(run.students)} students, {len(run.differences())} cells differ; "
                f"{time.monotonic() - start:.0f} s (course {t['setup']:.0f} s, judge "
                f"{t['judge']:.0f} s, kernel {t['kernel']:.0f} s, side by side)",
                flush=True,
            )
            differing = [
                f"{name} ({len(result.differences())})"
                for name, result in run.students.items()
                if result.differences()
            ]
            print(f"  styles that differ: {', '.join(differing) or 'none'}", flush=True)
    finally:
        if options.keep:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print()
    print(table(runs, ["reference"] + names))
    if not options.quiet:
        for run in runs:
            report = run.report(options.cells or None)
            if report:
                print(f"\n== {run.chapter}\n{report}")
    return 1 if any(r.differences() for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
