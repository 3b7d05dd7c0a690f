"""What the release notebook provides, defined in the judge from the release itself.

A test cell uses two kinds of names: the student's answers, and what the notebook provides in its
own code cells (helpers such as ``numerical_gradient``, classes such as ``KVCache``, a model object,
constants, data). Tests must see the instructor's definitions of the second kind, whatever the
student's cells rebind, so the judge runs the release's provided cells itself, statement by
statement, in notebook order, in a namespace where an answer name is never looked up in the
student's process while a provided statement runs:

* a statement that needs no student name (an import, a ``def``, a ``class``, a constant, data,
  a model built from provided classes) runs in the judge; what it binds is the notebook's;
* a statement that needs a student name at the top level (``history = train(params)``) cannot be
  computed without the student's code: what it binds (and any data it could have changed in place,
  e.g. ``params``) is taken from the student's process, as the kernel would have it;
* a statement whose result no test needs (a plot, a timing demo, a print) is not run here at all.

Functions defined here keep looking up answer names when they are *called* (from a test): those
lookups reach the student's process, so a provided function still calls the student's answers.
IPython syntax in a provided cell is transformed as a kernel would.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import functools
import types
from dataclasses import dataclass, field
from typing import Any

import nbformat

from course.execute import is_test_cell

DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# A provided cell tagged so instruments the student's code where it runs (an ndarray subclass that
# counts operations): its names stay in the student's process, so what they measure is that
# process's word; redefining them is still flagged. Use it only where a measurement needs it.
STUDENT_SIDE = "measures-answers"


class NeedsStudent(BaseException):
    """A provided statement looked up a name only the student's process has (a BaseException, so
    that provided code's own ``except Exception`` cannot swallow it)."""


@functools.lru_cache(maxsize=4096)
def transform(source: str) -> str:
    """``source`` as IPython runs it (magics, ``!`` and ``?`` become calls on ``get_ipython()``)."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - IPython could not transform it: compile reports the error
        return source


def compile_cell(source: str, name: str) -> types.CodeType:
    """Compile cell text as IPython would (transformed, top-level ``await`` allowed)."""
    return compile(transform(source), name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def bound_names(node: ast.AST) -> set[str]:
    """Names a top-level statement binds in the notebook's namespace."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
            names.add(sub.id)
        elif isinstance(sub, (ast.Global, ast.Nonlocal)):
            names.update(sub.names)
    return names


def used_names(node: ast.AST) -> set[str]:
    """Every name a statement (or code nested in it) could look up."""
    return {
        sub.id
        for sub in ast.walk(node)
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load)
    }


