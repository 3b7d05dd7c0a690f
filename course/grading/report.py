"""What the instructor sees of a grading run: a live progress line, a summary table at the end,
and a per-question CSV built from nbgrader's gradebook for the LMS.

The grading command (``python -m course grade <chapter>``, in ``batch.py``) produces one
:class:`SubmissionResult` per student and hands it to :class:`Progress` and
:func:`summary_table`; nbgrader's gradebook stays the record of grades, so the CSV is read back
from it (:func:`write_per_question_csv`) rather than from the run's in-memory results, and includes
manual grades entered later in the formgrader.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

IDENTITY_COLUMNS = ["student_id", "first_name", "last_name", "email", "lms_user_id"]
TOTAL_COLUMNS = [
    "raw_score",
    "late_submission_penalty",
    "total",
    "max_score",
    "needs_manual_grade",
    "flags",
]
MISSING = "missing"  # the flag of a student in the gradebook who has no submission
FORMGRADER_FLAG = "flagged in formgrader"


@dataclass
class SubmissionResult:
    """One student's graded submission of one chapter."""

    student: str
    score: float  # autograded points
    max_score: float  # autograded maximum
    manual_max: float = 0.0  # points awaiting hand grading (written answers)
    flags: list[str] = field(default_factory=list)  # why the instructor should look at it
    seconds: float = 0.0
    error: str = ""  # set when grading failed for this submission; the batch goes on
    cells: dict[str, float] = field(default_factory=dict)  # grade_id -> autograded score

    @property
    def flagged(self) -> bool:
        """A failed submission needs the instructor as much as an explicitly flagged one."""
        return bool(self.flags or self.error)

    def reasons(self) -> list[str]:
        """The error (if any) first, then the flags: what the instructor should read first."""
        return ([f"error: {self.error}"] if self.error else []) + list(self.flags)


