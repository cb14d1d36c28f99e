"""Values as plain data: the encoding (done inside the sandbox) and the comparison.

``encode`` lives in ``grader.harness.encode`` because it must run inside the sandbox,
next to the object it describes; it is re-exported here. Everything else in this module
runs on the trusted side and only ever touches tagged JSON data (dicts, lists, str),
never an object the submission made, so no method of the submission is ever called to
decide whether two values are equal.

Comparison rules:

* The tags must match: an ``int`` is not a ``float``, a ``list`` is not a ``tuple``
  (NumPy scalars were already turned into the matching Python number).
* Floats (and the parts of complex numbers) are equal when ``math.isclose`` with
  ``rel_tol`` (1e-9 unless the test sets ``tolerance``); NaN equals NaN, an infinity
  equals the same infinity.
* Arrays: same dtype kind, same shape, elements compared as above. Two float arrays of
  different widths (float32 vs float64) compare by value.
* Dicts compare as mappings (key order ignored; keys exactly, values with tolerance);
  sets and frozensets as sets.
* Anything else was turned into its ``repr`` inside the sandbox and compares as text.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

from grader.harness.encode import TooLarge, encode

__all__ = ["DEFAULT_REL_TOL", "TooLarge", "encode", "equal", "render"]

DEFAULT_REL_TOL = 1e-9


def _f(text: str) -> float:
    return float(text)


def _floats_equal(a: str, b: str, rel_tol: float) -> bool:
    x, y = _f(a), _f(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return x == y or math.isclose(x, y, rel_tol=rel_tol, abs_tol=0.0)


def _canon(v: Any) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"))


def _dtype_kind(dtype: str) -> str:
    d = dtype.lstrip("<>=|")
    for prefix, kind in (
        ("bool", "b"),
        ("uint", "i"),
        ("int", "i"),
        ("float", "f"),
        ("complex", "c"),
    ):
        if d.startswith(prefix):
            return kind
    return d


def equal(expected: Any, actual: Any, rel_tol: float | None = None) -> bool:
    """Whether two tagged values are equal under the rules above (pure data)."""
    tol = DEFAULT_REL_TOL if rel_tol is None else rel_tol
    try:
        return _eq(expected, actual, tol)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False  # malformed data from a sandbox is simply "not equal"


def _eq(a: Any, b: Any, tol: float) -> bool:
    if type(a) is not dict or type(b) is not dict:
        return False
    t = a.get("t")
    if t != b.get("t"):
        return False
    if t == "none" or t == "cycle":
        return True
    if t in ("bool", "str", "bytes", "repr"):
        return bool(a["v"] == b["v"])
    if t == "int":
        return _int_value(a) == _int_value(b)
    if t == "float":
        return _floats_equal(a["v"], b["v"], tol)
    if t == "complex":
        return _floats_equal(a["re"], b["re"], tol) and _floats_equal(a["im"], b["im"], tol)
    if t in ("list", "tuple"):
        xs, ys = a["v"], b["v"]
        return len(xs) == len(ys) and all(_eq(x, y, tol) for x, y in zip(xs, ys, strict=True))
    if t in ("set", "frozenset"):
        return _same_elements(a["v"], b["v"], tol)
    if t == "dict":
        return _dicts_equal(a["v"], b["v"], tol)
    if t == "ndarray":
        if a["shape"] != b["shape"] or _dtype_kind(a["dtype"]) != _dtype_kind(b["dtype"]):
            return False
        xs, ys = a["v"], b["v"]
        return len(xs) == len(ys) and all(_eq(x, y, tol) for x, y in zip(xs, ys, strict=True))
    return False


def _int_value(v: dict[str, Any]) -> int:
    if "x" in v:
        return int(v["x"], 16)
    return int(v["v"])


def _same_elements(xs: list[Any], ys: list[Any], tol: float) -> bool:
    if len(xs) != len(ys):
        return False
    cx, cy = sorted(map(_canon, xs)), sorted(map(_canon, ys))
    if cx == cy:
        return True
    if len(xs) > 300:  # exact match only for big sets: the greedy pass is quadratic
        return False
    remaining = list(ys)
    for x in xs:
        for i, y in enumerate(remaining):
            if _eq(x, y, tol):
                del remaining[i]
                break
        else:
            return False
    return True


def _dicts_equal(xs: list[Any], ys: list[Any], tol: float) -> bool:
    if len(xs) != len(ys):
        return False
    by_key = {_canon(k): v for k, v in ys}
    if len(by_key) != len(ys):
        return False
    for k, v in xs:
        other = by_key.get(_canon(k))
        if other is None or not _eq(v, other, tol):
            return False
    return True


def render(v: Any, limit: int = 200) -> str:
    """A short Python-like text for a tagged value (for feedback on visible tests)."""
    text = _render(v)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render(v: Any) -> str:
    if type(v) is not dict:
        return "?"
    t = v.get("t")
    if t == "none":
        return "None"
    if t == "bool":
        return "True" if v["v"] else "False"
    if t == "int":
        return v["v"] if "v" in v else f"<int {v['x'][:20]}...>"
    if t == "float":
        x = _f(v["v"])
        return f"float('{v['v']}')" if not math.isfinite(x) else v["v"]
    if t == "complex":
        return repr(complex(_f(v["re"]), _f(v["im"])))
    if t == "str":
        return repr(v["v"])
    if t == "bytes":
        return repr(base64.b64decode(v["v"]))
    if t == "list":
        return "[" + ", ".join(_render(x) for x in v["v"][:50]) + "]"
    if t == "tuple":
        items = [_render(x) for x in v["v"][:50]]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if t in ("set", "frozenset"):
        body = "{" + ", ".join(_render(x) for x in v["v"][:50]) + "}"
        if not v["v"]:
            body = "set()" if t == "set" else "frozenset()"
        return body if t == "set" else f"frozenset({body})"
    if t == "dict":
        return "{" + ", ".join(f"{_render(k)}: {_render(x)}" for k, x in v["v"][:50]) + "}"
    if t == "ndarray":
        return f"array(shape={tuple(v['shape'])}, dtype={v['dtype']})"
    if t == "repr":
        return str(v["v"])
    if t == "cycle":
        return "[...]"
    return "?"
