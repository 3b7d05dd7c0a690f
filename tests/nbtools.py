"""Making student submissions from the source and release notebooks, for pipeline tests."""

from __future__ import annotations

import nbformat

from course.authoring import without_solution_markers


def answer_cells(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Solution cells (code answers and written answers) by grade id."""
    return {
        c.metadata["nbgrader"]["grade_id"]: c
        for c in nb.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }


def fill_answers(
    release: nbformat.NotebookNode,
    source: nbformat.NotebookNode,
    only: set[str] | None = None,
) -> nbformat.NotebookNode:
    """A copy of ``release`` where a student typed in the reference answers (all, or ``only``)."""
    filled = nbformat.from_dict(release)
    reference = answer_cells(source)
    for grade_id, cell in answer_cells(filled).items():
        if only is None or grade_id in only:
            cell.source = without_solution_markers(reference[grade_id].source)
    return filled


def code_answer_ids(nb: nbformat.NotebookNode) -> list[str]:
    return [g for g, c in answer_cells(nb).items() if c.cell_type == "code"]