def _number(value: float) -> str:
    """Points without float noise or a trailing '.0' (LMS imports and eyes both prefer '3')."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _duration(seconds: float) -> str:
    """h:mm:ss or m:ss, the way an ETA is read."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """A one-line progress report of a grading batch on ``stream`` (stdout by default, because
    nbgrader and CI treat anything on stderr as a problem).

    ``enabled`` selects the live bar, redrawn in place with a carriage return; it defaults to
    ``stream.isatty()``. Without it (a CI log, a file) a plain line is printed each time another
    10% of the batch is done, so a log of 500 submissions stays ten lines long.
    """

    BAR_WIDTH = 20

    def __init__(
        self, total: int, label: str, stream: TextIO | None = None, enabled: bool | None = None
    ):
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stdout
        self.live = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        self._start = time.monotonic()
        self._drawn = 0  # length of the live line on screen, to blank out a longer previous one

    def line(self, last: SubmissionResult) -> str:
        """The progress text after ``last``, e.g.
        ``ch01 [########............] 37/100  2.1 sub/s  eta 0:30  last: alice 12/19``."""
        fraction = self.done / self.total if self.total else 1.0
        filled = int(fraction * self.BAR_WIDTH)
        bar = "#" * filled + "." * (self.BAR_WIDTH - filled)
        elapsed = time.monotonic() - self._start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = _duration((self.total - self.done) / rate) if rate > 0 else "?"
        outcome = "error" if last.error else f"{_number(last.score)}/{_number(last.max_score)}"
        if last.flags:
            outcome += " (flagged)"
        return (
            f"{self.label} [{bar}] {self.done}/{self.total}  {rate:.1f} sub/s  eta {eta}  "
            f"last: {last.student} {outcome}"
        )

    def advance(self, result: SubmissionResult) -> None:
        """Count one more graded submission and show it."""
        self.done += 1
        text = self.line(result)
        if self.live:
            self.stream.write("\r" + text.ljust(self._drawn))
            self._drawn = len(text)
        elif self._decile(self.done) > self._decile(self.done - 1):
            self.stream.write(text + "\n")
        self.stream.flush()

    def _decile(self, done: int) -> int:
        return done * 10 // self.total if self.total else 10

    def close(self) -> None:
        """End the live line so the next output starts on a fresh one."""
        if self.live and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = 0


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _format_table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    """Aligned plain-text columns (numbers right-aligned) under a dashed header rule."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def fmt(row: list[str]) -> str:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return [fmt(header), "  ".join("-" * w for w in widths), *map(fmt, rows)]


def summary_table(
    chapter: str, results: list[SubmissionResult], elapsed: float, flag_width: int = 60
) -> str:
    """The end-of-run report: one row per submission (flagged and failed ones first, so they are
    not lost in a long class list, then by student id), then the class statistics and the
    throughput."""
    ordered = sorted(results, key=lambda r: (not r.flagged, r.student))
    header = ["student", "score", "max", "manual pending", "time", "flags"]
    rows = [
        [
            r.student,
            "-" if r.error else _number(r.score),
            _number(r.max_score),
            _number(r.manual_max),
            f"{r.seconds:.1f}s",
            _truncate("; ".join(r.reasons()), flag_width),
        ]
        for r in ordered
    ]
    lines = [f"Grading summary for {chapter}", ""]
    lines += _format_table(header, rows, right={1, 2, 3, 4}) if rows else ["(no submissions)"]

    graded = [r for r in results if not r.error]
    scores = [r.score for r in graded]
    maxima = {r.max_score for r in graded}
    of = f" of {_number(maxima.pop())}" if len(maxima) == 1 else ""
    stats = (
        f"mean {_number(round(statistics.mean(scores), 2))}, "
        f"median {_number(statistics.median(scores))}{of}"
        if scores
        else "no scores"
    )
    full = sum(1 for r in graded if r.max_score > 0 and r.score >= r.max_score)
    zero = sum(1 for r in graded if r.score == 0)
    failed = len(results) - len(graded)
    flagged = sum(1 for r in results if r.flagged)
    rate = f"{len(results) / elapsed * 60:.1f}" if elapsed > 0 else "n/a"
    lines += [
        "",
        f"{len(graded)} graded, {failed} failed; score {stats}",
        f"{full} full marks, {zero} zero, {flagged} flagged",
        f"{len(results)} submissions in {_duration(elapsed)} ({rate} submissions/min)",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- per-question CSV


@dataclass(frozen=True)
class Question:
    """A graded cell of the assignment."""

    notebook: str
    grade_id: str
    max_score: float
    key: str  # its column: the grade_id, prefixed with the notebook if the assignment has several
    cell_type: str = "code"  # "code": autograded test cell; "markdown": a written answer


def _cells_in_notebook_order(gradebook, notebook) -> list:
    """The notebook's graded cells (grade and task cells) in the order they appear in it.

    The gradebook stores no cell position, but nbgrader's ``generate_assignment`` inserts the cells
    in notebook order, so SQLite's insertion order (rowid) is the notebook order. On another
    database, fall back to grade_id order.
    """
    from sqlalchemy import text

    cells = list(notebook.grade_cells) + list(notebook.task_cells)
    if gradebook.engine.dialect.name != "sqlite":
        return sorted(cells, key=lambda c: c.name)
    ids = gradebook.db.execute(
        text("SELECT id FROM base_cell WHERE notebook_id = :nb ORDER BY rowid"), {"nb": notebook.id}
    ).scalars()
    rank = {cell_id: i for i, cell_id in enumerate(ids)}
    return sorted(cells, key=lambda c: rank[c.id])


def _questions(gradebook, assignment) -> list[Question]:
    several = len(assignment.notebooks) > 1
    return [
        Question(
            nb.name,
            cell.name,
            cell.max_score,
            f"{nb.name}/{cell.name}" if several else cell.name,
            getattr(cell, "cell_type", None) or "markdown",
        )
        for nb in assignment.notebooks
        for cell in _cells_in_notebook_order(gradebook, nb)
    ]


def _open_gradebook(gradebook_url: str):
    """nbgrader's Gradebook, refusing a missing SQLite file (nbgrader would silently create an
    empty gradebook there, and the CSV would say every student is missing)."""
    from nbgrader.api import Gradebook

    prefix = "sqlite:///"
    if gradebook_url.startswith(prefix) and not Path(gradebook_url[len(prefix) :]).exists():
        raise FileNotFoundError(
            f"no gradebook at {gradebook_url}: run the grading from the course directory "
            "(where nbgrader keeps gradebook.db), or pass its URL"
        )
    return Gradebook(gradebook_url)


def _student_row(student, submission, questions: list[Question], extra_flags: list[str]) -> dict:
    """One student's sheet row; ``submission`` is None when the student submitted nothing."""
    row: dict = {
        "student_id": student.id,
        **{c: getattr(student, c) or "" for c in IDENTITY_COLUMNS[1:]},
        **{q.key: None for q in questions},
    }
    reasons = [MISSING] if submission is None else []
    raw = penalty = 0.0
    pending = False
    if submission is not None:
        grades = {(nb.name, g.cell.name): g for nb in submission.notebooks for g in nb.grades}
        for q in questions:
            grade = grades[(q.notebook, q.grade_id)]
            # Empty, not 0, while a hand grade is awaited: 0 would read as a wrong answer.
            if grade.needs_manual_grade and grade.manual_score is None:
                pending = True
            else:
                row[q.key] = grade.score
                raw += grade.score
        penalty = submission.late_submission_penalty or 0.0
        if any(nb.flagged for nb in submission.notebooks):
            reasons.append(FORMGRADER_FLAG)
    return row | {
        "raw_score": raw,
        "late_submission_penalty": penalty,
        "total": max(0.0, raw - penalty),  # as nbgrader's own export computes it
        "max_score": sum(q.max_score for q in questions),
        "needs_manual_grade": pending,
        "flags": "; ".join(reasons + extra_flags),
    }


