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
import io
import linecache
import os
import socket
import sys
import tempfile
import time
import traceback
import types
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

from course.execute import NOT_IMPLEMENTED, CellOutcome, CellTimeout, _time_limit, clean_stderr
from course.grading.wire import (
    Channel,
    ChannelClosed,
    Decoder,
    Encoder,
    ProtocolError,
    SharedArrays,
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


class StudentGone(Exception):
    """The student worker died or stopped answering; the message says why."""


class StudentError(Exception):
    """Base of the exceptions re-raised here for errors the student's code raised."""


_ERROR_CLASSES: dict[tuple[str, str], type] = {}
_SAFE_BASES = {
    name: cls
    for name, cls in vars(builtins).items()
    if isinstance(cls, type) and issubclass(cls, Exception)
}


def student_error(info: Any) -> BaseException:
    """An exception of the student's type name whose class derives from the builtin exception it
    derives from in the student's process (so ``except ValueError`` and ``check_raises`` work)."""
    if not isinstance(info, dict):
        return StudentGone("the student process sent a malformed error")
    names = [n for n in info.get("types", []) if isinstance(n, str)]
    name = info.get("type") if isinstance(info.get("type"), str) else "Exception"
    message = info.get("msg") if isinstance(info.get("msg"), str) else ""
    base_name = next((n for n in names if n in _SAFE_BASES), "Exception")
    key = (name[:80], base_name)
    if key not in _ERROR_CLASSES:
        base = _SAFE_BASES[base_name]
        try:
            cls = type(key[0] or "Exception", (base, StudentError), {"__module__": "builtins"})
        except TypeError:
            cls = type(key[0] or "Exception", (StudentError,), {"__module__": "builtins"})
        _ERROR_CLASSES[key] = cls
    args = info.get("args")
    plain = type(args) is list and all(type(a) in (str, int, float, bool, type(None)) for a in args)
    try:
        error = _ERROR_CLASSES[key](*args) if plain else _ERROR_CLASSES[key](message)
    except Exception:  # noqa: BLE001 - e.g. UnicodeDecodeError wants five arguments
        error = _ERROR_CLASSES[key](message)
    tb = info.get("tb")
    error.student_traceback = tb if isinstance(tb, str) else ""
    return error


# --------------------------------------------------------------------------- proxies

_KIND_CLASS = {"function": types.FunctionType, "class": type, "module": types.ModuleType}


class Remote:
    """An object that lives in the student's process. Calls, attribute access, indexing and
    arithmetic go there and come back as plain data (or another Remote). Comparisons and truth
    are *not* forwarded: ``==`` is identity and ``bool()`` refuses, so a student object cannot
    claim to equal an expected value. Special attributes are never fetched from the student (a
    fake ``__array_interface__`` could point numpy at the judge's memory); ``__code__`` is compiled
    here from the notebook's own cell text, so source checks read what was really submitted."""

    __slots__ = ("_w", "_h", "_k", "_t", "_gen", "_meta", "__weakref__")

    def __init__(self, worker: StudentProcess, handle: int, kind: str, typename: str):
        for name, value in (("_w", worker), ("_h", handle), ("_k", kind), ("_t", typename)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_gen", worker.generation)
        object.__setattr__(self, "_meta", None)

    def __getattribute__(self, name: str) -> Any:
        if name in ("__module__", "__doc__", "__dict__"):  # class attributes of Remote itself
            return object.__getattribute__(self, "_w").judge.special_attribute(self, name)
        return object.__getattribute__(self, name)

    @property
    def __class__(
        self,
    ):  # so inspect.getsource / isfunction / isclass treat proxies as the real kind
        return _KIND_CLASS.get(object.__getattribute__(self, "_k"), Remote)

    def _req(self, op: str, *values: Any) -> Any:
        return self._w.request(op, [self, *values])

    def _info(self) -> dict:
        if self._meta is None:
            info = self._req("info")
            object.__setattr__(self, "_meta", info if isinstance(info, dict) else {})
        return self._meta

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            return self._w.judge.special_attribute(self, name)
        return self._req("getattr", name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._req("setattr", name, value)

    def __delattr__(self, name: str) -> None:
        self._req("delattr", name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._w.call(self, list(args), kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._req("getitem", key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._req("setitem", key, value)

    def __len__(self) -> int:
        return _plain(self._req("len"), int, "len()")

    def __iter__(self) -> Iterator[Any]:
        iterator = self._req("iter")
        while True:
            try:
                yield iterator._req("next")
            except StopIteration:
                return

    def __contains__(self, item: Any) -> bool:
        return _plain(self._req("contains", item), bool, "in")

    def __float__(self) -> float:
        return _plain(self._req("convert", "float"), float, "float()")

    def __int__(self) -> int:
        return _plain(self._req("convert", "int"), int, "int()")

    def __index__(self) -> int:
        return _plain(self._req("convert", "index"), int, "an index")

    def __complex__(self) -> complex:
        return _plain(self._req("convert", "complex"), complex, "complex()")

    def __repr__(self) -> str:
        try:
            text = self._req("convert", "repr")
        except Exception:  # noqa: BLE001 - a hostile or broken __repr__
            text = None
        return text if isinstance(text, str) else f"<{self._t} object>"

    def __str__(self) -> str:
        text = self._req("convert", "str")
        return text if isinstance(text, str) else repr(self)

    def __format__(self, spec: str) -> str:
        text = self._req("convert", "format", spec)
        return text if isinstance(text, str) else repr(self)

    def __eq__(self, other: Any) -> bool:
        return self is other

    def __ne__(self, other: Any) -> bool:
        return self is not other

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        raise TypeError(
            f"a {self._t} object returned by your code cannot be used as True/False here: "
            "return a plain bool, number or array"
        )

    def __instancecheck__(self, obj: Any) -> bool:
        if self._k != "class":
            raise TypeError("isinstance() arg 2 must be a type")
        return isinstance(obj, Remote) and _plain(
            self._w.request("isinstance", [obj, self]), bool, "isinstance"
        )

    def __subclasscheck__(self, cls: Any) -> bool:
        if self._k != "class":
            raise TypeError("issubclass() arg 2 must be a class")
        return isinstance(cls, Remote) and _plain(
            self._w.request("issubclass", [cls, self]), bool, "issubclass"
        )


def _binary(name: str, reflected: bool):
    def method(self: Remote, other: Any) -> Any:
        return self._w.request("binop", [name, self, other, reflected])

    return method


def _unary(name: str):
    def method(self: Remote) -> Any:
        return self._w.request("unop", [name, self])

    return method


for _name in (
    "add",
    "sub",
    "mul",
    "truediv",
    "floordiv",
    "mod",
    "pow",
    "matmul",
    "and",
    "or",
    "xor",
    "lshift",
    "rshift",
):
    _op = _name + "_" if _name in ("and", "or") else _name
    setattr(Remote, f"__{_name}__", _binary(_op, False))
    setattr(Remote, f"__r{_name}__", _binary(_op, True))
for _name in ("neg", "pos", "abs", "invert"):
    setattr(Remote, f"__{_name}__", _unary(_name))


def _plain(value: Any, kind: type, what: str) -> Any:
    if kind is float and type(value) is int:
        return float(value)
    if type(value) is not kind:
        raise TypeError(
            f"{what} of an object from your code gave {type(value).__name__}, not {kind.__name__}"
        )
    return value


class StudentGlobals:
    """The student's global names as the judge sees them (``func.__globals__`` of a proxy): a
    read-only mapping that fetches on demand. Modules come back as the judge's own import."""

    def __init__(self, judge: Judge):
        self.judge = judge

    def get(self, name: str, default: Any = None) -> Any:
        found = self.judge.fetch([name])
        return found.get(name, default)

    def __getitem__(self, name: str) -> Any:
        found = self.judge.fetch([name])
        if name not in found:
            raise KeyError(name)
        return found[name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.judge.fetch([name])


# --------------------------------------------------------------------------- the worker


class StudentProcess:
    """One sandboxed student worker and the request/reply protocol with it."""

    def __init__(self, judge: Judge):
        self.judge = judge
        self.generation = 0
        self.sandbox = None
        self.channel: Channel | None = None
        self.dead_reason = ""
        self.deadline: float | None = None
        self.callbacks: dict[int, Any] = {}
        self.remotes: dict[int, Remote] = {}
        self.seq = 0
        self.in_test = False  # callbacks (a test's functions) may only be called while it runs

    # ----------------------------------------------------------- lifecycle

    def start(self) -> None:
        from course.grading.sandbox import spawn

        self.stop()
        self.generation += 1
        self.remotes, self.callbacks = {}, {}
        self.shared = SharedArrays(sign=-1, weak=True)
        judge = self.judge
        parent, child = socket.socketpair()
        try:
            self.sandbox = spawn(
                [sys.executable, "-m", "course.grading.student", "--fd", str(child.fileno())],
                workdir=judge.workdir,
                hide=judge.hide,
                slot=judge.slot,
                limits=judge.limits.sandbox_limits(),
                pass_fds=[child.fileno()],
                log_path=judge.log_path,
                level=judge.isolation,
                env=_worker_env(),
            )
        finally:
            child.close()
        self.channel = Channel(parent)
        self.dead_reason = ""
        try:
            header, _ = self.channel.recv(timeout=judge.limits.startup_timeout)
        except (TimeoutError, ProtocolError) as exc:
            self.kill(f"the student process did not start ({exc})")
            raise StudentGone(self.dead_reason) from None
        if header.get("hello") != 1:
            self.kill("the student process did not start properly")
            raise StudentGone(self.dead_reason)

    def stop(self) -> None:
        if self.channel is not None and not self.dead_reason:
            with contextlib.suppress(Exception):
                self.channel.send({"op": "exit"}, [])
        self.kill("stopped")

    def kill(self, reason: str) -> None:
        if not self.dead_reason:
            self.dead_reason = reason
        if self.sandbox is not None:
            self.sandbox.kill()
            self.sandbox = None
        if self.channel is not None:
            with contextlib.suppress(OSError):
                self.channel.sock.close()
            self.channel = None

    @property
    def alive(self) -> bool:
        return self.channel is not None and not self.dead_reason

    def _died(self) -> str:
        """Why the worker is gone: its exit status if it exited, else the reason recorded."""
        code = self.sandbox.wait(timeout=2) if self.sandbox is not None else None
        if code is not None and code < 0:
            return f"the student process was killed by signal {-code}"
        if code is not None:
            return f"the student process exited with status {code}"
        return "the student process stopped answering"

    # ----------------------------------------------------------- values

    def to_ref(self, obj: Any) -> dict | None:
        if isinstance(obj, Remote):
            if obj._w is not self or obj._gen != self.generation:
                raise TypeError(
                    "this object came from your code before the student process restarted"
                )
            return {"H": obj._h}
        if isinstance(obj, np.random.Generator):
            return {"RNG": obj.bit_generator.state}
        if callable(obj) and not isinstance(obj, type):
            ident = len(self.callbacks) + 1
            self.callbacks[ident] = obj
            return {"CB": ident}
        return None

    def from_ref(self, tag: str, value: dict) -> Any:
        if tag == "H":
            handle, kind, typename = value.get("H"), value.get("k"), value.get("t")
            if (
                type(handle) is not int
                or not isinstance(kind, str)
                or not isinstance(typename, str)
            ):
                raise ProtocolError("malformed handle")
            if handle not in self.remotes:
                self.remotes[handle] = Remote(self, handle, kind[:20], typename[:80])
            return self.remotes[handle]
        if tag == "CB":
            if value.get("CB") not in self.callbacks:
                raise ProtocolError("unknown callback")
            return self.callbacks[value["CB"]]
        raise ProtocolError(f"unexpected value tag {tag!r}")

    # ----------------------------------------------------------- requests

    def request(self, op: str, value: Any, identity_args: Any = None) -> Any:
        """Send one request and wait for its reply, serving the student's callbacks meanwhile."""
        if not self.alive:
            raise StudentGone(self.dead_reason or "the student process is not running")
        self.seq += 1
        seq = self.seq
        encoder = Encoder(self.to_ref, shared=self.shared)
        header = {
            "q": seq,
            "op": op,
            "v": encoder.encode(value),
            "cap": self.judge.limits.output_chars,
            "np": dict(np.geterr()),
        }
        header.update(self.shared.outgoing(encoder))
        try:
            self.channel.send(header, encoder.blobs)
            while True:
                reply, blobs = self._receive()
                self.shared.incoming(reply, blobs)
                if reply.get("r") == seq:
                    break
                if reply.get("op") == "cb" and "q" in reply:
                    self._serve_callback(reply, blobs)
                    continue
                raise ProtocolError("unexpected message")
        except (ProtocolError, StudentGone) as exc:
            reason = self._died() if isinstance(exc, ChannelClosed) else str(exc)
            self.kill(reason)
            raise StudentGone(self.dead_reason) from None
        except BaseException:  # a timeout or interrupt mid-request: the protocol is out of step
            self.kill(self.dead_reason or "interrupted")
            raise
        self.judge.collect_output(reply)
        if "e" in reply:
            raise student_error(reply["e"])
        try:
            decoder = Decoder(blobs, self.from_ref, args=identity_args, shared=self.shared)
            result = decoder.decode(reply.get("v"))
            if "m" in reply and identity_args is not None:
                self._apply_mutations(identity_args, reply["m"], decoder)
        except ProtocolError as exc:
            self.kill(f"the student process sent malformed data ({exc})")
            raise StudentGone(self.dead_reason) from None
        return result

    def _receive(self) -> tuple[dict, list[bytes]]:
        timeout = None
        if self.deadline is not None:
            timeout = self.deadline - time.monotonic()
            if timeout <= 0:
                self.kill("time limit")
                raise CellTimeout(self.judge.timeout_message())
        try:
            return self.channel.recv(timeout)
        except TimeoutError:
            self.kill("time limit")
            raise CellTimeout(self.judge.timeout_message()) from None

    def call(self, target: Remote, args: list, kwargs: dict) -> Any:
        call_args = [args, kwargs]
        return self.request("call", [target, args, kwargs], identity_args=call_args)

    def _apply_mutations(self, call_args: list, mutations: Any, decoder: Decoder) -> None:
        """The call changed some arguments in place: make the same change to the judge's objects."""
        if type(mutations) is not list:
            raise ProtocolError("malformed argument changes")
        positional, keywords = call_args
        for item in mutations:
            if type(item) is not list or len(item) != 2:
                raise ProtocolError("malformed argument change")
            key, encoded = item
            if type(key) is int and 0 <= key < len(positional):
                original = positional[key]
            elif type(key) is str and key in keywords:
                original = keywords[key]
            else:
                raise ProtocolError("argument change for an unknown argument")
            _update_in_place(original, decoder.decode(encoded))

    def _serve_callback(self, header: dict, blobs: list[bytes]) -> None:
        reply: dict = {"r": header.get("q")}
        encoder = Encoder(self.to_ref, shared=self.shared)
        result = None
        try:
            if not self.in_test:
                raise RuntimeError("a test's function can only be called while that test runs")
            target, args, kwargs = Decoder(blobs, self.from_ref, shared=self.shared).decode(
                header.get("v")
            )
            if not callable(target) or type(args) is not list or type(kwargs) is not dict:
                raise ProtocolError("malformed callback")
            if any(type(k) is not str for k in kwargs):
                raise ProtocolError("malformed callback keywords")
            result = target(*args, **kwargs)  # held until sent: its shared id must stay alive
            reply["v"] = encoder.encode(result)
        except ProtocolError:
            raise
        except Exception as exc:  # noqa: BLE001 - the test's function raised: tell the student's code
            reply = {
                "r": header.get("q"),
                "e": {"types": [c.__name__ for c in type(exc).__mro__], "msg": str(exc)[:2000]},
            }
            encoder = Encoder(self.to_ref, shared=self.shared)
        reply.update(self.shared.outgoing(encoder))
        self.channel.send(reply, encoder.blobs)


def _worker_env() -> dict[str, str]:
    """What the worker inherits on purpose: the notebooks' fast setting (the test suite's
    ``COURSE_FAST=1``), nothing else of the judge's environment."""
    return {k: os.environ[k] for k in ("COURSE_FAST",) if k in os.environ}


def _update_in_place(original: Any, new: Any) -> None:
    if isinstance(original, np.ndarray):
        if not isinstance(new, np.ndarray) or new.shape != original.shape:
            raise ProtocolError("an array changed shape in place")
        np.copyto(original, new, casting="unsafe")
    elif isinstance(original, list):
        if type(new) is not list:
            raise ProtocolError("a list changed type in place")
        original[:] = new
    elif isinstance(original, dict):
        if type(new) is not dict:
            raise ProtocolError("a dict changed type in place")
        for key in list(original):
            if key not in new:
                del original[key]
        for key, value in new.items():
            if (
                key in original
                and isinstance(original[key], np.ndarray)
                and isinstance(value, np.ndarray)
                and original[key].shape == value.shape
            ):
                np.copyto(original[key], value, casting="unsafe")
            else:
                original[key] = value
    elif isinstance(original, np.random.Generator):
        state = new.get("RNG") if isinstance(new, dict) else None
        if not isinstance(state, dict):
            raise ProtocolError("malformed generator state")
        try:
            original.bit_generator.state = state
        except (TypeError, ValueError, KeyError) as exc:
            raise ProtocolError(f"bad generator state ({exc})") from None


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


def _is_test(cell: nbformat.NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


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
        self.namespace = {"__name__": "__main__", "__builtins__": builtins, "display": _display}
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
        try:
            code = compile(self.sources[filename], filename, "exec")
        except SyntaxError:
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
                if _is_test(cell):
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
            return _describe(exc)
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
            return _describe(exc)
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
            error, out, err = _exec_judged(code, self.namespace, self.limits.cell_timeout)
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
        return _describe(error) if error is not None else ""

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


def _describe(exc: BaseException) -> str:
    lines = traceback.format_exception_only(type(exc), exc)
    return " ".join(" ".join(lines).split())


def _display(*objects: Any, **kwargs: Any) -> None:
    for obj in objects:
        print(repr(obj))


def _exec_judged(
    code: types.CodeType, namespace: dict, timeout: float
) -> tuple[BaseException | None, str, str]:
    """Run a test cell's code here with nbgrader's conventions: stdout/stderr captured, warnings
    printed to stderr (so they score 0), a wall-clock limit."""
    out, err = io.StringIO(), io.StringIO()
    error: BaseException | None = None
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        warnings.catch_warnings(),
    ):
        warnings.resetwarnings()
        warnings.simplefilter("default")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
        warnings.showwarning = _warning_to_stderr
        try:
            with _time_limit(int(timeout) + 1):
                exec(code, namespace)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - a test may fail in any way
            error = exc
    return error, out.getvalue(), err.getvalue()


def _warning_to_stderr(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))
