"""Diagnosis of a failing check: which known mistake the student's value equals.

Each chapter's known mistakes (the mutants in ``tests/mutants/<chapter>.py``) were run, by code,
through the chapter's test cells; at every check a mutant fails, a *fingerprint* of the value that
reached the check helper was kept (``python scripts/make_diagnoses.py``). When a student's value
fails the same check, :func:`diagnose` compares it with those fingerprints (shape first, then the
numbers within the check's tolerance, or exactly for exact checks) and, on a match, the failure
message gains one line::

    Likely mistake: dividing the scores by d_k instead of sqrt(d_k)

Where the fingerprints live:

* checks in the *visible* part of a test cell: ``course/data/diagnoses/<chapter>.json``, shipped
  with the course package (wrong answers' outputs on inputs the student can already see);
* checks in the *hidden* part: ``source/<chapter>/diagnoses-hidden.json``, instructor-side only
  (never in ``release/``: nbgrader's ``CourseDirectory.ignore`` and the release command skip it;
  hidden from the grading worker's sandbox with the rest of ``source/``). The judge loads it
  (:func:`hidden_diagnoses`) while it runs a chapter's test cells, so grading feedback names
  the mistake behind a hidden check too; the student's process never has it.

A fingerprint never holds a correct answer: only values that failed a check.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "diagnoses"
HIDDEN_NAME = "diagnoses-hidden.json"
PREFIX = "Likely mistake: "
CELL_PREFIX = "<notebook cell"  # how course.execute.run_in_process names a cell's code
SAMPLES = 32  # values kept of a large array (evenly spaced, always the first and the last)

# --------------------------------------------------------------------------- fingerprints


class _Label:
    """What ``check_true`` passes instead of a value: only its label (which often shows the
    student's number, ``f"relative error of dW ({err:.2e})"``) can tell mistakes apart."""

    def __repr__(self) -> str:
        return "LABEL"


LABEL = _Label()


def _numeric(value: Any) -> np.ndarray | None:
    """``value`` as a float array when it is numbers (a number, an array, nested lists of them),
    else None."""
    if value is None or isinstance(value, (str, bytes, bool, np.bool_, dict)):
        return None
    if isinstance(value, np.ndarray) and value.dtype.kind not in "biuf":
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None
    return array


def _sample_index(size: int) -> np.ndarray:
    if size <= SAMPLES:
        return np.arange(size)
    return np.unique(np.linspace(0, size - 1, SAMPLES).round().astype(int))


def _type_name(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return "array"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    return type(value).__name__


def fingerprint(value: Any) -> dict:
    """A small JSON-able summary of ``value`` that :func:`matches` can compare with another value.

    Numbers keep their shape and (up to :data:`SAMPLES`) values; anything else keeps its type,
    length and a hash of its ``repr``; :data:`LABEL` (a ``check_true``) is the label alone."""
    if value is LABEL:
        return {"kind": "label"}
    array = _numeric(value)
    if array is not None:
        flat = array.ravel()
        index = _sample_index(flat.size)
        return {
            "kind": "numbers",
            "type": _type_name(value),
            "shape": list(array.shape),
            "values": [_json_float(v) for v in flat[index]],
        }
    found: dict[str, Any] = {"kind": "other", "type": _type_name(value)}
    if isinstance(value, (list, tuple, dict, str)):
        found["len"] = len(value)
    text = repr(value) if not isinstance(value, str) else value
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)  # an object's address changes every run
    found["hash"] = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]
    return found


def _json_float(value: float) -> float | str:
    value = float(value)
    return value if np.isfinite(value) else repr(value)  # 'nan', 'inf', '-inf'


def _from_json(values: list) -> np.ndarray:
    return np.array([float(v) for v in values], dtype=float)


