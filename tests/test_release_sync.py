"""source/ is exactly what authoring/ builds, release/ exactly what nbgrader generates from it,
and release/ leaks no solution and no hidden test."""

from __future__ import annotations

import nbformat
import pytest

from course.authoring import build_notebook, notebook_json, parse_text, text_path
from course.release import generate_release
from tests.conftest import ROOT, WRITTEN, cells, release_nb
from tests.nbtools import HIDDEN, SOLUTION, secret_lines

SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


@pytest.mark.parametrize("chapter", WRITTEN)
def test_source_notebook_is_built_from_text(chapter):
    text = text_path(ROOT, chapter).read_text(encoding="utf-8")
    expected = notebook_json(build_notebook(parse_text(text), chapter))
    actual = (ROOT / "source" / chapter / f"{chapter}.ipynb").read_text(encoding="utf-8")
    assert actual == expected, (
        f"source/{chapter} is stale: run `python -m course release {chapter}`"
    )


def leaked_lines(chapter: str, release_text: str) -> list[str]:
    """Lines of solution or hidden-test regions, not also visible elsewhere, found in a release."""
    release_lines = {line.strip() for line in release_text.splitlines()}
    secret = secret_lines(cells(chapter), (SOLUTION, HIDDEN), min_len=20)
    return [line for line in secret if line in release_lines]


@pytest.mark.parametrize("chapter", WRITTEN)
def test_release_leaks_no_solution_or_hidden_test(chapter):
    text = "\n".join(c.source for c in release_nb(chapter).cells)
    for marker in SOLUTION_MARKERS:
        assert marker not in text, f"release/{chapter} contains {marker!r}"
    leaked = leaked_lines(chapter, text)
    assert not leaked, f"release/{chapter} shows solution or hidden-test lines: {leaked[:3]}"


def test_leak_check_catches_a_leak():
    chapter = WRITTEN[0]
    source_text = "\n".join(c.source for c in cells(chapter))
    assert leaked_lines(chapter, source_text), "the leak check finds nothing in the source itself"


@pytest.mark.slow
@pytest.mark.parametrize("chapter", WRITTEN)
def test_release_is_what_nbgrader_generates(chapter, tmp_path):
    out = generate_release(ROOT, chapter, tmp_path)
    committed = ROOT / "release" / chapter
    fresh = {p.relative_to(out) for p in out.rglob("*") if p.is_file()}
    kept = {p.relative_to(committed) for p in committed.rglob("*") if p.is_file()}
    assert fresh == kept, f"release/{chapter} files differ from nbgrader's: {fresh ^ kept}"
    for rel in sorted(fresh):
        assert (committed / rel).read_bytes() == (out / rel).read_bytes(), (
            f"release/{chapter}/{rel} is stale: run `python -m course release {chapter}`"
        )


def test_release_notebooks_are_valid():
    for chapter in WRITTEN:
        nbformat.validate(release_nb(chapter))
