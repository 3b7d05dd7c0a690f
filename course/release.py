"""Regenerate ``source/`` (from ``authoring/``) and ``release/`` (with nbgrader)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from course.authoring import build_chapter
from course.diagnose import HIDDEN_NAME


def generate_release(root: Path, chapter: str, out_dir: Path) -> Path:
    """Run nbgrader's ``generate_assignment`` for one chapter in a scratch course directory (so
    the course's own gradebook is untouched, and several runs can go at once) and put the result
    in ``out_dir/<chapter>``."""
    from course.pipeline import Pipeline

    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        scratch = Path(tmp)
        shutil.copy(root / "nbgrader_config.py", scratch / "nbgrader_config.py")
        shutil.copytree(  # hidden checks' diagnoses stay instructor-side (course/diagnose.py)
            root / "source" / chapter,
            scratch / "source" / chapter,
            ignore=shutil.ignore_patterns(HIDDEN_NAME),
        )
        Pipeline(scratch, scratch / "exchange").generate(chapter)
        target = out_dir / chapter
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(scratch / "release" / chapter, target)
    return target


def release_chapter(root: Path, chapter: str) -> Path:
    """authoring text -> source notebook -> release notebook, for one chapter."""
    build_chapter(root, chapter)
    return generate_release(root, chapter, root / "release")
