"""Regenerate the diagnosis tables: what each known mistake returns at each check it fails.

    python scripts/make_diagnoses.py [ch03 ch01_softmax ...]

Every mutant of ``tests/mutants/<chapter>.py`` is swapped into ``source/<chapter>/<chapter>.ipynb``
and run in process (as ``tests/test_execution.py`` does); each check it fails records a
fingerprint of the value that reached the check helper (:mod:`course.diagnose`). Checks in the
visible part of a test cell go to ``course/data/diagnoses/<chapter>.json`` (shipped with the course
package), checks in the hidden part to ``source/<chapter>/diagnoses-hidden.json`` (instructor-side
only). A mutant module may give student-facing words in ``WORDS = {description: words}``;
otherwise the description is used. Each mutant runs twice; a test cell where the second run
does not reproduce the first (a label or value that depends on memory, time or numpy's global
random state) is left out and listed as unstable. The visible table also maps a hash of each
release test cell's text that it knows errors of to the cell's grade id (``test_cells``), so the
student's kernel can name the mistake behind such an error. ``tests/test_execution.py::
test_mutant_loses_points`` fails when the stored tables no longer match the mutants: rerun this
command and commit the result.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("COURSE_FAST", "1")

from course import diagnose  # noqa: E402
from scripts.mutation_report import pick_chapters  # noqa: E402
from tests.conftest import mutant_words, mutants, release_nb, source_nb  # noqa: E402


def make(chapter: str) -> tuple[int, int]:
    """Write the chapter's two tables; (visible checks, hidden checks) with a fingerprint."""
    nb, cwd = source_nb(chapter), ROOT / "source" / chapter
    found, unstable = {}, {}
    for name, replacements in mutants(chapter).items():
        first = diagnose.collect(nb, cwd, replacements)[1]
        second = diagnose.collect(nb, cwd, replacements)[1]  # what a rerun does not reproduce
        found[name], unstable[name] = diagnose.stable_checks(first, second)
    visible, hidden = diagnose.build_tables(chapter, found, mutant_words(chapter), unstable)
    cells = diagnose.keys_of_test_cells(visible, release_nb(chapter))
    if cells:  # so the student's kernel can tell which visible test cell raised an error
        visible["test_cells"] = cells
    visible_path, hidden_path = diagnose.paths(ROOT, chapter)
    for table, path in ((visible, visible_path), (hidden, hidden_path)):
        if table["checks"] or table.get("unstable"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(diagnose.dump(table), encoding="utf-8")
        elif path.exists():
            path.unlink()
    return len(visible["checks"]), len(hidden["checks"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="ch03, 3 or ch03_attention (default: all)")
    args = parser.parse_args(argv)
    for chapter in pick_chapters(args.chapters):
        start = time.perf_counter()
        shown, hidden = make(chapter)
        print(
            f"{chapter}: {len(mutants(chapter))} mutants, {shown} visible and {hidden} hidden "
            f"checks with known mistakes ({time.perf_counter() - start:.1f} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
