"""Regenerate ``source/`` (from ``authoring/``) and ``release/`` (with nbgrader)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course.authoring import build_chapter


def nbgrader_env() -> dict[str, str]:
    """The environment for running nbgrader: its venv's ``bin`` first on PATH (for alembic)."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    return env


def run_nbgrader(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    nbgrader = Path(sys.executable).parent / "nbgrader"
    cmd = [str(nbgrader) if nbgrader.exists() else "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=cwd, env=nbgrader_env(), capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def generate_release(root: Path, chapter: str, out_dir: Path) -> Path:
    """Run ``nbgrader generate_assignment`` for one chapter in a scratch course directory (so the
    course's own gradebook is untouched) and put the result in ``out_dir/<chapter>``."""
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        scratch = Path(tmp)
        shutil.copy(root / "nbgrader_config.py", scratch / "nbgrader_config.py")
        shutil.copytree(root / "source" / chapter, scratch / "source" / chapter)
        run_nbgrader(
            ["generate_assignment", chapter, "--force", "--log-level=ERROR",
             f"--db=sqlite:///{scratch / 'gradebook.db'}"],
            cwd=scratch,
        )
        target = out_dir / chapter
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(scratch / "release" / chapter, target)
    return target


def release_chapter(root: Path, chapter: str) -> Path:
    """authoring text -> source notebook -> release notebook, for one chapter."""
    build_chapter(root, chapter)
    return generate_release(root, chapter, root / "release")
