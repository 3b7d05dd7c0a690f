"""The student worker: runs a submission's code (never its tests) and answers the judge.

Started by the judge inside the sandbox (``python -m course.grading.student --fd N``). It executes
the submission's non-test cells in one namespace, and serves requests from the judge while test
cells run there: look up a name, call a function, read an attribute, apply an operator. Values go
back as plain data (:mod:`course.grading.wire`); other objects stay here and go back as handles.

Nothing in this process is trusted: student code can rewrite any of it. That is fine, because the
judge only ever receives bytes it decodes itself, and decides every verdict on its own side.
"""

from __future__ import annotations

import argparse
import builtins
import importlib
import io
import operator
import os
import re
import socket
import sys
import threading
import traceback
import types
from typing import Any

import numpy as np

from course.grading.wire import (
    BINARY_OPERATORS,
    UNARY_OPERATORS,
    Channel,
    ChannelClosed,
    Decoder,
    Encoder,
    SharedArrays,
    arg_paths,
)

BINARY = {name: getattr(operator, name) for name in BINARY_OPERATORS}
# IPython's own bookkeeping names (In, Out, _, _i3, ...): never reported as changed by a cell
BOOKKEEPING = re.compile(r"^(_+|_i+|_i\d+|_\d+|_ih|_oh|_dh|In|Out|_exit_code|__warningregistry__)$")
UNARY = {name: getattr(operator, name) for name in UNARY_OPERATORS}


class CappedText(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and counts (drops) the rest."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def value(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters of output dropped ...]\n"
        return text


def error_info(exc: BaseException) -> dict:
    """The exception as plain data: its builtin base classes (for ``except ValueError`` on the
    judge's side), its message, a short traceback of the student's own frames, and, when the
    sandbox rather than the student's code is why it failed, the reason (``grader``)."""
    from course.grading.shell import grader_reason

    names = [
        cls.__name__
        for cls in type(exc).__mro__
        if getattr(builtins, cls.__name__, None) is cls and issubclass(cls, BaseException)
    ]
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a hostile __str__
        message = "<the error message could not be shown>"
    try:
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-8))
    except Exception:  # noqa: BLE001
        tb = ""
    info = {"types": names, "type": type(exc).__name__, "msg": message[:4000], "tb": tb[-6000:]}
    try:
        reason = grader_reason(exc)
    except Exception:  # noqa: BLE001 - a hostile exception
        reason = ""
    if reason:
        info["grader"] = reason[:1000]
    args = getattr(exc, "args", ())
    if isinstance(args, tuple) and all(
        type(a) in (str, int, float, bool, type(None)) for a in args
    ):
        info["args"] = [a[:4000] if isinstance(a, str) else a for a in args][:8]
    return info


class Callback:
    """A function of the judge's (a test's ``lambda``) that student code calls back into."""

    def __init__(self, worker: Worker, ident: int):
        self._worker, self._id = worker, ident

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._worker.request("cb", [self, list(args), kwargs])


def _kind(obj: Any) -> str:
    if isinstance(obj, type):
        return "class"
    if isinstance(obj, types.ModuleType):
        return "module"
    if isinstance(obj, (types.FunctionType, types.MethodType)):
        return "function"
    return "callable" if callable(obj) else "object"


