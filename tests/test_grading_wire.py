"""What crosses from the student's process to the judge: only genuine plain data, whatever bytes
arrive (course.grading.wire)."""

from __future__ import annotations

import gc
import json

import numpy as np
import pytest

from course.grading.wire import Decoder, Encoder, ProtocolError, SharedArrays


def roundtrip(value, shared_out=None, shared_in=None):
    encoder = Encoder(lambda obj: None, shared=shared_out)
    encoded = json.loads(json.dumps(encoder.encode(value)))  # through JSON, as on the wire
    return Decoder(encoder.blobs, lambda tag, body: None, shared=shared_in).decode(encoded)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        -(2**70),
        2.5,
        float("inf"),
        "text",
        b"\x00\xff",
        1 + 2j,
        [1, [2.0, "x"]],
        (1, (2,)),
        {"a": 1, 2: [3], (1, 2): None},
        {1, 2},
        frozenset({"a"}),
        slice(1, None, 2),
        Ellipsis,
    ],
)
def test_plain_values_come_back_equal_and_of_the_same_type(value):
    back = roundtrip(value)
    assert back == value and type(back) is type(value)


@pytest.mark.parametrize(
    "dtype", ["float64", "float32", "float16", "int64", "uint8", "bool", "complex128", "<U3"]
)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3)])
def test_arrays_keep_dtype_and_shape(dtype, shape):
    array = np.arange(int(np.prod(shape)) or 0).reshape(shape).astype(dtype)
    back = roundtrip(array)
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array)


def test_numpy_scalars_and_subclasses_arrive_as_plain_numpy():
    assert type(roundtrip(np.float32(1.5))) is np.float32

    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

    back = roundtrip(np.zeros(3).view(Liar))
    assert type(back) is np.ndarray and not np.array_equal(back, np.ones(3))


def test_objects_that_are_not_plain_data_are_refused_without_a_handle_table():
    with pytest.raises(TypeError):
        roundtrip(object())
    with pytest.raises(TypeError):
        roundtrip(np.array([object()]))


def decode(encoded, blobs=()):
    return Decoder(list(blobs), lambda tag, body: (_ for _ in ()).throw(ProtocolError(tag))).decode(
        encoded
    )


@pytest.mark.parametrize(
    "encoded, blobs",
    [
        ([1, 2], []),  # an untagged list
        ({"A": 0, "dt": "|O", "sh": [1]}, [b"\x00" * 8]),  # object dtype: pointers
        ({"A": 0, "dt": "V8", "sh": [1]}, [b"\x00" * 8]),  # raw bytes dtype
        ({"A": 0, "dt": "<f8", "sh": [2]}, [b"\x00" * 8]),  # bytes do not match the shape
        ({"A": 0, "dt": "<f8", "sh": [-1]}, [b""]),
        ({"A": 3, "dt": "<f8", "sh": [1]}, [b"\x00" * 8]),  # no such blob
        ({"D": [[[1], 2]]}, []),  # malformed key
        ({"D": [[{"L": [1]}, 2]]}, []),  # unhashable key
        ({"Zzz": 1}, []),  # unknown tag
        ({"TY": "object"}, []),
        ({"SH": 5}, []),  # a shared array without a registry
    ],
)
def test_malformed_or_dangerous_values_are_protocol_errors(encoded, blobs):
    with pytest.raises(ProtocolError):
        decode(encoded, blobs)


def test_deep_nesting_is_refused():
    value = 1
    for _ in range(200):
        value = {"L": [value]}
    with pytest.raises(ProtocolError):
        decode(value)


def test_shared_arrays_stay_in_step_and_keep_their_identity():
    judge, student = SharedArrays(sign=-1, weak=True), SharedArrays(sign=+1, weak=False)
    x = np.zeros(3)
    theirs = roundtrip(x, judge, student)  # the judge passes x to the student
    theirs[1] = 5.0  # the student changes it in place
    encoder = Encoder(lambda obj: None, shared=student)
    update = student.outgoing(encoder)
    assert [sid for sid, _ in update["sync"]] == [judge.id_of(x)]
    judge.incoming(update, encoder.blobs)
    assert x[1] == 5.0  # the judge's own object changed
    assert roundtrip(theirs, student, judge) is x  # sending it back gives the same object
    assert not student.outgoing(Encoder(lambda obj: None, shared=student))  # nothing left to send


def test_the_weak_side_tells_the_other_when_it_lets_an_array_go():
    judge = SharedArrays(sign=-1, weak=True)
    sid = judge.add(np.ones(2))
    judge.unpin()
    gc.collect()
    assert judge.outgoing(Encoder(lambda obj: None, shared=judge)) == {"drop": [sid]}
