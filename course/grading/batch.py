"""``python -m course grade <chapter>``: collect, autograde, feedback and export a whole class.

Steps, all through nbgrader's own API and gradebook:

1. **collect** the chapter's submissions from the exchange (when there are any there);
2. **rebuild** every submitted notebook from the release notebook plus the student's answer cells
   (:mod:`course.grading.sanitize`) into a mirror folder (``.grading/submitted``), leaving the
   collected originals untouched; what was wrong with a submission becomes a flag;
3. **autograde** in parallel, one submission per worker process, each worker running nbgrader's
   ``Autograde`` with the judge (:mod:`course.grading.judge`) in place of nbgrader's executor, so
   test cells never run in a process the student's code touched; SQLite waits for its lock
   instead of failing when two workers write the gradebook at once;
4. **feedback** (hidden tests removed, failure messages kept) for each student;
5. **export** nbgrader's CSV, a per-question CSV and the run record (time and flags per
   submission, ``exports/<chapter>-grading.json``, read by ``python -m course report``), all in
   :mod:`course.grading.report`.

A worker that dies (or a submission that outlives every limit) costs only that submission: it is
reported with the reason, a new worker takes its place, and the batch goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

import nbformat

from course.grading.judge import GradingLimits, trusted_imports
from course.grading.report import (
    Progress,
    SubmissionResult,
    write_per_question_csv,
    write_run_record,
)
from course.paths import PACKAGE_DIR

MIRROR = Path(".grading") / "submitted"
# seconds a worker may exceed the submission limit (nbgrader's own work) before it is killed
GRACE = 120.0

__all__ = ["GradingLimits", "grade_chapter", "BatchError"]


class BatchError(Exception):
    """The batch cannot start (no such chapter, no release notebook, ...): one line for the user."""


@dataclass
class WorkerContext:
    """What the judge needs in a grading process; read by ``course.nbgrader_ext.JudgeExecute``."""

    course_dir: Path
    exchange_dir: Path
    limits: GradingLimits
    slot: int
    isolation: str | None
    scratch: Path
    notes: list[str] = field(default_factory=list)
    _chapters: dict = field(default_factory=dict)
    # ``--cluster``: where the judge's results from the cluster's workers wait to be replayed
    replay: Path | None = None

    def chapter(self, chapter: str) -> tuple[Path, nbformat.NotebookNode, list[Path]]:
        """The chapter's release folder, its release notebook and what the worker must not see,
        read once per grading process (not once per submission)."""
        if chapter not in self._chapters:
            release_dir = self.course_dir / "release" / chapter
            release = nbformat.read(release_dir / f"{chapter}.ipynb", as_version=4)
            keep_reference = any("course.reference" in line for line in trusted_imports(release))
            hide = hidden_paths(self.course_dir, self.exchange_dir, self.scratch, keep_reference)
            self._chapters[chapter] = (release_dir, release, hide)
        return self._chapters[chapter]


@dataclass(frozen=True)
class Batch:
    """One run of the grade command: what every grading worker is told."""

    course_dir: Path
    exchange_dir: Path
    chapter: str
    limits: GradingLimits
    isolation: str | None
    scratch: Path
    feedback: bool
    replay: Path | None = None  # --cluster: see course.grading.cluster

    def worker_context(self, slot: int) -> WorkerContext:
        context = WorkerContext(
            self.course_dir, self.exchange_dir, self.limits, slot, self.isolation, self.scratch
        )
        context.replay = self.replay
        return context


CONTEXT: WorkerContext | None = None


SCRATCH_PREFIX = "course-grade-"


def make_scratch() -> Path:
    """A scratch folder for one grading run, named after this process; folders left by runs
    whose process is gone (killed before it could clean up) are removed first."""
    base = Path(tempfile.gettempdir())
    for old in base.glob(f"{SCRATCH_PREFIX}*-*"):
        pid = old.name[len(SCRATCH_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
    os.chmod(scratch, 0o711)
    return scratch


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def standalone_context(config, resources):
    """The context of a plain ``nbgrader autograde`` run (no ``python -m course grade`` around
    it): default limits, slot 0, a scratch folder that lives as long as one notebook's grading."""
    from nbgrader.coursedir import CourseDirectory

    from course.pipeline import exchange_root

    root = Path(CourseDirectory(config=config).root).resolve()
    exchange = exchange_root(config, root)
    scratch = make_scratch()
    try:
        yield WorkerContext(root, exchange.resolve(), GradingLimits(), 0, None, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --------------------------------------------------------------------------- worker process


def _configure(course_dir: Path, exchange_dir: Path):
    """The course's nbgrader config for a grading worker: rebuilt submissions as input, a
    gradebook that waits for its lock, and the judge as executor (also when the course's own
    ``nbgrader_config.py`` predates it)."""
    from course.nbgrader_ext import autograde_preprocessors, sanitize_preprocessors
    from course.pipeline import load_config

    config = load_config(course_dir, exchange_dir)
    config.CourseDirectory.submitted_directory = str(MIRROR)
    config.CourseDirectory.db_url = f"sqlite:///{course_dir / 'gradebook.db'}?timeout=120"
    config.Autograde.autograde_preprocessors = autograde_preprocessors()
    config.Autograde.sanitize_preprocessors = sanitize_preprocessors()
    return config


@contextlib.contextmanager
def write_ahead_log(database: Path) -> Iterator[None]:
    """While a batch runs, the gradebook is in SQLite's write-ahead-log mode, and the grading
    workers commit without waiting for the disk on every commit (``synchronous=NORMAL``, see
    :func:`_commit_lightly`). nbgrader commits once per graded cell; in its default rollback-journal
    mode each commit costs a full disk sync (tens of milliseconds on a virtual disk), a large part
    of grading a submission. In WAL mode a crash of the grader loses nothing committed, a power
    failure at worst the last commits (never the database's consistency), and other programs
    (formgrader) keep reading while workers write. The file's own mode is restored at the end
    (left in WAL mode if another program holds it open then, which SQLite handles as well)."""
    import sqlite3

    previous = None
    try:
        with contextlib.closing(sqlite3.connect(database, timeout=30)) as db:
            previous = db.execute("PRAGMA journal_mode").fetchone()[0]
            db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error:
        previous = None  # not switched: grading still works, in the file's own mode
    try:
        yield
    finally:
        if previous and previous.lower() != "wal":
            with contextlib.suppress(sqlite3.Error):
                with contextlib.closing(sqlite3.connect(database, timeout=5)) as db:
                    db.execute(f"PRAGMA journal_mode={previous}")


def _commit_lightly() -> None:
    """Every SQLite connection this process opens (nbgrader's gradebook) syncs to disk at WAL
    checkpoints rather than on every commit (see :func:`write_ahead_log`)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def on_connect(dbapi_connection, _record) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            with contextlib.suppress(Exception):
                dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    event.listen(Engine, "connect", on_connect)


def _worker_main(conn, batch: Batch, slot: int) -> None:
    global CONTEXT
    import logging

    logging.disable(logging.WARNING)  # nbgrader's log goes to the result, not to our terminal
    _commit_lightly()
    with contextlib.redirect_stderr(open(os.devnull, "w")):
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        config = _configure(batch.course_dir, batch.exchange_dir)
        os.chdir(batch.course_dir)
        coursedir = CourseDirectory(config=config)
        api = NbGraderAPI(coursedir=coursedir, config=config)
        CONTEXT = batch.worker_context(slot)
        chapter = batch.chapter
        conn.send({"ready": True})
        while True:
            student = conn.recv()
            if student is None:
                return
            CONTEXT.notes = []
            start = time.monotonic()
            error = ""
            try:
                result = api.autograde(chapter, student, force=True, create=True)
                if not result.get("success"):
                    error = _last_line(
                        result.get("error") or result.get("log") or "autograde failed"
                    )
                elif batch.feedback:
                    result = api.generate_feedback(chapter, student, force=True)
                    if not result.get("success"):
                        error = "feedback: " + _last_line(
                            result.get("error") or result.get("log") or ""
                        )
            except Exception as exc:  # noqa: BLE001 - one submission's failure is reported, not fatal
                error = f"{type(exc).__name__}: {exc}"
            conn.send(
                {
                    "student": student,
                    "error": error,
                    "notes": list(CONTEXT.notes),
                    "seconds": time.monotonic() - start,
                }
            )


def _last_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


class _Worker:
    def __init__(self, ctx, batch: Batch, slot: int):
        self.slot = slot
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_worker_main, args=(child, batch, slot), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.student: str | None = None
        self.started = 0.0

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(5)


# --------------------------------------------------------------------------- the batch


def hidden_paths(
    course_dir: Path, exchange_dir: Path, scratch: Path, keep_reference: bool
) -> list[Path]:
    """What the student worker must not see: everything that holds answers, tests, grades or
    other students' work, in the course directory and in the checkout the package runs from."""
    repo = PACKAGE_DIR.parent
    names = [
        "source",
        "submitted",
        "autograded",
        "feedback",
        "gradebook.db",
        ".grading",
        "exports",
        ".git",
        "authoring",
        "tests",
        "scripts",
    ]
    paths = [base / name for base in {course_dir.resolve(), repo.resolve()} for name in names]
    paths += [exchange_dir.resolve(), scratch.resolve()]
    if not keep_reference:
        paths.append(PACKAGE_DIR / "reference")
    return paths


def _rebuild_submissions(
    course_dir: Path, chapter: str, students: list[str], release: nbformat.NotebookNode
) -> dict[str, list[str]]:
    """Mirror ``submitted/`` into ``.grading/submitted`` with every notebook rebuilt; the flags."""
    from course.grading.sanitize import rebuild

    flags: dict[str, list[str]] = {}
    for student in students:
        original = course_dir / "submitted" / student / chapter
        mirror = course_dir / MIRROR / student / chapter
        if mirror.exists():
            shutil.rmtree(mirror)
        mirror.mkdir(parents=True)
        for path in original.iterdir():  # the timestamp and any other files the student handed in
            if path.is_file() and path.suffix != ".ipynb":
                shutil.copy2(path, mirror / path.name)
        notebook = original / f"{chapter}.ipynb"
        rebuilt = rebuild(notebook if notebook.is_file() else b"", release)
        if not notebook.is_file():
            rebuilt.flags.insert(0, f"no {chapter}.ipynb in the submission")
        nbformat.write(rebuilt.nb, mirror / f"{chapter}.ipynb")
        flags[student] = [f for f in rebuilt.flags if not f.startswith("note: ")]
    return flags


def _collect(course_dir: Path, exchange_dir: Path, chapter: str) -> None:
    from course.pipeline import Pipeline

    inbound = list(exchange_dir.glob(f"*/inbound/*+{chapter}+*"))
    if inbound:
        Pipeline(course_dir, exchange_dir).collect(chapter)


def _read_scores(course_dir: Path, chapter: str, student: str, flagged: bool) -> SubmissionResult:
    """The student's points from the gradebook; a flagged submission's autograded cells are marked
    for manual review, so formgrader lists it."""
    from nbgrader.api import Gradebook

    result = SubmissionResult(student, 0.0, 0.0)
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}?timeout=120") as gradebook:
        submission = gradebook.find_submission_notebook(chapter, chapter, student)
        for grade in submission.grades:
            if grade.cell.cell_type == "code":
                result.score += grade.score or 0.0
                result.max_score += grade.max_score
                result.cells[grade.name] = grade.score or 0.0
                if flagged:
                    grade.needs_manual_grade = True
            elif grade.needs_manual_grade or grade.score is None:
                # a written answer awaiting formgrader (one left as released nbgrader scores 0)
                result.manual_max += grade.max_score
        if flagged:
            gradebook.db.commit()
    return result


