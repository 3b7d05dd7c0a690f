"""Edits to the notebook file itself: test cells emptied, deleted or duplicated, points changed in
their metadata, an answer cell duplicated, grade ids swapped, and a file that is not a notebook.
A grader that trusts the submitted file's structure scores them; the grading command must grade
the release's structure and flag the submission."""

from __future__ import annotations

import nbformat

from tests.conftest import source_nb
from tests.nbtools import answer_cells
from tests.threats import Kind, threat
from tests.threats.notebooks import (
    CH01_WRONG,
    answered,
    blank,
    copied,
    graded_cell_ids,
    index_of,
)

CH01 = "ch01_softmax"


@threat(CH01, Kind.EDIT, naive_gain=False)
def test_cells_replaced_by_pass():
    """Every test cell's source replaced by `pass` (the cells are locked only in the JupyterLab
    interface; the file is the student's): a grader that runs the file's test cells checks
    nothing. nbgrader puts test cells back by grade id, and so does the naive executor of these
    tests (naive_gain=False); this guards a grader that takes them from the file."""
    control = answered(CH01, *CH01_WRONG)
    hostile = copied(control)
    for grade_id in graded_cell_ids(hostile):
        hostile.cells[index_of(hostile, grade_id)].source = "pass"
    return hostile, control


@threat(CH01, Kind.EDIT, naive_gain=False)
def test_cells_deleted():
    """Every test cell deleted. In-process scoring only loses the cells' points (the control
    fails them too), so naive execution shows no gain in points (naive_gain=False); the gain is
    a smaller maximum, and a grader that scores only the cells it finds hands out a percentage
    it should not. The threat test checks both the score and the maximum."""
    control = answered(CH01, *CH01_WRONG)
    hostile = copied(control)
    tests = set(graded_cell_ids(hostile))
    hostile.cells = [
        c
        for c in hostile.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") not in tests
    ]
    return hostile, control


# The test cells that the control below fails (wrong letter in 1.3, wrong line in 1.4).
_FAILING = ("test_1_3_naive_trace", "test_1_4_debug_softmax")


@threat(CH01, Kind.EDIT, naive_gain=True)
def points_rewritten():
    """The points in the test cells' nbgrader metadata rewritten: 0 on the two cells the
    answers fail, 10 on every other one."""
    control = answered(CH01, "naive-overflow trace answered A", "debug: wrong line number")
    hostile = copied(control)
    for grade_id in graded_cell_ids(hostile):
        meta = hostile.cells[index_of(hostile, grade_id)].metadata.nbgrader
        meta.points = 0 if grade_id in _FAILING else 10
    return hostile, control


@threat(CH01, Kind.EDIT, naive_gain=True)
def test_cell_duplicated():
    """A passing test cell (test_1_1_softmax) pasted five more times, grade id and points
    included: a grader that sums the cells it finds counts its point six times."""
    control = answered(CH01, *CH01_WRONG)
    hostile = copied(control)
    index = index_of(hostile, "test_1_1_softmax")
    for number in range(5):
        pasted = copied(hostile.cells[index])
        pasted.id = f"{pasted.id}-pasted-{number}"  # JupyterLab gives a pasted cell a new id
        hostile.cells.insert(index + 1, pasted)
    return hostile, control


@threat(CH01, Kind.EDIT, naive_gain=True)
def answer_cell_duplicated():
    """A second copy of the ex_1_1_softmax answer cell, same grade id, holding a different
    (correct) softmax right after the wrong one: a grader that keys answers by grade id grades
    one copy while the other runs."""
    control = answered(CH01, *CH01_WRONG)
    hostile = copied(control)
    index = index_of(hostile, "ex_1_1_softmax")
    second = copied(hostile.cells[index])
    second.id = f"{second.id}-copy"
    second.source = answer_cells(answered(CH01))["ex_1_1_softmax"].source
    hostile.cells.insert(index + 1, second)
    return hostile, control


@threat(CH01, Kind.EDIT, naive_gain=False)
def grade_ids_swapped():
    """The grade ids of a failing test cell (test_1_4_debug_softmax) and a passing one
    (test_1_1_softmax) swapped in their metadata, so the failure is recorded against the other
    question. Every ch01 test cell is worth 1 point, so the total does not move in-process
    (naive_gain=False); the threat test compares the per-question scores."""
    control = answered(CH01, "debug: wrong line number")
    hostile = copied(control)
    failing = hostile.cells[index_of(hostile, "test_1_4_debug_softmax")].metadata.nbgrader
    passing = hostile.cells[index_of(hostile, "test_1_1_softmax")].metadata.nbgrader
    failing.grade_id, passing.grade_id = passing.grade_id, failing.grade_id
    return hostile, control


@threat(CH01, Kind.EDIT, naive_gain=False)
def not_a_notebook():
    """A submission that is not JSON at all (a truncated notebook). It cannot gain anything by
    itself (naive_gain=False); it must not stop the batch, must score like the blank release,
    and must be flagged."""
    text = nbformat.writes(source_nb(CH01))
    return text[: len(text) // 2].encode(), blank(CH01)
