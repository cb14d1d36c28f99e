"""The values the ``calls_forbidden`` scan follows, and the instruction groups it reads.

A stack slot is the set of things it may hold (:data:`Slot`): named values
(:class:`Ref`), constants, the submission's own code (:class:`Func`), tuples being
built (:class:`Items`) and markers. :class:`Bindings` holds everything ever stored
under each name for one analysis; :class:`Facts` what one code object does.
"""

from __future__ import annotations

import dis
import sys
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from grader.checks import opcodes
from grader.checks.call_rules import Relevance, canonical

# ------------------------------------------------------------------ version notes
# 3.10 calls with CALL_FUNCTION[_KW] and CALL_METHOD; 3.11 with PRECALL + CALL; 3.12
# with CALL; 3.13 with CALL and CALL_KW. 3.11 and 3.12 push a call's NULL below the
# callable, 3.13 above it; a method load pushes the method then its object everywhere.
# 3.13 makes a function with MAKE_FUNCTION and then one SET_FUNCTION_ATTRIBUTE per
# default tuple, keyword-default map, annotations or closure; before, MAKE_FUNCTION's
# argument flags which of those lie below the code (3.10: and a qualname above it).
HAS_PRECALL = opcodes.live_table().has("PRECALL")
MAKE_FUNCTION_FLAGS = not opcodes.live_table().has("SET_FUNCTION_ATTRIBUTE")
QUALNAME_ON_MAKE_FUNCTION = sys.version_info < (3, 11)
NULL_ABOVE = sys.version_info >= (3, 13)

CALLS = frozenset(
    {
        "CALL",
        "CALL_KW",
        "PRECALL",
        "CALL_FUNCTION",
        "CALL_FUNCTION_KW",
        "CALL_METHOD",
        "CALL_FUNCTION_EX",
    }
)
KEYWORD_CALLS = frozenset({"CALL_KW", "CALL_FUNCTION_KW", "CALL_FUNCTION_EX"})
GLOBAL_LOADS = frozenset({"LOAD_GLOBAL", "LOAD_FROM_DICT_OR_GLOBALS"})
CELL_LOADS = frozenset({"LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF"})
LOCAL_LOADS = frozenset({"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR", "LOAD_CLOSURE"})
# Instructions that do not touch the stack.
NEUTRAL = frozenset(
    {
        "NOP",
        "RESUME",
        "EXTENDED_ARG",
        "CACHE",
        "COPY_FREE_VARS",
        "MAKE_CELL",
        "KW_NAMES",
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "JUMP_ABSOLUTE",
        "DELETE_FAST",
        "DELETE_DEREF",
        "DELETE_GLOBAL",
        "DELETE_NAME",
        "SETUP_FINALLY",
        "POP_BLOCK",
        "SETUP_ANNOTATIONS",
        "RETURN_CONST",
        "ENTER_EXECUTOR",
    }
)
# Instructions that consume the top value and push more than one in its place.
REPLACE_THEN_PUSH = frozenset(
    {
        "BEFORE_WITH",
        "BEFORE_ASYNC_WITH",
        "SETUP_WITH",
        "SETUP_ASYNC_WITH",
        "UNPACK_EX",
        "PUSH_EXC_INFO",
    }
)
# Instructions that only remove values (the new top, if any, is an older value).
PURE_POPS_PREFIX = ("POP_", "STORE_", "DELETE_", "RETURN_", "RAISE_", "RERAISE")
NO_RESULT = frozenset(
    {
        "LIST_APPEND",
        "SET_ADD",
        "MAP_ADD",
        "LIST_EXTEND",
        "SET_UPDATE",
        "DICT_UPDATE",
        "DICT_MERGE",
        "END_FOR",
        "END_ASYNC_FOR",
    }
)
# Instructions that take a value without letting it go anywhere a call could come from.
HARMLESS = frozenset(
    {
        "POP_TOP",
        "COMPARE_OP",
        "IS_OP",
        "CONTAINS_OP",
        "UNARY_NOT",
        "TO_BOOL",
        "FORMAT_VALUE",
        "FORMAT_SIMPLE",
        "FORMAT_WITH_SPEC",
        "CONVERT_VALUE",
        "JUMP_IF_TRUE_OR_POP",
        "JUMP_IF_FALSE_OR_POP",
        "END_FOR",
        "POP_EXCEPT",
        "CHECK_EXC_MATCH",
        "JUMP_IF_NOT_EXC_MATCH",
    }
)
TERMINATORS = frozenset(
    {
        "RETURN_VALUE",
        "RETURN_CONST",
        "RAISE_VARARGS",
        "RERAISE",
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "JUMP_ABSOLUTE",
    }
)
MAX_PATH_PARTS = 8  # numpy.linalg.norm is 3; a longer path is an attribute of something
MAX_ROUNDS = 25  # bindings only grow and are bounded; real code settles in 2 to 4 rounds


# ------------------------------------------------------------------ stack values


