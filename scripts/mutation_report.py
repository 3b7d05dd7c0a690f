"""Mutation report: how many of each chapter's mutants lose points, and the first failure message a
student who made that mistake would read.

    python scripts/mutation_report.py [ch14 ch17_memory_budget ...] [--width 160]

Each mutant (``tests/mutants/<chapter>.py``) is swapped into the chapter's source notebook and run
with the in-process executor (``course.execute.run_in_process``, as ``tests/test_execution.py``
does), stopping after the last test cell of the exercises it touches. A mutant is *killed* when
some test cell of those exercises fails. The message shown is the error of the first failing
graded cell of those exercises, in notebook order, as the executor reports it. Not a test: it
prints; ``tests/test_execution.py`` is what asserts that every mutant loses points.
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

from course.execute import exercise_of, run_in_process  # noqa: E402
from tests.conftest import WRITTEN, mutants, source_nb  # noqa: E402


def pick_chapters(names: list[str]) -> list[str]:
    """Chapters matching each argument (``ch14``, ``14`` or a full name); all when none given."""
    if not names:
        return list(WRITTEN)
    chosen: list[str] = []
    for name in names:
        key = f"ch{int(name):02d}" if name.isdigit() else name
        found = [c for c in WRITTEN if c == key or c.startswith(key + "_")]
        if not found:
            raise SystemExit(f"no chapter matches {name!r}; chapters: {', '.join(WRITTEN)}")
        chosen += [c for c in found if c not in chosen]
    return chosen


def run_mutant(chapter: str, replacements: dict[str, str]) -> tuple[bool, str, float]:
    """(killed, first failure message, points lost) for one mutant."""
    targets = {exercise_of(grade_id) for grade_id in replacements}
    try:
        outcomes = run_in_process(
            source_nb(chapter), ROOT / "source" / chapter, replacements, stop_after=targets
        )
    except Exception as exc:  # noqa: BLE001 - a broken mutant is reported, not fatal
        return False, f"(mutant could not run: {type(exc).__name__}: {exc})", 0.0
    relevant = [o for o in outcomes if exercise_of(o.grade_id) in targets]
    failed = [o for o in relevant if not o.passed]
    if not failed:
        return False, "(keeps full points)", 0.0
    return True, f"[{failed[0].grade_id}] {failed[0].message}", sum(o.points for o in failed)


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="ch14, 14 or ch14_parameter_counting")
    parser.add_argument("--width", type=int, default=200, help="cut messages to this width")
    args = parser.parse_args(argv)

    summary: list[tuple[str, int, int, float]] = []
    for chapter in pick_chapters(args.chapters):
        cases = mutants(chapter)
        start = time.perf_counter()
        killed = 0
        print(f"== {chapter}: {len(cases)} mutants")
        for name, replacements in cases.items():
            dead, message, lost = run_mutant(chapter, replacements)
            killed += dead
            mark = f"killed (-{lost:g})" if dead else "SURVIVES"
            print(f"  {mark:<12} {name}")
            print(f"               {shorten(message, args.width)}")
        elapsed = time.perf_counter() - start
        summary.append((chapter, killed, len(cases), elapsed))

    print()
    print(f"{'chapter':<28} {'killed':>6} / {'total':<5} {'score':>6} {'seconds':>8}")
    for chapter, killed, total, elapsed in summary:
        score = f"{killed / total:.0%}" if total else "-"
        print(f"{chapter:<28} {killed:>6} / {total:<5} {score:>6} {elapsed:>8.1f}")
    all_killed = sum(s[1] for s in summary)
    all_total = sum(s[2] for s in summary)
    if len(summary) > 1:
        score = f"{all_killed / all_total:.0%}" if all_total else "-"
        print(f"{'all':<28} {all_killed:>6} / {all_total:<5} {score:>6}")
    return 0 if all_killed == all_total else 1


if __name__ == "__main__":
    raise SystemExit(main())