class Worker:
    def __init__(self, channel: Channel):
        from course.grading.shell import GradingShell

        self.channel = channel
        self.shell = GradingShell()
        self.namespace: dict[str, Any] = self.shell.user_ns
        self.handles: dict[int, Any] = {}
        self.handle_ids: dict[int, int] = {}
        self.seq = 0
        self.capture: tuple[CappedText, CappedText] | None = None
        self.output_limit = 100_000
        self.shared = SharedArrays(sign=+1, weak=False)
        self.copies: dict[int, Any] = {}  # objects rebuilt from the judge's (kept alive: ids)
        self.lock = threading.RLock()

    # ------------------------------------------------------------------ values

    def to_ref(self, obj: Any) -> dict:
        if isinstance(obj, Callback):
            return {"CB": obj._id}
        key = id(obj)
        if key not in self.handle_ids:
            self.handle_ids[key] = len(self.handles) + 1
            self.handles[self.handle_ids[key]] = obj
        ref = {"H": self.handle_ids[key], "k": _kind(obj), "t": type(obj).__name__}
        if self.namespace.get(type(obj).__name__) is type(obj):  # a class the notebook defines
            ref["pc"] = True
        return ref

    def from_ref(self, tag: str, value: dict) -> Any:
        if tag == "H":
            return self.handles[value["H"]]
        if tag == "CB":
            return Callback(self, value["CB"])
        if tag == "RNG":
            state = value["RNG"]
            generator = np.random.Generator(getattr(np.random, state["bit_generator"])())
            generator.bit_generator.state = state
            return generator
        if tag == "PN":  # a function or class the notebook provides: this process's own
            name = value["PN"]
            if name not in self.namespace:
                raise NameError(f"name {name!r} is not defined")
            return self.namespace[name]
        if tag == "OBJ":  # an instance of a provided class: a copy, of this process's class
            cls = self._class_named(str(value["OBJ"]))
            obj = cls.__new__(cls)
            vars(obj).update(value["st"])
            self.copies[id(obj)] = obj
            return obj
        raise ValueError(f"unknown reference {tag}")

    def _class_named(self, name: str) -> type:
        if ":" in name:  # a class of the course package
            module_name, qualname = name.split(":", 1)
            if not module_name.startswith("course."):
                raise TypeError(f"cannot rebuild an object of {name}")
            cls: Any = importlib.import_module(module_name)
            for part in qualname.split("."):
                cls = getattr(cls, part)
        else:
            cls = self.namespace.get(name)
        if not isinstance(cls, type):
            raise NameError(f"class {name!r} is not defined")
        return cls

    def send(
        self, header: dict, value: Any = None, args: Any = None, mutated: list | None = None
    ) -> None:
        """Send ``value`` (a returned argument keeps its identity) and the new contents of the
        arguments the call changed in place (``mutated``: positions or keyword names)."""
        try:
            encoder = Encoder(
                self.to_ref, arg_paths(args) if args is not None else None, self.shared
            )
            header["v"] = encoder.encode(value)
            if mutated:
                plain = Encoder(self.to_ref, shared=self.shared)
                plain.blobs = encoder.blobs
                header["m"] = [[key, plain.encode(_contents(args, key))] for key in mutated]
        except Exception as exc:  # noqa: BLE001 - a value that cannot be sent is the student's error
            header.pop("v", None)
            header.pop("m", None)
            header["e"] = error_info(TypeError(f"could not send the result: {exc}"))
            encoder = Encoder(self.to_ref, shared=self.shared)
        header.update(self.shared.outgoing(encoder))
        self.channel.send(header, encoder.blobs)

    # ------------------------------------------------------------------ rpc

    def request(self, op: str, value: Any) -> Any:
        """Ask the judge (a callback) and serve its nested requests until it answers; one at a
        time, whichever of the student's threads asks."""
        with self.lock:
            return self._request(op, value)

    def _request(self, op: str, value: Any) -> Any:
        self.seq += 1
        seq = self.seq
        self.send({"q": seq, "op": op}, value)
        while True:
            header, blobs = self.channel.recv()
            self.shared.incoming(header, blobs)
            if header.get("r") == seq:
                if "e" in header:
                    raise _rebuild_error(header["e"])
                return Decoder(blobs, self.from_ref, shared=self.shared).decode(header["v"])
            self.serve_one(header, blobs, synced=True)

    def serve_forever(self) -> None:
        self.channel.send({"hello": 1}, [])
        while True:
            try:
                header, blobs = self.channel.recv()
            except ChannelClosed:
                return
            if header.get("op") == "exit":
                return
            self.serve_one(header, blobs)

    def serve_one(self, header: dict, blobs: list[bytes], synced: bool = False) -> None:
        seq, op = header.get("q"), header.get("op")
        top = self.capture is None
        if top:
            self.output_limit = int(header.get("cap", self.output_limit))
            self.capture = (CappedText(self.output_limit), CappedText(self.output_limit))
        reply: dict = {"r": seq}
        result, args = None, None
        old_err = np.geterr()
        try:
            # warnings keep the kernel's filters and registry (a warning shows once per line)
            with _redirect(*self.capture):
                if "np" in header:
                    np.seterr(**header["np"])
                if not synced:
                    self.shared.incoming(header, blobs)
                value = Decoder(blobs, self.from_ref, shared=self.shared).decode(header.get("v"))
                result, args, mutated = self.dispatch(op, value)
        except BaseException as exc:  # noqa: BLE001 - the student's code raised: report it
            if isinstance(exc, ChannelClosed):
                raise
            reply["e"] = error_info(exc)
        finally:
            np.seterr(**old_err)
            if top:
                out, err = self.capture
                reply["out"], reply["err"] = out.value(), err.value()
                self.capture = None
                self.copies.clear()
                notes = self.shell.take_notes()
                if notes:
                    reply["gn"] = [str(n)[:1000] for n in notes[:20]]
        if "e" in reply:
            encoder = Encoder(self.to_ref, shared=self.shared)
            reply.update(self.shared.outgoing(encoder))
            self.channel.send(reply, encoder.blobs)
        else:
            self.send(reply, result, args, mutated)

    def dispatch(self, op: str, value: Any) -> tuple[Any, Any, Any]:
        if op == "run":
            source, name = value
            before = {k: id(v) for k, v in self.namespace.items()}
            try:
                self.shell.run_student_cell(source, name)
            finally:
                after = {k: id(v) for k, v in self.namespace.items()}
                self.changed = sorted(
                    k
                    for k in set(before) | set(after)
                    if before.get(k) != after.get(k) and not BOOKKEEPING.match(k)
                )
            return {"changed": self.changed}, None, None
        if op == "changed":
            return getattr(self, "changed", []), None, None
        if op == "get":
            missing = object()
            found = {n: self.namespace.get(n, missing) for n in value}
            return {n: v for n, v in found.items() if v is not missing}, None, None
        if op == "call":
            target, args, kwargs = value
            before = self._mutable_state(args, kwargs)
            result = target(*args, **kwargs)
            return result, [args, kwargs], self._mutations(before, args, kwargs)
        if op == "getattr":
            return getattr(value[0], value[1]), None, None
        if op == "setattr":
            setattr(value[0], value[1], value[2])
            return None, None, None
        if op == "delattr":
            delattr(value[0], value[1])
            return None, None, None
        if op == "getitem":
            return value[0][value[1]], [value[1]], None
        if op == "setitem":
            value[0][value[1]] = value[2]
            return None, None, None
        if op == "len":
            return int(len(value[0])), None, None
        if op == "iter":
            return iter(value[0]), None, None
        if op == "next":
            return next(value[0]), None, None
        if op == "contains":
            return bool(value[1] in value[0]), None, None
        if op == "binop":
            name, left, right, reflected = value
            function = BINARY[name]
            return (function(right, left) if reflected else function(left, right)), None, None
        if op == "unop":
            return UNARY[value[0]](value[1]), None, None
        if op == "convert":
            obj, kind = value[0], value[1]
            converters = {
                "float": float,
                "int": int,
                "index": operator.index,
                "complex": complex,
                "repr": repr,
                "str": str,
            }
            if kind == "format":
                return format(obj, value[2]), None, None
            return converters[kind](obj), None, None
        if op == "isinstance":
            return bool(isinstance(value[0], value[1])), None, None
        if op == "issubclass":
            return bool(isinstance(value[0], type) and issubclass(value[0], value[1])), None, None
        if op == "info":
            return self._info(value[0]), None, None
        raise ValueError(f"unknown request {op!r}")

    def _info(self, obj: Any) -> dict:
        function = getattr(obj, "__func__", obj)
        code = getattr(function, "__code__", None)
        info = {
            "kind": _kind(obj),
            "type": type(obj).__name__,
            "name": str(getattr(obj, "__name__", "")),
            "qualname": str(getattr(obj, "__qualname__", "")),
            "module": str(getattr(obj, "__module__", "") or ""),
        }
        if isinstance(code, types.CodeType):
            info.update(file=code.co_filename, line=code.co_firstlineno, code_name=code.co_name)
        if isinstance(obj, type):
            info["methods"] = {
                k: v for k, v in vars(obj).items() if isinstance(v, types.FunctionType)
            }
        if isinstance(obj, types.ModuleType):
            info["name"] = obj.__name__
        return info

    def _is_copy(self, obj: Any) -> bool:
        return id(obj) in self.copies and self.copies[id(obj)] is obj

    def _mutable_state(self, args: list, kwargs: dict) -> dict:
        state = {}
        for key, arg in [*enumerate(args), *kwargs.items()]:
            if isinstance(arg, (list, dict, np.random.Generator)):  # arrays are kept in step anyway
                state[key] = _snapshot(arg, self.copies)
            elif self._is_copy(arg):
                state[key] = _snapshot(dict(vars(arg)), self.copies)
        return state

    def _mutations(self, before: dict, args: list, kwargs: dict) -> list:
        changed = []
        for key, snap in before.items():
            arg = args[key] if isinstance(key, int) else kwargs[key]
            if _snapshot(dict(vars(arg)) if self._is_copy(arg) else arg, self.copies) != snap:
                changed.append(key)
        return changed


