"""Benchmark: grade a synthetic class with plain ``nbgrader autograde`` and with ``python -m course
grade``, and print submissions per minute for both and their ratio.

    python scripts/bench_grading.py [--chapter ch04_normalization] [--students 100] [--jobs 2]

The class is a mix: a quarter full solutions, a quarter partial (half the answers), a quarter
blank (the release as fetched), a quarter hostile (each one of the threat-model tricks that do
not hang: patched numpy and check helpers, objects equal to everything, IPython hooks, edited test
cells). Both runs grade identical copies of the same course directory. Plain nbgrader runs as an
instructor would run it (one ``nbgrader autograde`` command for the assignment) with its default
kernel executor; the course command adds sandboxing, submission rebuilding and feedback is left
out of both. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.grading.batch import grade_chapter  # noqa: E402
from course.grading.judge import GradingLimits  # noqa: E402
from tests.grading_tools import make_course  # noqa: E402
from tests.nbtools import code_answer_ids, fill_answers  # noqa: E402


def hostile_notebooks(chapter: str, release: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The threat-model tricks that finish quickly (hangs and fork bombs would only measure the
    time limits). Built from tests/threats when the chapter has threats there, else a generic
    patch of numpy's comparisons."""
    notebooks = []
    try:
        from tests.threats import THREATS, Kind

        for threat in THREATS.values():
            if threat.chapter == chapter and threat.kind is not Kind.RESOURCE:
                hostile, _control = threat.build()
                if isinstance(hostile, nbformat.NotebookNode):
                    notebooks.append(hostile)
    except ImportError:
        pass
    if not notebooks:
        patched = nbformat.from_dict(release)
        patched.cells.insert(
            1,
            nbformat.v4.new_code_cell(
                "import numpy as np\n"
                "np.allclose = lambda *a, **k: True\n"
                "np.isclose = lambda *a, **k: True"
            ),
        )
        notebooks.append(patched)
    return notebooks


def make_class(course: Path, chapter: str, students: int) -> None:
    release = nbformat.read(course / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    reference = nbformat.read(course / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    answers = code_answer_ids(reference)
    hostile = hostile_notebooks(chapter, release)
    for i in range(students):
        kind = i % 4
        if kind == 0:
            nb = fill_answers(release, reference, None)
        elif kind == 1:
            nb = fill_answers(release, reference, set(answers[: max(1, len(answers) // 2)]))
        elif kind == 2:
            nb = release
        else:
            nb = hostile[(i // 4) % len(hostile)]
        folder = course / "submitted" / f"s{i:03d}" / chapter
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2026-11-22 12:00:00.000000 UTC")
        nbformat.write(nb, folder / f"{chapter}.ipynb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="ch04_normalization")
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the course directories")
    options = parser.parse_args()
    chapter, n = options.chapter, options.students

    base = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    template = make_course(base, chapter)  # base/course, exchange base/exchange
    make_class(template, chapter, n)
    plain, course = base / "plain", base / "graded"
    shutil.copytree(template, plain)
    shutil.copytree(template, course)
    with (plain / "nbgrader_config.py").open("a") as config:  # nbgrader's own kernel executor
        config.write(
            "\nfrom nbgrader.converters import Autograde\n"
            "for name in ('autograde_preprocessors', 'sanitize_preprocessors'):\n"
            "    setattr(c.Autograde, name, list(Autograde.class_traits()[name].default()))\n"
        )

    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    start = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            "autograde",
            chapter,
            "--force",
            f"--Exchange.root={base / 'exchange'}",
        ],
        cwd=plain,
        env=env,
        capture_output=True,
        text=True,
    )
    plain_seconds = time.monotonic() - start
    graded = len(list((plain / "autograded").glob(f"*/{chapter}/{chapter}.ipynb")))
    if done.returncode != 0 or graded != n:
        print(f"plain nbgrader: exit {done.returncode}, {graded}/{n} graded", file=sys.stderr)
        print(done.stderr[-2000:], file=sys.stderr)

    start = time.monotonic()
    results = grade_chapter(
        course,
        chapter,
        jobs=options.jobs,
        feedback=False,
        export=False,
        exchange_dir=base / "exchange",
        limits=GradingLimits(),
        progress_stream=open(os.devnull, "w"),
    )
    course_seconds = time.monotonic() - start
    errors = sum(1 for r in results.values() if r.error)

    plain_rate, course_rate = 60 * n / plain_seconds, 60 * n / course_seconds
    print(
        f"chapter {chapter}, {n} submissions (full, partial, blank, hostile in equal parts), "
        f"{os.cpu_count()} cores"
    )
    print(
        f"plain `nbgrader autograde` (one kernel per submission, sequential): "
        f"{plain_seconds:7.1f} s  {plain_rate:6.1f} submissions/min"
    )
    print(
        f"`python -m course grade --jobs {options.jobs}` (sandboxed judge):          "
        f"{course_seconds:7.1f} s  {course_rate:6.1f} submissions/min  ({errors} errors)"
    )
    print(f"ratio (course / plain): {course_rate / plain_rate:.2f}x")
    if not options.keep:
        shutil.rmtree(base, ignore_errors=True)
    else:
        print(f"kept {base}")


if __name__ == "__main__":
    main()
