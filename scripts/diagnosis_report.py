"""Diagnosis report: for every mutant, the first failure message a student who made that mistake
reads, and whether it names the mistake (a ``Likely mistake:`` line with that mutant's words).

    python scripts/diagnosis_report.py [ch03 ch01_softmax ...] [--width 200] [--misses]

Each mutant (``tests/mutants/<chapter>.py``) is swapped into the chapter's source notebook and run
in process, stopping after the exercises it touches (as ``scripts/mutation_report.py``), with the
stored diagnoses in use: the visible ones (``course/data/diagnoses/``, as in the student's
notebook and ``python -m course check``) and the hidden ones (``source/<chapter>/``, as the
judge uses them for grading feedback). The message is that of the first failing test cell of
those exercises. Prints the share of mutants named, per chapter and overall; ``--misses`` prints
only the mutants that are not named. Not a test: it prints.
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
from course.execute import MISTAKE, exercise_of, run_in_process  # noqa: E402
from scripts.mutation_report import pick_chapters  # noqa: E402
from tests.conftest import mutant_words, mutants, source_nb  # noqa: E402


def first_message(chapter: str, replacements: dict[str, str]) -> str:
    """The first failure message of the exercises the mutant touches ('' if none fails)."""
    targets = {exercise_of(grade_id) for grade_id in replacements}
    with diagnose.hidden_diagnoses(ROOT / "source" / chapter):
        try:
            outcomes = run_in_process(
                source_nb(chapter), ROOT / "source" / chapter, replacements, stop_after=targets
            )
        except Exception as exc:  # noqa: BLE001 - a broken mutant is reported, not fatal
            return f"(mutant could not run: {type(exc).__name__}: {exc})"
    failed = [o for o in outcomes if exercise_of(o.grade_id) in targets and not o.passed]
    return f"[{failed[0].grade_id}] {failed[0].message}" if failed else ""


def names(message: str, words: str) -> bool:
    _, mark, mistake = message.partition(MISTAKE)
    return bool(mark) and words in mistake


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="ch03, 3 or ch03_attention (default: all)")
    parser.add_argument("--width", type=int, default=200, help="cut messages to this width")
    parser.add_argument("--misses", action="store_true", help="print only mutants not named")
    args = parser.parse_args(argv)

    summary: list[tuple[str, int, int, float]] = []
    for chapter in pick_chapters(args.chapters):
        cases, words = mutants(chapter), mutant_words(chapter)
        start, named = time.perf_counter(), 0
        print(f"== {chapter}: {len(cases)} mutants")
        for name, replacements in cases.items():
            message = first_message(chapter, replacements)
            hit = names(message, words.get(name, name))
            named += hit
            if args.misses and hit:
                continue
            text, _, mistake = (message or "(keeps full points)").partition(MISTAKE)
            print(f"  {'named' if hit else 'NOT NAMED':<9} {name}")
            print(f"            {shorten(text, args.width)}")
            if mistake:
                print(f"            Likely mistake: {shorten(mistake, args.width)}")
        summary.append((chapter, named, len(cases), time.perf_counter() - start))

    print()
    print(f"{'chapter':<28} {'named':>6} / {'total':<5} {'share':>6} {'seconds':>8}")
    for chapter, named, total, elapsed in summary:
        share = f"{named / total:.0%}" if total else "-"
        print(f"{chapter:<28} {named:>6} / {total:<5} {share:>6} {elapsed:>8.1f}")
    all_named, all_total = sum(s[1] for s in summary), sum(s[2] for s in summary)
    if len(summary) > 1:
        share = f"{all_named / all_total:.1%}" if all_total else "-"
        print(f"{'all':<28} {all_named:>6} / {all_total:<5} {share:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