def matches(stored: dict, value: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True when ``value`` has the fingerprint ``stored``: same shape and the sampled numbers
    within ``rtol``/``atol`` (nan and infinities where the stored value has them), or, for
    anything that is not numbers, the same type, length and ``repr``."""
    mine = fingerprint(value)
    if stored["kind"] != mine["kind"]:
        return False
    if mine["kind"] == "label":  # the label (the table's key) was the fingerprint
        return True
    if mine["kind"] == "other":
        return all(stored.get(k) == mine.get(k) for k in ("type", "len", "hash"))
    if stored["shape"] != mine["shape"]:
        return False
    a, b = _from_json(stored["values"]), _from_json(mine["values"])
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)) and bool(
        np.array_equal(np.isinf(a), np.isinf(b))
    )


# --------------------------------------------------------------------------- the stored data


@dataclass
class Entry:
    """One wrong value seen at a check, and the known mistakes that produce it."""

    fingerprint: dict
    mistakes: list[str]  # student-facing words, most likely first
    exact: bool = False


def _load(path: Path) -> dict[str, list[Entry]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        what: [Entry(e["fingerprint"], list(e["mistakes"]), bool(e.get("exact"))) for e in rows]
        for what, rows in data.get("checks", {}).items()
    }


@functools.cache
def _visible() -> dict[str, list[Entry]]:
    """Every chapter's visible fingerprints, by check label."""
    merged: dict[str, list[Entry]] = {}
    for path in sorted(DATA.glob("*.json")) if DATA.is_dir() else []:
        for what, entries in _load(path).items():
            merged.setdefault(what, []).extend(entries)
    return merged


_hidden: list[dict[str, list[Entry]]] = []


@contextlib.contextmanager
def hidden_diagnoses(source_dir: Path) -> Iterator[None]:
    """While the judge runs a chapter's test cells: also use the fingerprints of its hidden checks
    (``source/<chapter>/diagnoses-hidden.json``), if the course directory has them."""
    _hidden.append(_load(Path(source_dir) / HIDDEN_NAME))
    try:
        yield
    finally:
        _hidden.pop()


def diagnose(what: str, value: Any, rtol: float = 1e-6, atol: float = 1e-9) -> str:
    """The known mistakes whose value at the check ``what`` equals ``value``, in words ('' if
    none). Never raises: a diagnosis is extra help, not part of the verdict."""
    try:
        entries = list(_visible().get(what, []))
        for hidden in _hidden:
            entries += hidden.get(what, [])
        found: list[str] = []
        for entry in entries:
            tol = (0.0, 0.0) if entry.exact else (max(rtol, 1e-6), max(atol, 1e-9))
            if matches(entry.fingerprint, value, *tol):
                found += [m for m in entry.mistakes if m not in found]
        return _words(found)
    except Exception:  # noqa: BLE001 - bad data must never hide the check's own message
        return ""


def _words(mistakes: list[str]) -> str:
    if not mistakes:
        return ""
    if len(mistakes) == 1:
        return mistakes[0]
    if len(mistakes) > 3:
        return "; or ".join(mistakes[:3]) + f" (or {len(mistakes) - 3} other known mistakes)"
    return "; or ".join(mistakes)


# --------------------------------------------------------------------------- errors and rules

ERROR_LABEL = "{grade_id}: raised {error}"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def error_label(grade_id: str, error: str) -> str:
    """The table key of an error (``error``: its type's name) that a test cell raised outside
    any check helper: a wrong return type the test unpacks, a shape the student's own code
    rejects. The cell's grade id keeps one cell's errors apart from another's."""
    return ERROR_LABEL.format(grade_id=grade_id, error=error)


def error_value(message: str) -> str:
    """An error's message as fingerprinted: on one line, without object addresses."""
    return " ".join(_ADDRESS.sub("", str(message)).split())


def _diagnosable(error: str) -> bool:
    return error not in _NOT_DIAGNOSED


_NOT_DIAGNOSED = {  # the check helpers' own failures, a stub, and what stops the run itself
    "CheckFailed",
    "NotImplementedError",
    "KeyboardInterrupt",
    "SystemExit",
    "CellTimeout",
    "StudentGone",
    "GraderLimitation",
}


def explain_error(grade_id: str, exc: BaseException) -> str:
    """The known mistakes that make the test cell ``grade_id`` raise ``exc`` (an error outside
    the check helpers, which diagnose their own failures) with the same message ('' if none);
    while recording (:func:`record`), the error is recorded instead. Never raises."""
    try:
        name = type(exc).__name__
        if not grade_id or not _diagnosable(name):
            return ""
        what, value = error_label(grade_id, name), error_value(str(exc))
        if observe(what, value, True, tb=exc.__traceback__):
            return ""
        return diagnose(what, value)
    except Exception:  # noqa: BLE001 - a diagnosis is extra help, never the verdict
        return ""


def explain_output(grade_id: str, ename: str, evalue: str) -> str:
    """:func:`explain_error` for an error a kernel reported (its ``ename`` and ``evalue``)."""
    if not grade_id or not _diagnosable(ename):
        return ""
    return diagnose(error_label(grade_id, ename), error_value(evalue))


STDERR_LABEL = "{grade_id}: wrote to stderr"
_WARNING_PLACE = re.compile(r"^.*?:\d+: (?=\w+: )")  # "<file or cell>:13: " before a warning


def stderr_value(text: str) -> str:
    """What a test cell wrote to stderr, as fingerprinted: its first line, without the file and
    line a warning starts with (a temporary file in a kernel, a cell name in process)."""
    lines = [line for line in str(text).splitlines() if line.strip()]
    return error_value(_WARNING_PLACE.sub("", lines[0])) if lines else ""


def explain_stderr(grade_id: str, text: str, hidden: bool, cell: str = "") -> str:
    """The known mistakes that make the test cell ``grade_id`` write ``text`` to stderr (which
    scores 0: a warning from the student's code, such as an overflow) ('' if none). Which line
    wrote it is not known, so a cell with a hidden part (``hidden``) keeps its fingerprints in
    the hidden table. While recording, ``cell`` (its name in process) records it instead."""
    try:
        what, value = STDERR_LABEL.format(grade_id=grade_id), stderr_value(text)
        if not grade_id or not value:
            return ""
        if _recorders:
            _recorders[-1].append(
                {
                    "what": what,
                    "fingerprint": fingerprint(value),
                    "exact": True,
                    "frame": (cell, 1) if cell else None,
                    "site": (cell, 1) if cell else None,
                    "hidden": hidden,
                }
            )
            return ""
        return diagnose(what, value)
    except Exception:  # noqa: BLE001 - a diagnosis is extra help, never the verdict
        return ""


# --------------------------------------------------------------------------- recording


_recorders: list[list[dict]] = []


@contextlib.contextmanager
def record() -> Iterator[list[dict]]:
    """Collect, instead of diagnosing, ``{what, fingerprint, exact, frame}`` for every check
    that fails inside the block (``frame``: the test cell's ``(filename, line)``)."""
    found: list[dict] = []
    _recorders.append(found)
    try:
        yield found
    finally:
        _recorders.pop()


def observe(what: str, value: Any, exact: bool, tb: Any = None) -> bool:
    """Called by a failing check: record it (returns True) when recording, else False.
    ``tb``: the traceback of an error a test cell raised (:func:`explain_error`); without it,
    the caller's stack is where the check was called from."""
    if not _recorders:
        return False
    import sys

    where, site = None, None
    if tb is not None:  # outermost first: the test cell's line, then any cell it called into
        stack = []
        while tb is not None:
            stack.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
            tb = tb.tb_next
    else:  # innermost first
        stack, frame = [], sys._getframe(1)
        while frame is not None:
            stack.append((frame.f_code.co_filename, frame.f_lineno))
            frame = frame.f_back
        stack.reverse()
    cells = [place for place in stack if place[0].startswith(CELL_PREFIX)]
    if cells:
        where, site = cells[0], cells[-1]  # the test cell's line; where the check was called
    _recorders[-1].append(
        {
            "what": what,
            "fingerprint": fingerprint(value),
            "exact": exact,
            "frame": where,
            "site": site,
        }
    )
    return True


# --------------------------------------------------------------------------- generation


HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _in_hidden_part(source: str, line: int) -> bool:
    hidden = False
    for text in source.splitlines()[: max(line - 1, 0)]:
        if HIDDEN_BEGIN in text:
            hidden = True
        elif HIDDEN_END in text:
            hidden = False
    return hidden


def _cell_index(filename: str) -> int:
    return int(filename.removeprefix(CELL_PREFIX).strip(" >"))


def label_shows_a_value(source: str, line: int) -> bool:
    """True when the check called at ``line`` of ``source`` has an f-string label that formats
    something other than a loop variable (``f"relative error ({err:.2e})"``, not
    ``f"causal_mask({n})"`` in ``for n in ...``): only then does the label of a failing
    ``check_true`` tell one wrong answer from another."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    loops: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)):
            loops |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.lineno <= line <= (node.end_lineno or 0)):
            continue
        args = list(node.args[1:2]) + [k.value for k in node.keywords if k.arg == "what"]
        for label in args:
            if not isinstance(label, ast.JoinedStr):
                continue
            for part in label.values:
                if isinstance(part, ast.FormattedValue):
                    names = {n.id for n in ast.walk(part.value) if isinstance(n, ast.Name)}
                    if not names or names - loops:
                        return True
    return False


def collect(nb: Any, cwd: Path, replacements: dict[str, str]) -> tuple[list, list[dict]]:
    """Run ``nb`` with ``replacements`` (one mutant) in process, as ``tests/test_execution.py``
    does: its test cells' outcomes (``CellOutcome``), and each check it fails in the test cells
    of the exercises it touches: ``{what, fingerprint, exact, hidden, grade_id}``."""
    from course.execute import exercise_of, is_test_cell, run_in_process

    targets = {exercise_of(grade_id) for grade_id in replacements}
    with record() as found:
        outcomes = run_in_process(nb, cwd, replacements, stop_after=targets)
    checks = []
    for item in found:
        if item["frame"] is None:
            continue
        filename, line = item["frame"]
        cell = nb.cells[_cell_index(filename)]
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if not is_test_cell(cell) or exercise_of(grade_id) not in targets:
            continue
        if item["fingerprint"]["kind"] == "label":
            site_file, site_line = item["site"]
            if not label_shows_a_value(nb.cells[_cell_index(site_file)].source, site_line):
                continue  # a fixed label: every wrong answer fails it the same way
        checks.append(
            {
                "what": item["what"],
                "fingerprint": item["fingerprint"],
                "exact": item["exact"],
                "hidden": item.get("hidden", _in_hidden_part(cell.source, line)),
                "grade_id": grade_id,
            }
        )
    return outcomes, checks


def _unstable(root: Path, chapter: str) -> dict[str, list[str]]:
    try:
        table = json.loads(paths(root, chapter)[1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return table.get("unstable", {})


def stable_checks(first: list[dict], second: list[dict]) -> tuple[list[dict], list[str]]:
    """The checks of a mutant's first run that its second run reproduced, and the test cells
    (grade ids) where it did not (a label or value that depends on memory, time or numpy's
    global random state): those cells are left out, so the tables never hold a value no student
    could reproduce and the sync test stays deterministic."""

    def seen(check: dict, others: list[dict]) -> bool:
        return any(
            o["what"] == check["what"]
            and o["hidden"] == check["hidden"]
            and same_fingerprint(o["fingerprint"], check["fingerprint"], check["exact"])
            for o in others
        )

    unstable = sorted(
        {c["grade_id"] for c in first if not seen(c, second)}
        | {c["grade_id"] for c in second if not seen(c, first)}
    )
    return [c for c in first if c["grade_id"] not in unstable], unstable


def _same_label(stored: str, now: str, fingerprint: dict) -> bool:
    """Labels of the same check. A ``check_true`` label that shows a number (its fingerprint)
    may show a measurement that differs from one process to the next (memory in bytes), so its
    digits are not compared; every other label must be the same."""
    if fingerprint.get("kind") == "label":
        return re.sub(r"\d", "#", stored) == re.sub(r"\d", "#", now)
    return stored == now


def out_of_sync(root: Path, chapter: str, mutant: str, checks: list[dict]) -> list[str]:
    """How the stored tables of ``chapter`` differ from what ``mutant`` does now (``checks``
    from :func:`collect`): a check it fails that is not stored with its name, or a stored row
    naming it that it no longer produces. Empty when in sync."""
    stored = []
    for hidden, path in zip((False, True), paths(root, chapter), strict=True):
        try:
            table = json.loads(path.read_text(encoding="utf-8"))["checks"]
        except (OSError, ValueError, KeyError):
            table = {}
        for what, rows in table.items():
            stored += [(hidden, what, r) for r in rows if mutant in r["mutants"]]
    unstable = set(_unstable(root, chapter).get(mutant, []))
    checks = [c for c in checks if c["grade_id"] not in unstable]
    problems = []
    for check in checks:
        if not any(
            hidden == check["hidden"]
            and _same_label(what, check["what"], row["fingerprint"])
            and row["exact"] == check["exact"]
            and same_fingerprint(row["fingerprint"], check["fingerprint"], check["exact"])
            for hidden, what, row in stored
        ):
            place = "hidden" if check["hidden"] else "visible"
            problems.append(f"not stored: {place} check {check['what']!r} ({check['grade_id']})")
    for hidden, what, row in stored:
        if not any(
            hidden == c["hidden"]
            and _same_label(what, c["what"], row["fingerprint"])
            and same_fingerprint(row["fingerprint"], c["fingerprint"], row["exact"])
            for c in checks
        ):
            problems.append(f"stale: {'hidden' if hidden else 'visible'} check {what!r}")
    return problems


def same_fingerprint(a: dict, b: dict, exact: bool) -> bool:
    """Two stored fingerprints of the same value (up to rounding when not ``exact``)."""
    if a["kind"] != b["kind"] or a.get("shape") != b.get("shape"):
        return False
    if a["kind"] == "label":
        return True
    if a["kind"] == "other":
        return all(a.get(k) == b.get(k) for k in ("type", "len", "hash"))
    x, y = _from_json(a["values"]), _from_json(b["values"])
    tol = (0.0, 0.0) if exact else (1e-9, 1e-12)
    return bool(np.allclose(x, y, rtol=tol[0], atol=tol[1], equal_nan=True)) and bool(
        np.array_equal(np.isinf(x), np.isinf(y))
    )


def build_tables(
    chapter: str,
    found: dict[str, list[dict]],
    words: dict[str, str],
    unstable: dict[str, list[str]] | None = None,
) -> tuple[dict, dict]:
    """The visible and hidden tables of a chapter from ``{mutant: collect(...)}``; ``words``
    gives the student-facing words of a mutant (its description where absent)."""
    tables: dict[bool, dict[str, list[dict]]] = {False: {}, True: {}}
    for mutant, checks in found.items():
        for check in checks:
            rows = tables[check["hidden"]].setdefault(check["what"], [])
            row = next(
                (
                    r
                    for r in rows
                    if r["exact"] == check["exact"]
                    and same_fingerprint(r["fingerprint"], check["fingerprint"], check["exact"])
                ),
                None,
            )
            if row is None:
                row = {
                    "fingerprint": check["fingerprint"],
                    "exact": check["exact"],
                    "mistakes": [],
                    "mutants": [],
                }
                rows.append(row)
            if mutant not in row["mutants"]:
                row["mutants"].append(mutant)
                text = words.get(mutant, mutant)
                if text not in row["mistakes"]:
                    row["mistakes"].append(text)
    note = "generated by `python scripts/make_diagnoses.py`; do not edit"
    visible = {"chapter": chapter, "note": note, "checks": tables[False]}
    hidden = {"chapter": chapter, "note": note, "checks": tables[True]}
    if unstable:
        hidden["unstable"] = {m: cells for m, cells in unstable.items() if cells}
    return visible, hidden


def dump(table: dict) -> str:
    """The stored text of a table (stable, one entry per line block, diff-friendly)."""
    return json.dumps(table, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def paths(root: Path, chapter: str) -> tuple[Path, Path]:
    """Where a chapter's visible and hidden tables are stored in a course checkout."""
    return DATA / f"{chapter}.json", Path(root) / "source" / chapter / HIDDEN_NAME


def reset_cache() -> None:
    """Forget the loaded visible tables (after regenerating them)."""
    _visible.cache_clear()
    _test_cells.cache_clear()


# --------------------------------------------------------------------------- the student's kernel

_ERROR_KEY = re.compile(r"^(?P<grade_id>\S+): raised (?P<error>\w+)$")


def cell_key(source: str) -> str:
    """A short hash of a cell's text (line ends and the blank edges ignored): how the student's
    kernel, which is only given a cell's text, tells which visible test cell it is running."""
    text = "\n".join(line.rstrip() for line in str(source).strip().splitlines())
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def keys_of_test_cells(table: dict, nb: Any) -> dict[str, str]:
    """``{cell_key: grade_id}`` of the test cells of ``nb`` (the chapter's release notebook,
    whose test cells the student's copy has, locked) that the visible ``table`` knows errors of
    (``"<grade_id>: raised <Error>"``). Written into the visible table by
    ``scripts/make_diagnoses.py``: it holds only the hash of text the student already has."""
    wanted = {m["grade_id"] for what in table.get("checks", {}) if (m := _ERROR_KEY.match(what))}
    keys = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type == "code" and grade_id in wanted:
            keys[cell_key(cell.source)] = grade_id
    return keys


@functools.cache
def _test_cells() -> dict[str, str]:
    """Every chapter's ``{cell_key: grade_id}`` (:func:`keys_of_test_cells`)."""
    merged: dict[str, str] = {}
    for path in sorted(DATA.glob("*.json")) if DATA.is_dir() else []:
        try:
            merged.update(json.loads(path.read_text(encoding="utf-8")).get("test_cells", {}))
        except (OSError, ValueError, AttributeError):
            continue
    return merged


def name_mistake_after_cell(result: Any) -> None:
    """IPython's ``post_run_cell`` callback in the student's kernel: when the cell that ran is a
    visible test cell that raised an error outside the check helpers, and known mistakes raise
    the same error there, print the ``Likely mistake`` line on stdout, under the traceback
    (which IPython has already shown). Prints nothing otherwise, and never raises."""
    try:
        error, info = getattr(result, "error_in_exec", None), getattr(result, "info", None)
        if error is None or info is None:
            return
        grade_id = _test_cells().get(cell_key(getattr(info, "raw_cell", "") or ""))
        if not grade_id:
            return
        message = str(error)
        if PREFIX in message:
            return
        mistake = explain_output(grade_id, type(error).__name__, message)
        if mistake:
            print(PREFIX + mistake, flush=True)
    except Exception:  # noqa: BLE001 - a diagnosis is extra help, never a new error
        return


def install_in_kernel() -> None:
    """Register :func:`name_mistake_after_cell` with the IPython shell this process runs (the
    student's Jupyter kernel), once; nothing outside IPython (no ``IPython.get_ipython()``: a
    plain process, the grading worker's own shell, which runs no test cells anyway)."""
    try:
        import sys

        ipython = sys.modules.get("IPython")  # never import IPython just to find it absent
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is None:
            return
        name = (name_mistake_after_cell.__module__, name_mistake_after_cell.__qualname__)
        for callback in shell.events.callbacks.get("post_run_cell", []):
            if (getattr(callback, "__module__", ""), getattr(callback, "__qualname__", "")) == name:
                return  # already there (a second import, or this module reloaded)
        shell.events.register("post_run_cell", name_mistake_after_cell)
    except Exception:  # noqa: BLE001 - the checks must import whatever the shell is
        return
