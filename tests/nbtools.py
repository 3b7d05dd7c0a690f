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


def with_answers(release: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``release`` where a student typed ``answers`` ({grade_id: source}, solution
    markers removed) into those answer cells."""
    filled = nbformat.from_dict(release)
    for grade_id, cell in answer_cells(filled).items():
        if grade_id in answers:
            cell.source = without_solution_markers(answers[grade_id])
    return filled


def fill_answers(
    release: nbformat.NotebookNode,
    source: nbformat.NotebookNode,
    only: set[str] | None = None,
) -> nbformat.NotebookNode:
    """A copy of ``release`` where a student typed in the reference answers (all, or ``only``)."""
    reference = answer_cells(source)
    return with_answers(
        release, {g: c.source for g, c in reference.items() if only is None or g in only}
    )


def code_answer_ids(nb: nbformat.NotebookNode) -> list[str]:
    return [g for g, c in answer_cells(nb).items() if c.cell_type == "code"]


SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def secret_lines(cells, regions: tuple[tuple[str, str], ...], min_len: int) -> list[str]:
    """Code lines (longer than ``min_len``, not comments) inside the given marked regions of
    ``cells`` that appear nowhere outside those regions: text that must not reach a student."""
    visible, secret = set(), []
    for cell in cells:
        depth = 0
        for line in cell.source.splitlines():
            if any(begin in line for begin, _ in regions):
                depth += 1
            elif any(end in line for _, end in regions):
                depth -= 1
            elif depth:
                secret.append(line.strip())
            else:
                visible.add(line.strip())
    return [
        ln for ln in secret if len(ln) > min_len and ln not in visible and not ln.startswith("#")
    ]
