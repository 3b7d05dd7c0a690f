"""Rebuild a submitted notebook from the release notebook plus the student's answers.

Autograding never runs the file a student handed in. It runs a notebook rebuilt here: every cell,
its order and its metadata come from the release notebook (trusted: the instructor generated it),
and only the *source* of each answer cell comes from the submission. So nothing a student does to
the file (editing or deleting a locked test cell, raising its points, tagging a cell so its errors
are ignored, planting outputs, swapping grade ids) changes what is graded or how it is scored.
Code the student added in new cells is kept, without nbgrader metadata, where they put it, because
answers may call helpers defined there.

Whatever the submission is, :func:`rebuild` returns something gradable: a broken cell is skipped,
and a file that is not a notebook at all is graded as the blank release notebook. Every such
repair is recorded as a one-line flag for the instructor. Flags that only inform start with
:data:`NOTE`; any other flag means the instructor should look (:attr:`Rebuilt.needs_review`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

MAX_SUBMISSION_BYTES = 20 * 1024 * 1024
"""Larger files are not parsed (a notebook of this course is well under 1 MB without outputs)."""

NOTE = "note: "
"""Prefix of a flag that is information only and does not ask for the instructor's review."""

NBGRADER_KEYS = ("cell_type", "grade", "grade_id", "locked", "points", "solution", "task")
"""The nbgrader metadata that decides how a cell is graded. ``checksum`` and ``schema_version`` are
left out: they never decide a score, and comparing them would flag harmless differences."""

CELL_TYPES = ("code", "markdown", "raw")
CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")  # nbformat 4.5's rule for cell ids
REASON_CHARS = 200


@dataclass
class Rebuilt:
    """The notebook to grade and what was repaired on the way."""

    nb: nbformat.NotebookNode
    flags: list[str]
    unreadable: bool = False

    @property
    def needs_review(self) -> bool:
        """True when a repair may have changed the grade or hides tampering: the instructor
        should look at the submission before trusting the score."""
        return self.unreadable or any(not flag.startswith(NOTE) for flag in self.flags)


class _Unreadable(Exception):
    """The submission has nothing usable; the message says why."""


class _BadCell(Exception):
    """One cell of the submission cannot be used; the message says why."""


@dataclass(frozen=True)
class _StudentCell:
    position: int  # 1-based, as the instructor would count cells in the submitted file
    cell_type: str
    source: str
    id: str | None
    nbgrader: Any  # the cell's nbgrader metadata as submitted: untrusted, any JSON value

    @property
    def grade_id(self) -> str | None:
        grade_id = self.nbgrader.get("grade_id") if isinstance(self.nbgrader, dict) else None
        return grade_id if isinstance(grade_id, str) else None


def rebuild(submitted: Path | str | bytes, release: nbformat.NotebookNode) -> Rebuilt:
    """The notebook to grade for ``submitted``: ``release`` with the student's answer sources.

    ``submitted`` is the path of the submitted file (``Path`` or ``str``) or its raw bytes.
    Never raises for a bad submission; raises ``ValueError`` when ``release`` is not a usable
    release notebook (an instructor error).
    """
    _check_release(release)
    try:
        cells, flags = _parse(_read(submitted))
    except _Unreadable as reason:
        message = str(reason)[:REASON_CHARS]
        return Rebuilt(
            nb=_notebook(release, [_copy(c) for c in release.cells]),
            flags=[f"submission unreadable ({message}); graded as the blank release notebook"],
            unreadable=True,
        )
    claims, extra_copies, recognised = _match(release.cells, cells)
    added = _added_after(cells, claims, recognised)
    used_ids = {c.id for c in release.cells}
    out: list[dict[str, Any]] = _added_cells(added.get(None, []), "at the top", used_ids, flags)
    for index, cell in enumerate(release.cells):
        claim = claims.get(index)
        if _role(cell) == "answer":
            out.append(_answer(cell, claim, extra_copies[index], flags))
        else:
            flags.extend(_restored_flags(cell, claim, extra_copies[index]))
            out.append(_copy(cell))
        out.extend(_added_cells(added.get(index, []), f"after {_label(cell)}", used_ids, flags))
    return Rebuilt(nb=_notebook(release, out), flags=flags)


