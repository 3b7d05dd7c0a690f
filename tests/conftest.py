"""Shared fixtures: the course root and its chapters, loaded once per test session."""

from __future__ import annotations

import functools
import importlib
from pathlib import Path

import nbformat
import pytest

from course.authoring import parse_text, source_path, text_path
from course.syllabus import CHAPTERS

ROOT = Path(__file__).resolve().parent.parent
WRITTEN = [c.name for c in CHAPTERS if text_path(ROOT, c.name).exists()]


def chapter_params():
    return pytest.mark.parametrize("chapter", WRITTEN)


@functools.cache
def cells(chapter: str):
    return parse_text(text_path(ROOT, chapter).read_text(encoding="utf-8"), chapter)


@functools.cache
def _source_json(chapter: str) -> str:
    return source_path(ROOT, chapter).read_text(encoding="utf-8")


def source_nb(chapter: str) -> nbformat.NotebookNode:
    return nbformat.reads(_source_json(chapter), as_version=4)


def release_nb(chapter: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "release" / chapter / f"{chapter}.ipynb", as_version=4)


def mutants(chapter: str) -> dict[str, dict[str, str]]:
    try:
        module = importlib.import_module(f"tests.mutants.{chapter}")
    except ModuleNotFoundError:
        return {}
    return module.MUTANTS


def mutant_words(chapter: str) -> dict[str, str]:
    """What a student whose result equals a mutant's reads (``WORDS`` in the mutant module; a
    mutant without an entry is described by its own name)."""
    try:
        module = importlib.import_module(f"tests.mutants.{chapter}")
    except ModuleNotFoundError:
        return {}
    return dict(getattr(module, "WORDS", {}))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@functools.cache
def solution_namespace(chapter: str) -> dict:
    """The variables the reference solution notebook defines, after running every cell in-process
    (and checking the reference earns every point, so the answers read here are the graded ones)."""
    from course.execute import run_in_process

    namespace: dict = {}
    outcomes = run_in_process(source_nb(chapter), ROOT / "source" / chapter, namespace=namespace)
    assert outcomes, f"{chapter} has no test cells"
    failed = [f"{o.grade_id}: {o.message}" for o in outcomes if not o.passed]
    assert not failed, f"{chapter}: the reference solution fails:\n" + "\n".join(failed)
    return namespace
