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
import os
import re
import sys
import tempfile
import time
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from course.cellenv import display_repr
from course.diagnose import hidden_diagnoses
from course.execute import (
    NOT_IMPLEMENTED,
    CellOutcome,
    CellTimeout,
    describe_error,
    describe_test_error,
    exec_captured,
    is_test_cell,
    stderr_message,
)
from course.grading.provided import (
    JudgeNamespace,
    ReleasePlan,
    bound_names,
    code_names,
    transform,
    used_names,
)
from course.grading.proxy import (
    GraderLimitation,
    Remote,
    StudentError,
    StudentGlobals,
    StudentGone,
    StudentProcess,
)

STUDENT_CELL = "<student cell {}>"
TEST_CELL = "<test cell {}>"
PROVIDED_CELL = "<provided cell {}>"
NESTED = re.compile(r"^(<student cell \d+>)#(\d+)$")  # a cell a magic ran inside a student cell
# a code object no linecache entry has: ``inspect.getsource`` fails as in a kernel for code that
# IPython compiled under a name of its own (``%%time`` compiles a cell as "<timed exec>")
UNAVAILABLE = compile("def unavailable(): pass", "<source not available>", "exec").co_consts[0]


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
        self.namespace: JudgeNamespace = JudgeNamespace(self._lookup)
        self.plan: ReleasePlan | None = None
        self.done: set[int] = set()  # provided cells of the release handled here
        self.from_student: set[str] = set()  # provided names only the student's process can compute
        self.judge_owned: set[str] = set()
        self.student_bound: set[str] = set()
        self.fetched_ids: dict[str, int] = {}
        self.where = ""  # the cell being graded, for notes
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

    def _prepare_namespace(
        self, release: nbformat.NotebookNode, tests: tuple[str, ...] = ()
    ) -> None:
        """The judge's namespace starts empty; the release's provided statements run in it as the
        notebook reaches them (:mod:`course.grading.provided`)."""
        self.namespace = JudgeNamespace(self._lookup)
        self.namespace.update(
            {"__name__": "__main__", "__builtins__": builtins, "display": display_repr}
        )
        self.plan = ReleasePlan.of(release, tests)
        self.done = set()

    def _provided_index(self, cell: nbformat.NotebookNode) -> int | None:
        """The release's provided cell that ``cell`` is (by its text), if not handled yet."""
        if self.plan is None:
            return None
        return next((i for i in self.plan.by_text.get(cell.source, []) if i not in self.done), None)

    def _run_provided_until(self, grade_id: str | None) -> None:
        """Handle the provided cells that come before test cell ``grade_id`` in the release and
        were not met in the submission (a plain ``nbgrader autograde`` of an edited notebook)."""
        if self.plan is None:
            return
        for gid, cells in self.plan.before.items():
            for index in cells:
                if index not in self.done:
                    self._run_provided(index)
            if gid == grade_id:
                return

    def _run_provided(self, index: int) -> None:
        """Provided cell ``index`` (its text has just run in the student's process, or is
        missing there): run its needed statements here. What a statement cannot compute without
        the student's code (what it binds, and data it fills through the notebook's functions it
        hands to the student's code) is taken from the student's process now, as that cell left
        it: an answer cell that rebinds the name later changes nothing a test sees."""
        self.done.add(index)
        self._forget_student_names()
        namespace = self.namespace
        snapshot = set(self.plan.student_side.get(index, ()))
        cwd = os.getcwd()
        with contextlib.suppress(OSError):
            os.chdir(self.release_dir)  # provided code reads the chapter's data files
        name = PROVIDED_CELL.format(index)
        source = self.plan.sources.get(index, "")
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        try:
            for statement in self.plan.cells.get(index, []):
                if not statement.needed:
                    continue
                module = ast.Module(body=[statement.node], type_ignores=[])
                try:
                    code = compile(module, name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
                except SyntaxError:
                    continue
                namespace.dry = True
                try:
                    error, _, _ = exec_captured(code, namespace, self.limits.cell_timeout)
                finally:
                    namespace.dry = False
                bound = bound_names(statement.node)
                if error is None:
                    self.from_student -= bound
                    self.judge_owned -= bound
                    snapshot -= bound
                else:  # it needs the student's code (or fails as it would in the kernel)
                    snapshot |= bound | self._data_names(statement.node)
        finally:
            os.chdir(cwd)
        self._take_from_student(snapshot)

    def _forget_student_names(self) -> None:
        """Drop what the last test looked up in the student's process: a test fetches afresh, and
        provided code never sees an answer it did not ask the student's process for itself."""
        for stale in self.student_bound:
            dict.pop(self.namespace, stale, None)
        self.student_bound, self.fetched_ids = set(), {}

    def _take_from_student(self, names: set[str]) -> None:
        for name in names:
            dict.pop(self.namespace, name, None)
            self.judge_owned.discard(name)
        self.from_student |= names
        if not names or not self.worker.alive:
            return
        try:
            found = self.fetch(sorted(names))
        except (StudentGone, CellTimeout):
            return
        for name, value in found.items():
            dict.__setitem__(self.namespace, name, value)

    def _data_names(self, node: ast.AST) -> set[str]:
        """Data (not a module, function or class) that the notebook's functions and classes
        ``node`` uses look up: the student's code it runs may call them back and fill that data
        (``train(..., callback=record)`` fills ``record``'s ``curve``). Data ``node`` names
        directly stays the judge's: a student's function that changed its arguments in place
        would change what the tests use."""
        kinds = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)
        namespace = self.namespace
        todo = [(name, False) for name in used_names(node)]  # (name, reached through a function)
        seen, data = set(), set()
        while todo:
            item = todo.pop()
            name, indirect = item
            if item in seen or not dict.__contains__(namespace, name):
                continue
            seen.add(item)
            value = dict.get(namespace, name)
            if not isinstance(value, kinds):
                if indirect and name not in ("__name__", "__builtins__"):
                    data.add(name)
                continue
            functions = [value] if isinstance(value, types.FunctionType) else []
            if isinstance(value, type) and value.__module__ == "__main__":
                functions = [v for v in vars(value).values() if isinstance(v, types.FunctionType)]
            for function in functions:
                if function.__globals__ is namespace:
                    todo.extend((n, True) for n in code_names(function.__code__))
        return data

    def _lookup(self, name: str) -> Any:
        """A name the judge does not define, from the student's process (while a test runs)."""
        found = self.fetch([name])
        if name not in found:
            raise KeyError(name)
        return self._bind_student(name, found[name])

    def _bind_student(self, name: str, value: Any) -> Any:
        dict.__setitem__(self.namespace, name, value)
        self.student_bound.add(name)
        self.fetched_ids[name] = id(value)
        return value

    def provided_ref(self, obj: Any) -> dict | None:
        """How a provided object crosses to the student's process: a provided function or class by
        its name (the worker uses its own, defined by the same cell), an instance of a provided
        class as a copy of its attributes (``{"OBJ": class, "st": attributes}``)."""
        namespace = self.namespace
        if isinstance(obj, (types.FunctionType, type)) and obj.__module__ == "__main__":
            name = getattr(obj, "__name__", None)
            if self._is_provided(name) and dict.get(namespace, name) is obj:
                return {"PN": name}
            return None
        cls = type(obj)
        if not hasattr(obj, "__dict__") or isinstance(obj, (types.FunctionType, types.MethodType)):
            return None
        if self._is_provided(cls.__name__) and dict.get(namespace, cls.__name__) is cls:
            return {"OBJ": cls.__name__, "st": dict(vars(obj))}
        if cls.__module__.startswith("course.") and "<" not in cls.__qualname__:
            return {"OBJ": f"{cls.__module__}:{cls.__qualname__}", "st": dict(vars(obj))}
        return None

    def _is_provided(self, name: Any) -> bool:
        """Whether the judge's ``name`` is the notebook's own (a provided cell bound it here)."""
        return (
            isinstance(name, str)
            and self.plan is not None
            and name in self.plan.provided
            and name not in self.judge_owned
            and name not in self.from_student
            and name not in self.student_bound
        )

    def provided_class(self, name: Any) -> type | None:
        """The judge's provided class called ``name`` (for ``isinstance`` on a student object)."""
        cls = dict.get(self.namespace, name) if self._is_provided(name) else None
        return cls if isinstance(cls, type) and cls.__module__ == "__main__" else None

    def grader_notes(self, notes) -> None:  # noqa: ANN001 - any iterable of str
        """Reasons the sandbox, not the student's code, made something fail: flag for review."""
        for note in notes:
            text = f"{self.where}: {note}" if self.where else str(note)
            if text not in self.notes:
                self.notes.append(text)

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
            return self._trusted_code(remote._info())
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

    def _trusted_code(self, info: dict) -> types.CodeType:
        """The code object of a student function, compiled here from the notebook cell it says it
        came from (as IPython transforms it): source checks (``inspect.getsource``,
        ``check_not_using``) read the text the student submitted, never anything their process
        claims. Code IPython compiled under a name of its own (``%%time``) has no source, as in a
        kernel."""
        filename, line, name = info.get("file"), info.get("line"), info.get("code_name")
        if not isinstance(filename, str) or type(line) is not int or not isinstance(name, str):
            return UNAVAILABLE
        if filename not in self.compiled:  # once per cell, however many checks ask
            self.compiled[filename] = self._compile_student(filename)
        code = self.compiled[filename]
        if code is None:
            return UNAVAILABLE
        stack = [code]
        while stack:
            current = stack.pop()
            if current.co_name == name and current.co_firstlineno == line and current is not code:
                return current
            stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
        return UNAVAILABLE

    def _compile_student(self, filename: str) -> types.CodeType | None:
        """A student cell compiled here, or the k-th cell a cell magic (``%%capture``) ran inside
        it (the worker names those ``<student cell N>#k``): the magic's cell text, transformed."""
        source = self.sources.get(filename)
        nested = NESTED.match(filename)
        if source is None and nested and nested.group(1) in self.sources:
            bodies = _cell_magic_bodies(self.sources[nested.group(1)])
            k = int(nested.group(2))
            if 1 <= k <= len(bodies):
                source = transform(bodies[k - 1])
                linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        if source is None:
            return None
        try:
            return compile(source, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        except SyntaxError:
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
        """Grade ``nb``. The chapter's hidden diagnoses (:mod:`course.diagnose`, instructor-side
        in ``source/<chapter>/``) are in use meanwhile, so the feedback names the known mistake
        behind a failing hidden check too; the worker never reads them."""
        source_dir = self.release_dir.parent.parent / "source" / self.release_dir.name
        with hidden_diagnoses(source_dir):
            return self._run(nb, release)

    def _run(self, nb: nbformat.NotebookNode, release: nbformat.NotebookNode | None) -> JudgeResult:
        nb = nbformat.from_dict(nb)
        start = time.monotonic()
        self.submission_deadline = start + self.limits.submission_timeout
        self._prepare_workdir()
        tests = tuple(cell.source for cell in nb.cells if is_test_cell(cell))
        self._prepare_namespace(release or nb, tests)
        outcomes: list[CellOutcome] = []
        count = 0
        try:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                count += 1
                cell.execution_count = count
                self.out, self.err = [], []
                self.where = ""
                if is_test_cell(cell):
                    error = self._run_test(index, cell)
                    outcomes.append(self._outcome(cell, error))
                else:
                    error = self._run_student(index, cell)
                    provided = self._provided_index(cell)
                    if provided is not None:
                        self._run_provided(provided)
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
            old = {n for n in self.from_student if isinstance(dict.get(self.namespace, n), Remote)}
            self._take_from_student(old)  # objects of the old process: take the replayed ones
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
        self.where = f"cell {index}"
        transformed = transform(cell.source)
        self.sources[name] = transformed
        linecache.cache[name] = (len(transformed), None, transformed.splitlines(True), name)
        self.worker.deadline = self._cell_deadline()
        answer = self.plan is None or self.plan.is_students(cell)
        try:
            result = self.worker.request("run", [cell.source, name])
        except StudentError as exc:
            self.history.append((name, cell.source))  # it ran (to an error): replay it too
            self._forget_changed(answer)
            if getattr(exc, "grader_reason", ""):
                self.grader_notes([exc.grader_reason])
            return describe_error(exc)
        except CellTimeout as exc:
            self.notes.append(f"cell {index}: {exc}")
            return f"{CellTimeout.__name__}: {exc}"
        except StudentGone as exc:
            self.notes.append(f"cell {index}: {exc}")
            return f"the cell did not finish: {exc}"
        self.history.append((name, cell.source))
        changed = result.get("changed") if isinstance(result, dict) else None
        self._student_changed(changed if isinstance(changed, list) else [], answer)
        return ""

    def _forget_changed(self, answer: bool) -> None:
        """A failing cell may still have rebound names: ask which."""
        with contextlib.suppress(Exception):
            changed = self.worker.request("changed", None)
            self._student_changed(changed if isinstance(changed, list) else [], answer)

    def _student_changed(self, names: list, answer: bool) -> None:
        """Names a cell rebound in the student's process: a test's own name the student now
        defines is the student's again; a provided name that an answer cell (or a cell the student
        added) redefines stays the notebook's for the tests, and the submission is flagged."""
        for name in names:
            if not isinstance(name, str):
                continue
            if name in self.judge_owned:
                self.judge_owned.discard(name)
                dict.pop(self.namespace, name, None)
            if (
                answer
                and self.plan is not None
                and name in self.plan.provided
                and name not in self.plan.answers
            ):
                self.grader_notes(
                    [f"redefines {name}, which the notebook provides (tests use the notebook's)"]
                )

    def _run_test(self, index: int, cell: nbformat.NotebookNode) -> str:
        if time.monotonic() >= self.submission_deadline:
            return f"not run: {self.timeout_message()}"
        problem = self._ensure_worker()
        if problem:
            return problem
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        self.where = f"test {grade_id}"
        self._forget_student_names()
        self._run_provided_until(grade_id)
        name = TEST_CELL.format(index)
        linecache.cache[name] = (len(cell.source), None, cell.source.splitlines(True), name)
        try:
            code = compile(cell.source, name, "exec")
        except SyntaxError as exc:
            return describe_error(exc)
        self.worker.deadline = self._cell_deadline()
        wanted = sorted(
            n
            for n in code_names(code)
            if not dict.__contains__(self.namespace, n) and n not in builtins.__dict__
        )
        try:
            found = self.fetch(wanted)
        except (StudentGone, CellTimeout) as exc:
            return f"not run: {exc}"
        for key, value in found.items():
            self._bind_student(key, value)
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
        assigned = {  # by the test itself, not looked up in the student's process meanwhile
            k for k, v in after.items() if before.get(k) != v and self.fetched_ids.get(k) != v
        }
        self.judge_owned = (self.judge_owned | assigned) - (set(before) - set(after))
        self.student_bound -= assigned
        if isinstance(error, StudentGone):
            self.notes.append(f"test cell {index}: {error}")
        reason = _grader_reason(error)
        if reason:
            self.grader_notes([reason])
        return describe_test_error(error, grade_id) if error is not None else ""

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
            message = stderr_message(meta["grade_id"], stderr, cell.source)
            return CellOutcome(meta["grade_id"], points, False, message)
        return CellOutcome(meta["grade_id"], points, True)


def _grader_reason(error: BaseException | None) -> str:
    """Why a test failed because of the grader rather than the student's code, or ''."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, GraderLimitation):
            return str(error)
        reason = getattr(error, "grader_reason", "")
        if isinstance(reason, str) and reason:
            return reason
        error = error.__cause__ or error.__context__
    return ""


def _cell_magic_bodies(transformed: str) -> list[str]:
    """The cell texts of ``get_ipython().run_cell_magic(name, line, cell)`` calls, in order."""
    try:
        tree = ast.parse(transformed)
    except SyntaxError:
        return []
    bodies = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run_cell_magic"
            and len(node.args) == 3
            and isinstance(node.args[2], ast.Constant)
            and isinstance(node.args[2].value, str)
        ):
            bodies.append(node.args[2].value)
    return bodies