def read_gradebook(
    gradebook_url: str, assignment_name: str, flags: Mapping[str, list[str]]
) -> tuple[list[Question], list[dict]]:
    """The assignment's questions (notebook order) and one row per student of the gradebook (see
    :func:`per_question_rows`)."""
    from nbgrader.api import MissingEntry

    with _open_gradebook(gradebook_url) as gradebook:
        try:
            assignment = gradebook.find_assignment(assignment_name)
        except MissingEntry:
            known = ", ".join(sorted(a.name for a in gradebook.assignments)) or "none"
            raise LookupError(
                f"assignment {assignment_name!r} is not in the gradebook {gradebook_url} "
                f"(it has: {known}); was it generated and autograded there?"
            ) from None
        questions = _questions(gradebook, assignment)
        submissions = {s.student.id: s for s in gradebook.assignment_submissions(assignment_name)}
        rows = [
            _student_row(student, submissions.get(student.id), questions, flags.get(student.id, []))
            for student in sorted(gradebook.students, key=lambda s: s.id)
        ]
    return questions, rows


def per_question_rows(
    gradebook_url: str, assignment: str, flags: Mapping[str, list[str]] | None = None
) -> tuple[list[str], list[dict]]:
    """One row per student in the gradebook and one column per graded cell (its grade_id, in
    notebook order) holding the cell's score, autograded or manual; ``None`` while a manual grade
    is pending, and for every question of a student without a submission (flagged "missing",
    total 0, as in nbgrader's export). ``flags`` (student id -> reasons) adds the grading run's
    flags to those read from the gradebook."""
    questions, rows = read_gradebook(gradebook_url, assignment, flags or {})
    return IDENTITY_COLUMNS + [q.key for q in questions] + TOTAL_COLUMNS, rows


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        return _number(float(value))
    return str(value)


def write_per_question_csv(
    path: Path,
    gradebook_url: str,
    assignment: str,
    flags: Mapping[str, list[str]] | None = None,
) -> Path:
    """The per-question grade sheet for the LMS: identity columns, then ``<grade_id> (<max> pts)``
    per question in notebook order, then the totals; UTF-8 without a BOM, written by the csv
    module so names with commas or quotes survive."""
    questions, rows = read_gradebook(gradebook_url, assignment, flags or {})
    labels = {q.key: f"{q.key} ({_number(q.max_score)} pts)" for q in questions}
    keys = IDENTITY_COLUMNS + [q.key for q in questions] + TOTAL_COLUMNS
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([labels.get(k, k) for k in keys])
        for row in rows:
            writer.writerow([_csv_value(row[k]) for k in keys])
    return path


# --------------------------------------------------------------------------- the run record


RUN_RECORD_VERSION = 1


def run_record_path(course_dir: Path, chapter: str) -> Path:
    """``exports/<chapter>-grading.json``: what the grade command knew that nbgrader's gradebook
    does not keep (time per submission, the run's flags and errors)."""
    return Path(course_dir) / "exports" / f"{chapter}-grading.json"


def write_run_record(course_dir: Path, chapter: str, results: list[SubmissionResult]) -> Path:
    """Add this run's submissions to the chapter's run record, replacing earlier entries of the
    same students (a run with ``--students`` regrades a few and keeps the others).

    The file is JSON: ``{"version": 1, "chapter": ..., "submissions": {student: {"seconds",
    "flags", "error", "score", "max_score", "graded_at"}}}``; ``python -m course report`` reads
    it, so the report can be made any time after grading."""
    path = run_record_path(course_dir, chapter)
    record = read_run_record(course_dir, chapter)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for r in results:
        record[r.student] = {
            "seconds": round(r.seconds, 3),
            "flags": list(r.flags),
            "error": r.error,
            "score": r.score,
            "max_score": r.max_score,
            "graded_at": now,
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"version": RUN_RECORD_VERSION, "chapter": chapter, "submissions": record}
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_run_record(course_dir: Path, chapter: str) -> dict[str, dict]:
    """{student: entry} from the chapter's run record; empty when there is none (a chapter graded
    before the record existed, or with plain ``nbgrader autograde``)."""
    path = run_record_path(course_dir, chapter)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path} is not valid JSON ({exc}); delete it and grade again to rebuild it"
        ) from None
    submissions = data.get("submissions") if isinstance(data, dict) else None
    return dict(submissions) if isinstance(submissions, dict) else {}
