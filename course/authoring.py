"""Chapter notebooks as diffable text, and the exact nbgrader notebook built from them.

Each chapter is written in ``authoring/<chapter>.txt``: a sequence of cells, each opened by a
marker line::

    %% md                                   narrative (markdown, no nbgrader metadata)
    %% code [tags=a,b]                      provided code (no nbgrader metadata)
    %% solution ex_1_1_softmax              student answer cell (nbgrader ``solution``)
    %% test test_1_1_softmax points=2       autograded test cell (``grade`` + ``locked``)
    %% written written_1_3_naive points=1   manual markdown answer (``solution`` + ``grade``)

``python -m course build`` turns the text into ``source/<chapter>/<chapter>.ipynb``;
``python -m course import-notebook`` turns a notebook edited in JupyterLab back into text. The two
directions are exact inverses (``tests/test_authoring.py``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

KINDS = ("md", "code", "solution", "test", "written")
MARKER = re.compile(r"^%% (?P<kind>\w+)(?P<rest>.*)$")
GRADE_ID = re.compile(r"^(?P<role>ex|test|written)_(?P<chapter>\d+)_(?P<number>\d+)_[a-z0-9_]+$")


class AuthoringError(ValueError):
    """The chapter text (or notebook) is malformed; the message names the line or cell."""


@dataclass
class Cell:
    kind: str
    source: str
    grade_id: str | None = None
    points: float | None = None
    tags: list[str] = field(default_factory=list)

    @property
    def exercise(self) -> str | None:
        """``"1.1"`` for grade ids like ``ex_1_1_softmax``; ``None`` for narrative cells."""
        if self.grade_id is None:
            return None
        match = GRADE_ID.match(self.grade_id)
        return f"{int(match['chapter'])}.{int(match['number'])}" if match else None


def parse_text(text: str, origin: str = "<text>") -> list[Cell]:
    """Parse chapter text into cells. Raises :class:`AuthoringError` naming the bad line."""
    cells: list[Cell] = []
    lines = text.splitlines()
    if lines and not MARKER.match(lines[0]):
        raise AuthoringError(f"{origin}:1: the file must start with a cell marker such as '%% md'")
    body: list[str] = []
    for lineno, line in enumerate(lines, start=1):
        match = MARKER.match(line)
        if not match:
            body.append(line)
            continue
        if cells:
            cells[-1].source = _trim(body)
        body = []
        cells.append(_parse_marker(match["kind"], match["rest"].split(), f"{origin}:{lineno}"))
    if cells:
        cells[-1].source = _trim(body)
    return cells


def _parse_marker(kind: str, words: list[str], where: str) -> Cell:
    if kind not in KINDS:
        raise AuthoringError(f"{where}: unknown cell kind {kind!r}; use one of {', '.join(KINDS)}")
    cell = Cell(kind=kind, source="")
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            if cell.grade_id is not None:
                raise AuthoringError(f"{where}: two grade ids ({cell.grade_id!r}, {word!r})")
            cell.grade_id = word
        elif key == "points":
            try:
                cell.points = float(value)
            except ValueError:
                raise AuthoringError(f"{where}: points={value!r} is not a number") from None
        elif key == "tags":
            cell.tags = [t for t in value.split(",") if t]
        else:
            raise AuthoringError(f"{where}: unknown option {key!r} (use points=N or tags=a,b)")
    graded = kind in ("solution", "test", "written")
    if graded and cell.grade_id is None:
        raise AuthoringError(f"{where}: a {kind} cell needs a grade id")
    if not graded and cell.grade_id is not None:
        raise AuthoringError(f"{where}: a {kind} cell takes no grade id")
    if kind in ("test", "written") and (cell.points is None or cell.points <= 0):
        raise AuthoringError(f"{where}: a {kind} cell needs points=N with N > 0")
    if kind in ("md", "code", "solution") and cell.points is not None:
        raise AuthoringError(f"{where}: a {kind} cell takes no points")
    return cell


def _trim(lines: list[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def _points_text(points: float) -> str:
    return str(int(points)) if float(points).is_integer() else str(points)


def format_text(cells: list[Cell]) -> str:
    """The inverse of :func:`parse_text`."""
    chunks = []
    for cell in cells:
        words = [cell.kind]
        if cell.grade_id:
            words.append(cell.grade_id)
        if cell.points is not None:
            words.append(f"points={_points_text(cell.points)}")
        if cell.tags:
            words.append("tags=" + ",".join(cell.tags))
        chunks.append("%% " + " ".join(words) + "\n" + cell.source + ("\n" if cell.source else ""))
    return "\n".join(chunks)


def _nbgrader_meta(cell: Cell) -> dict | None:
    if cell.kind in ("md", "code"):
        return None
    meta = {
        "grade": cell.kind in ("test", "written"),
        "grade_id": cell.grade_id,
        "locked": cell.kind == "test",
        "schema_version": 3,
        "solution": cell.kind in ("solution", "written"),
        "task": False,
    }
    if cell.points is not None:
        meta["points"] = int(cell.points) if float(cell.points).is_integer() else cell.points
    return meta


def _cell_id(chapter: str, index: int, cell: Cell) -> str:
    if cell.grade_id:
        return cell.grade_id.replace("_", "-")
    digest = hashlib.sha1(f"{chapter}:{index}:{cell.source}".encode()).hexdigest()[:8]
    return f"cell-{index:03d}-{digest}"


# The last line of every test cell in the notebooks (added by the build, not written in the text):
# a test cell that gets this far passed every check above it, and says so.
PASSED_LINE = 'print("✓ passed")'


def _with_passed_line(source: str) -> str:
    return f"{source.rstrip()}\n{PASSED_LINE}"


def _without_passed_line(source: str) -> str:
    return source.removesuffix(f"\n{PASSED_LINE}").removesuffix(PASSED_LINE)


def build_notebook(cells: list[Cell], chapter: str) -> nbformat.NotebookNode:
    """The nbgrader source notebook for a chapter, without outputs, deterministic."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for index, cell in enumerate(cells):
        if cell.kind in ("md", "written"):
            nb_cell = nbformat.v4.new_markdown_cell(cell.source)
        elif cell.kind == "test":
            nb_cell = nbformat.v4.new_code_cell(_with_passed_line(cell.source))
        else:
            nb_cell = nbformat.v4.new_code_cell(cell.source)
        nb_cell.id = _cell_id(chapter, index, cell)
        meta = _nbgrader_meta(cell)
        if meta is not None:
            nb_cell.metadata["nbgrader"] = meta
        if cell.tags:
            nb_cell.metadata["tags"] = list(cell.tags)
        nb.cells.append(nb_cell)
    return nb