def _check_release(release: nbformat.NotebookNode) -> None:
    """Refuse a release notebook the rebuild cannot trust, naming what is wrong with it."""
    fix = "regenerate it with `python -m course release <chapter>`"
    if not isinstance(release, dict) or release.get("nbformat") != 4:
        raise ValueError(f"the release notebook is not an nbformat 4 notebook; {fix}")
    cells = release.get("cells")
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise ValueError(f"the release notebook has no list of cells; {fix}")
    ids = [c.get("id") for c in cells]
    if None in ids:
        minor = release.get("nbformat_minor")
        raise ValueError(
            f"the release notebook has cells without ids (nbformat 4.{minor}); "
            f"cell ids need nbformat 4.5 or later: {fix}"
        )
    _refuse_repeats("cell id", ids, fix)  # before validate, which would silently renumber them
    try:
        nbformat.validate(nbformat.from_dict(release))  # a copy: validate may normalise in place
    except nbformat.ValidationError as error:
        first_line = str(error).splitlines()[0]
        raise ValueError(
            f"the release notebook is not a valid notebook ({first_line}); {fix}"
        ) from error
    grade_ids = [_grade_id(c) for c in cells if _nbgrader(c)]
    if None in grade_ids:
        raise ValueError(f"the release notebook has an nbgrader cell without a grade_id; {fix}")
    _refuse_repeats("grade_id", grade_ids, fix)


def _refuse_repeats(name: str, values: list[Any], fix: str) -> None:
    repeated = sorted(v for v, n in Counter(values).items() if n > 1)
    if repeated:
        raise ValueError(f"the release notebook repeats the {name}s {repeated}; {fix}")


def _read(submitted: Path | str | bytes) -> bytes:
    if isinstance(submitted, bytes):
        data = submitted
    else:
        try:
            with open(submitted, "rb") as file:
                data = file.read(MAX_SUBMISSION_BYTES + 1)
        except OSError as error:
            raise _Unreadable(f"cannot read the file: {error}") from None
    if len(data) > MAX_SUBMISSION_BYTES:
        raise _Unreadable(f"the file is over the {MAX_SUBMISSION_BYTES:,} byte limit")
    return data


def _parse(data: bytes) -> tuple[list[_StudentCell], list[str]]:
    """The submission's usable cells, and a flag for each cell that had to be skipped."""
    if not data.strip():
        raise _Unreadable("the file is empty")
    try:
        notebook = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise _Unreadable(f"not JSON: {error}") from None
    if not isinstance(notebook, dict):
        raise _Unreadable(f"the JSON is a {type(notebook).__name__}, not a notebook object")
    major = notebook.get("nbformat")
    if type(major) is not int or major != 4:
        raise _Unreadable(f"nbformat version is {major!r}; only nbformat 4 notebooks are graded")
    raw_cells = notebook.get("cells")
    if not isinstance(raw_cells, list):
        raise _Unreadable("the notebook has no list of cells")
    cells, flags = [], []
    for position, raw in enumerate(raw_cells, start=1):
        try:
            cells.append(_student_cell(position, raw))
        except _BadCell as problem:
            flags.append(f"cell #{position} of the submission skipped: {problem}")
    if not cells:
        reason = flags[0] if flags else "the notebook has no cells"
        raise _Unreadable(f"no usable cell ({reason})")
    return cells, flags


def _student_cell(position: int, raw: Any) -> _StudentCell:
    if not isinstance(raw, dict):
        raise _BadCell(f"it is a JSON {type(raw).__name__}, not a cell object")
    cell_type = raw.get("cell_type")
    if cell_type not in CELL_TYPES:
        raise _BadCell(f"cell_type is {cell_type!r}, not one of {', '.join(CELL_TYPES)}")
    source = raw.get("source")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise _BadCell("source is not a string or a list of strings")
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        raise _BadCell("source has characters UTF-8 cannot encode (lone surrogates)") from None
    metadata = raw.get("metadata")
    cell_id = raw.get("id")
    return _StudentCell(
        position=position,
        cell_type=cell_type,
        source=source,
        id=cell_id if isinstance(cell_id, str) else None,
        nbgrader=metadata.get("nbgrader") if isinstance(metadata, dict) else None,
    )