@dataclass(frozen=True)
class Ref:
    """A value known by name: ``sum``, ``x.append``, ``.sum``; ``rooted`` when the path
    starts at a module bound by an import (its attributes keep the whole path)."""

    path: str
    rooted: bool = False


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class Func:
    """Code of the submission a value leads to: a function it made from this code object,
    or an instance of the class whose body this is (its methods may be called unnamed)."""

    code: types.CodeType


@dataclass(frozen=True)
class Items:
    """A tuple or keyword map being built (defaults, closures, unpacking)."""

    members: tuple[frozenset[Any], ...]
    keys: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Marker:
    name: str


COMPILED = Marker("compiled")  # what compile() returned
BUILD_CLASS = Marker("__build_class__")  # what a class statement calls
NULL_ATOM = Marker("NULL")
SELF_ATOM = Marker("self")

Slot = frozenset[Any]
UNKNOWN: Slot = frozenset()
NULL: Slot = frozenset({NULL_ATOM})  # the NULL pushed next to a callable (3.11+)
SELF: Slot = frozenset({SELF_ATOM})  # the object a method load leaves above the method
STORABLE = (Ref, Func, Marker)


# ------------------------------------------------------------------ the scan


@dataclass
class Facts:
    """What one code object does with values, in raw paths."""

    calls: set[str] = field(default_factory=set)
    handed_on: set[str] = field(default_factory=set)
    lookups: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # global, closure and attribute names read
    funcs: set[types.CodeType] = field(default_factory=set)  # own functions it reads

    def merge(self, other: Facts, with_calls: bool = True) -> None:
        if with_calls:
            self.calls |= other.calls
        self.handed_on |= other.handed_on
        self.lookups |= other.lookups


@dataclass
class Bindings:
    """Everything ever stored under each name, for the whole analysis."""

    globals: dict[str, set[Any]] = field(default_factory=dict)
    cells: dict[str, set[Any]] = field(default_factory=dict)
    attrs: dict[str, set[Any]] = field(default_factory=dict)
    locals: dict[types.CodeType, dict[str, set[Any]]] = field(default_factory=dict)
    stars: set[str] = field(default_factory=set)  # modules imported with *
    # The submission's own module name: the harness registers it in sys.modules under
    # its file's name, so ``import submission; submission.s`` reads a global.
    own_module: str | None = None
    classes: dict[str, list[types.CodeType]] = field(default_factory=dict)  # name -> bodies
    functions: dict[str, list[types.CodeType]] = field(default_factory=dict)  # name -> code
    returns: dict[types.CodeType, set[Any]] = field(default_factory=dict)  # what code returns
    # A class body -> what its class statement names besides it (bases, metaclass=...):
    # their methods run when the class is used.
    bases: dict[types.CodeType, set[Any]] = field(default_factory=dict)
    grew: bool = False
    # Whether a name (an unrooted Ref) is worth storing; None keeps every name.
    relevant: Relevance | None = None

    def add(self, table: dict[Any, set[Any]], name: Any, atoms: Iterable[Any]) -> None:
        self.grow(table.setdefault(name, set()), atoms)

    def grow(self, have: set[Any], atoms: Iterable[Any]) -> None:
        """Add ``atoms`` to the binding ``have`` (tables keyed by a code object hand
        their set over once per scan: hashing a code object walks all of it)."""
        relevant = self.relevant
        keep = {
            a
            for a in atoms
            if isinstance(a, STORABLE)
            and a is not NULL_ATOM
            and a is not SELF_ATOM
            and (relevant is None or type(a) is not Ref or a.rooted or relevant(a.path))
        }
        if not keep <= have:
            have |= keep
            self.grew = True


def is_builtins(slot: Slot) -> bool:
    return any(isinstance(a, Ref) and canonical(a.path) == "builtins" for a in slot)


def is_module(slot: Slot, name: str | None) -> bool:
    return name is not None and any(
        isinstance(a, Ref) and a.rooted and a.path == name for a in slot
    )


def const_str(slot: Slot) -> str | None:
    if len(slot) == 1:
        (atom,) = slot
        if isinstance(atom, Const) and isinstance(atom.value, str):
            return atom.value
    return None


def join(a: list[Slot], b: list[Slot]) -> list[Slot]:
    """Two stacks of the same depth meeting at one instruction: each slot may hold either."""
    return [x | y if x != y else x for x, y in zip(a, b, strict=True)]


def instructions_of(code: types.CodeType) -> list[dis.Instruction]:
    return [ins for ins in dis.get_instructions(code) if ins.opname != "CACHE"]


def stack_effect(ins: dis.Instruction) -> int:
    try:
        if ins.opcode < dis.HAVE_ARGUMENT:
            return dis.stack_effect(ins.opcode)
        return dis.stack_effect(ins.opcode, ins.arg or 0, jump=False)
    except ValueError:
        return 0


def jump_stack_effect(ins: dis.Instruction) -> int:
    try:
        return dis.stack_effect(ins.opcode, ins.arg or 0, jump=True)
    except ValueError:
        return stack_effect(ins)