def list_students(course_dir: Path, chapter: str) -> list[str]:
    base = course_dir / "submitted"
    return (
        sorted(p.parent.name for p in base.glob(f"*/{chapter}") if p.is_dir())
        if base.is_dir()
        else []
    )


def grade_chapter(
    course_dir: Path,
    chapter: str,
    *,
    students: list[str] | None = None,
    jobs: int = 2,
    limits: GradingLimits | None = None,
    feedback: bool = True,
    export: bool = True,
    progress_stream: Any = None,
    exchange_dir: Path | None = None,
    isolation: str | None = None,
    cluster: Any = None,
) -> dict[str, SubmissionResult]:
    """Grade every collected submission of ``chapter`` (or only ``students``); see the module
    docstring. Returns one :class:`SubmissionResult` per student.

    ``cluster`` (a Dask scheduler address or a ``distributed.Client``) runs the judge of each
    submission on the cluster's workers instead of here (:mod:`course.grading.cluster`); this
    process still writes the gradebook, ``autograded/``, feedback and exports, with ``jobs``
    processes."""
    from course.pipeline import exchange_root, load_config

    course_dir = Path(course_dir).resolve()
    limits = limits or GradingLimits()
    release_path = course_dir / "release" / chapter / f"{chapter}.ipynb"
    if not release_path.is_file():
        raise BatchError(
            f"no release notebook {release_path}: run generate_assignment for {chapter} first"
        )
    prepare_gradebook(course_dir, chapter)
    if exchange_dir is None:
        exchange_dir = exchange_root(load_config(course_dir), course_dir)
    exchange_dir = Path(exchange_dir).resolve()
    release = nbformat.read(release_path, as_version=4)

    _collect(course_dir, exchange_dir, chapter)
    available = list_students(course_dir, chapter)
    if students:
        unknown = sorted(set(students) - set(available))
        if unknown:
            raise BatchError(f"no submission of {chapter} from {', '.join(unknown)}")
        available = [s for s in available if s in set(students)]
    flags = _rebuild_submissions(course_dir, chapter, available, release)

    scratch = make_scratch()
    results: dict[str, SubmissionResult] = {}
    progress = Progress(len(available), chapter, stream=progress_stream)
    try:
        batch = Batch(course_dir, exchange_dir, chapter, limits, isolation, scratch, feedback)
        with write_ahead_log(course_dir / "gradebook.db"):
            if cluster is not None and available:
                from course.grading.cluster import grade_on_cluster

                grade_on_cluster(cluster, batch, available, max(1, jobs), flags, results, progress)
            else:
                _run_pool(batch, available, max(1, jobs), flags, results, progress)
    finally:
        progress.close()
        shutil.rmtree(scratch, ignore_errors=True)
    if export:
        export_grades(
            course_dir, exchange_dir, chapter, {s: r.reasons() for s, r in results.items()}
        )
        write_run_record(course_dir, chapter, list(results.values()))
    return {s: results[s] for s in available}


