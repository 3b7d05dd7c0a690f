"""``python -m course grade <chapter> --cluster <address>``: the judge on a Dask cluster.

Grading a submission has one expensive step, the judge (student cells in the sandbox, test cells
in the judge), and a few cheap ones that need the instructor's files (the rebuild, nbgrader's
gradebook, ``autograded/``, feedback, exports). With ``--cluster`` only the judge moves:

1. here, every rebuilt submission goes through nbgrader's own sanitize step (the preprocessors
   ``nbgrader autograde`` runs before executing: outputs cleared, test cells with their hidden
   tests restored from the gradebook), which gives exactly the notebook nbgrader's ``Execute``
   step would receive;
2. that notebook, the chapter's release folder and the limits go to the cluster, one Dask task
   per submission (the release travels with every task: data scattered to workers beforehand
   would be lost with the workers that held it) (:func:`grade_remote`). On the worker a long-lived
   grading process (``python -m course.grading.cluster``, one per worker thread, started on the
   first task) runs the judge exactly as a local grading worker does, in its own sandbox and
   under the same limits, and sends back the graded notebook, the notes (flags) and the time.
   Workers need no access to the course directory: nothing but these inputs reaches them;
3. as results arrive, this machine's ``--jobs`` processes run ``nbgrader autograde`` and
   ``generate_feedback`` as without ``--cluster``, except that the ``Execute`` step takes the
   worker's notebook (:func:`replay`, checked by a digest to be the notebook nbgrader is
   autograding) instead of running the judge; the gradebook, feedback and exports are written
   once, here, by nbgrader itself.

A worker that dies while grading costs only its submissions: Dask hands the task to another
worker (up to the scheduler's ``distributed.scheduler.allowed-failures``, 3 by default), and an
error in the task (a worker without the course package, a grading process that could not start)
is retried :data:`RETRIES` times. A submission that never gets through is reported like one whose
local grading process died: not graded, with the reason and the cluster's address, exit status 1.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

import nbformat

from course.grading.judge import GradingLimits

RETRIES = 2  # an exception in a task (not a dead worker): tries on other workers
GRACE = 120.0  # seconds beyond the submission limit before a grading process is killed
# seconds the cluster may have no worker at all before the submissions still waiting are reported
# as not graded (workers that died and were not replaced; a batch system that never starts them)
NO_WORKERS_WAIT = 1800.0
SLOTS_DIR = "course-sandbox-slots"  # per machine: which sandbox slots (uids) are taken

__all__ = ["grade_on_cluster", "grade_remote", "replay", "worker_isolation"]


@dataclass(frozen=True)
class ReleaseBundle:
    """The chapter's release folder as bytes, so a worker needs no access to the course."""

    chapter: str
    files: dict[str, bytes]  # path relative to release/<chapter> -> content
    digest: str
    # the judge's fingerprints of known mistakes behind hidden checks (course.diagnose): kept in
    # the worker's scratch, beside the release, where the student's process cannot read them
    hidden_diagnoses: bytes = b""

    @classmethod
    def read(cls, release_dir: Path, chapter: str) -> ReleaseBundle:
        from course.diagnose import HIDDEN_NAME

        files = {
            str(p.relative_to(release_dir)): p.read_bytes()
            for p in sorted(release_dir.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts
        }
        hidden = release_dir.parent.parent / "source" / chapter / HIDDEN_NAME
        diagnoses = hidden.read_bytes() if hidden.is_file() else b""
        digest = hashlib.sha256()
        for name, data in [*files.items(), (HIDDEN_NAME, diagnoses)]:
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return cls(chapter, files, digest.hexdigest(), diagnoses)

    def unpack(self, course_dir: Path) -> None:
        from course.diagnose import HIDDEN_NAME

        for name, data in self.files.items():
            target = course_dir / "release" / self.chapter / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if self.hidden_diagnoses:
            target = course_dir / "source" / self.chapter / HIDDEN_NAME
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.hidden_diagnoses)


@dataclass(frozen=True)
class Job:
    """One submission for the judge: the notebook nbgrader's Execute step receives."""

    student: str
    chapter: str
    notebook: str  # JSON
    digest: str
    limits: GradingLimits
    isolation: str | None


