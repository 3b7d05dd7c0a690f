"""Run every chapter in-process: the reference solution earns every point, the untouched release
earns none, and every mutant loses points."""

from __future__ import annotations

import json

import pytest

from course import diagnose
from course.execute import exercise_of, run_in_process
from tests.conftest import (
    ROOT,
    WRITTEN,
    mutant_words,
    mutants,
    release_nb,
    solution_namespace,
    source_nb,
)

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
    """Each mutant loses points; and the stored diagnoses (course/diagnose.py) hold exactly what
    it returns at each check it fails (the same run records it, so keeping them in sync costs
    nothing extra)."""
    replacements = mutants(chapter)[mutant]
    targets = {exercise_of(grade_id) for grade_id in replacements}
    outcomes, checks = diagnose.collect(source_nb(chapter), ROOT / "source" / chapter, replacements)
    relevant = [o for o in outcomes if exercise_of(o.grade_id) in targets]
    assert relevant, f"{chapter}: mutant {mutant!r} touches no tested exercise ({targets})"
    lost = [o.grade_id for o in relevant if not o.passed]
    assert lost, f"{chapter}: mutant {mutant!r} keeps full points on exercises {sorted(targets)}"
    problems = diagnose.out_of_sync(ROOT, chapter, mutant, checks)
    assert not problems, (
        f"{chapter}: the stored diagnoses of mutant {mutant!r} are out of date "
        f"(run `python scripts/make_diagnoses.py {chapter}` and commit): " + "; ".join(problems)
    )


@pytest.mark.parametrize("chapter", WRITTEN)
def test_stored_diagnoses_name_current_mutants(chapter):
    """Every mutant a stored diagnosis names still exists, with its current words; the hidden
    table never reaches release/."""
    cases, words = mutants(chapter), mutant_words(chapter)
    for path in diagnose.paths(ROOT, chapter):
        if not path.exists():
            continue
        for what, rows in json.loads(path.read_text(encoding="utf-8"))["checks"].items():
            for row in rows:
                gone = [m for m in row["mutants"] if m not in cases]
                assert not gone, f"{path.name} {what!r} names removed mutants {gone}: regenerate"
                said = list(dict.fromkeys(words.get(m, m) for m in row["mutants"]))
                assert row["mistakes"] == said, f"{path.name} {what!r}: words changed: regenerate"
    assert not list((ROOT / "release").rglob(diagnose.HIDDEN_NAME))


@pytest.mark.parametrize("chapter", WRITTEN)
def test_stored_diagnoses_know_the_release_test_cells(chapter):
    """The visible table maps the text of each release test cell it knows errors of to its
    grade id (how the student's kernel tells which test cell raised): a test cell whose text
    changed since the tables were made fails here."""
    path = diagnose.paths(ROOT, chapter)[0]
    if not path.exists():
        pytest.skip(f"{chapter} has no visible diagnoses")
    table = json.loads(path.read_text(encoding="utf-8"))
    now = diagnose.keys_of_test_cells(table, release_nb(chapter))
    assert table.get("test_cells", {}) == now, f"{path.name}: test cells changed: regenerate"


@pytest.mark.parametrize("chapter", WRITTEN)
def test_chapter_has_mutants_for_its_build_exercises(chapter):
    from course.syllabus import BY_NAME

    covered = {exercise_of(g) for m in mutants(chapter).values() for g in m}
    builds = {n for n, kind in BY_NAME[chapter].exercises if kind in ("Build", "Debug")}
    missing = builds - covered
    assert not missing, f"{chapter}: no mutant for exercises {sorted(missing)}"