def prepare_gradebook(root: Path, chapter: str) -> bool:
    """Make sure ``root``'s gradebook knows ``chapter`` (its notebooks, cells, points and
    checksums), which autograde needs: on a fresh clone there is no gradebook, and plain
    ``nbgrader generate_assignment`` skips a chapter whose ``release/`` exists. This runs nbgrader's
    own ``generate_assignment`` from ``source/<chapter>`` against the course's gradebook, with its
    output going to a scratch folder, so the committed ``release/`` stays as it is. Returns
    whether it had to; a chapter already in the gradebook is left alone."""
    from nbgrader.api import Gradebook, MissingEntry

    from course.pipeline import Pipeline

    db = root / "gradebook.db"
    if db.is_file():
        with Gradebook(f"sqlite:///{db}") as gradebook:
            try:
                gradebook.find_assignment(chapter)
                return False
            except MissingEntry:
                pass
    source = root / "source" / chapter / f"{chapter}.ipynb"
    if not source.is_file():
        raise BatchError(
            f"{chapter} is not in the gradebook {db} and there is no {source} to add it from: "
            "grade in the instructor's course directory (the one with source/)"
        )
    with tempfile.TemporaryDirectory(prefix="course-gradebook-") as scratch:
        pipe = Pipeline(root, Path(scratch) / "exchange", Path(scratch) / "release")
        with contextlib.redirect_stdout(open(os.devnull, "w")):
            pipe.generate(chapter)
    return True