def cells_from_notebook(nb: nbformat.NotebookNode, origin: str = "<notebook>") -> list[Cell]:
    """Read the cells back from a (source) notebook, e.g. one edited in JupyterLab."""
    cells = []
    for index, nb_cell in enumerate(nb.cells):
        meta = nb_cell.get("metadata", {}).get("nbgrader")
        tags = list(nb_cell.get("metadata", {}).get("tags", []))
        source = nb_cell.source
        if not meta or not (meta.get("grade") or meta.get("solution")):
            kind = "md" if nb_cell.cell_type == "markdown" else "code"
            cells.append(Cell(kind, source, tags=tags))
            continue
        if nb_cell.cell_type == "markdown":
            kind = "written"
        elif meta.get("solution"):
            kind = "solution"
        else:
            kind = "test"
        if kind == "solution" and meta.get("grade"):
            raise AuthoringError(
                f"{origin}: cell {index} is an autograded answer cell; this course uses separate "
                "solution and test cells"
            )
        points = meta.get("points") if kind != "solution" else None
        if kind == "test":
            source = _without_passed_line(source)
        cells.append(
            Cell(
                kind, source, meta.get("grade_id"), None if points is None else float(points), tags
            )
        )
    return cells


def without_solution_markers(source: str) -> str:
    """``source`` without its ``### BEGIN/END SOLUTION`` lines: what a student would type."""
    kept = [
        ln for ln in source.splitlines() if "BEGIN SOLUTION" not in ln and "END SOLUTION" not in ln
    ]
    return "\n".join(kept).strip()


def text_path(root: Path, chapter: str) -> Path:
    return root / "authoring" / f"{chapter}.txt"


def source_path(root: Path, chapter: str) -> Path:
    return root / "source" / chapter / f"{chapter}.ipynb"


def notebook_json(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def build_chapter(root: Path, chapter: str) -> Path:
    """Write ``source/<chapter>/<chapter>.ipynb`` from ``authoring/<chapter>.txt``."""
    src = text_path(root, chapter)
    if not src.exists():
        raise AuthoringError(f"no chapter text at {src}")
    cells = parse_text(src.read_text(encoding="utf-8"), origin=str(src.relative_to(root)))
    out = source_path(root, chapter)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(notebook_json(build_notebook(cells, chapter)), encoding="utf-8")
    return out


def import_notebook(root: Path, chapter: str) -> Path:
    """Write ``authoring/<chapter>.txt`` from the source notebook (after editing it in Jupyter)."""
    nb_path = source_path(root, chapter)
    nb = nbformat.read(nb_path, as_version=4)
    out = text_path(root, chapter)
    out.write_text(format_text(cells_from_notebook(nb, str(nb_path))), encoding="utf-8")
    return out
