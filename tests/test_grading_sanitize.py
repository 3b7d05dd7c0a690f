"""course.grading.sanitize: what is graded comes from the release notebook, whatever the student's
file says; only answer sources (and cells the student added) come from the submission."""

from __future__ import annotations

import copy
import json

import nbformat
import pytest

from course.grading.sanitize import MAX_SUBMISSION_BYTES, NOTE, Rebuilt, rebuild
from tests.conftest import ROOT, release_nb, source_nb
from tests.nbtools import answer_cells, fill_answers

CHAPTER = "ch01_softmax"
RELEASE = release_nb(CHAPTER)
ANSWERS = fill_answers(RELEASE, source_nb(CHAPTER))
ANSWER, TEST = "ex_1_1_softmax", "test_1_1_softmax"
CHEAT = "def softmax(x, axis=-1):\n    return 'full marks please'"


def as_bytes(nb: nbformat.NotebookNode) -> bytes:
    """The file JupyterLab would save: sources as lists of lines."""
    return nbformat.writes(nb).encode("utf-8")


def student(nb: nbformat.NotebookNode = ANSWERS) -> nbformat.NotebookNode:
    """A copy of a notebook for one test to tamper with."""
    return copy.deepcopy(nb)


def position(nb: nbformat.NotebookNode, grade_id: str) -> int:
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert ids.count(grade_id) == 1, f"{grade_id} occurs {ids.count(grade_id)} times, expected 1"
    return ids.index(grade_id)


def cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return nb.cells[position(nb, grade_id)]


def assert_release_structure(result: Rebuilt) -> None:
    """Every release cell is there, in order, with its metadata; non-answer sources verbatim."""
    nbformat.validate(result.nb)
    assert result.nb.metadata == RELEASE.metadata
    rebuilt = {c.id: c for c in result.nb.cells}
    assert [c.id for c in result.nb.cells if c.id in {r.id for r in RELEASE.cells}] == [
        c.id for c in RELEASE.cells
    ], "release cells are missing or out of order"
    for original in RELEASE.cells:
        got = rebuilt[original.id]
        assert got.metadata == original.metadata, f"metadata of {original.id} not restored"
        assert got.cell_type == original.cell_type
        if not original.metadata.get("nbgrader", {}).get("solution"):
            assert got.source == original.source, f"{original.id} not restored from the release"
        if got.cell_type == "code":
            assert got.outputs == [] and got.execution_count is None


def flags_about(result: Rebuilt, text: str) -> list[str]:
    return [f for f in result.flags if text in f]


def test_untouched_release_has_no_flags_and_identical_cells():
    result = rebuild(as_bytes(RELEASE), RELEASE)
    assert result.flags == [] and not result.needs_review and not result.unreadable
    assert result.nb.cells == RELEASE.cells
    nbformat.validate(result.nb)


@pytest.mark.parametrize("chapter", sorted(p.name for p in (ROOT / "release").iterdir()))
def test_every_release_notebook_rebuilds_to_itself(chapter):
    release = release_nb(chapter)
    result = rebuild(ROOT / "release" / chapter / f"{chapter}.ipynb", release)
    assert result.flags == [], f"{chapter}: unexpected flags {result.flags}"
    assert [c.source for c in result.nb.cells] == [c.source for c in release.cells]


def test_answers_are_carried_over_and_nothing_else_of_the_answer_cell():
    submission = student()
    for answer in answer_cells(submission).values():
        answer.metadata["tags"] = ["raises-exception"]
        answer.attachments = (
            {"x.png": {"image/png": "AAAA"}} if answer.cell_type == "markdown" else {}
        )
        if answer.cell_type == "code":
            answer.pop("attachments")
            answer.execution_count = 7
            answer.outputs = [nbformat.v4.new_output("stream", name="stdout", text="10/10\n")]
    result = rebuild(as_bytes(submission), RELEASE)
    assert result.flags == []
    assert_release_structure(result)
    answers = answer_cells(result.nb)
    assert {g: c.source for g, c in answers.items()} == {
        g: c.source for g, c in answer_cells(ANSWERS).items()
    }
    assert answers[ANSWER].source != cell(RELEASE, ANSWER).source, "the fixture has no answers"
    assert all("attachments" not in c for c in answers.values())


