"""Where the course lives on disk."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def course_root() -> Path:
    """The course directory (the folder with ``nbgrader_config.py``).

    ``$COURSE_ROOT`` wins; otherwise the checkout this package was installed from; otherwise the
    current directory.
    """
    env = os.environ.get("COURSE_ROOT")
    if env:
        return Path(env).resolve()
    checkout = PACKAGE_DIR.parent
    if (checkout / "nbgrader_config.py").exists():
        return checkout
    return Path.cwd()


def chapter_dirs(root: Path, folder: str) -> list[Path]:
    """``root/folder/chNN_*`` folders that hold a ``chNN_*.ipynb`` of the same name, sorted."""
    base = root / folder
    if not base.is_dir():
        return []
    return sorted(p for p in base.glob("ch[0-9][0-9]_*") if (p / f"{p.name}.ipynb").exists())
