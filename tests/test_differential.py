"""Issue 10, item 5 (the fast subset): honest notebooks written in every style of
``tests/styles.py`` score the same under the grade command (the judge) as under nbgrader's own
kernel executor (what the student's kernel does), test cell by test cell.

Two chapters of different kinds: ch01 (plain functions, a Trace letter, a debug exercise) and
ch09 (a class, constants, a generation loop). Each chapter is one throw-away course with a few
students whose answer cells each use a different style, so every style that applies to the
chapter is graded once. The full matrix (one student per style, any chapters) is
``scripts/differential_matrix.py``.
"""

from __future__ import annotations

import pytest

from course.execute import exercise_of
from tests.differential import mixed_plans, run_chapter
from tests.styles import STYLES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*not in session.*"),
]

CHAPTERS = ["ch01_softmax", "ch09_kv_cache"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_style_scores_the_same_under_the_judge_and_the_kernel(chapter, tmp_path):
    plans = mixed_plans(chapter, list(STYLES.values()))
    run = run_chapter(chapter, plans, tmp_path)

    for name, result in run.students.items():
        # both sides graded every test cell (an empty gradebook on both sides is no agreement)
        assert result.kernel and set(result.kernel) == set(result.judge), (
            f"{chapter}/{name}: kernel graded {sorted(result.kernel)}, judge graded "
            f"{sorted(result.judge)}\n{run.kernel_log[-1500:]}"
        )
        # the styles are honest: the student's kernel gives full marks wherever the exercise's
        # answers are in styles that keep them (print_stderr does not, by nbgrader's rule)
        for cell, verdict in result.kernel.items():
            exercise = exercise_of(cell)
            styles = [s for g, s in result.plan.style_of.items() if exercise_of(g) == exercise]
            if all(STYLES[s].kernel_full_marks for s in styles):
                assert verdict.score == verdict.max_score, (
                    f"style {'+'.join(styles) or 'reference'} is not honest on {chapter}/{cell}: "
                    f"the kernel gave {verdict.score} of {verdict.max_score} ({verdict.message})"
                )

    if run.differences():
        pytest.fail(
            f"{chapter}: the judge and nbgrader's kernel differ (style / chapter / cell: scores, "
            f"then each side's message):\n{run.report()}",
            pytrace=False,
        )
