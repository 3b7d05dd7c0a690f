"""Run a chapter notebook and score its test cells exactly as nbgrader does.

nbgrader gives a test cell zero points when its outputs contain an error *or anything written to
stderr* (a warning counts), and full points otherwise. Two ways to run a notebook share that rule:

* :func:`run_in_kernel` executes in a real Jupyter kernel (what ``python -m course check`` uses on
  a student's notebook, and what nbgrader does);
* :func:`run_in_process` executes the cells with ``exec`` in a fresh namespace: about a hundred
  times faster, used by the test suite to run the source notebook with mutants swapped in.
"""

from __future__ import annotations

import contextlib
import io
import linecache
import os
import re
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.authoring import GRADE_ID
from course.cellenv import cell_warnings, display_repr
from course.diagnose import HIDDEN_BEGIN, explain_error, explain_output, explain_stderr

NOT_IMPLEMENTED = "NotImplementedError"


@dataclass
class CellOutcome:
    """The score of one autograded test cell."""

    grade_id: str
    points: float
    passed: bool
    message: str = ""
    not_implemented: bool = False

    @property
    def score(self) -> float:
        return self.points if self.passed else 0.0


@dataclass
class ExerciseResult:
    """All test cells of one exercise, e.g. ``1.1``."""

    exercise: str
    cells: list[CellOutcome] = field(default_factory=list)
    manual_points: float = 0.0

    @property
    def points(self) -> float:
        return sum(c.points for c in self.cells)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells)

    @property
    def status(self) -> str:
        if self.cells and all(c.passed for c in self.cells):
            return "passed"
        if self.cells and all(c.not_implemented for c in self.cells if not c.passed):
            return "not attempted"
        return "failed"

    @property
    def first_failure(self) -> str:
        return next((c.message for c in self.cells if not c.passed), "")


def is_test_cell(cell: nbformat.NotebookNode) -> bool:
    """An autograded test cell: a code cell with nbgrader ``grade: true`` that is not an answer."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def grade_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The autograded test cells of ``nb``."""
    return [c for c in nb.cells if is_test_cell(c)]


def exercise_of(grade_id: str) -> str | None:
    match = GRADE_ID.match(grade_id or "")
    return f"{int(match['chapter'])}.{int(match['number'])}" if match else None


def outcome_from_outputs(cell: nbformat.NotebookNode) -> CellOutcome:
    """Score an executed test cell by nbgrader's rule (error or stderr output -> 0). The message
    is the error if there is one (it explains more), else what was written to stderr."""
    meta = cell.metadata["nbgrader"]
    points = float(meta.get("points", 0))
    outputs = cell.get("outputs", [])
    stderr = "".join(
        o.get("text", "")
        for o in outputs
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )
    for output in outputs:
        if output.get("output_type") == "error":
            ename, evalue = output.get("ename", "Error"), output.get("evalue", "")
            message = _one_line(ename, evalue)
            mistake = "" if MISTAKE in message else explain_output(meta["grade_id"], ename, evalue)
            if stderr.strip():
                text, mark, named = message.partition(MISTAKE)
                text += f" (the cell also wrote to stderr: {clean_stderr(stderr)})"
                message = text + mark + named
            if mistake:  # the Likely mistake line stays last
                message += MISTAKE + mistake
            return CellOutcome(meta["grade_id"], points, False, message, ename == NOT_IMPLEMENTED)
    if stderr.strip():
        message = stderr_message(meta["grade_id"], stderr, cell.source)
        return CellOutcome(meta["grade_id"], points, False, message)
    return CellOutcome(meta["grade_id"], points, True)


def stderr_message(grade_id: str, stderr: str, source: str, cell: str = "") -> str:
    """Why a test cell that wrote ``stderr`` scores 0, with a ``Likely mistake`` line when
    known mistakes make the cell (``source``; ``cell``: its name in process) write the same
    (:func:`course.diagnose.explain_stderr`)."""
    message = f"the cell wrote to stderr, which scores 0: {clean_stderr(stderr)}"
    mistake = explain_stderr(grade_id, stderr, HIDDEN_BEGIN in source, cell)
    return message + MISTAKE + mistake if mistake else message


def clean_stderr(text: str) -> str:
    """The first line of stderr, without the temporary file path a warning starts with."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    match = re.match(r"^\S+:\d+: (\w+: .*)$", first)
    return match.group(1) if match else first


def _one_line(ename: str, evalue: str) -> str:
    evalue = flatten(str(evalue))
    return f"{ename}: {evalue}" if evalue else ename


MISTAKE = "\nLikely mistake: "


def flatten(text: str) -> str:
    """``text`` on one line, except a ``Likely mistake: ...`` line (a check's diagnosis,
    :mod:`course.diagnose`), which stays on a line of its own at the end."""
    text, mark, mistake = str(text).partition(MISTAKE)
    flat = " ".join(text.split())
    if mark:
        flat += MISTAKE + " ".join(mistake.split())
    return flat


STUB = "raise NotImplementedError()"


def unanswered_exercises(nb: nbformat.NotebookNode) -> set[str]:
    """Exercises whose code answer cells all still hold the release stub."""
    stubs: dict[str, bool] = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            key = exercise_of(meta.get("grade_id", ""))
            if key:
                stubs[key] = stubs.get(key, True) and STUB in cell.source
    return {key for key, stub in stubs.items() if stub}


def summarize(nb: nbformat.NotebookNode, outcomes: list[CellOutcome]) -> list[ExerciseResult]:
    """Group test-cell outcomes by exercise, in notebook order; a failing exercise whose answer
    cells are still the stub counts as not attempted."""
    unanswered = unanswered_exercises(nb)
    results: dict[str, ExerciseResult] = {}
    for outcome in outcomes:
        key = exercise_of(outcome.grade_id) or outcome.grade_id
        if key in unanswered and not outcome.passed:
            outcome.not_implemented = True
        results.setdefault(key, ExerciseResult(key)).cells.append(outcome)
    return list(results.values())


# --------------------------------------------------------------------------- in a real kernel


def run_in_kernel(
    nb: nbformat.NotebookNode, cwd: Path, timeout: int = 120
) -> tuple[nbformat.NotebookNode, list[CellOutcome]]:
    """Execute ``nb`` in a fresh ``python3`` kernel (errors allowed) and score its test cells."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(cwd)}},
    )
    dead = ""
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own log, not cell output
    except DeadKernelError as exc:
        dead = f"the kernel died ({' '.join(str(exc).split())[:120]})"
    except Exception as exc:  # a cell timeout or kernel start failure: score what ran
        dead = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    outcomes = []
    for cell in grade_cells(nb):
        outcome = outcome_from_outputs(cell)
        if outcome.passed and dead and cell.get("execution_count") is None:
            outcome = CellOutcome(outcome.grade_id, outcome.points, False, f"not run: {dead}")
        outcomes.append(outcome)
    return nb, outcomes


