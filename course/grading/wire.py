"""What crosses between the judge and the student worker: framed messages of *plain data*.

A message is a JSON header plus binary blobs (array bytes). Values are encoded as a tagged tree:
JSON numbers, strings, booleans and null stand for themselves; everything else is a one-key
object (``{"L": [...]}`` a list, ``{"A": blob, "dt": "<f8", "sh": [2, 3]}`` an array, ...).

The judge decodes with :func:`decode`, which builds *new, genuine* Python and numpy objects from the
bytes: an array arrives as a real ``numpy.ndarray`` of an allow-listed dtype, a float as a real
``float``. Whatever the student's process sends (its encoder is not trusted: student code can
patch it), the judge gets no object with student-defined behaviour, so nothing that arrives can
"compare equal to anything" or lie about its shape. Objects that are not plain data stay in the
student's process and arrive as a *handle* (``{"H": id}``), which the judge wraps in a proxy.
"""

from __future__ import annotations

import json
import socket
import struct
from collections.abc import Callable
from typing import Any

import numpy as np

HEADER = struct.Struct("!II")  # JSON length, number of blobs
BLOB = struct.Struct("!Q")
MAX_JSON = 64 * 2**20
MAX_MESSAGE = 256 * 2**20
MAX_DEPTH = 64

# dtypes that carry only numbers, booleans or fixed-width text (never Python objects)
ALLOWED_KINDS = set("biufcU")


