"""Building blocks for hostile submissions: a student's answers (reference, blank or plausibly
wrong, from ``tests.mutants``) and ways to slip a trick into them."""

from __future__ import annotations

import importlib
import textwrap

import nbformat

from course.authoring import without_solution_markers
from tests.conftest import release_nb, source_nb
from tests.nbtools import answer_cells, fill_answers

# A plausible student who got a little of everything wrong in ch01 (each mutant fails some test
# cells, see tests/mutants/ch01_softmax.py): the control for most ch01 tricks.
CH01_WRONG = (
    "softmax summing over axis 0",
    "log_softmax ignoring axis",
    "naive-overflow trace answered A",
    "debug: wrong line number",
    "temperature multiplied instead of divided",
)


def answered(chapter: str, *wrong: str | dict[str, str]) -> nbformat.NotebookNode:
    """The release notebook with every answer typed in: the reference answer, except where a
    wrong one replaces it. Each of ``wrong`` names a mutant of ``tests/mutants/<chapter>.py`` or
    is a ``{grade_id: source}`` of the same form (e.g. from ``tests.mutants.swap``)."""
    nb = fill_answers(release_nb(chapter), source_nb(chapter))
    mutants = importlib.import_module(f"tests.mutants.{chapter}").MUTANTS
    for mutant in wrong:
        for grade_id, source in (mutants[mutant] if isinstance(mutant, str) else mutant).items():
            nb = with_answer(nb, grade_id, without_solution_markers(source))
    return nb


def blank(chapter: str) -> nbformat.NotebookNode:
    """The untouched release notebook (every answer still the stub)."""
    return release_nb(chapter)


def copied(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A deep copy, so a threat never edits a notebook another threat shares."""
    return nbformat.from_dict(nb)


def index_of(nb: nbformat.NotebookNode, grade_id: str) -> int:
    for index, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise KeyError(f"no cell with grade id {grade_id!r}")


def with_answer(nb: nbformat.NotebookNode, grade_id: str, source: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose answer cell ``grade_id`` holds ``source``."""
    if grade_id not in answer_cells(nb):
        raise KeyError(f"{grade_id!r} is not an answer cell")
    nb = copied(nb)
    nb.cells[index_of(nb, grade_id)].source = source
    return nb


def appended(nb: nbformat.NotebookNode, grade_id: str, code: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` with ``code`` added at the end of answer cell ``grade_id``: the trick
    runs right after the student's answer, in the same cell."""
    answer = answer_cells(nb)[grade_id].source
    return with_answer(nb, grade_id, answer.rstrip() + "\n\n\n" + textwrap.dedent(code).strip())


def inserted(nb: nbformat.NotebookNode, index: int, code: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` with a code cell the student added at position ``index`` (plain cell, no
    nbgrader metadata, as JupyterLab creates it)."""
    nb = copied(nb)
    nb.cells.insert(index, nbformat.v4.new_code_cell(textwrap.dedent(code).strip()))
    return nb


def graded_cell_ids(nb: nbformat.NotebookNode) -> list[str]:
    """Grade ids of the autograded test cells, in notebook order."""
    return [
        c.metadata["nbgrader"]["grade_id"]
        for c in nb.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
        and c.cell_type == "code"
    ]