# --------------------------------------------------------------------------- in this process


class CellTimeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum, frame):
        raise CellTimeout(f"cell took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _notebook_environment(cwd: Path) -> Iterator[None]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    old_cwd, old_show, old_path = os.getcwd(), plt.show, list(sys.path)
    os.chdir(cwd)
    sys.path.insert(0, str(cwd))
    plt.show = lambda *args, **kwargs: None
    try:
        yield
    finally:
        plt.show = old_show
        plt.close("all")
        sys.path[:] = old_path
        os.chdir(old_cwd)


def run_in_process(
    nb: nbformat.NotebookNode,
    cwd: Path,
    replacements: dict[str, str] | None = None,
    timeout: int = 120,
    namespace: dict | None = None,
    stop_after: set[str] | None = None,
) -> list[CellOutcome]:
    """Execute the code cells of ``nb`` with ``exec`` and score its test cells.

    ``replacements`` maps a grade id to new source for that cell (a mutant, or a stub).
    ``namespace`` (if given) is the dict the cells run in, so a caller can read the variables a
    notebook defines. ``stop_after``: exercises (``"1.1"``); execution stops after the last test
    cell of these, which is all a mutant run needs. Like nbgrader, execution goes on after a
    failing cell.
    """
    replacements = dict(replacements or {})
    unknown = set(replacements) - {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    if unknown:
        raise KeyError(f"no cell with grade id {sorted(unknown)} in this notebook")
    if namespace is None:
        namespace = {}
    namespace.update({"__name__": "__main__", "display": display_repr})
    last = len(nb.cells) - 1
    if stop_after is not None:
        last = max(
            (
                i
                for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade")
                and exercise_of(c.metadata["nbgrader"].get("grade_id", "")) in stop_after
            ),
            default=last,
        )
    outcomes = []
    with _notebook_environment(cwd):
        for index, cell in enumerate(nb.cells[: last + 1]):
            if cell.cell_type != "code":
                continue
            meta = cell.get("metadata", {}).get("nbgrader", {})
            source = replacements.get(meta.get("grade_id"), cell.source)
            name = f"<notebook cell {index}>"
            linecache.cache[name] = (len(source), None, source.splitlines(True), name)
            error, stderr = _exec_cell(
                source,
                namespace,
                name,
                timeout,
                meta.get("grade_id") if is_test_cell(cell) else None,
            )
            if is_test_cell(cell):
                points = float(meta.get("points", 0))
                if error:
                    outcomes.append(
                        CellOutcome(
                            meta["grade_id"],
                            points,
                            False,
                            error,
                            error.startswith(NOT_IMPLEMENTED),
                        )
                    )
                elif stderr.strip():
                    message = stderr_message(meta["grade_id"], stderr, cell.source, name)
                    outcomes.append(CellOutcome(meta["grade_id"], points, False, message))
                else:
                    outcomes.append(CellOutcome(meta["grade_id"], points, True))
    return outcomes


def exec_captured(code, namespace: dict, timeout: float) -> tuple[BaseException | None, str, str]:
    """Run ``code`` (source text or a code object) in ``namespace`` with nbgrader's conventions:
    stdout and stderr captured, warnings printed to stderr (so they score 0), deprecation noise
    ignored, a wall-clock limit. Returns the exception it raised (or None), stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    error: BaseException | None = None
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        cell_warnings(),
    ):
        try:
            with _time_limit(int(timeout)):
                exec(code, namespace)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - a cell may raise anything, even SystemExit
            error = exc
    return error, out.getvalue(), err.getvalue()


def describe_error(exc: BaseException) -> str:
    """``ValueError: message`` on one line (how a failing cell is reported)."""
    lines = traceback.format_exception_only(type(exc), exc)
    return flatten("".join(lines))


def describe_test_error(exc: BaseException, grade_id: str | None) -> str:
    """:func:`describe_error` for an error the test cell ``grade_id`` raised, with a ``Likely
    mistake`` line when known mistakes raise the same error there
    (:func:`course.diagnose.explain_error`)."""
    message = describe_error(exc)
    mistake = "" if MISTAKE in message else explain_error(grade_id or "", exc)
    return message + MISTAKE + mistake if mistake else message


def _exec_cell(
    source: str, namespace: dict, name: str, timeout: int, grade_id: str | None = None
) -> tuple[str, str]:
    try:
        code = compile(source, name, "exec")
    except SyntaxError as exc:
        return describe_error(exc), ""
    error, _, stderr = exec_captured(code, namespace, timeout)
    if error is None:
        return "", stderr
    return describe_test_error(error, grade_id), stderr
