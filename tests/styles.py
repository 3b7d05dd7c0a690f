"""Honest coding styles for the differential grading corpus (issue 10).

Each :class:`Style` rewrites one reference answer (the source of a solution cell of
``source/<chapter>/<chapter>.ipynb``, solution markers removed) into the way a real student might
write it in JupyterLab, without changing what the answer computes: IPython magics, shell escapes,
``?`` help, ``display``, plots, helper cells, decorators, callable classes, lists, print
debugging, ... A style that does not make sense for an answer (a decorator on an answer that
defines no function) raises :class:`Skip` with the reason, and that cell keeps the reference
answer.

:func:`styled_notebook` applies one style to every code answer cell of a release notebook: what a
student whose habit is that style would hand in. ``tests/differential.py`` grades such notebooks
with nbgrader's own kernel executor and with the course's judge and compares them cell by cell.

A style's ``kernel_full_marks`` says whether the student's own kernel gives the styled reference
answers full marks. It is False for ``print_stderr`` only: nbgrader scores a test cell 0 when
anything reaches stderr, so a solution that prints debugging to stderr from inside a function the
tests call loses those cells in the kernel too. It is in the corpus as a differential case (the
judge must give the same zeros), not as an honest style.

On helper cells: the grade command rebuilds every submission from the release notebook
(``course/grading/sanitize.py``), but it keeps code cells a student added, without nbgrader
metadata, where they were (after the nearest release cell above them), and only notes it (a
``note:`` flag, which does not mark the submission for review). So ``helper_cell`` puts the
helpers in a cell of their own, as students do.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import nbformat

from course.authoring import without_solution_markers
from tests.nbtools import answer_cells


class Skip(Exception):
    """The style does not apply to this answer; the message says why."""


@dataclass(frozen=True)
class Styled:
    """A styled answer: the answer cell's source, and code cells the student added before or
    after it."""

    source: str
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


@dataclass
class AnswerContext:
    """One reference answer and what a style needs to know about its chapter."""

    chapter: str
    grade_id: str
    source: str  # the reference answer, solution markers removed
    inspected: frozenset[str] = frozenset()  # names whose source code a test or provided cell reads
    underscore_rebound: bool = False  # an earlier cell binds ``_`` (IPython then stops updating it)
    tree: ast.Module = field(init=False)

    def __post_init__(self) -> None:
        self.tree = ast.parse(self.source)

    @property
    def functions(self) -> list[ast.FunctionDef]:
        return [n for n in self.tree.body if isinstance(n, ast.FunctionDef)]

    @property
    def assignments(self) -> list[ast.Assign]:
        """Top-level single-line assignments to one plain name (``x = ...``)."""
        return [
            n
            for n in self.tree.body
            if isinstance(n, ast.Assign)
            and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name)
            and n.lineno == n.end_lineno
            and self.lines[n.lineno - 1].strip() == ast.get_source_segment(self.source, n)
        ]

    @property
    def lines(self) -> list[str]:
        return self.source.splitlines()

    def main_name(self) -> str:
        """The name the answer is about: its first function or class, else its last assigned
        name."""
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                return node.name
        names = [
            target.id
            for node in self.tree.body
            if isinstance(node, (ast.Assign, ast.AnnAssign))
            for part in (node.targets if isinstance(node, ast.Assign) else [node.target])
            for target in ast.walk(part)
            if isinstance(target, ast.Name)
        ]
        if names:
            return names[-1]
        raise Skip("the answer binds no name")


StyleFunction = Callable[[AnswerContext], "Styled | str"]


@dataclass(frozen=True)
class Style:
    name: str
    description: str
    apply: StyleFunction
    kernel_full_marks: bool = True  # False: the student's kernel itself takes points off


# --------------------------------------------------------------------------- text helpers


def _prepend(ctx: AnswerContext, lines: str) -> str:
    return lines.rstrip("\n") + "\n" + ctx.source


def _append(ctx: AnswerContext, lines: str) -> str:
    return ctx.source.rstrip("\n") + "\n" + lines.rstrip("\n") + "\n"


def _unparse(tree: ast.AST) -> str:
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def _body_start(function: ast.FunctionDef) -> int:
    """Index in ``function.body`` after its docstring."""
    first = function.body[0]
    is_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    return 1 if is_doc and len(function.body) > 1 else 0


def _needs_functions(ctx: AnswerContext) -> list[ast.FunctionDef]:
    functions = ctx.functions
    if not functions:
        raise Skip("the answer defines no function")
    return functions


def _statements(source: str) -> list[ast.stmt]:
    return ast.parse(source).body


# --------------------------------------------------------------------------- the styles


def cell_time(ctx: AnswerContext) -> str:
    """``%%time`` compiles the cell as ``<timed exec>`` without keeping its source, so
    ``inspect.getsource`` fails on its functions in the student's kernel too: not used on answers
    whose source a test reads (``check_not_using``)."""
    read = sorted({f.name for f in ctx.functions} & ctx.inspected)
    if read:
        raise Skip(f"a test reads the source of {', '.join(read)}, which %%time does not keep")
    return _prepend(ctx, "%%time")


def line_time(ctx: AnswerContext) -> str:
    """``%time`` on the first one-line assignment, else on a line after the definitions."""
    assignments = ctx.assignments
    if assignments:
        lines = ctx.lines
        line = assignments[0].lineno - 1
        indent = lines[line][: len(lines[line]) - len(lines[line].lstrip())]
        lines[line] = f"{indent}%time {lines[line].lstrip()}"
        return "\n".join(lines) + "\n"
    return _append(ctx, f"%time _defined = callable({ctx.main_name()})")


def timeit(ctx: AnswerContext) -> str:
    return _append(ctx, f"%timeit -n 1 -r 1 {ctx.main_name()}")


def shell_echo(ctx: AnswerContext) -> str:
    return _prepend(ctx, f'!echo "working on {ctx.grade_id}"')


def shell_capture(ctx: AnswerContext) -> str:
    return _prepend(ctx, "_listing = !ls\n!ls > /dev/null")


def help_suffix(ctx: AnswerContext) -> str:
    return _append(ctx, "np.mean?")


def help_own(ctx: AnswerContext) -> str:
    name = ctx.main_name()
    return _append(ctx, f"{name}??\n?{name}")


def display_call(ctx: AnswerContext) -> str:
    return _append(ctx, f"display({ctx.main_name()})")


def last_expression(ctx: AnswerContext) -> str:
    return _append(ctx, ctx.main_name())


def matplotlib_inline(ctx: AnswerContext) -> str:
    return (
        "%matplotlib inline\nimport matplotlib.pyplot as plt\n\n"
        + ctx.source.rstrip("\n")
        + "\n\nplt.figure(figsize=(2, 2))\nplt.plot([0, 1, 2], [0, 1, 4])\nplt.show()\n"
    )


def helper_cell(ctx: AnswerContext) -> Styled:
    """The answer's functions live in a cell of their own (``_<name>_impl``); the answer cell
    keeps a one-line function of each name that calls it. The helper cell comes after the answer
    (between answer and test) unless the answer cell itself calls its functions at top level."""
    functions = _needs_functions(ctx)
    names = {f.name for f in functions}
    helpers, body = [], []
    for node in ctx.tree.body:
        if isinstance(node, ast.FunctionDef):
            impl = copy.deepcopy(node)
            impl.name = f"_{node.name}_impl"
            helpers.append(impl)
            body.extend(
                _statements(
                    f"def {node.name}(*args, **kwargs):\n"
                    f"    return _{node.name}_impl(*args, **kwargs)\n"
                )
            )
        else:
            body.append(node)
    used_at_top = any(
        isinstance(n, ast.Name) and n.id in names
        for stmt in ctx.tree.body
        if not isinstance(stmt, ast.FunctionDef)
        for n in ast.walk(stmt)
    )
    helper = _unparse(ast.Module(body=helpers, type_ignores=[]))
    answer = _unparse(ast.Module(body=body, type_ignores=[]))
    return Styled(answer, before=(helper,)) if used_at_top else Styled(answer, after=(helper,))


_TRACED = (
    "import functools\n\n\ndef _traced(func):\n    @functools.wraps(func)\n"
    "    def wrapper(*args, **kwargs):\n        return func(*args, **kwargs)\n\n"
    "    return wrapper\n\n\n"
)


def wraps_decorator(ctx: AnswerContext) -> str:
    functions = _needs_functions(ctx)
    lines = ctx.lines
    for function in sorted(functions, key=lambda f: f.lineno, reverse=True):
        first = min([function.lineno] + [d.lineno for d in function.decorator_list]) - 1
        lines.insert(first, "@_traced")
    return _TRACED + "\n".join(lines) + "\n"


def lru_cache(ctx: AnswerContext) -> str:
    """The value of a one-line assignment computed by a cached function of no arguments (the
    answer's functions may take arrays, which are unhashable: never cached)."""
    assignments = ctx.assignments
    if not assignments:
        raise Skip("no one-line assignment (functions may take arrays, which lru_cache rejects)")
    target = assignments[-1]
    name = target.targets[0].id
    lines = ctx.lines
    value = ast.get_source_segment(ctx.source, target.value)
    lines[target.lineno - 1] = (
        f"@functools.lru_cache(maxsize=None)\ndef _compute_{name}():\n    return {value}\n\n\n"
        f"{name} = _compute_{name}()"
    )
    return "import functools\n" + "\n".join(lines) + "\n"


def callable_class(ctx: AnswerContext) -> str:
    """Each function becomes an instance of a class with ``__call__`` bound to the same name
    (not for functions whose source a test reads: an instance has none)."""
    tree = copy.deepcopy(ctx.tree)
    body, changed = [], False
    for node in tree.body:
        params = [a.arg for a in node.args.args] if isinstance(node, ast.FunctionDef) else []
        if (
            isinstance(node, ast.FunctionDef)
            and node.name not in ctx.inspected
            and not node.decorator_list
            and "self" not in params
        ):
            method = copy.deepcopy(node)
            method.name = "__call__"
            method.args.args.insert(0, ast.arg(arg="self"))
            cls = ast.ClassDef(
                name=f"_{node.name.title().replace('_', '')}",
                bases=[],
                keywords=[],
                body=[method],
                decorator_list=[],
            )
            body.append(cls)
            body.extend(_statements(f"{node.name} = {cls.name}()"))
            changed = True
        else:
            body.append(node)
    if not changed:
        raise Skip("no function that a class instance can stand for (or a test reads its source)")
    return _unparse(ast.Module(body=body, type_ignores=[]))


_VIA_LISTS = (
    "import functools\n\nimport numpy as _np\n\n\n"
    "def _via_lists(value, args):\n"
    "    # arrays the function made go through plain Python lists (exact for these dtypes)\n"
    "    if isinstance(value, tuple):\n"
    "        return tuple(_via_lists(v, args) for v in value)\n"
    "    if (\n"
    "        isinstance(value, _np.ndarray)\n"
    "        and value.dtype.kind in 'fiub'\n"
    "        and value.size\n"
    "        and not any(value is a for a in args)\n"
    "    ):\n"
    "        return _np.array(value.tolist(), dtype=value.dtype)\n"
    "    return value\n\n\n"
)


def lists_roundtrip(ctx: AnswerContext) -> str:
    """Every array a function returns is rebuilt from a Python list (``tolist``) before it is
    returned: intermediate data in lists, the same values out."""
    _needs_functions(ctx)
    body = []
    for node in copy.deepcopy(ctx.tree).body:
        if isinstance(node, ast.FunctionDef):
            name = node.name
            node.name = f"_{name}_arrays"
            body.append(node)
            body.extend(
                _statements(
                    f"@functools.wraps(_{name}_arrays)\ndef {name}(*args, **kwargs):\n"
                    f"    out = _{name}_arrays(*args, **kwargs)\n"
                    f"    return _via_lists(out, list(args) + list(kwargs.values()))\n"
                )
            )
        else:
            body.append(node)
    return _VIA_LISTS + _unparse(ast.Module(body=body, type_ignores=[]))


def _instrument(ctx: AnswerContext, make: Callable[[str], str], prefix: str) -> str:
    """Insert ``make(name)`` at the start of every function and method body."""
    tree = copy.deepcopy(ctx.tree)
    found = False
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            at = _body_start(node)
            node.body[at:at] = _statements(make(node.name))
            found = True
    if not found:
        raise Skip("the answer defines no function to print from")
    return prefix + _unparse(tree)


def print_debug(ctx: AnswerContext) -> str:
    return _instrument(
        ctx,
        lambda name: (
            f"_debug_calls['{name}'] = _debug_calls.get('{name}', 0) + 1\n"
            f"if _debug_calls['{name}'] <= 2:\n"
            f"    print('debug: {name} called', len(_debug_calls))\n"
        ),
        "_debug_calls = {}\n",
    )


def print_stderr(ctx: AnswerContext) -> str:
    return _instrument(
        ctx,
        lambda name: (
            f"if '{name}' not in _warned:\n    _warned.add('{name}')\n"
            f"    print('note: {name} called', file=sys.stderr)\n"
        ),
        "import sys\n\n_warned = set()\n",
    )


def autoreload(ctx: AnswerContext) -> str:
    return _prepend(ctx, "%load_ext autoreload\n%autoreload 2")


def capture(ctx: AnswerContext) -> str:
    return _prepend(ctx, "%%capture captured")


def top_level_await(ctx: AnswerContext) -> str:
    return _prepend(ctx, "import asyncio\n\nawait asyncio.sleep(0)")


def uses_get_ipython(ctx: AnswerContext) -> str:
    return _prepend(
        ctx, "_shell = get_ipython()\n_names_so_far = _shell.run_line_magic('who_ls', '')"
    )


class _Annotate(ast.NodeTransformer):
    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        self.generic_visit(node)
        every = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        for arg in every:
            if arg.annotation is None and arg.arg not in ("self", "cls"):
                arg.annotation = ast.Name("Any")
        node.returns = node.returns or ast.Name("Any")
        return node


def future_annotations(ctx: AnswerContext) -> str:
    _needs_functions(ctx)
    tree = _Annotate().visit(copy.deepcopy(ctx.tree))
    return "from __future__ import annotations\n\nfrom typing import Any\n\n" + _unparse(tree)


def reimport_numpy(ctx: AnswerContext) -> str:
    return _prepend(ctx, "import numpy as np")


class _Hoist(ast.NodeTransformer):
    """Numeric literals become module-level constants (not in defaults or match patterns)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.constants: list[tuple[str, object]] = []

    def visit_arguments(self, node: ast.arguments) -> ast.arguments:
        return node  # defaults stay literal

    def visit_Match(self, node: ast.AST) -> ast.AST:
        return node

    def visit_JoinedStr(self, node: ast.AST) -> ast.AST:
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return node
        name = f"{self.prefix}_{len(self.constants)}"
        self.constants.append((name, value))
        return ast.copy_location(ast.Name(name, ast.Load()), node)


def global_constants(ctx: AnswerContext) -> str:
    hoist = _Hoist("K_" + re.sub(r"\W", "_", ctx.grade_id).upper())
    tree = hoist.visit(copy.deepcopy(ctx.tree))
    if not hoist.constants:
        raise Skip("the answer has no numeric literal to name")
    header = "".join(f"{name} = {value!r}\n" for name, value in hoist.constants)
    return header + "\n\n" + _unparse(tree)


def lambda_assign(ctx: AnswerContext) -> str:
    """Functions whose body is one ``return`` become ``name = lambda ...: ...``."""
    body, changed = [], False
    for node in copy.deepcopy(ctx.tree).body:
        statements = node.body[_body_start(node) :] if isinstance(node, ast.FunctionDef) else []
        if (
            isinstance(node, ast.FunctionDef)
            and not node.decorator_list
            and len(statements) == 1
            and isinstance(statements[0], ast.Return)
            and statements[0].value is not None
        ):
            args = node.args
            for arg in args.posonlyargs + args.args + args.kwonlyargs:
                arg.annotation = None
            for extra in (args.vararg, args.kwarg):
                if extra is not None:
                    extra.annotation = None
            value = ast.Lambda(args=args, body=statements[0].value)
            body.append(ast.Assign(targets=[ast.Name(node.name, ast.Store())], value=value))
            changed = True
        else:
            body.append(node)
    if not changed:
        raise Skip("no function whose body is a single return")
    return _unparse(ast.Module(body=body, type_ignores=[]))


def underscore_out(ctx: AnswerContext) -> Styled:
    """The student computes the answer's value as the last line of a scratch cell (so IPython
    shows it and keeps it in ``_`` and ``Out``), then binds it from ``_`` in the answer cell, or
    from ``Out[max(Out)]`` where an earlier cell bound ``_`` itself (``for _ in ...``): IPython
    stops updating ``_`` then, so ``_`` would be stale in the student's kernel too."""
    if ctx.functions or any(isinstance(n, ast.ClassDef) for n in ctx.tree.body):
        raise Skip("the answer defines functions or classes (``_`` holds values)")
    if not ctx.assignments:
        raise Skip("no one-line assignment to take from ``_``")
    lines = ctx.lines
    unused_later = [
        a
        for a in ctx.assignments
        if not any(re.search(rf"\b{a.targets[0].id}\b", ln) for ln in lines[a.lineno :])
    ]
    if not unused_later:
        raise Skip("every assigned name is used again later in the cell")
    last = unused_later[-1]
    name = last.targets[0].id
    later = [n for n in ctx.tree.body if n.lineno > last.lineno]
    rebound = {
        t.id
        for n in later
        for t in ast.walk(n)
        if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)
    }
    used = {t.id for t in ast.walk(last.value) if isinstance(t, ast.Name)}
    if used & rebound:
        raise Skip(f"{name}'s value reads names the cell rebinds later")
    value = ast.get_source_segment(ctx.source, last.value)
    del lines[last.lineno - 1]
    scratch = "\n".join(lines).rstrip("\n") + f"\n{value}\n"
    if ctx.underscore_rebound:
        return Styled(f"{name} = Out[max(Out)]\n", before=(scratch,))
    return Styled(f"{name} = _\nassert Out[max(Out)] is {name}\n", before=(scratch,))


