"""Turn a value into tagged JSON data (runs INSIDE the sandbox; stdlib + numpy only).

Only values whose type is *exactly* one of the plain types are encoded structurally
(``type(x) is int``, never ``isinstance``), so a subclass made by the submission (an
``int`` whose ``__eq__`` always says True, a ``list`` with a lying ``__len__``) is not
taken for the real thing: it falls to its ``repr``, computed here in the sandbox, and
compares as text. The trusted side (``grader.values``) compares the data and never
sees a live object.

Tags (``"t"``): none, bool, int, float, complex, str, bytes, list, tuple, dict, set,
frozenset, ndarray, repr, cycle. Floats travel as ``repr`` text so NaN and the
infinities survive JSON; ints as decimal text (hex past 4000 digits).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

_np: ModuleType | None
try:  # NumPy is optional inside the sandbox
    import numpy as _np
except ImportError:  # pragma: no cover - numpy is installed in this project
    _np = None

MAX_NODES = 200_000  # a value bigger than this is "too large to compare"
MAX_DEPTH = 200
MAX_STR = 1_000_000  # characters of a str, bytes or repr
REPR_CAP = 2_000

_NP_SCALARS: dict[type, str] = {}
if _np is not None:
    for _t in set(_np.sctypeDict.values()):
        if isinstance(_t, type) and issubclass(_t, _np.generic):
            if issubclass(_t, _np.bool_):
                _NP_SCALARS[_t] = "bool"
            elif issubclass(_t, _np.integer):
                _NP_SCALARS[_t] = "int"
            elif issubclass(_t, _np.floating):
                _NP_SCALARS[_t] = "float"
            elif issubclass(_t, _np.complexfloating):
                _NP_SCALARS[_t] = "complex"
    _NDARRAY: type | None = _np.ndarray
else:  # pragma: no cover
    _NDARRAY = None


class TooLarge(Exception):
    """The value has more parts than the grader compares."""


_DECIMAL_LIMIT = 10**4000  # str(int) refuses more than 4300 digits by default


def _int(x: int) -> dict[str, Any]:
    if -_DECIMAL_LIMIT < x < _DECIMAL_LIMIT:
        return {"t": "int", "v": str(x)}
    return {"t": "int", "x": hex(x)}


def _float(x: float) -> dict[str, Any]:
    return {"t": "float", "v": float.__repr__(x)}


def _complex(x: complex) -> dict[str, Any]:
    return {"t": "complex", "re": float.__repr__(x.real), "im": float.__repr__(x.imag)}


def _safe_repr(x: Any) -> str:
    try:
        text = repr(x)
        if type(text) is not str:
            raise TypeError
    except BaseException:  # noqa: BLE001 - any failure of the submission's __repr__
        try:
            name = type(x).__qualname__
            name = name if type(name) is str else "object"
        except BaseException:  # noqa: BLE001
            name = "object"
        text = f"<unrepresentable {name}>"
    if len(text) > REPR_CAP:
        text = text[:REPR_CAP] + "..."
    return text


def make_encoder() -> Callable[[Any], dict[str, Any]]:
    """A fresh ``encode`` whose helpers are bound now, as closure variables.

    The probe makes its encoder before the submission runs, so a submission that
    rebinds this module's globals (``encode``, ``_enc``, the NumPy type table) does not
    change how the probe encodes its values.
    """
    np_scalars = dict(_NP_SCALARS)
    ndarray = _NDARRAY
    enc_int, enc_float, enc_complex = _int, _float, _complex
    safe_repr, safe_type_name = _safe_repr, _safe_type_name
    too_large = TooLarge
    max_nodes, max_depth, max_str = MAX_NODES, MAX_DEPTH, MAX_STR
    b64 = base64.b64encode
    list_iter, dict_items = list.__iter__, dict.items

    def enc(x: Any, depth: int, budget: list[int], active: set[int]) -> dict[str, Any]:
        budget[0] -= 1
        if budget[0] < 0 or depth > max_depth:
            raise too_large
        t = type(x)
        if x is None:
            return {"t": "none"}
        if t is bool:
            return {"t": "bool", "v": x is True}
        if t is int:
            return enc_int(x)
        if t is float:
            return enc_float(x)
        if t is complex:
            return enc_complex(x)
        if t is str:
            if len(x) > max_str:
                raise too_large
            return {"t": "str", "v": x}
        if t is bytes or t is bytearray:
            if len(x) > max_str:
                raise too_large
            return {"t": "bytes", "v": b64(bytes(x)).decode("ascii")}
        if t in np_scalars:
            kind = np_scalars[t]
            if kind == "bool":
                return {"t": "bool", "v": bool(x)}
            if kind == "int":
                return enc_int(int(x))
            if kind == "float":
                return enc_float(float(x))
            return enc_complex(complex(x))
        if t is list or t is tuple or t is set or t is frozenset or t is dict:
            key = id(x)
            if key in active:
                return {"t": "cycle"}
            active.add(key)
            try:
                if t is dict:
                    items = [
                        [enc(k, depth + 1, budget, active), enc(v, depth + 1, budget, active)]
                        for k, v in dict_items(x)
                    ]
                    return {"t": "dict", "v": items}
                # Only exact types reach here, so the base type's own iterator is used.
                it = list_iter(x) if t is list else iter(x)
                return {"t": t.__name__, "v": [enc(e, depth + 1, budget, active) for e in it]}
            finally:
                active.discard(key)
        if ndarray is not None and t is ndarray:
            if x.size > max_nodes:
                raise too_large
            # tolist() gives Python numbers/str/bytes for the plain dtypes; the objects of
            # an object array come back as they are and meet the same exact-type rules.
            data = [enc(e, depth + 1, budget, active) for e in x.ravel().tolist()]
            return {"t": "ndarray", "dtype": str(x.dtype), "shape": list(x.shape), "v": data}
        return {"t": "repr", "v": safe_repr(x), "type": safe_type_name(x)}

    def encode(value: Any) -> dict[str, Any]:
        """Tagged JSON data for ``value``; raises TooLarge past MAX_NODES / MAX_DEPTH."""
        return enc(value, 0, [max_nodes], set())

    return encode


def _safe_type_name(x: Any) -> str:
    try:
        name = type(x).__qualname__
        return name if type(name) is str else "object"
    except BaseException:  # noqa: BLE001
        return "object"


encode = make_encoder()


# --------------------------------------------------------------- the trusted side's check

_INT_TEXT = re.compile(r"-?[0-9]+")
_HEX_TEXT = re.compile(r"-?0x[0-9a-f]+")
_B64_TEXT = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_FLOAT_TEXT = re.compile(r"-?(?:inf|nan|[0-9]+(?:\.[0-9]*)?(?:e[-+]?[0-9]+)?)")
_EMPTY_TAGS = frozenset({"none", "cycle"})
_TEXT_TAGS = {"str": None, "repr": None, "bytes": _B64_TEXT}
_SEQUENCE_TAGS = frozenset({"list", "tuple", "set", "frozenset"})


def well_formed(value: Any) -> bool:
    """Whether ``value`` is tagged data exactly as ``encode`` writes it.

    Runs on the trusted side, on what a sandbox reported, before anything reads it:
    every node has the fields of its tag and no other, of the right JSON types; there
    are at most ``MAX_NODES`` nodes, nested at most ``MAX_DEPTH`` deep. Comparing and
    rendering can then neither raise nor recurse past the interpreter's limit,
    whatever the submission's process wrote. Iterative, so a hostile depth costs no
    stack.
    """
    budget = MAX_NODES
    todo: list[tuple[Any, int]] = [(value, 0)]
    while todo:
        node, depth = todo.pop()
        budget -= 1
        if budget < 0 or depth > MAX_DEPTH or type(node) is not dict:
            return False
        tag = node.get("t")
        keys = node.keys()
        if tag in _EMPTY_TAGS:
            ok = keys == {"t"}
        elif tag == "bool":
            ok = keys == {"t", "v"} and type(node["v"]) is bool
        elif tag == "int":
            ok = (keys == {"t", "v"} and _text(node["v"], _INT_TEXT)) or (
                keys == {"t", "x"} and _text(node["x"], _HEX_TEXT)
            )
        elif tag == "float":
            ok = keys == {"t", "v"} and _text(node["v"], _FLOAT_TEXT)
        elif tag == "complex":
            ok = keys == {"t", "re", "im"} and all(
                _text(node[k], _FLOAT_TEXT) for k in ("re", "im")
            )
        elif tag in _TEXT_TAGS:
            wanted = {"t", "v", "type"} if tag == "repr" else {"t", "v"}
            ok = keys == wanted and all(type(node[k]) is str for k in wanted - {"t"})
            pattern = _TEXT_TAGS[tag]
            ok = ok and (pattern is None or _text(node["v"], pattern))
        elif tag in _SEQUENCE_TAGS or tag == "dict":
            ok = keys == {"t", "v"} and type(node["v"]) is list
            if ok and tag == "dict":
                pairs = node["v"]
                ok = all(type(p) is list and len(p) == 2 for p in pairs)
                todo.extend((x, depth + 1) for p in (pairs if ok else ()) for x in p)
            elif ok:
                todo.extend((x, depth + 1) for x in node["v"])
        elif tag == "ndarray":
            ok = (
                keys == {"t", "dtype", "shape", "v"}
                and type(node["dtype"]) is str
                and type(node["shape"]) is list
                and all(type(n) is int for n in node["shape"])
                and type(node["v"]) is list
            )
            if ok:
                todo.extend((x, depth + 1) for x in node["v"])
        else:
            ok = False
        if not ok:
            return False
    return True


def _text(v: Any, pattern: re.Pattern[str]) -> bool:
    return type(v) is str and pattern.fullmatch(v) is not None