def test_string_sources_are_read_like_lists_of_lines():
    as_dict = json.loads(json.dumps(ANSWERS))  # nbformat keeps sources as strings in memory
    assert isinstance(as_dict["cells"][0]["source"], str)
    result = rebuild(json.dumps(as_dict).encode(), RELEASE)
    assert result.flags == []
    assert cell(result.nb, ANSWER).source == cell(ANSWERS, ANSWER).source


def test_path_as_str_is_read(tmp_path):
    path = tmp_path / "submission.ipynb"
    path.write_bytes(as_bytes(ANSWERS))
    assert cell(rebuild(str(path), RELEASE).nb, ANSWER).source == cell(ANSWERS, ANSWER).source


def test_edited_test_cell_is_restored_and_flagged():
    submission = student()
    cell(submission, TEST).source = "pass  # tests are overrated"
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert result.flags == [f"test cell {TEST} was edited; restored"]
    assert result.needs_review


def test_deleted_test_cell_is_restored_in_place_and_flagged():
    submission = student()
    del submission.cells[position(submission, TEST)]
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert position(result.nb, TEST) == position(RELEASE, TEST)
    assert result.flags == [f"test cell {TEST} was deleted; restored"] and result.needs_review


def test_changed_points_are_restored_and_flagged():
    submission = student()
    cell(submission, TEST).metadata.nbgrader.points = 100
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert cell(result.nb, TEST).metadata.nbgrader.points == 1
    assert flags_about(result, "points 1 -> 100") and result.needs_review


def test_changed_answer_metadata_is_restored_and_flagged():
    submission = student()
    cell(submission, ANSWER).metadata.nbgrader.update(grade=True, points=50)
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert cell(result.nb, ANSWER).source == cell(ANSWERS, ANSWER).source
    assert flags_about(result, f"answer cell {ANSWER}: nbgrader metadata changed")
    assert result.needs_review


def test_duplicated_answer_cell_grades_the_first_copy_and_is_flagged():
    submission = student()
    at = position(submission, ANSWER)
    second = copy.deepcopy(submission.cells[at])
    second.id, second.source = "pasted-copy", CHEAT
    submission.cells.insert(at + 1, second)
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert cell(result.nb, ANSWER).source == cell(ANSWERS, ANSWER).source
    assert CHEAT not in [c.source for c in result.nb.cells]
    assert result.flags == [f"answer cell {ANSWER} appears 2 times; the first copy is graded"]
    assert result.needs_review


def test_duplicated_test_cell_leaves_a_single_copy():
    submission = student()
    at = position(submission, TEST)
    second = copy.deepcopy(submission.cells[at])
    second.id = "pasted-test"
    submission.cells.insert(at + 1, second)
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert len(result.nb.cells) == len(RELEASE.cells)
    position(result.nb, TEST)  # asserts exactly one copy
    assert flags_about(result, f"test cell {TEST} appears 2 times")
    assert result.needs_review  # pasted test cells are tampering, not annotation


def test_student_added_helper_runs_before_the_answer_that_uses_it():
    submission = student()
    at = position(submission, ANSWER)
    helper = nbformat.v4.new_code_cell("def _shift(x):\n    return x - x.max()", id="my-helper")
    helper.metadata = {
        "tags": ["raises-exception"],
        "nbgrader": {"grade": True, "grade_id": "my_bonus", "points": 99, "solution": False},
    }
    submission.cells.insert(at, helper)
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    kept = position(result.nb, ANSWER) - 1
    assert result.nb.cells[kept].source == helper.source, "helper not kept just above the answer"
    assert result.nb.cells[kept].metadata == {}, "student metadata must not survive"
    assert result.nb.cells[kept].id == "my-helper"
    assert not result.needs_review
    assert all(f.startswith(NOTE) for f in result.flags) and flags_about(result, "student-added")


