"""Portable opcode names: what a TA writes in ``require``/``forbid`` and what it means here.

CPython renames, merges and splits instructions between versions: in-place add is
``INPLACE_ADD`` up to 3.10 and ``BINARY_OP`` with argument ``+=`` from 3.11 on; a
method load is ``LOAD_METHOD`` up to 3.11 and ``LOAD_ATTR`` with its low bit set
from 3.12 on; 3.12 adds ``LOAD_FAST_CHECK`` and 3.13 fuses two local loads into
``LOAD_FAST_LOAD_FAST``. A question bank outlives the Python that grades it, so a
TA may write the historical name and the grader matches whatever the running
version compiles the same construct to.

A name resolves against an :class:`OpTable` (the running interpreter's, or a
recorded one for tests) into a :class:`Matcher`: a small set of :class:`Form` s,
each an opcode name plus an optional condition on the argument. Names that have a
portable meaning (``PORTABLE_NAMES``) always mean that; any other name must be an
instruction of the running version and matches literally.

Everything here runs in the trusted process on code objects the trusted side
compiled itself; nothing a submission does can change ``dis`` in this process.
"""

from __future__ import annotations

import dis
import json
import opcode
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TABLES_DIR = Path(__file__).resolve().parent.parent / "tests" / "opcode_tables"

# The historical name of each binary operator instruction -> its operator symbol.
BINARY_SYMBOLS: dict[str, str] = {
    "ADD": "+",
    "SUBTRACT": "-",
    "MULTIPLY": "*",
    "MATRIX_MULTIPLY": "@",
    "TRUE_DIVIDE": "/",
    "FLOOR_DIVIDE": "//",
    "MODULO": "%",
    "POWER": "**",
    "LSHIFT": "<<",
    "RSHIFT": ">>",
    "AND": "&",
    "OR": "|",
    "XOR": "^",
}
_SYMBOL_TO_OLD: dict[str, str] = {}
for _suffix, _sym in BINARY_SYMBOLS.items():
    _SYMBOL_TO_OLD[_sym] = "BINARY_" + _suffix
    _SYMBOL_TO_OLD[_sym + "="] = "INPLACE_" + _suffix

_ANY = object()


class UnknownOpcode(ValueError):
    """A name that is neither a portable name nor an instruction of this Python."""


@dataclass(frozen=True)
class OpTable:
    """The facts about one CPython version's instruction set that matching needs."""

    python: str
    opmap: dict[str, int]
    pseudo: dict[str, int] = field(default_factory=dict)
    binary_op: tuple[str, ...] | None = None  # BINARY_OP argument -> operator symbol
    hasjrel: frozenset[str] = frozenset()
    hasjabs: frozenset[str] = frozenset()
    have_argument: int = 90

    def has(self, name: str) -> bool:
        """True when ``name`` is a real instruction (pseudo instructions never appear in dis)."""
        return name in self.opmap

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OpTable:
        binop = data.get("binary_op")
        return cls(
            python=data["python"],
            opmap=dict(data["opmap"]),
            pseudo=dict(data.get("pseudo") or {}),
            binary_op=tuple(binop) if binop is not None else None,
            hasjrel=frozenset(data.get("hasjrel", ())),
            hasjabs=frozenset(data.get("hasjabs", ())),
            have_argument=int(data.get("have_argument", 90)),
        )


def live_table() -> OpTable:
    """The running interpreter's table, read from ``dis``/``opcode`` in this process."""
    nb_ops = getattr(opcode, "_nb_ops", None)
    binop = tuple(sym for _, sym in nb_ops) if nb_ops is not None else None
    return OpTable(
        python=f"{sys.version_info.major}.{sys.version_info.minor}",
        opmap={name: num for name, num in dis.opmap.items() if num < 256},
        pseudo={name: num for name, num in dis.opmap.items() if num >= 256},
        binary_op=binop,
        hasjrel=frozenset(dis.opname[i] for i in dis.hasjrel if i < 256),
        hasjabs=frozenset(dis.opname[i] for i in dis.hasjabs if i < 256),
        have_argument=opcode.HAVE_ARGUMENT,
    )


def recorded_versions() -> list[str]:
    """Versions with a recorded table, e.g. ``["3.10", "3.11", "3.12", "3.13"]``."""
    names = sorted(p.stem.removeprefix("cpython-") for p in TABLES_DIR.glob("cpython-*.json"))
    return sorted(names, key=lambda v: tuple(int(x) for x in v.split(".")))