def notebook_digest(nb: Any) -> str:
    return hashlib.sha256(json.dumps(nb, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------- this machine


def execute_input(
    config: Any, course_dir: Path, chapter: str, student: str
) -> nbformat.NotebookNode:
    """The notebook that nbgrader's ``Execute`` step (the judge) receives when ``nbgrader
    autograde`` grades ``student``'s rebuilt submission: nbgrader's sanitize preprocessors, in a
    ``NotebookExporter`` as nbgrader runs them, then the file read back and normalised as the
    autograde pass reads it."""
    from nbconvert.exporters import NotebookExporter
    from nbformat import validator
    from nbgrader.converters import Autograde

    from course.grading.batch import MIRROR

    if "sanitize_preprocessors" in config.Autograde:
        preprocessors = config.Autograde.sanitize_preprocessors
    else:
        preprocessors = Autograde.class_traits()["sanitize_preprocessors"].default()
    exporter = NotebookExporter(config=config)
    exporter._preprocessors = []
    for preprocessor in preprocessors:
        exporter.register_preprocessor(preprocessor)
    path = course_dir / MIRROR / student / chapter / f"{chapter}.ipynb"
    resources = {
        "unique_key": chapter,
        "output_files_dir": f"{chapter}_files",
        "nbgrader": {
            "student": student,
            "assignment": chapter,
            "notebook": chapter,
            "db_url": config.CourseDirectory.db_url,
        },
    }
    output, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4), resources)
    nb = nbformat.reads(output, as_version=4)
    if hasattr(validator, "normalize"):
        _, nb = validator.normalize(nb)
        nb = nbformat.from_dict(nb)
    return nb


def replay(context: Any, nb: nbformat.NotebookNode, resources: dict) -> tuple:
    """``JudgeExecute`` under ``--cluster``: the judge's notebook from the worker, provided it
    graded exactly the notebook nbgrader hands to the Execute step here."""
    student = resources["nbgrader"]["student"]
    path = Path(context.replay) / f"{student}.json"
    if not path.is_file():
        raise RuntimeError(f"no result from the cluster for {student}")
    result = json.loads(path.read_text(encoding="utf-8"))
    if notebook_digest(nb) != result["digest"]:
        raise RuntimeError(
            f"the notebook graded on the cluster for {student} is not the one nbgrader is "
            "autograding here (was the gradebook or release/ changed during the run?)"
        )
    context.notes.extend(result["notes"])
    return nbformat.reads(result["notebook"], as_version=4), resources


def grade_on_cluster(
    cluster: Any,
    batch: Any,
    students: list[str],
    jobs: int,
    flags: dict[str, list[str]],
    results: dict,
    progress: Any,
) -> None:
    """Grade ``students`` with the judge on ``cluster`` (a scheduler address or a
    ``distributed.Client``) and nbgrader here; fills ``results`` as ``batch._run_pool`` does."""
    from distributed import Client, as_completed

    from course.grading.batch import BatchError, _configure, _run_pool

    if isinstance(cluster, Client):
        client, own = cluster, False
    else:
        try:
            client, own = Client(str(cluster), timeout="30s"), True
        except (OSError, TimeoutError) as exc:
            raise BatchError(f"cannot reach the Dask scheduler at {cluster}: {exc}") from None
    address = client.scheduler.address
    replay_dir = batch.scratch / "replay"
    replay_dir.mkdir()
    batch = dataclasses.replace(batch, replay=replay_dir)
    arrived: queue.SimpleQueue = queue.SimpleQueue()
    futures = []
    try:
        config = _configure(batch.course_dir, batch.exchange_dir)
        release = ReleaseBundle.read(batch.course_dir / "release" / batch.chapter, batch.chapter)
        students_of = {}
        group = f"grade-{batch.chapter}-{uuid.uuid4().hex[:8]}"
        for student in students:
            try:
                nb = execute_input(config, batch.course_dir, batch.chapter, student)
            except Exception:  # noqa: BLE001 - nbgrader's own autograde here fails the same way
                arrived.put((student, "", 0.0))  # and says why; no judge runs for it
                continue
            job = Job(
                student,
                batch.chapter,
                nbformat.writes(nb),
                notebook_digest(nb),
                batch.limits,
                batch.isolation,
            )
            # one task group (the first part of the key): the scheduler then queues the tasks
            # and hands a worker one only when it has a free thread, so a worker that dies takes
            # down only the submissions it was grading, not a queue assigned to it in advance
            key = (group, student)
            future = client.submit(grade_remote, job, release, key=key, retries=RETRIES, pure=False)
            futures.append(future)
            students_of[future.key] = student

        def receive() -> None:
            waiting = dict(students_of)
            try:
                for future in as_completed(futures):
                    try:
                        value = future.result()
                    except BaseException as exc:  # noqa: BLE001 - the task's failure, reported
                        value = exc
                    student = waiting.pop(future.key)
                    arrived.put(_received(replay_dir, student, value, address))
            finally:  # whatever went wrong here, no submission is left waiting for ever
                for student in waiting.values():
                    arrived.put((student, f"no answer from the cluster {address}", 0.0))

        if futures:
            threading.Thread(target=receive, daemon=True).start()
            threading.Thread(target=_watch_workers, args=(client, futures), daemon=True).start()

        def incoming() -> list[tuple[str, str, float]]:
            items = []
            with contextlib.suppress(queue.Empty):
                while True:
                    items.append(arrived.get_nowait())
            return items

        _run_pool(batch, students, jobs, flags, results, progress, incoming)
    finally:
        for future in futures:
            future.cancel()
        if own:
            client.close()