def test_student_cell_above_everything_stays_first():
    submission = json.loads(nbformat.writes(ANSWERS))
    submission["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "My notes"})
    result = rebuild(json.dumps(submission).encode(), RELEASE)
    assert result.nb.cells[0].source == "My notes"
    assert result.nb.cells[1:] == rebuild(as_bytes(ANSWERS), RELEASE).nb.cells
    assert result.flags == [f"{NOTE}student-added cell #1 kept at the top"]
    nbformat.validate(result.nb)  # the id-less cell got a fresh, valid id


def test_answer_whose_grade_id_was_deleted_is_matched_by_cell_id():
    submission = student()
    del cell(submission, ANSWER).metadata["nbgrader"]
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert cell(result.nb, ANSWER).source == cell(ANSWERS, ANSWER).source
    assert flags_about(result, f"answer cell {ANSWER} matched by cell id") and result.needs_review


def test_missing_answer_cell_keeps_the_stub_and_is_flagged():
    submission = student()
    del submission.cells[position(submission, ANSWER)]
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert cell(result.nb, ANSWER).source == cell(RELEASE, ANSWER).source
    assert result.flags == [f"answer cell {ANSWER} is missing; the blank release stub is graded"]


def test_answer_of_the_wrong_cell_type_keeps_the_stub():
    submission = student()
    cell(submission, ANSWER).cell_type = "markdown"
    cell(submission, ANSWER).pop("outputs"), cell(submission, ANSWER).pop("execution_count")
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert cell(result.nb, ANSWER).source == cell(RELEASE, ANSWER).source
    assert flags_about(result, "is a markdown cell in the submission") and result.needs_review


def test_edited_narrative_is_restored_with_a_note_only():
    submission = student()
    submission.cells[0].source += "\n\nmy notes: remember the max trick"
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert result.flags == [
        f"{NOTE}provided markdown cell {RELEASE.cells[0].id} was edited; restored"
    ]
    assert not result.needs_review


def test_notebook_without_cell_ids_matches_provided_cells_by_content():
    """Older editors drop cell ids: provided cells must not come back as student copies too."""
    submission = json.loads(nbformat.writes(ANSWERS))
    submission["nbformat_minor"] = 4
    for raw in submission["cells"]:
        del raw["id"]
    result = rebuild(json.dumps(submission).encode(), RELEASE)
    assert result.flags == []
    assert result.nb.cells == rebuild(as_bytes(ANSWERS), RELEASE).nb.cells


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"{not json", "not JSON"),
        (b"", "the file is empty"),
        (b"[1, 2]", "the JSON is a list"),
        (
            json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": []}).encode(),
            "version is 3",
        ),
        (json.dumps({"nbformat": 4, "metadata": {}}).encode(), "no list of cells"),
        (json.dumps({"nbformat": 4, "cells": [{"source": "x"}]}).encode(), "no usable cell"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"[" * 100_000, "not JSON"),
    ],
)
def test_unreadable_submission_is_graded_blank_and_flagged(data, reason):
    result = rebuild(data, RELEASE)
    assert result.unreadable and result.needs_review
    assert result.nb.cells == RELEASE.cells
    assert len(result.flags) == 1 and reason in result.flags[0], result.flags
    nbformat.validate(result.nb)


def test_oversized_or_missing_file_is_unreadable(tmp_path):
    big = tmp_path / "big.ipynb"
    big.write_bytes(as_bytes(ANSWERS) + b" " * MAX_SUBMISSION_BYTES)
    for path, reason in ((big, "byte limit"), (tmp_path / "absent.ipynb", "cannot read")):
        result = rebuild(path, RELEASE)
        assert result.unreadable and reason in result.flags[0], result.flags
        assert len(result.flags[0]) < 300, "the reason is cut to its first 200 characters"