def _contents(args: list, key: int | str) -> Any:
    positional, keywords = args
    arg = positional[key] if isinstance(key, int) else keywords[key]
    if isinstance(arg, np.random.Generator):
        return {"RNG": arg.bit_generator.state}
    return arg if isinstance(arg, (list, dict)) else dict(vars(arg))  # a provided object's copy


def _snapshot(value: Any, copies: dict[int, Any] | None = None) -> Any:
    """A cheap fingerprint of a container's contents (to tell whether a call changed it); the
    attributes of ``copies`` (objects rebuilt from the judge's) count as contents too."""
    if isinstance(value, np.random.Generator):
        return repr(value.bit_generator.state)
    if isinstance(value, np.ndarray):
        return (value.shape, value.dtype.str, value.tobytes())
    if isinstance(value, list):
        return ("list", tuple(_snapshot(v, copies) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((repr(k), _snapshot(v, copies)) for k, v in value.items()))
    if copies and id(value) in copies and copies[id(value)] is value:
        return ("copy", _snapshot(dict(vars(value)), copies))
    return ("id", id(value))


def _rebuild_error(info: dict) -> BaseException:
    base = next(
        (getattr(builtins, n) for n in info.get("types", []) if hasattr(builtins, n)), Exception
    )
    return base(info.get("msg", ""))


class _redirect:
    def __init__(self, out: io.TextIOBase, err: io.TextIOBase):
        self.out, self.err = out, err

    def __enter__(self) -> None:
        self.saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self.out, self.err

    def __exit__(self, *exc: Any) -> None:
        sys.stdout, sys.stderr = self.saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fd", type=int, required=True)
    options = parser.parse_args()
    # a kernel's backend: plt.show() displays (no "cannot be shown" warning on stderr)
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    sys.path.insert(0, ".")
    sock = socket.socket(fileno=options.fd)
    Worker(Channel(sock)).serve_forever()


if __name__ == "__main__":
    main()
