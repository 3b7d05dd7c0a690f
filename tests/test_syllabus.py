"""course/syllabus.py matches shared/SYLLABUS.md (when the specification is beside the repo)."""

from __future__ import annotations

import re

import pytest

from course.syllabus import BY_NAME, CHAPTERS, find_chapter
from tests.conftest import ROOT

SPEC = ROOT.parent / "shared" / "SYLLABUS.md"
# Exercises the course adds beyond the specification, by chapter.
EXTRA = {"ch12_training": ("12.8", "12.9")}


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
        registry = [n for n, _ in BY_NAME[name].exercises]
        # The specification is the minimum: a chapter may add exercises after its specified ones
        # (ch12's 12.8 and 12.9, from the source-material review of issue #13).
        assert registry[: len(numbers)] == numbers, name
        assert EXTRA.get(name, ()) == tuple(registry[len(numbers) :]), name