def recorded_table(version: str) -> OpTable:
    """A recorded table from ``grader/tests/opcode_tables/cpython-<version>.json``."""
    path = TABLES_DIR / f"cpython-{version}.json"
    return OpTable.from_dict(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Form:
    """One concrete instruction shape: an opcode name plus optional argument conditions."""

    opname: str
    binop: str | None = None  # BINARY_OP: argrepr must be this symbol ("+=")
    method: bool | None = None  # LOAD_ATTR from 3.12: low bit of the argument (method load)
    argval: Any = _ANY  # the decoded argument must equal this (COPY 1, SWAP 2)
    argrepr: str | None = None  # the argument's text must equal this (CALL_INTRINSIC_1)
    closure: bool = False  # LOAD_FAST of a cell or free variable (3.13's LOAD_CLOSURE)

    def matches(self, ins: dis.Instruction, code: types.CodeType) -> bool:
        if ins.opname != self.opname:
            return False
        if self.binop is not None and ins.argrepr != self.binop:
            return False
        if self.method is not None and bool((ins.arg or 0) & 1) != self.method:
            return False
        if self.argval is not _ANY and ins.argval != self.argval:
            return False
        if self.argrepr is not None and ins.argrepr != self.argrepr:
            return False
        if self.closure and ins.argval not in code.co_cellvars + code.co_freevars:
            return False
        return True

    def describe(self) -> str:
        extra = self.binop or self.argrepr or ""
        if self.method is not None:
            extra = "method" if self.method else "attribute"
        if self.argval is not _ANY:
            extra = str(self.argval)
        return f"{self.opname} {extra}".strip()


@dataclass(frozen=True)
class Matcher:
    """What one TA-written name means on one Python version."""

    name: str
    forms: tuple[Form, ...]

    def matches(self, ins: dis.Instruction, code: types.CodeType) -> bool:
        return any(form.matches(ins, code) for form in self.forms)

    @property
    def opnames(self) -> frozenset[str]:
        return frozenset(form.opname for form in self.forms)


def _present(table: OpTable, *names: str) -> tuple[Form, ...]:
    return tuple(Form(n) for n in names if table.has(n))


def _binop_forms(table: OpTable, symbol: str) -> tuple[Form, ...]:
    if table.binary_op is not None and table.has("BINARY_OP"):
        return (Form("BINARY_OP", binop=symbol),) if symbol in table.binary_op else ()
    old = _SYMBOL_TO_OLD.get(symbol)
    return _present(table, old) if old else ()


def _either(table: OpTable, literal: str, *fallback: Form) -> tuple[Form, ...]:
    """The literal instruction where it exists, otherwise its replacement forms."""
    if table.has(literal):
        return (Form(literal),)
    return tuple(f for f in fallback if table.has(f.opname))


def _portable(name: str, t: OpTable) -> tuple[Form, ...] | None:
    """The forms of a portable name on table ``t``; None when ``name`` is not portable."""
    if name.startswith("BINARY_OP ") or name.startswith("BINARY_OP\t"):
        return _binop_forms(t, name.split(None, 1)[1].strip())
    for prefix in ("BINARY_", "INPLACE_"):
        suffix = name.removeprefix(prefix)
        if name.startswith(prefix) and suffix in BINARY_SYMBOLS:
            symbol = BINARY_SYMBOLS[suffix] + ("=" if prefix == "INPLACE_" else "")
            return _binop_forms(t, symbol)
    if name == "BINARY_OP":
        if t.has("BINARY_OP"):
            return (Form("BINARY_OP"),)
        return tuple(Form(old) for old in sorted(set(_SYMBOL_TO_OLD.values())) if t.has(old))
    real_method_op = t.has("LOAD_METHOD")
    if name == "LOAD_METHOD":
        return (Form("LOAD_METHOD"),) if real_method_op else (Form("LOAD_ATTR", method=True),)
    if name == "LOAD_ATTR":
        return (Form("LOAD_ATTR"),) if real_method_op else (Form("LOAD_ATTR", method=False),)
    if name in ("CALL_FUNCTION", "CALL_METHOD"):
        return _either(t, name, Form("CALL"))
    if name == "CALL_FUNCTION_KW":
        return _either(t, name, Form("CALL_KW")) or _present(t, "KW_NAMES")
    if name == "CALL":
        if t.has("CALL"):
            return _present(t, "CALL", "CALL_KW")
        return _present(t, "CALL_FUNCTION", "CALL_METHOD", "CALL_FUNCTION_KW")
    if name in ("JUMP_ABSOLUTE", "JUMP_BACKWARD"):
        if t.has("JUMP_BACKWARD"):
            return _present(t, "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT")
        return _present(t, "JUMP_ABSOLUTE")
    if name in ("POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE"):
        which = name.rsplit("_", 1)[1]
        return _present(t, name, f"POP_JUMP_FORWARD_IF_{which}", f"POP_JUMP_BACKWARD_IF_{which}")
    if name == "LOAD_FAST":
        return _present(
            t, "LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_LOAD_FAST", "STORE_FAST_LOAD_FAST"
        )
    if name == "STORE_FAST":
        return _present(t, "STORE_FAST", "STORE_FAST_STORE_FAST", "STORE_FAST_LOAD_FAST")
    if name == "LOAD_DEREF":
        return _present(t, "LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF")
    if name == "LOAD_CLOSURE":
        return _either(t, "LOAD_CLOSURE", Form("LOAD_FAST", closure=True))
    if name == "RETURN_VALUE":
        return _present(t, "RETURN_VALUE", "RETURN_CONST")
    if name == "DUP_TOP":
        return _either(t, "DUP_TOP", Form("COPY", argval=1))
    if name == "ROT_TWO":
        return _either(t, "ROT_TWO", Form("SWAP", argval=2))
    if name == "GEN_START":
        return _either(t, "GEN_START", Form("RETURN_GENERATOR"))
    if name == "YIELD_FROM":
        return _either(t, "YIELD_FROM", Form("SEND"))
    if name == "FORMAT_VALUE":
        return _either(t, "FORMAT_VALUE", Form("FORMAT_SIMPLE"), Form("FORMAT_WITH_SPEC"))
    if name == "UNARY_POSITIVE":
        return _either(
            t, "UNARY_POSITIVE", Form("CALL_INTRINSIC_1", argrepr="INTRINSIC_UNARY_POSITIVE")
        )
    if name == "JUMP_IF_NOT_EXC_MATCH":
        return _either(t, "JUMP_IF_NOT_EXC_MATCH", Form("CHECK_EXC_MATCH"))
    return None


PORTABLE_NAMES: tuple[str, ...] = (
    *(f"BINARY_{s}" for s in BINARY_SYMBOLS),
    *(f"INPLACE_{s}" for s in BINARY_SYMBOLS),
    *(f"BINARY_OP {sym}" for sym in _SYMBOL_TO_OLD),
    "BINARY_OP",
    "LOAD_METHOD",
    "LOAD_ATTR",
    "CALL_FUNCTION",
    "CALL_METHOD",
    "CALL_FUNCTION_KW",
    "CALL",
    "JUMP_ABSOLUTE",
    "JUMP_BACKWARD",
    "POP_JUMP_IF_FALSE",
    "POP_JUMP_IF_TRUE",
    "LOAD_FAST",
    "STORE_FAST",
    "LOAD_DEREF",
    "LOAD_CLOSURE",
    "RETURN_VALUE",
    "DUP_TOP",
    "ROT_TWO",
    "GEN_START",
    "YIELD_FROM",
    "FORMAT_VALUE",
    "UNARY_POSITIVE",
    "JUMP_IF_NOT_EXC_MATCH",
)


def resolve(name: str, table: OpTable | None = None) -> Matcher:
    """What ``name`` means on ``table`` (default: the running Python).

    Raises :class:`UnknownOpcode` for a name this version cannot match at all, so a
    misspelt name is refused instead of silently never matching.
    """
    t = table if table is not None else _LIVE
    clean = " ".join(name.split())
    forms = _portable(clean, t)
    if forms is None:
        if not t.has(clean) or clean == "CACHE":
            raise UnknownOpcode(f"{name!r} is not an instruction of Python {t.python}")
        forms = (Form(clean),)
    if not forms:
        raise UnknownOpcode(f"{name!r} has no equivalent instruction in Python {t.python}")
    return Matcher(clean, forms)


def unknown_names(names: list[str], table: OpTable | None = None) -> list[str]:
    """The names in ``names`` that do not resolve (for validating a question at import)."""
    bad = []
    for name in names:
        try:
            resolve(name, table)
        except UnknownOpcode:
            bad.append(name)
    return bad


_COMPREHENSIONS = frozenset({"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"})


def nested_code(code: types.CodeType) -> Iterator[types.CodeType]:
    """Code objects defined directly inside ``code`` (functions, lambdas, comprehensions)."""
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield const


def own_instructions(
    code: types.CodeType, with_comprehensions: bool = True
) -> Iterator[tuple[dis.Instruction, types.CodeType]]:
    """The instructions of ``code`` as dis lists them (no CACHE entries), with their code.

    Comprehensions are compiled to separate code objects up to 3.11 and inlined from
    3.12 on; including them keeps ``require``/``forbid`` meaning the same on both.
    """
    for ins in dis.get_instructions(code):
        if ins.opname != "CACHE":
            yield ins, code
    if with_comprehensions:
        for inner in nested_code(code):
            if inner.co_name in _COMPREHENSIONS:
                yield from own_instructions(inner, True)


def all_code(code: types.CodeType) -> Iterator[types.CodeType]:
    """``code`` and every code object nested in it, at any depth."""
    yield code
    for inner in nested_code(code):
        yield from all_code(inner)


_LIVE = live_table()
