"""The judge: runs a submission's test cells without ever running the student's code itself.

The submission's other cells run, in order, in a sandboxed student worker
(:mod:`course.grading.student`). Each test cell runs *here*, in a namespace whose modules and
check helpers are the judge's own (imported from the release notebook's provided cells, never
from the student). A name the test uses that the student defined is fetched from the worker:
plain data arrives as genuine numbers, strings and numpy arrays; a function, class or other object
arrives as a :class:`Remote` proxy, and calling it runs the student's code in the worker and
brings the result back as plain data. So the values a test compares against, and the comparison
itself, are out of the student's reach: patched numpy, rebound ``check_close``, objects that equal
everything, IPython hooks and exception tricks change nothing here.

If the worker dies (``os._exit``, a signal, the memory limit) or a cell runs out of time, the
worker is restarted and the cells that had run are replayed, so the rest of the notebook is still
graded; the cell that broke it scores 0 with the reason.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import linecache
import sys
import tempfile
import time
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from course.cellenv import display_repr
from course.execute import (
    NOT_IMPLEMENTED,
    CellOutcome,
    CellTimeout,
    clean_stderr,
    describe_error,
    exec_captured,
    is_test_cell,
)
from course.grading.proxy import (
    Remote,
    StudentError,
    StudentGlobals,
    StudentGone,
    StudentProcess,
)

STUDENT_CELL = "<student cell {}>"
TEST_CELL = "<test cell {}>"


@dataclass(frozen=True)
class GradingLimits:
    """Wall-clock, output and sandbox limits for grading one submission."""

    cell_timeout: float = 180.0  # one cell, including the test calls into student code
    submission_timeout: float = 1200.0  # the whole notebook, restarts and replays included
    output_chars: int = 100_000  # printed output kept per cell (the rest is dropped and counted)
    memory_bytes: int = 4 * 2**30
    processes: int = 64
    file_bytes: int = 64 * 2**20
    startup_timeout: float = 60.0
    max_restarts: int = 8

    def sandbox_limits(self):
        from course.grading.sandbox import Limits

        return Limits(
            memory_bytes=self.memory_bytes,
            cpu_seconds=int(self.submission_timeout) + 60,
            processes=self.processes,
            file_bytes=self.file_bytes,
        )


# --------------------------------------------------------------------------- the judge


@dataclass
class JudgeResult:
    nb: nbformat.NotebookNode
    outcomes: list[CellOutcome]
    notes: list[str] = field(default_factory=list)  # restarts, time limits: shown to the instructor


def trusted_imports(release: nbformat.NotebookNode) -> list[str]:
    """The import statements of the release notebook's provided code cells (not answers, not
    tests): the judge runs these itself, so tests use the judge's numpy and check helpers."""
    statements = []
    for cell in release.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("solution") or meta.get("grade"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                statements.append(ast.unparse(node))
    return statements


def _names_used(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_used(const) | set(const.co_freevars)
    return names


class Judge:
    """Grade one notebook: student cells in the worker, test cells here."""

    def __init__(
        self,
        release_dir: Path,
        limits: GradingLimits | None = None,
        hide: list[Path] | None = None,
        slot: int = 0,
        isolation: str | None = None,
        workdir: Path | None = None,
        log_path: Path | None = None,
    ):
        self.release_dir = Path(release_dir)
        self.limits = limits or GradingLimits()
        self.hide = list(hide or [])
        self.slot = slot
        self.isolation = isolation
        self._own_workdir = workdir is None
        self.workdir = (
            Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="course-grading-"))
        )
        self.log_path = log_path
        self.worker = StudentProcess(self)
        self.namespace: dict[str, Any] = {}
        self.trusted: set[str] = set()
        self.judge_owned: set[str] = set()
        self.student_bound: set[str] = set()
        self.sources: dict[str, str] = {}
        self.compiled: dict[str, types.CodeType | None] = {}
        self.history: list[tuple[str, str]] = []
        self.out: list[str] = []
        self.err: list[str] = []
        self.notes: list[str] = []
        self.submission_deadline = 0.0
        self.globals_view = StudentGlobals(self)

    # ----------------------------------------------------------- setup

    def _prepare_workdir(self) -> None:
        """The worker's writable directory: the release's data files (never the notebook)."""
        for path in self.release_dir.rglob("*"):
            if (
                path.is_file()
                and path.suffix != ".ipynb"
                and ".ipynb_checkpoints" not in path.parts
            ):
                target = self.workdir / path.relative_to(self.release_dir)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())

    def _prepare_namespace(self, release: nbformat.NotebookNode) -> None:
        self.namespace = {"__name__": "__main__", "__builtins__": builtins, "display": display_repr}
        for statement in trusted_imports(release):
            with contextlib.suppress(Exception):
                exec(compile(statement, "<trusted import>", "exec"), self.namespace)
        self.trusted = set(self.namespace) | set(dir(builtins))

    # ----------------------------------------------------------- name resolution

    def fetch(self, names: list[str]) -> dict[str, Any]:
        """The student's current values of ``names`` (missing names are left out)."""
        if not names:
            return {}
        found = self.worker.request("get", list(names))
        if type(found) is not dict:
            raise StudentGone("the student process sent a malformed reply")
        return {name: self._trusted_module(value) for name, value in found.items() if name in names}

    def _trusted_module(self, value: Any) -> Any:
        """A student's module becomes the judge's own import of the same module, so a test that
        uses a module the student imported never calls into code the student patched."""
        if isinstance(value, Remote) and value._k == "module":
            name = value._info().get("name")
            if (
                isinstance(name, str) and name in sys.modules
            ):  # never import on the student's say-so
                return sys.modules[name]
        return value

    def special_attribute(self, remote: Remote, name: str) -> Any:
        """The few special attributes a test or ``inspect`` may read from a proxy, answered here."""
        if name == "__globals__" and remote._k == "function":
            return self.globals_view
        if name == "__code__" and remote._k == "function":
            code = self._trusted_code(remote._info())
            if code is None:
                raise AttributeError("__code__")
            return code
        if name in ("__name__", "__qualname__", "__module__"):
            info = remote._info()
            value = info.get(name.strip("_"))
            if isinstance(value, str):
                return value
        if name == "__dict__" and remote._k == "class":
            methods = remote._info().get("methods", {})
            return dict(methods) if isinstance(methods, dict) else {}
        if name == "__dict__" and remote._k in ("object", "callable"):
            return remote._req("getattr", "__dict__")  # a copy: ``vars(obj)`` as plain data
        if name in ("__doc__", "__defaults__", "__kwdefaults__"):
            return None
        raise AttributeError(name)

    def _trusted_code(self, info: dict) -> types.CodeType | None:
        """The code object of a student function, compiled here from the notebook cell it says it
        came from: source checks (``inspect.getsource``, ``check_not_using``) read the text the
        student submitted, never anything their process claims."""
        filename, line, name = info.get("file"), info.get("line"), info.get("code_name")
        if filename not in self.sources or type(line) is not int or not isinstance(name, str):
            return None
        if filename not in self.compiled:  # once per cell, however many checks ask
            try:
                self.compiled[filename] = compile(self.sources[filename], filename, "exec")
            except SyntaxError:
                self.compiled[filename] = None
        code = self.compiled[filename]
        if code is None:
            return None
        stack = [code]
        while stack:
            current = stack.pop()
            if current.co_name == name and current.co_firstlineno == line and current is not code:
                return current
            stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
        return None

    # ----------------------------------------------------------- output

    def collect_output(self, reply: dict) -> None:
        for key, sink in (("out", self.out), ("err", self.err)):
            text = reply.get(key)
            if isinstance(text, str) and text:
                cap = self.limits.output_chars + 200  # room for the worker's "dropped" notice
                sink.append(text if len(text) <= cap else text[:cap] + "\n[... truncated ...]\n")

    def timeout_message(self) -> str:
        if time.monotonic() >= self.submission_deadline:
            return f"the notebook used up its {self.limits.submission_timeout:g} s time limit"
        return f"cell took longer than {self.limits.cell_timeout:g} s"

    # ----------------------------------------------------------- running

    def run(
        self, nb: nbformat.NotebookNode, release: nbformat.NotebookNode | None = None
    ) -> JudgeResult:
        nb = nbformat.from_dict(nb)
        start = time.monotonic()
        self.submission_deadline = start + self.limits.submission_timeout
        self._prepare_workdir()
        self._prepare_namespace(release or nb)
        outcomes: list[CellOutcome] = []
        count = 0
        try:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                count += 1
                cell.execution_count = count
                self.out, self.err = [], []
                if is_test_cell(cell):
                    error = self._run_test(index, cell)
                    outcomes.append(self._outcome(cell, error))
                else:
                    error = self._run_student(index, cell)
                cell.outputs = self._outputs(error)
        finally:
            self.worker.stop()
            if self._own_workdir:
                import shutil

                shutil.rmtree(self.workdir, ignore_errors=True)
        return JudgeResult(nb, outcomes, self.notes)

    def _ensure_worker(self) -> str:
        """Start (or restart and replay) the worker; '' when ready, else why it cannot run."""
        if self.worker.alive:
            return ""
        restarts = self.worker.generation
        if restarts > self.limits.max_restarts:
            return f"not run: the student process died {restarts} times"
        if restarts:
            self.notes.append(f"student process restarted ({self.worker.dead_reason})")
        try:
            self.worker.deadline = self.submission_deadline
            self.worker.start()
            for name, source in self.history:
                with contextlib.suppress(StudentError):
                    self.worker.request("run", [source, name])
            self.out, self.err = [], []
        except (StudentGone, CellTimeout) as exc:
            self.worker.kill(str(exc))
            return f"not run: the student process could not be restarted ({exc})"
        return ""

    def _cell_deadline(self) -> float:
        return min(time.monotonic() + self.limits.cell_timeout, self.submission_deadline)

    def _run_student(self, index: int, cell: nbformat.NotebookNode) -> str:
        if time.monotonic() >= self.submission_deadline:
            return f"not run: {self.timeout_message()}"
        problem = self._ensure_worker()
        if problem:
            return problem
        name = STUDENT_CELL.format(index)
        self.sources[name] = cell.source
        linecache.cache[name] = (len(cell.source), None, cell.source.splitlines(True), name)
        self.worker.deadline = self._cell_deadline()
        try:
            result = self.worker.request("run", [cell.source, name])
        except StudentError as exc:
            self.history.append((name, cell.source))  # it ran (to an error): replay it too
            self._forget_changed()
            return describe_error(exc)
        except CellTimeout as exc:
            self.notes.append(f"cell {index}: {exc}")
            return f"{CellTimeout.__name__}: {exc}"
        except StudentGone as exc:
            self.notes.append(f"cell {index}: {exc}")
            return f"the cell did not finish: {exc}"
        self.history.append((name, cell.source))
        changed = result.get("changed") if isinstance(result, dict) else None
        self._student_changed(changed if isinstance(changed, list) else [])
        return ""

    def _forget_changed(self) -> None:
        """A failing cell may still have rebound names: ask which."""
        with contextlib.suppress(Exception):
            changed = self.worker.request("changed", None)
            self._student_changed(changed if isinstance(changed, list) else [])

    def _student_changed(self, names: list) -> None:
        for name in names:
            if isinstance(name, str):
                self.judge_owned.discard(name)

    def _run_test(self, index: int, cell: nbformat.NotebookNode) -> str:
        if time.monotonic() >= self.submission_deadline:
            return f"not run: {self.timeout_message()}"
        problem = self._ensure_worker()
        if problem:
            return problem
        name = TEST_CELL.format(index)
        linecache.cache[name] = (len(cell.source), None, cell.source.splitlines(True), name)
        try:
            code = compile(cell.source, name, "exec")
        except SyntaxError as exc:
            return describe_error(exc)
        self.worker.deadline = self._cell_deadline()
        wanted = sorted(_names_used(code) - self.trusted - self.judge_owned)
        try:
            found = self.fetch(wanted)
        except (StudentGone, CellTimeout) as exc:
            return f"not run: {exc}"
        for stale in (set(wanted) - set(found)) & self.student_bound:
            self.namespace.pop(stale, None)
            self.student_bound.discard(stale)
        self.namespace.update(found)
        self.student_bound |= set(found)
        before = {k: id(v) for k, v in self.namespace.items()}
        self.worker.in_test = True
        try:
            error, out, err = exec_captured(code, self.namespace, self.limits.cell_timeout + 1)
        finally:
            self.worker.in_test = False
        if self.worker.alive:
            self.worker.shared.unpin()
        self.out.insert(0, out)
        self.err.insert(0, err)
        after = {k: id(v) for k, v in self.namespace.items()}
        assigned = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        self.judge_owned |= assigned
        self.student_bound -= assigned
        if isinstance(error, (StudentGone,)):
            self.notes.append(f"test cell {index}: {error}")
        return describe_error(error) if error is not None else ""

    def _outputs(self, error: str) -> list:
        outputs = []
        out, err = "".join(self.out), "".join(self.err)
        if out:
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=out))
        if err:
            outputs.append(nbformat.v4.new_output("stream", name="stderr", text=err))
        if error:
            ename, _, evalue = error.partition(": ")
            if not evalue and not ename.isidentifier():
                ename, evalue = "Error", error
            ename = ename.rsplit(".", 1)[-1]  # CheckFailed, as a kernel shows it
            outputs.append(
                nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[error])
            )
        return outputs

    def _outcome(self, cell: nbformat.NotebookNode, error: str) -> CellOutcome:
        meta = cell.metadata["nbgrader"]
        points = float(meta.get("points", 0))
        stderr = "".join(self.err)
        if error:
            return CellOutcome(
                meta["grade_id"], points, False, error, error.startswith(NOT_IMPLEMENTED)
            )
        if stderr.strip():
            return CellOutcome(
                meta["grade_id"],
                points,
                False,
                f"the cell wrote to stderr, which scores 0: {clean_stderr(stderr)}",
            )
        return CellOutcome(meta["grade_id"], points, True)