def code_names(code: types.CodeType) -> set[str]:
    """Global names a compiled cell or any function in it may look up."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= code_names(const) | set(const.co_freevars)
    return names


@dataclass
class Statement:
    cell: int  # index of the release cell
    node: ast.stmt
    needed: bool = False


@dataclass
class ReleasePlan:
    """The release notebook's provided cells and statements, which statements tests need, and
    where they go: ``before[grade_id]`` lists the provided cells between the previous test cell
    and that one (release cell indices, in order)."""

    answers: set[str]
    answer_code: set[str] = field(default_factory=set)  # answers that are functions or classes
    cells: dict[int, list[Statement]] = field(default_factory=dict)  # provided cell -> statements
    before: dict[str, list[int]] = field(default_factory=dict)
    tail: list[int] = field(default_factory=list)
    provided: set[str] = field(default_factory=set)  # every name a provided cell binds
    student_side: dict[int, set[str]] = field(default_factory=dict)  # STUDENT_SIDE cells' names
    sources: dict[int, str] = field(default_factory=dict)  # provided cells' text, transformed
    by_text: dict[str, list[int]] = field(default_factory=dict)  # released text -> cells

    def is_students(self, cell: nbformat.NotebookNode) -> bool:
        """An answer cell, or a cell the student added (a provided cell's text is the release's)."""
        meta = cell.get("metadata", {}).get("nbgrader", {})
        return bool(meta.get("solution")) or cell.source not in self.by_text

    @classmethod
    def of(cls, release: nbformat.NotebookNode, tests: tuple[str, ...] = ()) -> ReleasePlan:
        """The plan of ``release``, made once per release notebook object and set of test cells
        (a grading process reads each chapter's release once and grades many submissions against
        it). ``tests``: the test cells that will run, hidden tests included (the release has them
        stripped); the names they use are what the plan keeps."""
        key = (id(release), tests)
        cached = _PLANS.get(key)
        if cached is None or cached[0] is not release:
            cached = _PLANS[key] = (release, cls._make(release, tests))
        return cached[1]

    @classmethod
    def _make(cls, release: nbformat.NotebookNode, tests: tuple[str, ...] = ()) -> ReleasePlan:
        plan = cls(set())
        pending: list[int] = []
        test_names: set[str] = set()
        for source in tests:
            with contextlib.suppress(SyntaxError):
                test_names |= {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}
        for index, cell in enumerate(release.cells):
            if cell.cell_type != "code":
                continue
            meta = cell.get("metadata", {}).get("nbgrader", {})
            try:
                tree = ast.parse(transform(cell.source))
            except SyntaxError:
                continue
            if is_test_cell(cell):
                test_names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
                plan.before[meta.get("grade_id", "")] = pending
                pending = []
                continue
            if meta.get("solution"):
                for node in tree.body:
                    plan.answers |= bound_names(node)
                    if isinstance(node, DEFINITIONS):
                        plan.answer_code |= bound_names(node)
                continue
            plan.by_text.setdefault(cell.source, []).append(index)
            bound = set().union(*(bound_names(node) for node in tree.body))
            plan.provided |= bound
            pending.append(index)
            plan.sources[index] = transform(cell.source)
            if STUDENT_SIDE in cell.get("metadata", {}).get("tags", []):
                plan.student_side[index] = bound
                plan.cells[index] = []
            else:
                plan.cells[index] = [Statement(index, node) for node in tree.body]
        plan.tail = pending
        plan._mark_needed(test_names)
        return plan

    def _mark_needed(self, needed: set[str]) -> None:
        """Backward over the statements: one is needed when it is a definition or an import, binds
        a name that a test or a later needed statement uses, touches such a name that is data
        (not a module, function or class), itself or through a provided function it calls (it may
        change it in place), or is a bare call on an imported module or function (it may set
        global state: print options, a random seed). A plot that only *uses* ``np``
        and the notebook's functions is not needed."""
        ordered = [s for statements in self.cells.values() for s in statements]
        bodies: dict[str, set[str]] = {}  # what each provided function or class looks up
        code: set[str] = set(self.answer_code)  # modules, functions, classes: never data to change
        data: set[str] = set()
        for statement in ordered:
            if isinstance(statement.node, DEFINITIONS[2:]):
                bodies.setdefault(statement.node.name, set()).update(used_names(statement.node))
            (code if isinstance(statement.node, DEFINITIONS) else data).update(
                bound_names(statement.node)
            )
        code -= data
        imported = {
            name
            for statement in ordered
            if isinstance(statement.node, (ast.Import, ast.ImportFrom))
            for name in bound_names(statement.node)
        }
        needed = set(needed)
        for statement in reversed(ordered):
            node = statement.node
            bound, used = bound_names(node), used_names(node)
            todo = list(used)
            while todo:  # through the notebook's functions it calls (a callback fills a dict)
                for name in bodies.get(todo.pop(), ()):
                    if name not in used:
                        used.add(name)
                        todo.append(name)
            if (
                bound & needed
                or (used - code) & needed  # it may change that data in place
                or isinstance(node, (ast.Import, ast.ImportFrom))
                or _configures(node, imported)
            ):
                statement.needed = True
                needed |= used
            elif isinstance(node, DEFINITIONS):
                statement.needed = True  # cheap; its body's names matter only if it is used


def _configures(node: ast.AST, imported: set[str]) -> bool:
    """Whether ``node`` is a bare call on an imported module or function
    (``np.set_printoptions(...)``, ``np.random.seed(0)``, ``warnings.filterwarnings(...)``): it
    may set state that tests see (how arrays print, a global random generator)."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    func = node.value.func
    while isinstance(func, (ast.Attribute, ast.Call, ast.Subscript)):
        func = func.func if isinstance(func, ast.Call) else func.value
    return isinstance(func, ast.Name) and func.id in imported


_PLANS: dict[tuple, tuple[nbformat.NotebookNode, ReleasePlan]] = {}


class JudgeNamespace(dict):
    """The judge's namespace for test cells and provided code. A name it lacks is looked up in
    the student's process (through ``lookup``) unless it is a builtin; while provided statements
    run, such a lookup raises :class:`NeedsStudent` instead."""

    def __init__(self, lookup: Any):
        super().__init__()
        self.lookup = lookup
        self.dry = False

    def __missing__(self, name: str) -> Any:
        if name in builtins.__dict__:
            raise KeyError(name)
        if self.dry:
            raise NeedsStudent(name)
        return self.lookup(name)