# Operators a proxy forwards, by their ``operator`` module names (``and_`` is ``a & b``).
BINARY_OPERATORS = (
    "add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul",
    "and_", "or_", "xor", "lshift", "rshift",
)  # fmt: skip
UNARY_OPERATORS = ("neg", "pos", "abs", "invert")


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed message of plain data."""


class ChannelClosed(ProtocolError):
    """The other side closed the connection (for the judge: the student worker died)."""


class Channel:
    """One end of a socketpair carrying framed messages; ``deadline`` (a ``time.monotonic``
    value or None) bounds every receive."""

    def __init__(self, sock: socket.socket):
        self.sock = sock

    def send(self, header: dict, blobs: list[bytes]) -> None:
        payload = json.dumps(header, allow_nan=True, separators=(",", ":")).encode()
        parts = [HEADER.pack(len(payload), len(blobs)), payload]
        for blob in blobs:
            parts.append(BLOB.pack(len(blob)))
            parts.append(blob)
        if sum(map(len, parts)) < 2**20:
            parts = [b"".join(parts)]  # one system call; large blobs are sent without a copy
        try:
            for part in parts:
                self.sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            raise ChannelClosed(f"the connection is closed ({exc})") from None

    def _read(self, n: int, timeout: float | None) -> bytes:
        self.sock.settimeout(timeout)
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            try:
                k = self.sock.recv_into(view[got:], n - got)
            except TimeoutError:
                raise
            except (ConnectionResetError, OSError) as exc:
                raise ChannelClosed(f"the connection broke ({exc})") from None
            if k == 0:
                raise ChannelClosed("the other side closed the connection")
            got += k
        return bytes(buf)

    def recv(self, timeout: float | None = None) -> tuple[dict, list[bytes]]:
        json_len, n_blobs = HEADER.unpack(self._read(HEADER.size, timeout))
        if json_len > MAX_JSON or n_blobs > 1_000_000:
            raise ProtocolError(f"message header too large ({json_len} bytes, {n_blobs} blobs)")
        try:
            header = json.loads(self._read(json_len, timeout))
        except ValueError as exc:
            raise ProtocolError(f"message is not JSON: {exc}") from None
        if not isinstance(header, dict):
            raise ProtocolError("message header is not an object")
        blobs, total = [], json_len
        for _ in range(n_blobs):
            (size,) = BLOB.unpack(self._read(BLOB.size, timeout))
            total += size
            if total > MAX_MESSAGE:
                raise ProtocolError(f"message larger than {MAX_MESSAGE} bytes")
            blobs.append(self._read(size, timeout))
        return header, blobs


# --------------------------------------------------------------------------- encoding


class Encoder:
    """Encode a value for sending. ``to_ref(obj)`` returns a one-key dict for objects that are not
    plain data (a handle, a callback) or None to refuse them; ``arg_ids`` maps ``id()`` of objects
    the other side sent in this call to a path, so a returned argument keeps its identity."""

    def __init__(
        self,
        to_ref: Callable[[Any], dict | None],
        arg_ids: dict[int, list] | None = None,
        shared: SharedArrays | None = None,
    ):
        self.to_ref = to_ref
        self.arg_ids = arg_ids or {}
        self.shared = shared
        self.blobs: list[bytes] = []

    def blob(self, data: bytes) -> int:
        self.blobs.append(data)
        return len(self.blobs) - 1

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ValueError("value nested too deeply to send")
        path = self.arg_ids.get(id(value))
        if path is not None and not isinstance(value, (bool, int, float, str, type(None))):
            return {"R": path}
        if value is None or isinstance(value, (bool, str)):
            return value if type(value) in (bool, str, type(None)) else self._scalar(value)
        if type(value) is int:
            return value
        if type(value) is float:
            return value
        if isinstance(value, np.ndarray) and value.dtype.kind in ALLOWED_KINDS:
            if self.shared is not None:
                known = self.shared.id_of(value)
                if known is not None and not self.shared.always_inline:
                    return {"SH": known}
                if known is not None:
                    self.shared.snapshots[known] = np.asarray(value).tobytes()
                return {**self.array(value), "id": known or self.shared.add(value)}
            return self.array(value)
        if isinstance(value, np.generic) and np.dtype(type(value)).kind in ALLOWED_KINDS:
            array = np.asarray(value)
            return {"S": self.blob(array.tobytes()), "dt": array.dtype.str}
        if type(value) is complex:
            return {"C": [value.real, value.imag]}
        if type(value) in (list, tuple):
            return {"L" if type(value) is list else "T": [self.encode(v, depth + 1) for v in value]}
        if type(value) is dict:
            return {
                "D": [
                    [self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()
                ]
            }
        if type(value) in (set, frozenset):
            return {
                "SET": [self.encode(v, depth + 1) for v in value],
                "fz": type(value) is frozenset,
            }
        if type(value) is bytes:
            return {"B": self.blob(value)}
        if type(value) is slice:
            return {
                "SL": [self.encode(value.start), self.encode(value.stop), self.encode(value.step)]
            }
        if value is Ellipsis:
            return {"E": 1}
        if isinstance(value, np.dtype):
            return {"DT": value.str}
        if isinstance(value, type) and value in PLAIN_TYPES.values():
            return {"TY": next(k for k, v in PLAIN_TYPES.items() if v is value)}
        ref = self.to_ref(value)
        if ref is None:
            raise TypeError(
                f"a {type(value).__name__} object cannot be passed to the other process"
            )
        if "OBJ" in ref:  # a copy of an object: its attributes are plain data or references
            return {"OBJ": ref["OBJ"], "st": self.encode(ref["st"], depth + 1)}
        return ref

    def array(self, value: np.ndarray) -> dict:
        array = np.asarray(value)  # (np.ascontiguousarray would turn a 0-d array into 1-d)
        return {
            "A": self.blob(array.tobytes(order="C")),
            "dt": array.dtype.str,
            "sh": list(array.shape),
        }

    def _scalar(self, value: Any) -> Any:  # subclasses of bool/str (student side only)
        return bool(value) if isinstance(value, bool) else str(value)


PLAIN_TYPES: dict[str, type] = {
    "int": int,
    "float": float,
    "bool": bool,
    "str": str,
    "complex": complex,
    "list": list,
    "tuple": tuple,
    "dict": dict,
    "set": set,
    "bytes": bytes,
    "float64": np.float64,
    "float32": np.float32,
    "float16": np.float16,
    "int64": np.int64,
    "int32": np.int32,
    "int8": np.int8,
    "uint8": np.uint8,
    "bool_": np.bool_,
}


class Decoder:
    """Decode a received value into genuine plain objects; ``from_ref(tag, body)`` turns handles
    and callbacks into local objects; ``args`` resolves ``{"R": path}`` back to the objects sent."""

    def __init__(
        self,
        blobs: list[bytes],
        from_ref: Callable[[str, Any], Any],
        args: Any = None,
        shared: SharedArrays | None = None,
    ):
        self.blobs = blobs
        self.from_ref = from_ref
        self.args = args
        self.shared = shared
        self.count = 0

    def decode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ProtocolError("value nested too deeply")
        self.count += 1
        if self.count > 10_000_000:
            raise ProtocolError("value has too many parts")
        if value is None or type(value) in (bool, int, float, str):
            return value
        if type(value) is list:  # never produced by the encoder
            raise ProtocolError("untagged list")
        if type(value) is not dict or len(value) == 0:
            raise ProtocolError("malformed value")
        if "A" in value:
            array = self._array(value)
            if self.shared is not None and "id" in value:
                return self.shared.receive(value["id"], array)
            return array
        if "SH" in value:
            if self.shared is None:
                raise ProtocolError("unexpected shared array")
            return self.shared.get(value["SH"])
        if "S" in value:
            return self._array({**value, "A": value["S"], "sh": []})[()]
        if "L" in value or "T" in value:
            items = value.get("L", value.get("T"))
            if type(items) is not list:
                raise ProtocolError("malformed list")
            out = [self.decode(v, depth + 1) for v in items]
            return out if "L" in value else tuple(out)
        if "D" in value:
            pairs = value["D"]
            if type(pairs) is not list or any(type(p) is not list or len(p) != 2 for p in pairs):
                raise ProtocolError("malformed dict")
            result = {}
            for k, v in pairs:
                key = self.decode(k, depth + 1)
                try:
                    hash(key)
                except TypeError:
                    raise ProtocolError("unhashable dict key") from None
                result[key] = self.decode(v, depth + 1)
            return result
        if "SET" in value:
            items = [self.decode(v, depth + 1) for v in _list(value["SET"])]
            try:
                return frozenset(items) if value.get("fz") else set(items)
            except TypeError:
                raise ProtocolError("unhashable set item") from None
        if "C" in value:
            re_im = _list(value["C"])
            if len(re_im) != 2 or any(type(x) not in (int, float) for x in re_im):
                raise ProtocolError("malformed complex")
            return complex(*re_im)
        if "B" in value:
            return bytes(self._blob(value["B"]))
        if "SL" in value:
            parts = [self.decode(v, depth + 1) for v in _list(value["SL"])]
            if len(parts) != 3:
                raise ProtocolError("malformed slice")
            return slice(*parts)
        if "E" in value:
            return Ellipsis
        if "DT" in value:
            return _dtype(value["DT"])
        if "TY" in value:
            if value["TY"] not in PLAIN_TYPES:
                raise ProtocolError("unknown type name")
            return PLAIN_TYPES[value["TY"]]
        if "R" in value:
            return self._arg(value["R"])
        if "OBJ" in value:
            state = self.decode(value.get("st"), depth + 1)
            if type(state) is not dict:
                raise ProtocolError("malformed object copy")
            return self.from_ref("OBJ", {"OBJ": value["OBJ"], "st": state})
        return self.from_ref(next(iter(value)), value)

    def _blob(self, index: Any) -> bytes:
        if type(index) is not int or not 0 <= index < len(self.blobs):
            raise ProtocolError("bad blob index")
        return self.blobs[index]

    def _array(self, value: dict) -> np.ndarray:
        dtype = _dtype(value.get("dt"))
        shape = value.get("sh")
        if (
            type(shape) is not list
            or any(type(n) is not int or n < 0 for n in shape)
            or len(shape) > 32
        ):
            raise ProtocolError("malformed array shape")
        data = self._blob(value["A"])
        size = 1
        for n in shape:
            size *= n
        if size * dtype.itemsize != len(data):
            raise ProtocolError("array bytes do not match its shape and dtype")
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()

    def _arg(self, path: Any) -> Any:
        obj = self.args
        for step in _list(path):
            try:
                obj = obj[step]
            except (KeyError, IndexError, TypeError):
                raise ProtocolError("bad argument reference") from None
        return obj


def _list(value: Any) -> list:
    if type(value) is not list:
        raise ProtocolError("malformed value")
    return value


def _dtype(text: Any) -> np.dtype:
    if type(text) is not str or len(text) > 16:
        raise ProtocolError("malformed dtype")
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise ProtocolError(f"unknown dtype {text!r}") from None
    if dtype.kind not in ALLOWED_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ProtocolError(f"dtype {text!r} is not plain data")
    return dtype


def arg_paths(
    args: Any, path: list | None = None, out: dict[int, list] | None = None
) -> dict[int, list]:
    """``id()`` -> path of every container reachable in ``args`` (arrays, lists, dicts), so an
    object handed back keeps its identity on the other side."""
    out = {} if out is None else out
    path = [] if path is None else path
    if isinstance(args, (np.ndarray, list, dict)) and id(args) not in out:
        out[id(args)] = list(path)
    if isinstance(args, (list, tuple)):
        for i, item in enumerate(args):
            arg_paths(item, path + [i], out)
    elif isinstance(args, dict):
        for key, item in args.items():
            if type(key) in (str, int):
                arg_paths(item, path + [key], out)
    return out


class SharedArrays:
    """Arrays that have crossed between the two processes, by id, kept in step.

    Python passes arrays by reference: a test hands ``x`` to the student's function, which changes
    it in place and calls back a test function that reads ``x``; or the test changes
    ``model.wte[2]`` and expects the student's model to see it. Each side keeps its own copy of
    every array that crossed (ids: negative for the judge's, positive for the student's), and
    before every message either side sends, it sends the arrays it changed since the last
    message (:meth:`changes`), which the receiver copies into its own (:meth:`apply`). Execution
    alternates strictly between the sides, so both always see the same contents.
    """

    def __init__(self, sign: int, weak: bool):
        self.sign = sign
        self.weak = weak
        # The judge holds arrays weakly (and tells the student when it let one go), so the student
        # always sends an array's data with its id: the judge may no longer have it.
        self.always_inline = not weak
        self.next = 0
        self.by_id: dict[int, Any] = {}
        self.ids: dict[int, int] = {}  # id(array) -> shared id
        self.snapshots: dict[int, bytes] = {}
        self.dropped: list[int] = []
        self.pinned: list[np.ndarray] = []  # weak side: alive at least until unpin()
        self.pending: list[
            tuple[int, np.ndarray]
        ] = []  # changes of arrays let go since the last send

    def _store(self, sid: int, array: np.ndarray) -> None:
        import weakref

        if self.weak:
            key = id(array)

            def forget(_ref: Any, sid: int = sid, key: int = key) -> None:
                self.by_id.pop(sid, None)
                self.snapshots.pop(sid, None)
                if self.ids.get(key) == sid:
                    del self.ids[key]
                self.dropped.append(sid)

            self.by_id[sid] = weakref.ref(array, forget)
            self.pinned.append(array)
        else:
            self.by_id[sid] = array
        self.ids[id(array)] = sid
        self.snapshots[sid] = array.tobytes()

    def id_of(self, array: np.ndarray) -> int | None:
        sid = self.ids.get(id(array))
        return sid if sid is not None and self.get_or_none(sid) is array else None

    def add(self, array: np.ndarray) -> int:
        self.next += 1
        sid = self.sign * self.next
        self._store(sid, array)
        return sid

    def receive(self, sid: Any, array: np.ndarray) -> np.ndarray:
        """An array the other side sent with its id: the same object as before if this side
        still has it (now updated), else a new entry."""
        if type(sid) is not int or sid == 0:
            raise ProtocolError("bad shared array id")
        mine = (sid > 0) == (self.sign > 0)
        known = self.get_or_none(sid)
        if known is not None:
            if known.shape == array.shape and known.dtype == array.dtype:
                np.copyto(known, array)
                self.snapshots[sid] = known.tobytes()
                return known
            return array
        if mine and abs(sid) > self.next:
            raise ProtocolError("unknown shared array")
        if sid in self.dropped:  # let go here but still alive there: take it back
            self.dropped.remove(sid)
        self._store(sid, array)
        return array

    def get_or_none(self, sid: int) -> np.ndarray | None:
        entry = self.by_id.get(sid)
        return entry() if self.weak and entry is not None else entry

    def get(self, sid: Any) -> np.ndarray:
        array = self.get_or_none(sid) if type(sid) is int else None
        if array is None:
            raise ProtocolError("unknown shared array")
        return array

    def drop(self, sids: Any) -> None:
        for sid in sids if type(sids) is list else []:
            array = self.get_or_none(sid) if type(sid) is int else None
            if array is not None:
                self.ids.pop(id(array), None)
            self.by_id.pop(sid, None)
            self.snapshots.pop(sid, None)

    def unpin(self) -> None:
        """End of a test cell: arrays only the cell used may go now. A temporary the cell changed
        (``model.wte[2] += 1`` changes a copy nobody keeps) is still sent with the next message."""
        self.pending.extend(self.changes())
        self.pinned = []

    def changes(self) -> list[tuple[int, np.ndarray]]:
        """Arrays whose contents changed since they were last sent or received."""
        changed = []
        for sid in list(self.by_id):
            array = self.get_or_none(sid)
            if array is None:
                continue
            data = array.tobytes()
            if data != self.snapshots.get(sid):
                self.snapshots[sid] = data
                changed.append((sid, array))
        return changed

    def apply(self, sid: Any, new: Any) -> None:
        array = self.get_or_none(sid) if type(sid) is int else None
        if array is None:
            return  # gone on this side already (its drop is on the way)
        if not isinstance(new, np.ndarray) or new.shape != array.shape or new.dtype != array.dtype:
            return  # reshaped or retyped in place: the other side's copy is kept as it was
        np.copyto(array, new)
        self.snapshots[sid] = array.tobytes()

    def outgoing(self, encoder: Encoder) -> dict:
        """The sync part of a message about to be sent: changed arrays and dropped ids."""
        part: dict = {}
        changes, self.pending = self.pending + self.changes(), []
        if changes:
            part["sync"] = [[sid, encoder.array(array)] for sid, array in changes]
        if self.dropped:
            part["drop"], self.dropped = self.dropped, []
        return part

    def incoming(self, header: dict, blobs: list[bytes]) -> None:
        """Apply the sync part of a received message."""
        self.drop(header.get("drop"))
        sync = header.get("sync")
        if sync is None:
            return
        if type(sync) is not list:
            raise ProtocolError("malformed sync")
        decoder = Decoder(blobs, lambda tag, value: None)
        for item in sync:
            if type(item) is not list or len(item) != 2 or type(item[1]) is not dict:
                raise ProtocolError("malformed sync entry")
            self.apply(item[0], decoder._array(item[1]))
