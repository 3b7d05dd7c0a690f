"""The chapter text format: exact round trips and clear errors."""

from __future__ import annotations

import pytest

from course.authoring import (
    AuthoringError,
    build_notebook,
    cells_from_notebook,
    format_text,
    parse_text,
    text_path,
)
from tests.conftest import ROOT, WRITTEN

SAMPLE = """%% md
# Title

%% code tags=nbval-ignore-output
x = 1
%% solution ex_9_1_demo
def f():
    ### BEGIN SOLUTION
    return 1
    ### END SOLUTION
%% test test_9_1_demo points=2
assert f() == 1
%% written written_9_1_demo points=0.5
### BEGIN SOLUTION
Because.
### END SOLUTION
"""


def test_parse_sample():
    cells = parse_text(SAMPLE)
    assert [c.kind for c in cells] == ["md", "code", "solution", "test", "written"]
    assert cells[1].tags == ["nbval-ignore-output"]
    assert cells[3].points == 2 and cells[4].points == 0.5
    assert cells[2].exercise == "9.1" and cells[0].exercise is None
    assert cells[0].source == "# Title"


def test_text_notebook_text_round_trip():
    cells = parse_text(SAMPLE)
    again = cells_from_notebook(build_notebook(cells, "ch09_demo"))
    assert format_text(again) == format_text(cells)
    assert parse_text(format_text(cells)) == cells


@pytest.mark.parametrize("chapter", WRITTEN)
def test_chapter_round_trip(chapter):
    text = text_path(ROOT, chapter).read_text(encoding="utf-8")
    cells = parse_text(text)
    assert cells_from_notebook(build_notebook(cells, chapter)) == cells


def test_nbgrader_metadata():
    nb = build_notebook(parse_text(SAMPLE), "ch09_demo")
    meta = [c.metadata.get("nbgrader") for c in nb.cells]
    assert meta[0] is None and meta[1] is None
    assert meta[2] == {
        "grade": False,
        "grade_id": "ex_9_1_demo",
        "locked": False,
        "schema_version": 3,
        "solution": True,
        "task": False,
    }
    assert meta[3]["grade"] and meta[3]["locked"] and not meta[3]["solution"]
    assert meta[3]["points"] == 2
    assert nb.cells[4].cell_type == "markdown" and meta[4]["grade"] and meta[4]["solution"]
    assert build_notebook(parse_text(SAMPLE), "ch09_demo") == nb, "build is not deterministic"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = 1\n", "must start with a cell marker"),
        ("%% quiz\n", "unknown cell kind"),
        ("%% solution\nx = 1\n", "needs a grade id"),
        ("%% md ex_1_1_a\n", "takes no grade id"),
        ("%% test test_1_1_a\n", "needs points"),
        ("%% test test_1_1_a points=x\n", "not a number"),
        ("%% test test_1_1_a points=1 color=red\n", "unknown option"),
        ("%% solution ex_1_1_a points=1\n", "takes no points"),
    ],
)
def test_errors_name_the_problem(text, message):
    with pytest.raises(AuthoringError, match=message):
        parse_text(text, "demo.txt")