def _match(
    release_cells: list[nbformat.NotebookNode], student_cells: list[_StudentCell]
) -> tuple[dict[int, tuple[_StudentCell, str]], Counter[int], set[int]]:
    """Which student cell stands for each release cell, and how it was recognised.

    Returns ``{release index: (student cell, "grade_id" | "id" | "content")}``; per release
    index, how many further student cells claimed the same release cell (duplicates, dropped);
    and the positions of all student cells recognised as release cells (the rest were added).
    The grade_id decides first, so a cell that carries a test cell's grade_id is that test cell
    (restored from the release), never an answer. Then the cell id, for cells whose grade_id was
    removed or changed. Last, for release cells other than answers, identical type and source:
    editors that drop cell ids (older nbformat) would otherwise turn every provided cell into a
    student-added copy that runs twice.
    """
    by_grade_id = {_grade_id(c): i for i, c in enumerate(release_cells) if _grade_id(c)}
    by_id = {c.id: i for i, c in enumerate(release_cells)}
    claims: dict[int, tuple[_StudentCell, str]] = {}
    extra_copies: Counter[int] = Counter()
    used: set[int] = set()

    def claim(student: _StudentCell, index: int, how: str) -> None:
        used.add(student.position)
        if index in claims:
            extra_copies[index] += 1
        else:
            claims[index] = (student, how)

    for student in student_cells:
        if student.grade_id in by_grade_id:
            claim(student, by_grade_id[student.grade_id], "grade_id")
    for student in student_cells:
        if student.position not in used and student.id in by_id:
            claim(student, by_id[student.id], "id")
    by_content: dict[tuple[str, str], list[int]] = {}
    for index, cell in enumerate(release_cells):
        if index not in claims and _role(cell) != "answer":
            by_content.setdefault((cell.cell_type, cell.source), []).append(index)
    for student in student_cells:
        same = by_content.get((student.cell_type, student.source))
        if student.position not in used and same:
            claim(student, same.pop(0), "content")
    return claims, extra_copies, used


def _added_after(
    student_cells: list[_StudentCell],
    claims: dict[int, tuple[_StudentCell, str]],
    recognised: set[int],
) -> dict[int | None, list[_StudentCell]]:
    """Student-added cells grouped by the release cell they follow (``None``: before all).

    A cell follows the release cell matched by the nearest recognised cell above it in the
    submission, so a helper the student wrote above an answer still runs before that answer.
    """
    release_index = {student.position: index for index, (student, _) in claims.items()}
    groups: dict[int | None, list[_StudentCell]] = {}
    anchor: int | None = None
    for student in student_cells:
        if student.position in release_index:
            anchor = release_index[student.position]
        elif student.position not in recognised:
            groups.setdefault(anchor, []).append(student)
    return groups


def _answer(
    cell: nbformat.NotebookNode,
    claim: tuple[_StudentCell, str] | None,
    extra_copies: int,
    flags: list[str],
) -> nbformat.NotebookNode:
    """The release answer cell with the student's source; flags when that source is doubtful."""
    label = _label(cell)
    answer = _copy(cell)
    if extra_copies:
        flags.append(f"{label} appears {extra_copies + 1} times; the first copy is graded")
    if claim is None:
        flags.append(f"{label} is missing; the blank release stub is graded")
        return answer
    student, how = claim
    if how == "id":
        flags.append(f"{label} matched by cell id {cell.id} (its grade_id was removed or changed)")
    elif _graded_metadata(student.nbgrader) != _graded_metadata(_nbgrader(cell)):
        flags.append(f"{label}: {_metadata_change(cell, student)}; release metadata restored")
    if student.cell_type != cell.cell_type:
        flags.append(
            f"{label} is a {student.cell_type} cell in the submission, {cell.cell_type} in the "
            "release; the blank release stub is graded"
        )
        return answer
    answer.source = student.source
    return answer


