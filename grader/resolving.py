"""From the probe's bindings to code objects of the trusted compile.

The sandbox only says *which* function a name is bound to (qualname, first line,
digests of its bytecode and positions); the ``Resolver`` finds that function among the
code objects the trusted side compiled itself, and nested targets (``make_counter.c``)
by walking ``co_consts`` of the resolved code.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Iterator
from typing import Any

from grader import messages


def _walk_code(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _walk_code(const)


def _digest(code: types.CodeType) -> tuple[str, str]:
    return (
        hashlib.sha256(code.co_code).hexdigest(),
        hashlib.sha256(repr(list(code.co_positions())).encode()).hexdigest(),
    )


class Resolver:
    """Maps the probe's bindings to code objects of the trusted compile."""

    def __init__(self, module_code: types.CodeType, bindings: dict[str, Any]) -> None:
        self.module_code = module_code
        self.bindings = bindings
        self._all = list(_walk_code(module_code))[1:]

    def _find(self, b: dict[str, Any]) -> types.CodeType | None:
        for code in self._all:
            if (
                code.co_qualname == b.get("qualname")
                and code.co_firstlineno == b.get("firstlineno")
                and code.co_filename == b.get("filename")
                and _digest(code) == (b.get("code_sha256"), b.get("positions_sha256"))
            ):
                return code
        return None

    def resolve(self, target: str) -> types.CodeType | None:
        code, _ = self._resolve(target)
        return code

    def explain(self, target: str) -> str:
        _, why = self._resolve(target)
        return why

    def _resolve(self, target: str) -> tuple[types.CodeType | None, str]:
        b = self.bindings.get(target)
        if type(b) is not dict:
            return None, messages.target_missing(target)
        kind = b.get("kind")
        if kind == "missing":
            return None, messages.target_missing(str(b.get("path", target)))
        if kind != "function":
            return None, messages.target_not_function(
                str(b.get("path", target)), str(b.get("type", "?"))
            )
        code = self._find(b)
        if code is None:
            return None, messages.target_not_from_source(str(b.get("path", target)))
        outer = str(b.get("path", target))
        for part in b.get("rest") or []:
            inner = next(
                (c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == part),
                None,
            )
            if inner is None:
                return None, messages.nested_missing(outer, part)
            code, outer = inner, f"{outer}.{part}"
        return code, ""
