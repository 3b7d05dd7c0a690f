"""Pairs of submissions whose answer cells are suspiciously alike, for an instructor to review.

Only the code answer cells are compared (cells with ``solution: true`` in nbgrader's metadata,
matched by grade id), with ``copydetect`` (winnowed k-gram fingerprints of the tokenised code, as
in MOSS: identifiers, strings and numbers become placeholders, so renaming variables or editing
comments hides nothing). The release notebook's own code in each answer cell (the stub: the
``def`` line, the docstring, ``raise NotImplementedError()``) is subtracted as boilerplate, so
blank and stub-only submissions match nobody.

A pair is listed when, over the answer cells both students wrote, the share of their fingerprinted
code that matches the other's is at least ``threshold`` and at least ``min_tokens`` characters of
normalised code match. It is evidence to read, not a verdict: short answers to a precisely posed
exercise converge, and two students who both typed the published solution match each other. This
never changes a score.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np

NOISE = 25  # k: characters of normalised code per fingerprint (copydetect's default noise_t)
THRESHOLD = 0.6
MIN_TOKENS = 60


@dataclass
class CellMatch:
    """One answer cell both students wrote, with the parts that match (character ranges of each
    student's cell source)."""

    grade_id: str
    similarity: float  # matched share of both students' fingerprinted code in this cell
    source_a: str
    source_b: str
    spans_a: list[tuple[int, int]] = field(default_factory=list)
    spans_b: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class SimilarPair:
    student_a: str
    student_b: str
    similarity: float  # over all the cells: matched / fingerprinted code, both students together
    matched: int  # characters of normalised code that match
    cells: list[CellMatch]


def _fingerprint(source: str, boilerplate: np.ndarray):
    from copydetect import CodeFingerprint

    return CodeFingerprint("answer.py", NOISE, 1, boilerplate=boilerplate, fp=io.StringIO(source))


def _boilerplate(stub: str) -> np.ndarray:
    return np.array(sorted(_fingerprint(stub, np.array([], dtype=np.int64)).hashes), dtype=np.int64)


def _spans(slices) -> list[tuple[int, int]]:
    if len(slices) == 0 or len(slices[0]) == 0:
        return []
    return [(int(s), int(e)) for s, e in zip(slices[0], slices[1], strict=True)]


def similar_pairs(
    answers: dict[str, dict[str, str]],
    stubs: dict[str, str],
    threshold: float = THRESHOLD,
    min_tokens: int = MIN_TOKENS,
) -> list[SimilarPair]:
    """Pairs of students (``answers``: student -> {grade_id: source of a code answer cell}) whose
    answers match beyond ``threshold``; ``stubs`` ({grade_id: the release's source of that cell})
    is subtracted. Most similar first."""
    from copydetect import compare_files

    boilerplate = {g: _boilerplate(stub) for g, stub in stubs.items()}
    prints: dict[str, dict[str, object]] = {}
    for student, cells in answers.items():
        mine = {}
        for grade_id, source in cells.items():
            if grade_id not in boilerplate or not source.strip():
                continue
            fp = _fingerprint(source, boilerplate[grade_id])
            if fp.token_coverage > 0:
                mine[grade_id] = fp
        prints[student] = mine

    pairs = []
    students = sorted(prints)
    for i, a in enumerate(students):
        for b in students[i + 1 :]:
            cov_a = sum(fp.token_coverage for fp in prints[a].values())
            cov_b = sum(fp.token_coverage for fp in prints[b].values())
            if not cov_a or not cov_b:
                continue
            matched_a = matched_b = 0
            cells = []
            for grade_id in stubs:
                fa, fb = prints[a].get(grade_id), prints[b].get(grade_id)
                if fa is None or fb is None:
                    continue
                _, (sim_a, sim_b), (slices_a, slices_b) = compare_files(fa, fb)
                spans_a, spans_b = _spans(slices_a), _spans(slices_b)
                # matched characters of normalised code on each side
                got_a, got_b = sim_a * fa.token_coverage, sim_b * fb.token_coverage
                matched_a += got_a
                matched_b += got_b
                if spans_a:
                    share = (got_a + got_b) / (fa.token_coverage + fb.token_coverage)
                    cells.append(
                        CellMatch(
                            grade_id, float(share), fa.raw_code, fb.raw_code, spans_a, spans_b
                        )
                    )
            similarity = (matched_a + matched_b) / (cov_a + cov_b)
            matched = int(round(min(matched_a, matched_b)))
            if similarity >= threshold and matched >= min_tokens:
                pairs.append(SimilarPair(a, b, float(similarity), matched, cells))
    return sorted(pairs, key=lambda p: (-p.similarity, p.student_a, p.student_b))