def _watch_workers(client: Any, futures: list) -> None:
    """Cancel what is still pending once the cluster has had no worker for
    :data:`NO_WORKERS_WAIT` seconds: the scheduler would wait for ever, and each cancelled
    submission is reported as not graded instead (``receive`` in :func:`grade_on_cluster`)."""
    empty_since = None
    while not all(f.done() for f in futures):
        try:
            workers = client.scheduler_info().get("workers", {})
        except Exception:  # noqa: BLE001 - scheduler unreachable: as good as no worker
            workers = {}
        now = time.monotonic()
        if workers:
            empty_since = None
        elif empty_since is None:
            empty_since = now
        elif now - empty_since >= NO_WORKERS_WAIT:
            for future in futures:
                future.cancel()
            return
        time.sleep(min(5.0, max(0.2, NO_WORKERS_WAIT / 10)))


def _received(replay_dir: Path, student: str, value: Any, address: str) -> tuple[str, str, float]:
    """What the pool needs from one task's outcome: ``(student, error, seconds)``; a result to
    replay is written to ``replay_dir``."""
    if isinstance(value, BaseException):
        name = type(value).__name__
        if name == "KilledWorker":
            why = "every Dask worker that tried to grade it died"
        elif name in ("CancelledError", "FutureCancelledError"):
            why = f"the cluster had no worker for {NO_WORKERS_WAIT:.0f} s"
        else:
            why = f"{name}: {' '.join(str(value).split())[:200]}"
        return student, f"not graded on the cluster {address}: {why}", 0.0
    if value.get("error"):
        return student, f"{value['error']} (cluster {address})", value.get("seconds", 0.0)
    (replay_dir / f"{student}.json").write_text(json.dumps(value), encoding="utf-8")
    return student, "", value["seconds"]


def worker_isolation(cluster: Any) -> dict[str, tuple[str, str | None]]:
    """Each worker's sandbox: ``{worker address: (strongest level, why "namespaces" is not
    available or None)}``, asked of the workers now connected to ``cluster``."""
    from distributed import Client

    with contextlib.ExitStack() as stack:
        if isinstance(cluster, Client):
            client = cluster
        else:
            client = stack.enter_context(Client(str(cluster), timeout="30s"))
        return client.run(_sandbox_here)


def _sandbox_here() -> tuple[str, str | None]:
    from course.grading.sandbox import isolation, why_unavailable

    return isolation(), why_unavailable("namespaces")


# --------------------------------------------------------------------------- on a worker

_HELPERS: dict[int, _GradingProcess] = {}
_HELPERS_LOCK = threading.Lock()


def grade_remote(job: Job, release: ReleaseBundle) -> dict:
    """The Dask task: grade one submission with the judge in this worker's grading process.
    Returns the graded notebook, notes and seconds, or ``{"error": why}`` when the grading
    process died or ran out of time on this submission (as a local grading worker would)."""
    ident = threading.get_ident()
    with _HELPERS_LOCK:
        helper = _HELPERS.get(ident)
        if helper is None or helper.proc.poll() is not None:
            helper = _HELPERS[ident] = _GradingProcess()
    return helper.grade(job, release)


