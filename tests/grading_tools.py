"""Course directories and submissions for tests of the grading command (plain functions, no
fixtures, so any test module can build exactly the course it needs).

:func:`make_course` builds a throw-away nbgrader course for one chapter; :func:`submit` drops a
notebook (or raw bytes, for files that are not notebooks at all) where ``nbgrader collect`` would
have put it; :func:`naive_scores` scores notebooks with the course's naive in-process executor in
child processes, which is how the threat tests prove a trick is real without letting it patch
numpy, builtins or the tracer of the test process itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from course.execute import grade_cells
from course.pipeline import Pipeline
from tests.conftest import ROOT, mutants

Submission = nbformat.NotebookNode | str | bytes


def make_course(tmp_path: Path, chapter: str) -> Path:
    """A course directory under ``tmp_path`` holding ``chapter`` only: the repository's
    ``nbgrader_config.py``, ``source/<chapter>``, and what ``nbgrader generate_assignment`` makes
    of it (``release/<chapter>`` and the gradebook)."""
    course = Path(tmp_path) / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / chapter, course / "source" / chapter)
    Pipeline(course, Path(tmp_path) / "exchange").generate(chapter)
    return course


def submission_dir(course_dir: Path, chapter: str, student: str) -> Path:
    return Path(course_dir) / "submitted" / student / chapter


def submit(course_dir: Path, chapter: str, student: str, nb_or_text: Submission) -> Path:
    """Write ``student``'s notebook to ``submitted/<student>/<chapter>/<chapter>.ipynb`` (nbgrader's
    collected layout), next to copies of the other files released with the chapter. A str or bytes
    is written as it is, so a test can submit a file that is not a valid notebook."""
    folder = submission_dir(course_dir, chapter, student)
    folder.mkdir(parents=True, exist_ok=True)
    release = Path(course_dir) / "release" / chapter
    for path in release.rglob("*"):
        if path.is_file() and path.name != f"{chapter}.ipynb":
            target = folder / path.relative_to(release)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    notebook = folder / f"{chapter}.ipynb"
    if isinstance(nb_or_text, bytes):
        notebook.write_bytes(nb_or_text)
    elif isinstance(nb_or_text, str):
        notebook.write_text(nb_or_text, encoding="utf-8")
    else:
        nbformat.write(nb_or_text, notebook)
    return notebook


def mutant_students(chapter: str, count: int) -> list[dict[str, str]]:
    """``count`` notebooks' worth of wrong answers: each takes, for every answer cell, the next
    mutant of the chapter that touches only cells still free in it. Mutants that delegate to
    ``course.reference`` are left out: the sandbox hides that package, so they fail more test cells
    under the judge than in-process (by design), and the cell-by-cell comparison would not hold."""
    students: list[dict[str, str]] = [{} for _ in range(count)]
    for replacement in mutants(chapter).values():
        if any("reference" in source for source in replacement.values()):
            continue
        for answers in students:
            if not set(replacement) & set(answers):
                answers.update(replacement)
                break
    return [s for s in students if s]


# Runs in a child process: imports the heavy modules once, then forks one grandchild per
# notebook, so whatever a notebook patches dies with its grandchild.
_NAIVE_RUNNER = """
import json
import os
import sys
import traceback
from pathlib import Path

import matplotlib.pyplot  # noqa: F401 - imported once, before forking
import nbformat
import numpy  # noqa: F401

from course.execute import run_in_process

for job in json.loads(Path(sys.argv[1]).read_text()):
    pid = os.fork()
    if pid == 0:
        try:
            nb = nbformat.read(job["notebook"], as_version=4)
            outcomes = run_in_process(nb, Path(job["cwd"]), job["tests"], timeout=60)
            score = 0.0
            for outcome in outcomes:
                score += outcome.score
            with open(job["result"], "w") as out:
                out.write(repr(score))
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
"""


class NaiveRunFailed(RuntimeError):
    """The naive executor reported no score for a notebook."""


def _restored_tests(nb: nbformat.NotebookNode, tests: nbformat.NotebookNode) -> dict[str, str]:
    """{grade_id: source} of the test cells of ``tests`` that ``nb`` has a cell for."""
    present = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells}
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in grade_cells(tests)
        if c.metadata["nbgrader"]["grade_id"] in present
    }


def naive_scores(
    jobs: dict[str, tuple[nbformat.NotebookNode, Path]], tests: nbformat.NotebookNode
) -> dict[str, float]:
    """Total score of each notebook of ``jobs`` ({key: (notebook, working directory)}) under a
    grader with no defences: ``course.execute.run_in_process`` (every cell exec'd in one
    namespace, in the notebook's order, each test cell scored by its own metadata), after
    putting the hidden tests of ``tests`` (the source notebook) back into the test cells with
    the same grade id, as nbgrader does.

    Each notebook runs in its own forked process, so whatever it patches (numpy, builtins, the
    tracer, signal handlers) dies with it. Never use this on a notebook that attacks the machine
    (fork bombs, memory, disk): nothing limits those processes."""
    with tempfile.TemporaryDirectory(prefix="naive-") as scratch:
        listing, results = [], {}
        for number, (key, (nb, cwd)) in enumerate(jobs.items()):
            notebook = Path(scratch) / f"{number}.ipynb"
            nbformat.write(nb, notebook)
            results[key] = Path(scratch) / f"{number}.score"
            listing.append(
                {
                    "notebook": str(notebook),
                    "cwd": str(cwd),
                    "tests": _restored_tests(nb, tests),
                    "result": str(results[key]),
                }
            )
        (Path(scratch) / "jobs.json").write_text(json.dumps(listing))
        proc = subprocess.run(
            [sys.executable, "-c", _NAIVE_RUNNER, str(Path(scratch) / "jobs.json")],
            cwd=ROOT,
            env={**os.environ, "MPLBACKEND": "Agg"},
            capture_output=True,
            text=True,
            timeout=1800,  # a guard against a hung run, not a limit the notebooks are held to
        )
        missing = [key for key, path in results.items() if not path.exists()]
        if missing:
            raise NaiveRunFailed(
                f"the naive executor reported no score for {missing} (exit code "
                f"{proc.returncode}):\n{proc.stderr[-2000:]}"
            )
        return {key: float(path.read_text()) for key, path in results.items()}