def local_import_math(ctx: AnswerContext) -> str:
    if not ctx.functions:
        return _prepend(ctx, "import math")
    return _instrument(ctx, lambda name: "import math\n", "")


STYLES: dict[str, Style] = {
    s.name: s
    for s in [
        Style("cell_time", "`%%time` cell magic on the first line", cell_time),
        Style("line_time", "`%time` line magic on an assignment (or a check)", line_time),
        Style("timeit", "`%timeit -n 1 -r 1 name` after the answer", timeit),
        Style("shell_echo", '`!echo "..."` shell escape at the top', shell_echo),
        Style("shell_capture", "`files = !ls` and `!ls > /dev/null`", shell_capture),
        Style("help_suffix", "`np.mean?` help at the end", help_suffix),
        Style("help_own", "`name??` and `?name` on the student's own answer", help_own),
        Style("display_call", "`display(name)` at the end", display_call),
        Style(
            "last_expression", "the answer's name as the cell's last expression", last_expression
        ),
        Style("matplotlib_inline", "`%matplotlib inline` and a small plot", matplotlib_inline),
        Style(
            "helper_cell", "functions in a student-added cell, called by the answer", helper_cell
        ),
        Style(
            "wraps_decorator",
            "every function wrapped by a functools.wraps decorator",
            wraps_decorator,
        ),
        Style("lru_cache", "a value computed by an lru_cache'd function", lru_cache),
        Style("callable_class", "functions as instances of a class with __call__", callable_class),
        Style("lists_roundtrip", "returned arrays rebuilt from Python lists", lists_roundtrip),
        Style("print_debug", "print() debugging inside every function", print_debug),
        Style(
            "print_stderr",
            "print(..., file=sys.stderr) inside every function (scores 0 in the kernel too)",
            print_stderr,
            kernel_full_marks=False,
        ),
        Style("autoreload", "`%load_ext autoreload` + `%autoreload 2` at the top", autoreload),
        Style("capture", "`%%capture captured` cell magic", capture),
        Style("top_level_await", "top-level `await asyncio.sleep(0)`", top_level_await),
        Style("get_ipython", "`get_ipython()` and a line magic through it", uses_get_ipython),
        Style(
            "future_annotations",
            "`from __future__ import annotations` and type hints",
            future_annotations,
        ),
        Style("reimport_numpy", "`import numpy as np` again in the answer cell", reimport_numpy),
        Style("global_constants", "numeric literals as module-level constants", global_constants),
        Style("lambda_assign", "one-line functions as `name = lambda ...`", lambda_assign),
        Style(
            "underscore_out",
            "value shown in a scratch cell, bound from `_` / `Out`",
            underscore_out,
        ),
        Style("local_import_math", "`import math` inside every function", local_import_math),
    ]
}

