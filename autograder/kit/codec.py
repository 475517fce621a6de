"""The reference's recorded answers: how calls are keyed and values stored (numpy without pickle, JSON).

Shared, as one file, by the recorder (``autograder release``, trusted side) and the student kit,
which carries a copy of this module: a call is keyed by a hash of the function name and its
arguments, so the kit answers exactly the calls it was built with and no other.
Python 3.10 compatible: the kit runs on Colab's and JupyterHub's interpreters.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

import numpy as np


class Unrecordable(TypeError):
    """A value the kit cannot carry as data (a model, a tensor, a function)."""


def call_key(function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """A stable hash of one call: the function's name and its arguments' exact values."""
    digest = hashlib.sha256(function.encode())
    _feed(digest, args)
    _feed(digest, dict(sorted(kwargs.items())))
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:
    if value is None or isinstance(value, (bool, str)):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        digest.update(f"int:{int(value)};".encode())
    elif isinstance(value, (float, np.floating)) and np.ndim(value) == 0 and not isinstance(value, np.ndarray):
        digest.update(b"float:" + struct.pack("<d", float(value)) + b";")
    elif isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        if array.dtype.kind not in "biufcU":
            raise Unrecordable(f"an array of dtype {array.dtype}")
        digest.update(f"ndarray:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    elif isinstance(value, (tuple, list)):
        digest.update(f"{type(value).__name__}:{len(value)}[".encode())
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    elif isinstance(value, dict):
        digest.update(f"dict:{len(value)}{{".encode())
        for key, item in value.items():
            _feed(digest, key)
            _feed(digest, item)
        digest.update(b"}")
    else:
        raise Unrecordable(f"a {type(value).__module__}.{type(value).__name__}")


def encode(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    """``value`` as JSON data; arrays go into ``arrays`` (saved with ``np.savez``)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float):
        return {"float": repr(value)} if isinstance(value, float) else value
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind not in "biufcU":
            raise Unrecordable(f"an array of dtype {array.dtype}")
        key = f"a{len(arrays)}"
        arrays[key] = array
        return {"array": key, "scalar": isinstance(value, np.generic)}
    if isinstance(value, tuple):
        return {"tuple": [encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [encode(v, arrays) for v in value]
    if isinstance(value, dict):
        return {"dict": [[encode(k, arrays), encode(v, arrays)] for k, v in value.items()]}
    raise Unrecordable(f"a {type(value).__module__}.{type(value).__name__}")


def decode(data: Any, arrays: Any) -> Any:
    """The value :func:`encode` stored (a fresh copy every time)."""
    if data is None or isinstance(data, (bool, str, int)):
        return data
    if isinstance(data, list):
        return [decode(v, arrays) for v in data]
    if "float" in data:
        return float(data["float"])
    if "array" in data:
        array = np.array(arrays[data["array"]])
        return array[()] if data["scalar"] else array
    if "tuple" in data:
        return tuple(decode(v, arrays) for v in data["tuple"])
    return {decode(k, arrays): decode(v, arrays) for k, v in data["dict"]}
