"""Run every chapter in-process: the reference solution earns every point, the untouched release
earns none, and every mutant loses points."""

from __future__ import annotations

import pytest

from course.execute import exercise_of, run_in_process
from tests.conftest import ROOT, WRITTEN, mutants, release_nb, solution_namespace, source_nb

MUTANT_CASES = [(ch, name) for ch in WRITTEN for name in mutants(ch)]


@pytest.mark.parametrize("chapter", WRITTEN)
def test_reference_solution_earns_every_point(chapter):
    solution_namespace(chapter)  # runs the notebook once per worker; asserts every cell passes


@pytest.mark.parametrize("chapter", WRITTEN)
def test_untouched_release_earns_no_points(chapter):
    outcomes = run_in_process(release_nb(chapter), ROOT / "release" / chapter)
    free = [o.grade_id for o in outcomes if o.passed]
    assert not free, f"{chapter}: test cells that pass on the untouched release: {free}"


@pytest.mark.parametrize(("chapter", "mutant"), MUTANT_CASES)
def test_mutant_loses_points(chapter, mutant):
    replacements = mutants(chapter)[mutant]
    targets = {exercise_of(grade_id) for grade_id in replacements}
    outcomes = run_in_process(
        source_nb(chapter), ROOT / "source" / chapter, replacements, stop_after=targets
    )
    relevant = [o for o in outcomes if exercise_of(o.grade_id) in targets]
    assert relevant, f"{chapter}: mutant {mutant!r} touches no tested exercise ({targets})"
    lost = [o.grade_id for o in relevant if not o.passed]
    assert lost, f"{chapter}: mutant {mutant!r} keeps full points on exercises {sorted(targets)}"


@pytest.mark.parametrize("chapter", WRITTEN)
def test_chapter_has_mutants_for_its_build_exercises(chapter):
    from course.syllabus import BY_NAME

    covered = {exercise_of(g) for m in mutants(chapter).values() for g in m}
    builds = {n for n, kind in BY_NAME[chapter].exercises if kind in ("Build", "Debug")}
    missing = builds - covered
    assert not missing, f"{chapter}: no mutant for exercises {sorted(missing)}"
