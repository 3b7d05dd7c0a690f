"""Per-chapter mutant lists: plausible wrong answers that must lose points.

``tests/mutants/<chapter>.py`` defines ``MUTANTS``: a dict from a description to a dict
``{grade_id of a solution cell: replacement source}``. ``tests/test_mutants.py`` swaps each
mutant into the chapter's source notebook, runs it, and requires that the test cells of the
exercises it touches score less than their maximum.

Prefer :func:`swap`: a mutant is the reference solution with one piece changed, so it stays in
step with the solution, and it fails loudly if the piece it edits is gone (a mutant can never
silently turn into the correct answer).
"""

from __future__ import annotations

import functools
from pathlib import Path

from course.authoring import parse_text

AUTHORING = Path(__file__).resolve().parents[2] / "authoring"


@functools.cache
def solutions(chapter: str) -> dict[str, str]:
    """The reference source of every solution cell of a chapter, by grade id."""
    text = (AUTHORING / f"{chapter}.txt").read_text(encoding="utf-8")
    return {c.grade_id: c.source for c in parse_text(text, chapter) if c.kind == "solution"}


def swap(chapter: str, grade_id: str, old: str, new: str, count: int = 1) -> dict[str, str]:
    """``{grade_id: reference solution with `old` replaced by `new`}``."""
    source = solutions(chapter)[grade_id]
    if source.count(old) < count:
        raise ValueError(f"mutant anchor not found in {chapter}/{grade_id}: {old!r}")
    return {grade_id: source.replace(old, new)}


def swaps(chapter: str, grade_id: str, *edits: tuple[str, str]) -> dict[str, str]:
    """Like :func:`swap` with several ``(old, new)`` edits applied in turn, each anchor checked
    (for one mistake that touches places far apart in a cell)."""
    source = solutions(chapter)[grade_id]
    for old, new in edits:
        if old not in source:
            raise ValueError(f"mutant anchor not found in {chapter}/{grade_id}: {old!r}")
        source = source.replace(old, new)
    return {grade_id: source}