def test_one_malformed_cell_is_skipped_and_the_rest_kept():
    submission = json.loads(nbformat.writes(ANSWERS))
    del submission["cells"][0]["cell_type"]
    submission["cells"][1]["source"] = [1, 2, 3]
    result = rebuild(json.dumps(submission).encode(), RELEASE)
    assert_release_structure(result)
    assert not result.unreadable
    assert cell(result.nb, ANSWER).source == cell(ANSWERS, ANSWER).source
    assert flags_about(result, "cell #1 of the submission skipped: cell_type is None")
    assert flags_about(result, "cell #2 of the submission skipped: source is not a string")
    assert result.needs_review


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c.update(metadata=[]),
        lambda c: c.update(metadata={"nbgrader": ["solution"]}),
        lambda c: c.update(metadata={"nbgrader": {"grade_id": ["unhashable"], "solution": True}}),
        lambda c: c.update(id=["unhashable"]),
        lambda c: c.update(id="has spaces and is far too long " * 5),
        lambda c: c.update(source="\ud800 lone surrogate"),
        lambda c: c.update(source=None),
        lambda c: c.update(cell_type="heading"),
    ],
)
def test_odd_cells_never_raise(tamper):
    submission = json.loads(nbformat.writes(ANSWERS))
    added = {"cell_type": "code", "id": "added", "metadata": {}, "outputs": [], "source": "x = 1"}
    tamper(added)
    submission["cells"].insert(position(ANSWERS, ANSWER), added)
    submission["cells"].append("not a cell")
    result = rebuild(json.dumps(submission).encode(), RELEASE)
    assert_release_structure(result)
    assert cell(result.nb, ANSWER).source == cell(ANSWERS, ANSWER).source
    nbformat.writes(result.nb).encode("utf-8")  # the rebuilt notebook can be saved


def test_answer_stripped_of_grade_id_and_id_is_missing():
    submission = student(RELEASE)
    del cell(submission, ANSWER).metadata["nbgrader"]
    submission.cells[position(RELEASE, ANSWER)].id = "renamed"
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert flags_about(result, f"answer cell {ANSWER} is missing") and result.needs_review


def test_cell_claiming_a_test_grade_id_is_never_an_answer():
    submission = student()
    fake = nbformat.v4.new_code_cell(CHEAT, id="fake")
    fake.metadata.nbgrader = {"grade_id": TEST, "solution": True, "grade": False, "locked": False}
    submission.cells.insert(position(submission, TEST), fake)
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert CHEAT not in [c.source for c in result.nb.cells]
    assert cell(result.nb, ANSWER).source == cell(ANSWERS, ANSWER).source
    assert flags_about(result, f"test cell {TEST} was edited") and result.needs_review


def test_answer_cell_relabelled_as_a_test_is_not_graded_as_the_answer():
    submission = student()
    relabelled = cell(submission, ANSWER)
    relabelled.source = CHEAT
    relabelled.metadata.nbgrader.grade_id = TEST  # keeps the answer's cell id
    result = rebuild(as_bytes(submission), RELEASE)
    assert_release_structure(result)
    assert CHEAT not in [c.source for c in result.nb.cells]
    assert cell(result.nb, ANSWER).source == cell(RELEASE, ANSWER).source
    assert flags_about(result, f"answer cell {ANSWER} is missing") and result.needs_review


def broken_release(grade_id=None, cell_id=None, source=None) -> nbformat.NotebookNode:
    """The release notebook with an instructor error in its first test cell."""
    release = copy.deepcopy(RELEASE)
    test = cell(release, TEST)
    test.metadata.nbgrader.grade_id = grade_id or TEST
    test.id = cell_id or test.id
    test.source = test.source if source is None else source
    return release


@pytest.mark.parametrize(
    "release, message",
    [
        (broken_release(grade_id=ANSWER), f"repeats the grade_ids \\['{ANSWER}'\\]"),
        (broken_release(cell_id=RELEASE.cells[0].id), "repeats the cell ids"),
        (broken_release(source=42), "not a valid notebook"),
    ],
)
def test_bad_release_notebook_raises_a_clear_error(release, message):
    before = copy.deepcopy(release)
    with pytest.raises(ValueError, match=message):
        rebuild(as_bytes(ANSWERS), release)
    assert release == before, "checking the release must not modify it"