REFERENCE = Style(
    "reference", "the reference answers as they are (control)", lambda ctx: ctx.source
)


# --------------------------------------------------------------------------- notebooks

_INSPECTING = re.compile(r"(?:check_not_using|called_names|getsource)\(\s*([A-Za-z_]\w*)")


def inspected_names(source_nb: nbformat.NotebookNode) -> frozenset[str]:
    """Names whose source code a cell of the chapter reads (``check_not_using(matmul, ...)``)."""
    return frozenset(
        m for c in source_nb.cells if c.cell_type == "code" for m in _INSPECTING.findall(c.source)
    )


def _binds_underscore(source: str) -> bool:
    """Whether a cell binds ``_`` at its top level (outside functions and classes)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def styled_answers(
    chapter: str, source_nb: nbformat.NotebookNode, style: Style
) -> tuple[dict[str, Styled], dict[str, str]]:
    """The style applied to every code answer of the chapter's reference solution:
    ({grade_id: Styled}, {grade_id: why the style was skipped there})."""
    inspected = inspected_names(source_nb)
    styled, skipped = {}, {}
    rebound, underscore_before = False, {}
    for cell in source_nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code":
            underscore_before[grade_id] = rebound
            rebound = rebound or _binds_underscore(cell.source)
    for grade_id, cell in answer_cells(source_nb).items():
        if cell.cell_type != "code":
            continue
        ctx = AnswerContext(
            chapter,
            grade_id,
            without_solution_markers(cell.source),
            inspected,
            underscore_before[grade_id],
        )
        try:
            result = style.apply(ctx)
        except Skip as why:
            skipped[grade_id] = str(why)
            result = ctx.source
        styled[grade_id] = result if isinstance(result, Styled) else Styled(result)
    return styled, skipped


def styled_notebook(
    release: nbformat.NotebookNode, answers: dict[str, Styled]
) -> nbformat.NotebookNode:
    """A copy of ``release`` with each answer cell holding its styled source, and the cells the
    style adds around it."""
    nb = nbformat.from_dict(release)
    cells = []
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        styled = (
            answers.get(grade_id) if cell.metadata.get("nbgrader", {}).get("solution") else None
        )
        if styled is None:
            cells.append(cell)
            continue
        cells.extend(nbformat.v4.new_code_cell(s) for s in styled.before)
        cell.source = styled.source
        cells.append(cell)
        cells.extend(nbformat.v4.new_code_cell(s) for s in styled.after)
    nb.cells = cells
    return nb