class _GradingProcess:
    """The process that runs the judge for one worker thread. The judge needs a main thread of
    its own (cell time limits are ``SIGALRM``), which a Dask task does not have, and a process
    that can be killed when a submission outlives every limit."""

    def __init__(self) -> None:
        parent, child = socket.socketpair()
        # Without a name (unlinked at once): nothing is left behind when the Dask worker that
        # holds it is killed, as LocalCluster and schedulers end their workers.
        self.log = tempfile.TemporaryFile(prefix="course-grading-", suffix=".log")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "course.grading.cluster", "--fd", str(child.fileno())],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.log,
                start_new_session=True,
            )
        finally:
            child.close()
        self.conn = Connection(parent.detach())
        self.releases: set[str] = set()

    def grade(self, job: Job, release: ReleaseBundle) -> dict:
        start = time.monotonic()
        where = socket.gethostname()
        try:
            sent = None if release.digest in self.releases else release
            self.conn.send((job, release.digest, sent))
            self.releases.add(release.digest)
            if not self.conn.poll(
                job.limits.submission_timeout + job.limits.startup_timeout + GRACE
            ):
                self.kill()
                return {"error": f"grading took too long on {where}", "seconds": 0.0}
            return self.conn.recv()
        except (EOFError, OSError):
            code = self.proc.wait(10) if self.proc.poll() is None else self.proc.returncode
            self.kill()
            last = _last_line(self.log)
            return {
                "error": f"the grading process on {where} died (exit {code})"
                + (f": {last}" if last else ""),
                "seconds": time.monotonic() - start,
            }

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, 9)
        with contextlib.suppress(Exception):
            self.proc.wait(10)
        self.conn.close()


def _last_line(log: IO[bytes]) -> str:
    """The last non-blank line the grading process wrote to its log."""
    with contextlib.suppress(OSError, ValueError):
        log.seek(0)
        text = log.read().decode(errors="replace")
        lines = [x.strip() for x in text.splitlines() if x.strip()]
        return lines[-1][:300] if lines else ""
    return ""


def _claim_slot() -> tuple[int, Any]:
    """A sandbox slot (uid) no other grading process on this machine holds, kept locked for
    this process's life; taken from the top, as local grading uses the lowest."""
    from course.grading.sandbox import MAX_SLOTS

    folder = Path(tempfile.gettempdir()) / SLOTS_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    for slot in reversed(range(MAX_SLOTS)):
        handle = open(folder / f"{slot}.lock", "a")  # noqa: SIM115 - held until the process ends
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        return slot, handle
    raise RuntimeError(f"no free sandbox slot on {socket.gethostname()} ({MAX_SLOTS} in use)")


def _watch_parent(parent: int) -> None:
    """A grading process outlives neither its Dask worker nor the worker's nanny."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _serve(fd: int) -> None:
    """The grading process: judge each job received on ``fd`` and send back the result."""
    import logging
    import shutil

    from course.grading.batch import WorkerContext, make_scratch
    from course.grading.sandbox import isolation
    from course.nbgrader_ext import JudgeExecute

    logging.disable(logging.WARNING)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    conn = Connection(fd)
    slot, _lock = _claim_slot()
    scratch = make_scratch()  # hidden from the student, with the release folders inside
    releases: dict[str, Path] = {}
    try:
        while True:
            try:
                job, digest, release = conn.recv()
            except EOFError:
                return
            if release is not None and digest not in releases:
                course_dir = scratch / f"course-{len(releases)}"
                release.unpack(course_dir)
                releases[digest] = course_dir
            start = time.monotonic()
            nb = nbformat.reads(job.notebook, as_version=4)
            context = WorkerContext(
                releases[digest], scratch / "exchange", job.limits, slot, job.isolation, scratch
            )
            try:
                if notebook_digest(nb) != job.digest:
                    raise RuntimeError("the notebook was damaged on its way to the worker")
                graded, _ = JudgeExecute._judge(
                    context, nb, {"nbgrader": {"assignment": job.chapter}}
                )
            except Exception as exc:  # noqa: BLE001 - one submission's failure, reported
                conn.send(
                    {
                        "error": f"the judge failed on {socket.gethostname()}: "
                        f"{type(exc).__name__}: {exc}",
                        "seconds": time.monotonic() - start,
                    }
                )
                continue
            conn.send(
                {
                    "digest": job.digest,
                    "notebook": nbformat.writes(graded),
                    "notes": [str(n) for n in context.notes],
                    "seconds": time.monotonic() - start,
                    "isolation": job.isolation or isolation(),
                    "host": socket.gethostname(),
                }
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="a grading process of a Dask worker")
    parser.add_argument("--fd", type=int, required=True)
    _serve(parser.parse_args().fd)