def _restored_flags(
    cell: nbformat.NotebookNode, claim: tuple[_StudentCell, str] | None, extra_copies: int
) -> list[str]:
    """What the student changed in a cell that is always taken from the release.

    Changes to locked cells (tests, read-only code), copies of them and changes to nbgrader
    metadata ask for review; edits to narrative and provided code are only noted (students
    annotate notebooks freely).
    """
    label = _label(cell)
    review = "" if _role(cell) == "locked" else NOTE
    if claim is None:
        return [f"{review}{label} was deleted; restored"]
    student, _ = claim
    flags = []
    if (student.cell_type, student.source) != (cell.cell_type, cell.source):
        flags.append(f"{review}{label} was edited; restored")
    if _graded_metadata(student.nbgrader) != _graded_metadata(_nbgrader(cell)):
        flags.append(f"{label}: {_metadata_change(cell, student)}; restored")
    if extra_copies:
        flags.append(f"{review}{label} appears {extra_copies + 1} times; one release copy kept")
    return flags


def _added_cells(
    students: list[_StudentCell], where: str, used_ids: set[str], flags: list[str]
) -> list[dict[str, Any]]:
    """Student-added cells as plain cells: source only, so no metadata (nbgrader fields, tags
    such as ``raises-exception``) or output the student wrote can affect grading. Built as plain
    dicts: nbformat's ``new_*_cell`` validates each cell, which takes minutes for a file of
    hundreds of thousands of cells."""
    cells = []
    for student in students:
        cell_id = student.id
        if cell_id is None or not CELL_ID.match(cell_id) or cell_id in used_ids:
            cell_id = f"student-added-{student.position}"
            while cell_id in used_ids:
                cell_id += "-"
        used_ids.add(cell_id)
        cell = {"id": cell_id, "cell_type": student.cell_type, "metadata": {}}
        if student.cell_type == "code":
            cell |= {"execution_count": None, "outputs": []}
        cells.append(cell | {"source": student.source})
    if students:
        numbers = ", ".join(f"#{s.position}" for s in students)
        stripped = any(s.nbgrader is not None for s in students)
        flags.append(
            f"{NOTE}student-added cell{'s' if len(students) > 1 else ''} "
            f"{numbers[:REASON_CHARS]} kept {where}"
            + (", nbgrader metadata removed" if stripped else "")
        )
    return cells


def _notebook(release: nbformat.NotebookNode, cells: list[dict[str, Any]]) -> nbformat.NotebookNode:
    """A current nbformat 4 notebook with the release's notebook metadata (kernel, language)."""
    return nbformat.from_dict(
        {
            "nbformat": 4,
            "nbformat_minor": nbformat.v4.nbformat_minor,
            "metadata": release.metadata,
            "cells": cells,
        }
    )


def _copy(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A deep copy of a release cell (nbgrader's release has no outputs to carry along)."""
    return nbformat.from_dict(cell)


def _nbgrader(cell: nbformat.NotebookNode) -> dict | None:
    return cell.get("metadata", {}).get("nbgrader")


def _grade_id(cell: nbformat.NotebookNode) -> str | None:
    return (_nbgrader(cell) or {}).get("grade_id")


def _role(cell: nbformat.NotebookNode) -> str:
    """``answer`` (student writes it), ``locked`` (tests and read-only cells) or ``provided``."""
    meta = _nbgrader(cell) or {}
    if meta.get("solution"):
        return "answer"
    if meta.get("grade") or meta.get("locked"):
        return "locked"
    return "provided"


def _label(cell: nbformat.NotebookNode) -> str:
    meta = _nbgrader(cell) or {}
    if meta.get("solution"):
        return f"answer cell {meta['grade_id']}"
    if meta.get("grade"):
        return f"test cell {meta['grade_id']}"
    if meta.get("locked"):
        return f"read-only cell {meta['grade_id']}"
    return f"provided {cell.cell_type} cell {cell.id}"


def _graded_metadata(nbgrader: Any) -> dict[str, Any]:
    if not isinstance(nbgrader, dict):
        return {}
    return {key: nbgrader[key] for key in NBGRADER_KEYS if nbgrader.get(key) is not None}


def _metadata_change(cell: nbformat.NotebookNode, student: _StudentCell) -> str:
    """E.g. ``nbgrader metadata changed (points 1 -> 100)``."""
    release, submitted = _graded_metadata(_nbgrader(cell)), _graded_metadata(student.nbgrader)
    changes = [
        f"{key} {release.get(key)!r} -> {submitted.get(key)!r}"
        for key in NBGRADER_KEYS
        if release.get(key) != submitted.get(key)
    ]
    return f"nbgrader metadata changed ({', '.join(changes)[:REASON_CHARS]})"
