"""course/syllabus.py matches shared/SYLLABUS.md (when the specification is beside the repo)."""

from __future__ import annotations

import re

import pytest

from course.syllabus import BEYOND_SPECIFICATION, BY_NAME, CHAPTERS, find_chapter
from tests.conftest import ROOT

SPEC = ROOT.parent / "shared" / "SYLLABUS.md"


def test_chapter_lookup():
    assert find_chapter("1").name == "ch01_softmax"
    assert find_chapter("ch23").name == "ch23_capstone_design"
    assert find_chapter("ch02_linear").name == "ch02_linear"
    with pytest.raises(KeyError, match="unknown chapter"):
        find_chapter("ch99")
    assert len(CHAPTERS) == 23 and [c.number for c in CHAPTERS] == list(range(1, 24))


@pytest.mark.skipif(not SPEC.exists(), reason="shared/SYLLABUS.md is not beside this checkout")
def test_registry_matches_specification():
    text = SPEC.read_text(encoding="utf-8")
    names = re.findall(r"^### (ch\d\d_\w+)", text, re.M)
    assert names == [c.name for c in CHAPTERS]
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        name = block.split()[0]
        if name not in BY_NAME:
            continue
        numbers = re.findall(r"^- (\d+\.\d+) ", block, re.M)
        registered = [n for n, _ in BY_NAME[name].exercises]
        assert [n for n in numbers if n not in BEYOND_SPECIFICATION] == [
            n for n in registered if n not in BEYOND_SPECIFICATION
        ], name


def test_exercises_beyond_the_specification_are_registered():
    registered = {n for c in CHAPTERS for n, _ in c.exercises}
    assert set(BEYOND_SPECIFICATION) <= registered
    for chapter in CHAPTERS:  # numbered in order, the additions after the specified ones
        numbers = [int(n.split(".")[1]) for n, _ in chapter.exercises]
        assert numbers == list(range(1, len(numbers) + 1)), chapter.name
