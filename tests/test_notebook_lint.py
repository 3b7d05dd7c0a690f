"""nbgrader metadata lint over every chapter: the structure CONVENTIONS.md asks for."""

from __future__ import annotations

import ast
import re
from collections import Counter, defaultdict

import pytest

from course.authoring import GRADE_ID
from course.syllabus import BY_NAME
from tests.conftest import WRITTEN, cells, chapter_params

HEADING = re.compile(
    r"^### Exercise (?P<num>\d+\.\d+) — .+ \((?P<type>[A-Za-z/ ]+), (?P<points>[\d.]+) points?\)$",
    re.M,
)
AUTOGRADED_TYPES = {"Build", "Derive", "Trace", "Debug", "Design", "Prove", "Measure", "Capstone"}


def test_grade_ids_unique_across_course():
    ids = Counter(c.grade_id for ch in WRITTEN for c in cells(ch) if c.grade_id)
    assert not [i for i, n in ids.items() if n > 1], f"duplicate grade ids: {ids.most_common(3)}"


@chapter_params()
def test_grade_ids_follow_convention(chapter):
    number = BY_NAME[chapter].number
    for cell in cells(chapter):
        if cell.grade_id is None:
            continue
        match = GRADE_ID.match(cell.grade_id)
        assert match, f"{cell.grade_id}: expected ex_/test_/written_<chapter>_<n>_<slug>"
        expected_role = {"solution": "ex", "test": "test", "written": "written"}[cell.kind]
        assert match["role"] == expected_role, f"{cell.grade_id} is a {cell.kind} cell"
        assert int(match["chapter"]) == number, f"{cell.grade_id} is not in chapter {number}"


@chapter_params()
def test_every_syllabus_exercise_has_a_heading_and_graded_cells(chapter):
    markdown = "\n".join(c.source for c in cells(chapter) if c.kind == "md")
    headings = {m["num"]: m for m in HEADING.finditer(markdown)}
    graded = defaultdict(list)
    for cell in cells(chapter):
        if cell.kind in ("test", "written") and cell.exercise:
            graded[cell.exercise].append(cell)
    for number, kind in BY_NAME[chapter].exercises:
        assert number in headings, f"{chapter}: no '### Exercise {number} — Title (Type, N points)'"
        if kind == "Plot":
            continue
        assert graded[number], f"{chapter}: exercise {number} ({kind}) has no graded cell"
        if kind in AUTOGRADED_TYPES:
            assert any(c.kind == "test" for c in graded[number]), (
                f"{chapter}: exercise {number} ({kind}) needs an autograded test cell"
            )
        points = sum(c.points for c in graded[number])
        stated = float(headings[number]["points"])
        assert points == stated, f"{chapter} {number}: heading says {stated} points, cells {points}"
    extra = set(headings) - {n for n, _ in BY_NAME[chapter].exercises}
    assert not extra, f"{chapter}: exercises not in the syllabus: {sorted(extra)}"


@chapter_params()
def test_solution_cells_have_solution_regions(chapter):
    for cell in cells(chapter):
        if cell.kind in ("solution", "written"):
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, (
                f"{cell.grade_id}: a solution cell needs ### BEGIN SOLUTION / ### END SOLUTION"
            )
        else:
            assert "BEGIN SOLUTION" not in cell.source, (
                f"{chapter}: solution text outside a solution cell"
            )
        if cell.kind != "test":
            assert "BEGIN HIDDEN TESTS" not in cell.source, f"{chapter}: hidden tests outside tests"


@chapter_params()
def test_each_exercise_has_a_solution_or_written_answer(chapter):
    answered = {c.exercise for c in cells(chapter) if c.kind in ("solution", "written")}
    tested = {c.exercise for c in cells(chapter) if c.kind == "test"}
    assert tested <= answered, (
        f"{chapter}: tests without an answer cell: {sorted(tested - answered)}"
    )


@chapter_params()
def test_test_cells_end_without_an_expression(chapter):
    """nbgrader reads a trailing numeric expression as partial credit: never end a test with one."""
    for cell in cells(chapter):
        if cell.kind != "test":
            continue
        tree = ast.parse(cell.source)
        assert tree.body, f"{cell.grade_id} is empty"
        last = tree.body[-1]
        is_call = isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
        assert not isinstance(last, ast.Expr) or is_call, f"{cell.grade_id} ends in an expression"


@chapter_params()
def test_code_is_plain_python(chapter):
    """No IPython magics or shell escapes: every code cell must parse as Python."""
    for index, cell in enumerate(cells(chapter)):
        if cell.kind in ("code", "solution", "test"):
            try:
                ast.parse(cell.source)
            except SyntaxError as exc:
                pytest.fail(f"{chapter} cell {index} ({cell.grade_id or cell.kind}): {exc}")