def export_grades(
    course_dir: Path, exchange_dir: Path, chapter: str, flags: dict[str, list[str]]
) -> list[Path]:
    from course.pipeline import Pipeline

    exports = course_dir / "exports"
    exports.mkdir(exist_ok=True)
    pipe = Pipeline(course_dir, exchange_dir)
    with contextlib.redirect_stdout(open(os.devnull, "w")):
        nbgrader_csv = pipe.export_csv(exports / "grades.csv")
    questions = write_per_question_csv(
        exports / f"{chapter}-questions.csv", pipe.db_url, chapter, flags
    )
    return [nbgrader_csv, questions]


def _run_pool(
    batch: Batch,
    students: list[str],
    jobs: int,
    flags: dict[str, list[str]],
    results: dict[str, SubmissionResult],
    progress: Progress,
    incoming: Any = None,
) -> None:
    """Grade ``students`` in ``jobs`` worker processes. With ``incoming`` (``--cluster``), a
    student is handed to a worker only once ``incoming()`` has returned it, as
    ``(student, error, seconds)``: error '' means the judge's result is ready to replay, otherwise
    the submission could not be graded (``seconds`` is added to its time either way)."""
    # fork: a worker starts in milliseconds with this process's imports, and needs no importable
    # __main__ (spawn re-imports it, which breaks under scripts and test runners)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    queue = list(students) if incoming is None else []
    pending = 0 if incoming is None else len(students)  # still to come from ``incoming``
    remote_seconds: dict[str, float] = {}
    workers = [_Worker(ctx, batch, slot) for slot in range(min(jobs, len(students)))]

    def finish(student: str, error: str, notes: list[str], seconds: float) -> None:
        seconds += remote_seconds.pop(student, 0.0)
        reasons = list(flags.get(student, [])) + [str(n) for n in notes]
        try:
            result = _read_scores(batch.course_dir, batch.chapter, student, bool(reasons or error))
        except Exception as exc:  # noqa: BLE001 - no gradebook entry: autograde never got that far
            result = SubmissionResult(student, 0.0, 0.0)
            error = error or f"{type(exc).__name__}: {exc}"
        result.flags, result.error, result.seconds = reasons, error, seconds
        results[student] = result
        progress.advance(result)

    while workers:
        if pending:
            for student, error, seconds in incoming():
                pending -= 1
                remote_seconds[student] = seconds
                if error:
                    finish(student, error, [], 0.0)
                else:
                    queue.append(student)
        for worker in list(workers):
            if worker.ready and worker.student is None:
                if queue:
                    worker.student, worker.started = queue.pop(0), time.monotonic()
                    worker.conn.send(worker.student)
                elif not pending:
                    worker.conn.send(None)
                    worker.process.join(10)
                    workers.remove(worker)
        if not workers:
            break
        ready = wait(
            [w.conn for w in workers] + [w.process.sentinel for w in workers],
            timeout=0.2 if pending else 5,
        )
        for worker in list(workers):
            message = None
            if worker.conn in ready:
                with contextlib.suppress(EOFError, OSError):
                    message = worker.conn.recv()
            if message is not None:
                if message.get("ready"):
                    worker.ready = True
                else:
                    finish(
                        message["student"], message["error"], message["notes"], message["seconds"]
                    )
                    worker.student = None
                continue
            overdue = (
                worker.student
                and time.monotonic() - worker.started > batch.limits.submission_timeout + GRACE
            )
            if not worker.process.is_alive() or overdue:
                reason = (
                    "grading took too long"
                    if overdue
                    else f"the grading process died (exit {worker.process.exitcode})"
                )
                worker.kill()
                workers.remove(worker)
                if worker.student:
                    finish(worker.student, reason, [], time.monotonic() - worker.started)
                elif not worker.ready:
                    raise BatchError(f"a grading worker could not start ({reason})")
                if queue or pending:
                    workers.append(_Worker(ctx, batch, worker.slot))
