"""What a function calls, found statically in the trusted compile (``calls_forbidden``).

The analysis follows the value stack through the bytecode (``dis.stack_effect``) and
gives each stack slot the set of things it may hold: named callables and modules
(``sum``, ``numpy.sum``, ``x.append``, ``.sum`` for an attribute of something
unnamed), functions the submission defines, constants, and tuples being built. A call
instruction then says what it calls, and every other instruction that takes a value
says where that value goes.

Values are followed, in every code object of the submission, through

- local, closure, global and attribute bindings. A binding is the union of everything
  ever stored under that name (``x``, or any attribute ``.x``) anywhere in the code
  concerned, whatever the order: the scan repeats until no binding grows, so branches
  and loops cannot hide a value (``if c: g = sum``);
- imports: a name bound by ``import numpy as xx`` means ``numpy``, ``from numpy import
  sum as s`` means ``numpy.sum``, ``from numpy import *`` adds ``numpy.<name>`` to
  every global name; ``builtins.sum``, ``__builtins__.sum`` and ``__builtins__["sum"]``
  mean the bare ``sum``;
- default arguments, mapped to their parameters;
- ``getattr(obj, "name")`` with a string literal (as ``obj.name``) and ``x.__call__``
  (as ``x``);
- the submission's own functions and classes the target refers to: a name (global,
  closure or attribute) equal to the name of a function or class defined anywhere in
  the submission includes that code (a class with all its methods, since operators
  call them without naming them). A lambda bound to a name is followed through the
  binding.

What the target then calls, with what it hands on as a value (an argument, a
container, a return value, a dunder attribute such as ``__call__`` that Python calls
by itself), is matched against the forbidden entries (see :func:`matches`). The
module's own top-level code and the class bodies it runs count too, except their plain
calls: a module may call ``sum`` while it loads, but not hand it where the target
could reach it unseen.

Some ways of reaching a callable cannot be followed by a static pass; they are listed
once, below, and a target that uses one fails the check instead of passing unseen.
Everything here runs in the trusted process on code objects it compiled itself.
"""

from __future__ import annotations

import dis
import inspect
import os
import sys
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from grader.checks import opcodes

# ------------------------------------------------------------ what is refused
# The one list of run-time lookups the check refuses (docs/grading.md repeats it). When a
# check has calls_forbidden, using one of these in the target, in code the target refers
# to or in the module's top-level code fails the check with BYTECODE_DYNAMIC_LOOKUP; the
# values are what the student reads.

# Built-in functions that look names up, refused when called or handed on.
LOOKUP_BUILTINS: dict[str, str] = {
    "eval": "eval",
    "exec": "exec",
    "globals": "globals()",
    "locals": "locals()",
    "vars": "vars()",
    "__import__": "__import__",
}
# Module functions that look names up, refused when called or handed on, however the
# module was reached (matched by the attribute's name).
LOOKUP_FUNCTIONS: dict[str, str] = {
    "import_module": "importlib.import_module",
    "attrgetter": "operator.attrgetter",
    "methodcaller": "operator.methodcaller",
    "getmembers": "inspect.getmembers",
    "getmembers_static": "inspect.getmembers_static",
    "get_field": "string.Formatter.get_field",
    "FunctionType": "types.FunctionType",
    "LambdaType": "types.LambdaType",
}
# Modules that hand out objects found by introspection or rebuilt from bytes, refused
# when imported.
LOOKUP_MODULES: dict[str, str] = {
    "gc": "the gc module",
    "pickle": "the pickle module",
    "marshal": "the marshal module",
    "ctypes": "the ctypes module",
}
# Attributes that open a namespace or a lookup by computed name, refused wherever read.
LOOKUP_ATTRIBUTES: dict[str, str] = {
    "__dict__": "the __dict__ attribute",
    "__getattribute__": "__getattribute__",
    "__getattr__": "__getattr__",
    "__globals__": "the __globals__ attribute",
    "__builtins__": "the __builtins__ attribute",
    "__self__": "the __self__ attribute",
    "__subclasses__": "__subclasses__",
    "f_globals": "a frame's f_globals",
    "f_locals": "a frame's f_locals",
    "f_builtins": "a frame's f_builtins",
}
# Module attributes refused wherever read (by their full path).
LOOKUP_PATHS: dict[str, str] = {"sys.modules": "sys.modules"}
# getattr is followed when its name is a string literal written in the call.
COMPUTED_GETATTR = "getattr with a computed name"
GETATTR_HANDED_ON = "getattr handed on as a value"
# The result of compile() may be read (co_names, ...) but not handed to anything.
COMPILED_HANDED_ON = "code compiled at run time, handed on"
# Names bound to one another in a chain longer than the scan follows (_MAX_ROUNDS).
UNSETTLED = "names bound through more steps than this check follows"
# The builtins module, or the module of a forbidden entry, handed on as a value.
MODULE_HANDED_ON = "{module} handed on as a value"

# A forbidden entry or a name in the submission that starts with one of these means the
# module (both sides are read this way, so ``np.sum`` and ``numpy.sum`` are one entry).
CONVENTIONAL_ALIASES: dict[str, str] = {"np": "numpy", "pd": "pandas"}

# ------------------------------------------------------------------ version notes
# 3.10 calls with CALL_FUNCTION[_KW] and CALL_METHOD; 3.11 with PRECALL + CALL; 3.12
# with CALL; 3.13 with CALL and CALL_KW. 3.11 and 3.12 push a call's NULL below the
# callable, 3.13 above it; a method load pushes the method then its object everywhere.
# 3.13 makes a function with MAKE_FUNCTION and then one SET_FUNCTION_ATTRIBUTE per
# default tuple, keyword-default map, annotations or closure; before, MAKE_FUNCTION's
# argument flags which of those lie below the code (3.10: and a qualname above it).
_HAS_PRECALL = opcodes._LIVE.has("PRECALL")
_MAKE_FUNCTION_FLAGS = not opcodes._LIVE.has("SET_FUNCTION_ATTRIBUTE")
_QUALNAME_ON_MAKE_FUNCTION = sys.version_info < (3, 11)
_NULL_ABOVE = sys.version_info >= (3, 13)

_CALLS = frozenset(
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
_KEYWORD_CALLS = frozenset({"CALL_KW", "CALL_FUNCTION_KW", "CALL_FUNCTION_EX"})
_GLOBAL_LOADS = frozenset({"LOAD_GLOBAL", "LOAD_FROM_DICT_OR_GLOBALS"})
_CELL_LOADS = frozenset({"LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF"})
_LOCAL_LOADS = frozenset({"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR", "LOAD_CLOSURE"})
# Instructions that do not touch the stack.
_NEUTRAL = frozenset(
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
_REPLACE_THEN_PUSH = frozenset(
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
_PURE_POPS_PREFIX = ("POP_", "STORE_", "DELETE_", "RETURN_", "RAISE_", "RERAISE")
_NO_RESULT = frozenset(
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
_HARMLESS = frozenset(
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
_TERMINATORS = frozenset(
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
_MAX_PATH_PARTS = 8  # numpy.linalg.norm is 3; a longer path is an attribute of something
_MAX_ROUNDS = 25  # bindings only grow and are bounded; real code settles in 2 to 4 rounds


# ------------------------------------------------------------------ stack values


@dataclass(frozen=True)
class _Ref:
    """A value known by name: ``sum``, ``x.append``, ``.sum``; ``rooted`` when the path
    starts at a module bound by an import (its attributes keep the whole path)."""

    path: str
    rooted: bool = False


@dataclass(frozen=True)
class _Const:
    value: Any


@dataclass(frozen=True)
class _Func:
    """Code of the submission a value leads to: a function it made from this code object,
    or an instance of the class whose body this is (its methods may be called unnamed)."""

    code: types.CodeType


@dataclass(frozen=True)
class _Items:
    """A tuple or keyword map being built (defaults, closures, unpacking)."""

    members: tuple[frozenset[Any], ...]
    keys: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class _Marker:
    name: str


_COMPILED = _Marker("compiled")  # what compile() returned
_BUILD_CLASS = _Marker("__build_class__")  # what a class statement calls
_NULL_ATOM = _Marker("NULL")
_SELF_ATOM = _Marker("self")

Slot = frozenset[Any]
_UNKNOWN: Slot = frozenset()
_NULL: Slot = frozenset({_NULL_ATOM})  # the NULL pushed next to a callable (3.11+)
_SELF: Slot = frozenset({_SELF_ATOM})  # the object a method load leaves above the method
_STORABLE = (_Ref, _Func, _Marker)


def canonical(path: str) -> str:
    """The path with conventional aliases expanded and ``builtins.`` dropped."""
    if path.startswith("."):
        return path
    head, dot, rest = path.partition(".")
    head = "builtins" if head == "__builtins__" else CONVENTIONAL_ALIASES.get(head, head)
    if head == "builtins" and rest:
        return rest
    return head + dot + rest


def valid_entry(entry: str) -> bool:
    """``sum``, ``numpy.linalg.norm`` or ``.sum``: identifiers joined by dots."""
    parts = entry.strip().removeprefix(".").split(".")
    return all(part.isidentifier() for part in parts)


def matches(entry: str, path: str) -> bool:
    """Whether the forbidden ``entry`` names the callable at ``path``.

    ``.sum`` matches an attribute ``sum`` of anything; any other entry matches the same
    path once both are read through :func:`canonical` (so ``sum`` is also
    ``builtins.sum``, and ``np.sum`` is ``numpy.sum`` however the submission imports it).
    """
    entry = entry.strip()
    if entry.startswith("."):
        return path.endswith(entry) or canonical(path).endswith(entry)
    return canonical(path) == canonical(entry)


# ------------------------------------------------------------------ the scan


@dataclass
class _Facts:
    """What one code object does with values, in raw paths."""

    calls: set[str] = field(default_factory=set)
    handed_on: set[str] = field(default_factory=set)
    lookups: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # global, closure and attribute names read
    funcs: set[types.CodeType] = field(default_factory=set)  # own functions it reads

    def merge(self, other: _Facts, with_calls: bool = True) -> None:
        if with_calls:
            self.calls |= other.calls
        self.handed_on |= other.handed_on
        self.lookups |= other.lookups


@dataclass
class _Bindings:
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
    # Whether a name (an unrooted _Ref) is worth storing; None keeps every name.
    relevant: _Relevance | None = None

    def add(self, table: dict[Any, set[Any]], name: Any, atoms: Iterable[Any]) -> None:
        self.grow(table.setdefault(name, set()), atoms)

    def grow(self, have: set[Any], atoms: Iterable[Any]) -> None:
        """Add ``atoms`` to the binding ``have`` (tables keyed by a code object hand
        their set over once per scan: hashing a code object walks all of it)."""
        relevant = self.relevant
        keep = {
            a
            for a in atoms
            if isinstance(a, _STORABLE)
            and a is not _NULL_ATOM
            and a is not _SELF_ATOM
            and (relevant is None or type(a) is not _Ref or a.rooted or relevant(a.path))
        }
        if not keep <= have:
            have |= keep
            self.grew = True


class _Relevance:
    """Which names a binding must remember, for one list of forbidden entries.

    A load of ``b`` gives ``b`` and everything stored under ``b``; storing that under
    ``c`` would make every binding of a chain ``a1 = a0; a2 = a1; ...`` hold every name
    before it, which is quadratic in the length of the code. So a binding keeps a name
    only when some reader of the analysis could care about it: it may match an entry,
    name a refused lookup, the builtins, a module of an entry, ``getattr``/``compile``
    or the submission's own functions and classes (how calls of them are followed).
    Any other name only ever stands for itself, and each load adds it again.
    """

    def __init__(self, entries: list[str], own: Iterable[str]) -> None:
        self.entries = entries
        heads = {"builtins", "__builtins__", "getattr", "compile", *LOOKUP_BUILTINS}
        heads |= {path.split(".")[0] for path in LOOKUP_PATHS}
        heads |= set(CONVENTIONAL_ALIASES) | _modules_of(entries)
        self.parts = heads | set(own) | set(LOOKUP_FUNCTIONS) | set(LOOKUP_ATTRIBUTES)
        self.known: dict[str, bool] = {}

    def __call__(self, path: str) -> bool:
        known = self.known.get(path)
        if known is None:
            known = self.known[path] = self._decide(path)
        return known

    def _decide(self, path: str) -> bool:
        if any(matches(entry, path) for entry in self.entries):
            return True
        parts = path.split(".")
        if any(part in self.parts for part in parts):
            return True
        whole = canonical(path)
        return whole in self.parts or whole.split(".")[0] in self.parts


def _is_builtins(slot: Slot) -> bool:
    return any(isinstance(a, _Ref) and canonical(a.path) == "builtins" for a in slot)


def _is_module(slot: Slot, name: str | None) -> bool:
    return name is not None and any(
        isinstance(a, _Ref) and a.rooted and a.path == name for a in slot
    )


def _const_str(slot: Slot) -> str | None:
    if len(slot) == 1:
        (atom,) = slot
        if isinstance(atom, _Const) and isinstance(atom.value, str):
            return atom.value
    return None


def _join(a: list[Slot], b: list[Slot]) -> list[Slot]:
    """Two stacks of the same depth meeting at one instruction: each slot may hold either."""
    return [x | y if x != y else x for x, y in zip(a, b, strict=True)]


def _instructions(code: types.CodeType) -> list[dis.Instruction]:
    return [ins for ins in dis.get_instructions(code) if ins.opname != "CACHE"]


def _effect(ins: dis.Instruction) -> int:
    try:
        if ins.opcode < dis.HAVE_ARGUMENT:
            return dis.stack_effect(ins.opcode)
        return dis.stack_effect(ins.opcode, ins.arg or 0, jump=False)
    except ValueError:
        return 0


def _jump_effect(ins: dis.Instruction) -> int:
    try:
        return dis.stack_effect(ins.opcode, ins.arg or 0, jump=True)
    except ValueError:
        return _effect(ins)


class _Scan:
    """One pass over one code object, reading and growing ``bindings``."""

    def __init__(
        self,
        code: types.CodeType,
        scope: str,
        bindings: _Bindings,
        instructions: list[dis.Instruction] | None = None,
    ) -> None:
        self.code = code
        # This code's own tables, looked up once: see _Bindings.grow.
        self.local_table = bindings.locals.setdefault(code, {})
        self.returned = bindings.returns.setdefault(code, set())
        self.instructions = instructions if instructions is not None else _instructions(code)
        self.scope = scope  # "module", "class" or "function"
        self.b = bindings
        self.facts = _Facts()
        self.stack: list[Slot] = []

    # --- stack helpers
    def peek(self, depth: int) -> Slot:
        return self.stack[-depth] if 0 < depth <= len(self.stack) else _UNKNOWN

    def pop(self, n: int) -> list[Slot]:
        if n <= 0:
            return []
        taken = self.stack[-n:] if n <= len(self.stack) else list(self.stack)
        del self.stack[max(len(self.stack) - n, 0) :]
        return [_UNKNOWN] * (n - len(taken)) + taken

    def push(self, *slots: Slot) -> None:
        self.stack.extend(slots)

    # --- what happens to values
    def hand_on(self, slots: Iterable[Slot]) -> None:
        """The values go where this scan cannot follow them."""
        for slot in slots:
            for atom in slot:
                if isinstance(atom, _Ref):
                    self.facts.handed_on.add(atom.path)
                elif isinstance(atom, _Items):
                    self.hand_on(atom.members)
                elif atom is _COMPILED:
                    self.facts.lookups.add(COMPILED_HANDED_ON)

    def read(self, atoms: set[Any]) -> Slot:
        for atom in atoms:
            if isinstance(atom, _Func):
                self.facts.funcs.add(atom.code)
        return frozenset(atoms)

    def load_name(self, name: str, table: dict[str, set[Any]], *more: dict[str, set[Any]]) -> Slot:
        self.facts.names.add(name)
        atoms: set[Any] = {_Ref(name)} | table.get(name, set())
        for extra in more:
            atoms |= extra.get(name, set())
        if name == "__builtins__":
            atoms.add(_Ref("builtins", rooted=True))
        return self.read(atoms)

    def load_global(self, name: str) -> Slot:
        slot = self.load_name(name, self.b.globals)
        if self.b.stars:
            slot |= {_Ref(f"{star}.{name}", rooted=True) for star in self.b.stars}
        return slot

    def attribute(self, base: Slot, name: str) -> Slot:
        """The value of ``base.name``."""
        self.facts.names.add(name)
        if name in LOOKUP_ATTRIBUTES:
            self.facts.lookups.add(LOOKUP_ATTRIBUTES[name])
        if name == "__call__":
            return base  # calling x.__call__ calls x
        atoms: set[Any] = set()
        for atom in base:
            if not isinstance(atom, _Ref):
                continue
            if atom.rooted and atom.path.count(".") + 1 < _MAX_PATH_PARTS:
                atoms.add(_Ref(f"{atom.path}.{name}", rooted=True))
            elif "." not in atom.path:
                atoms.add(_Ref(f"{atom.path}.{name}"))
            else:
                atoms.add(_Ref(f".{name}"))
        if not atoms:
            atoms.add(_Ref(f".{name}"))
        for atom in atoms:
            if canonical(atom.path) in LOOKUP_PATHS:
                self.facts.lookups.add(LOOKUP_PATHS[canonical(atom.path)])
        if _is_module(base, self.b.own_module):
            atoms |= self.b.globals.get(name, set())
        return self.read(atoms | self.b.attrs.get(name, set()))

    def store(self, op: str, name: str, value: Slot) -> None:
        b = self.b
        if op == "STORE_FAST":
            table = self.local_table
        elif op == "STORE_DEREF":
            table = b.cells
        elif op == "STORE_NAME" and self.scope == "class":
            table = b.attrs  # a class attribute
        else:  # STORE_GLOBAL, and STORE_NAME in module code
            table = b.globals
        self.bind(table, name, value)

    def bind(self, table: dict[str, set[Any]], name: str, value: Slot) -> None:
        """Bind ``value`` under ``name``; a tuple being built goes where we stop following."""
        self.b.add(table, name, value)
        self.hand_on([frozenset(a for a in value if isinstance(a, _Items))])
        if table is self.b.attrs and name.startswith("__") and name.endswith("__"):
            self.hand_on([value])  # ``__call__ = sum``: Python calls these without a name

    # --- instructions with their own rules
    def call(self, ins: dis.Instruction, keywords: bool) -> None:
        op, arg = ins.opname, ins.arg or 0
        size = arg + 2 if op == "PRECALL" else 1 - _effect(ins)
        region = self.pop(size)
        if not region:
            self.push(_UNKNOWN)
            return
        at = 1 if region[0] == _NULL and len(region) > 1 else 0
        callee = region[at]
        args = [s for i, s in enumerate(region) if i != at and s not in (_NULL, _SELF)]
        if op in _KEYWORD_CALLS:
            keywords = True
        paths = {canonical(a.path) for a in callee if isinstance(a, _Ref)}
        made: set[Any] = set()  # an instance of the submission's class, what its code returns
        b = self.b
        for atom in callee:
            if isinstance(atom, _Ref):
                self.facts.calls.add(atom.path)
                name = atom.path.split(".")[-1]
                made |= {_Func(body) for body in b.classes.get(name, ())}
                for code in b.functions.get(name, ()):
                    made |= b.returns.get(code, set())
            elif isinstance(atom, _Func):
                self.facts.funcs.add(atom.code)
                made |= b.returns.get(atom.code, set())
        if _BUILD_CLASS in callee and args:
            # __build_class__(body, name, *bases, **keywords): the class is its body, and
            # using it may run the methods of what the statement names.
            bodies = [a.code for a in args[0] if isinstance(a, _Func)]
            for body in bodies:
                b.add(b.bases, body, (a for slot in args[2:] for a in slot))
            made |= {_Func(body) for body in bodies}
        result: Slot = frozenset(made)
        if "getattr" in paths:
            plain = len(args) in (2, 3) and not keywords  # getattr(obj, name[, default])
            name = _const_str(args[1]) if plain else None
            if name is not None:
                result = self.attribute(args[0], name)
            else:
                self.facts.lookups.add(COMPUTED_GETATTR)  # the reason; its object is not
            self.hand_on(args[2:] if plain else args)
        else:
            self.hand_on(args)
            if "compile" in paths:
                result = frozenset({_COMPILED})
        self.push(result)

    def make_function(self, ins: dis.Instruction) -> None:
        if _MAKE_FUNCTION_FLAGS:
            flags = ins.arg or 0
            size = 1 - _effect(ins)
            region = self.pop(size)
            code_slot = region[-2] if _QUALNAME_ON_MAKE_FUNCTION else region[-1]
            attributes = region[: bin(flags & 0x0F).count("1")]
            code = self._code_in(code_slot)
            for bit, value in zip([b for b in (1, 2, 4, 8) if flags & b], attributes, strict=False):
                self._function_attribute(code, bit, value)
        else:
            (code_slot,) = self.pop(1)
            code = self._code_in(code_slot)
        self.push(frozenset({_Func(code)}) if code is not None else _UNKNOWN)

    def set_function_attribute(self, ins: dis.Instruction) -> None:
        value, func = self.pop(2)
        codes = [a.code for a in func if isinstance(a, _Func)]
        self._function_attribute(codes[0] if codes else None, ins.arg or 0, value)
        self.push(func)

    @staticmethod
    def _code_in(slot: Slot) -> types.CodeType | None:
        for atom in slot:
            if isinstance(atom, _Const) and isinstance(atom.value, types.CodeType):
                return atom.value
        return None

    def _function_attribute(self, code: types.CodeType | None, bit: int, value: Slot) -> None:
        """Defaults go to their parameters; annotations and closure cells go nowhere."""
        if bit not in (1, 2):
            return
        for atom in value:
            if not isinstance(atom, _Items) or code is None:
                if isinstance(atom, _Items):
                    self.hand_on(atom.members)
                continue
            if bit == 1:
                positional = code.co_varnames[: code.co_argcount]
                names = positional[len(positional) - len(atom.members) :]
            else:
                names = tuple(str(k) for k in atom.keys or ())
            local = self.b.locals.setdefault(code, {})
            for name, member in zip(names, atom.members, strict=False):
                self.bind(local, name, member)
                if name in code.co_cellvars:
                    self.b.add(self.b.cells, name, member)

    def subscript(self) -> None:
        container, key = self.pop(2)
        name = _const_str(key)
        if name is not None and _is_builtins(container):
            self.push(self.attribute(container, name))  # __builtins__["sum"]
            return
        self.hand_on([container, key])
        self.push(_UNKNOWN)

    def import_name(self, ins: dis.Instruction) -> None:
        level, fromlist = self.pop(2)
        module = str(ins.argval)
        root = module.partition(".")[0]
        if root in LOOKUP_MODULES:
            self.facts.lookups.add(LOOKUP_MODULES[root])
        if level != frozenset({_Const(0)}):
            self.push(_UNKNOWN)  # a relative import: not a module path we can name
            return
        plain = fromlist == frozenset({_Const(None)})
        # ``import a.b`` binds ``a``; ``from a.b import c`` reads ``c`` from ``a.b``.
        self.push(frozenset({_Ref(module.partition(".")[0] if plain else module, rooted=True)}))

    def import_star(self) -> None:
        for atom in self.peek(1):
            if isinstance(atom, _Ref) and atom.rooted:
                self.b.stars.add(atom.path)

    # --- the pass
    def run(self) -> _Facts:
        at_target: dict[int, list[Slot]] = {}
        dead = False
        keywords = False
        stack = self.stack
        for ins in self.instructions:
            op = ins.opname
            saved = at_target.get(ins.offset)
            if saved is not None and (dead or len(saved) > len(stack)):
                stack[:] = saved
            elif saved is not None and len(saved) == len(stack):
                stack[:] = _join(stack, saved)  # ``sum if c else len``: either may arrive
            elif dead:
                stack.clear()  # an exception handler: what is below is not ours to name
            dead = False
            if ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs:
                target = ins.argval
                if isinstance(target, int):
                    after = _jump_effect(ins)
                    snapshot = list(stack)
                    if after < 0:
                        del snapshot[max(len(snapshot) + after, 0) :]
                    else:
                        snapshot.extend([_UNKNOWN] * after)
                    earlier = at_target.get(target)
                    if earlier is None:
                        at_target[target] = snapshot
                    elif len(earlier) == len(snapshot):  # several jumps to one place
                        at_target[target] = _join(earlier, snapshot)
            if op == "CALL" and _HAS_PRECALL:
                pass  # 3.11: PRECALL already made the call
            elif op in _CALLS:
                self.call(ins, keywords)
                keywords = False
            elif op == "KW_NAMES":
                keywords = True
            else:
                self.step(ins)
            dead = op in _TERMINATORS
        return self.facts

    def step(self, ins: dis.Instruction) -> None:
        op = ins.opname
        effect = _effect(ins)
        stack = self.stack
        b = self.b
        if op in _GLOBAL_LOADS or (op == "LOAD_NAME" and self.scope == "module"):
            if op == "LOAD_FROM_DICT_OR_GLOBALS":
                self.pop(1)
            slot = self.load_global(ins.argval)
            if op == "LOAD_GLOBAL" and effect == 2:  # also pushes a NULL
                self.push(*((slot, _NULL) if _NULL_ABOVE else (_NULL, slot)))
            else:
                self.push(slot)
        elif op == "LOAD_NAME":  # in a class body: the class namespace, then globals
            self.push(self.load_name(ins.argval, b.attrs, b.globals))
        elif op in _CELL_LOADS:
            if op == "LOAD_FROM_DICT_OR_DEREF":
                self.pop(1)
            self.push(self.load_name(ins.argval, b.cells))
        elif op in _LOCAL_LOADS:
            self.push(self.read({_Ref(ins.argval)} | self._local(ins.argval)))
        elif op == "LOAD_FAST_LOAD_FAST":
            for name in ins.argval:
                self.push(self.read({_Ref(name)} | self._local(name)))
        elif op == "LOAD_CONST":
            try:
                self.push(frozenset({_Const(ins.argval)}))
            except TypeError:  # an unhashable constant
                self.push(_UNKNOWN)
        elif op in ("LOAD_ATTR", "LOAD_METHOD"):
            (base,) = self.pop(1)
            value = self.attribute(base, ins.argval)
            self.push(*((value, _SELF) if effect == 1 else (value,)))
        elif op == "LOAD_SUPER_ATTR":
            self.pop(3)
            value = self.attribute(_UNKNOWN, ins.argval)
            self.push(*((value, _SELF) if effect == -1 else (value,)))
        elif op in ("STORE_FAST", "STORE_DEREF", "STORE_NAME", "STORE_GLOBAL"):
            (value,) = self.pop(1)
            self.store(op, ins.argval, value)
        elif op == "STORE_FAST_STORE_FAST":
            first, second = ins.argval
            top, below = self.pop(1)[0], self.pop(1)[0]
            self.store("STORE_FAST", first, top)
            self.store("STORE_FAST", second, below)
        elif op == "STORE_FAST_LOAD_FAST":
            first, second = ins.argval
            self.store("STORE_FAST", first, self.pop(1)[0])
            self.push(self.read({_Ref(second)} | self._local(second)))
        elif op == "STORE_ATTR":
            value, owner = self.pop(2)
            self.bind(b.attrs, ins.argval, value)
            if _is_builtins(owner) or _is_module(owner, b.own_module):
                b.add(b.globals, ins.argval, value)  # builtins.name = value: a global name
        elif op == "IMPORT_NAME":
            self.import_name(ins)
        elif op == "IMPORT_FROM":
            self.push(self.attribute(self.peek(1), ins.argval))
        elif op == "IMPORT_STAR":
            self.import_star()
            self.pop(1)
        elif op == "CALL_INTRINSIC_1" and ins.argrepr == "INTRINSIC_IMPORT_STAR":
            self.import_star()
            self.pop(1)
            self.push(_UNKNOWN)
        elif op == "MAKE_FUNCTION":
            self.make_function(ins)
        elif op == "SET_FUNCTION_ATTRIBUTE":
            self.set_function_attribute(ins)
        elif op == "BUILD_TUPLE":
            self.push(frozenset({_Items(tuple(self.pop(ins.arg or 0)))}))
        elif op == "BUILD_CONST_KEY_MAP":
            region = self.pop((ins.arg or 0) + 1)
            keys = [a.value for a in region[-1] if isinstance(a, _Const)]
            if len(keys) == 1 and isinstance(keys[0], tuple):
                self.push(frozenset({_Items(tuple(region[:-1]), keys[0])}))
            else:
                self.hand_on(region)
                self.push(_UNKNOWN)
        elif op == "BINARY_SUBSCR":
            self.subscript()
        elif op == "UNPACK_SEQUENCE":
            (value,) = self.pop(1)
            n = ins.arg or 0
            items = [a for a in value if isinstance(a, _Items)]
            if len(value) == 1 and items and len(items[0].members) == n:
                self.push(*reversed(items[0].members))
            else:
                self.hand_on([value])
                self.push(*([_UNKNOWN] * n))
        elif op in ("COPY", "DUP_TOP"):
            self.push(self.peek(ins.arg if op == "COPY" else 1))
        elif op == "DUP_TOP_TWO":
            self.push(self.peek(2), self.peek(2))
        elif op in ("SWAP", "ROT_TWO"):
            depth = ins.arg if op == "SWAP" else 2
            if depth and depth <= len(stack):
                stack[-1], stack[-depth] = stack[-depth], stack[-1]
        elif op in ("ROT_THREE", "ROT_FOUR", "ROT_N"):
            depth = {"ROT_THREE": 3, "ROT_FOUR": 4}.get(op, ins.arg or 0)
            if 1 < depth <= len(stack):
                stack.insert(len(stack) - depth + 1, stack.pop())
        elif op == "PUSH_NULL":
            self.push(_NULL)
        elif op == "LOAD_BUILD_CLASS":
            self.push(frozenset({_BUILD_CLASS}))
        elif op == "RETURN_VALUE":
            (value,) = self.pop(1)
            b.grow(self.returned, value)  # a caller of this code gets it
            self.hand_on([value])
        elif op in _NEUTRAL:
            self.push(*([_UNKNOWN] * max(effect, 0)))
        elif op in _REPLACE_THEN_PUSH:
            self.hand_on(self.pop(1))
            self.push(*([_UNKNOWN] * (effect + 1)))
        else:
            self.generic(op, effect)

    def generic(self, op: str, effect: int) -> None:
        """An instruction with no rule of its own: it takes values and leaves unnamed ones."""
        stack = self.stack
        taken: list[Slot] = []
        if effect >= 0:
            if effect == 0 and stack:
                taken.append(stack[-1])
                stack[-1] = _UNKNOWN  # transforms the top value (UNARY_*, GET_ITER, ...)
            self.push(*([_UNKNOWN] * effect))
        else:
            taken = self.pop(-effect)
            if stack and not op.startswith(_PURE_POPS_PREFIX) and op not in _NO_RESULT:
                taken.append(stack[-1])
                stack[-1] = _UNKNOWN  # consumes operands and leaves its own result on top
        if not (op in _HARMLESS or op.startswith("POP_JUMP")):
            self.hand_on(taken)

    def _local(self, name: str) -> set[Any]:
        return self.local_table.get(name, set())


# ------------------------------------------------------------------ the analysis


def _walk(code: types.CodeType) -> Iterator[types.CodeType]:
    yield from opcodes.all_code(code)


def _class_bodies(code: types.CodeType) -> Iterator[types.CodeType]:
    """Class bodies that run when ``code`` runs (classes defined in its own code)."""
    for inner in opcodes.nested_code(code):
        if not inner.co_flags & inspect.CO_OPTIMIZED:
            yield inner
            yield from _class_bodies(inner)


class Analysis:
    """The scan of a whole submission (or of one code object alone)."""

    def __init__(
        self,
        root: types.CodeType,
        module: types.CodeType | None = None,
        entries: list[str] | None = None,
    ) -> None:
        codes: dict[types.CodeType, None] = {}
        for top in (module, root):
            if top is not None:
                codes.update(dict.fromkeys(_walk(top)))
        self.codes = list(codes)
        top_level = module if module is not None else root
        self._top = top_level if not top_level.co_flags & inspect.CO_OPTIMIZED else None
        self.by_name: dict[str, list[types.CodeType]] = {}
        for code in self.codes:
            if code is not self._top and code.co_name.isidentifier():
                self.by_name.setdefault(code.co_name, []).append(code)
        self.facts: dict[types.CodeType, _Facts] = {}
        listed = {c: _instructions(c) for c in self.codes}
        bindings = _Bindings()
        for name, codes_named in self.by_name.items():
            for code in codes_named:
                kind = "functions" if code.co_flags & inspect.CO_OPTIMIZED else "classes"
                getattr(bindings, kind).setdefault(name, []).append(code)
        self.bases = bindings.bases
        if entries is not None:
            bindings.relevant = _Relevance(entries, self.by_name)
        if module is not None:
            bindings.own_module = os.path.basename(module.co_filename).rsplit(".", 1)[0]
        # False when bindings still grew in the last round: a chain of assignments longer
        # than any real program needs was cut short, so the answer may miss a value.
        self.settled = False
        for _ in range(_MAX_ROUNDS):
            bindings.grew = False
            self.facts = {
                c: _Scan(c, self._scope(c), bindings, listed[c]).run() for c in self.codes
            }
            if not bindings.grew:
                self.settled = True
                break

    def _scope(self, code: types.CodeType) -> str:
        if code is self._top:
            return "module"
        return "function" if code.co_flags & inspect.CO_OPTIMIZED else "class"

    def reach(self, roots: Iterable[types.CodeType], nested: bool = True) -> set[types.CodeType]:
        """``roots`` (with their nested code when ``nested``) and the submission's own
        functions and classes they refer to, with theirs, and so on."""
        seen: set[types.CodeType] = set()
        todo = [(code, nested) for code in roots]
        while todo:
            code, deep = todo.pop()
            if code in seen or code not in self.facts:
                continue
            seen.add(code)
            if deep:
                todo.extend((inner, True) for inner in opcodes.nested_code(code))
            facts = self.facts[code]
            named = set(facts.names)
            linked = set(facts.funcs)
            for atom in self.bases.get(code, ()):  # a class: its bases and metaclass too
                if isinstance(atom, _Ref):
                    named.add(atom.path.split(".")[-1])
                elif isinstance(atom, _Func):
                    linked.add(atom.code)
            todo.extend((inner, True) for inner in linked)
            for name in named:
                todo.extend((inner, True) for inner in self.by_name.get(name, ()))
        return seen

    def target_facts(self, target: types.CodeType) -> _Facts:
        out = _Facts()
        for code in self.reach([target]):
            out.merge(self.facts[code])
        return out

    def module_facts(self) -> _Facts:
        """What the module's own top-level code (and the class bodies it runs) hands on or
        looks up, with the code it refers to; its plain calls are its own business."""
        out = _Facts()
        if self._top is None:
            return out
        shallow = [self._top, *_class_bodies(self._top)]
        for code in self.reach(shallow, nested=False):
            facts = self.facts[code]
            out.merge(facts, with_calls=False)
            out.lookups |= _lookup_functions(facts.calls)
        return out


def _lookup_functions(paths: Iterable[str]) -> set[str]:
    """The refused lookups that calling (or handing on) these paths makes."""
    out = set()
    for path in paths:
        name = canonical(path)
        if name in LOOKUP_BUILTINS:
            out.add(LOOKUP_BUILTINS[name])
        elif "." in name and name.rsplit(".", 1)[1] in LOOKUP_FUNCTIONS:
            out.add(LOOKUP_FUNCTIONS[name.rsplit(".", 1)[1]])
    return out


def _modules_of(entries: list[str]) -> set[str]:
    """The modules a forbidden entry lives in (``numpy`` for ``np.sum``), and builtins."""
    out = {"builtins"}
    for entry in entries:
        if entry.startswith("."):
            continue
        parts = canonical(entry).split(".")
        out |= {".".join(parts[:i]) for i in range(1, len(parts))}
    return out


@dataclass(frozen=True)
class CallFindings:
    """The verdict on one target, each list in a stable order."""

    calls: list[str]  # forbidden entries called, as the question wrote them
    passed_on: list[str]  # forbidden entries handed to other code as values (and not called)
    lookups: list[str]  # refused run-time lookups, as the student reads them

    def __bool__(self) -> bool:
        return bool(self.calls or self.passed_on or self.lookups)


def find_forbidden(
    code: types.CodeType, forbidden: list[str], module: types.CodeType | None = None
) -> CallFindings:
    """What ``code`` (a target: a function of ``module`` when given) does with ``forbidden``.

    Without ``module`` the target is read alone: its global names mean only themselves.
    """
    entries = [e.strip() for e in forbidden if e and e.strip()]
    analysis = Analysis(code, module, entries)
    target = analysis.target_facts(code)
    top = analysis.module_facts()
    calls = [e for e in entries if any(matches(e, p) for p in target.calls)]
    handed = target.handed_on | top.handed_on
    passed = [e for e in entries if e not in calls and any(matches(e, p) for p in handed)]
    lookups = set(target.lookups) | top.lookups
    if not analysis.settled:
        lookups.add(UNSETTLED)
    lookups |= _lookup_functions(target.calls | handed)
    modules = _modules_of(entries)
    for path in handed:
        name = canonical(path)
        if name == "getattr":
            lookups.add(GETATTR_HANDED_ON)
        elif name in modules:
            lookups.add(MODULE_HANDED_ON.format(module=name))
    return CallFindings(calls=calls, passed_on=passed, lookups=sorted(lookups))


def called_names(code: types.CodeType) -> set[str]:
    """Every callable label called by ``code`` or any code nested in it (read alone)."""
    analysis = Analysis(code)
    out: set[str] = set()
    for inner in _walk(code):
        out |= analysis.facts[inner].calls
    return out


def forbidden_calls(
    code: types.CodeType, forbidden: list[str], module: types.CodeType | None = None
) -> list[str]:
    """The entries of ``forbidden`` that ``code`` calls (see :func:`find_forbidden`)."""
    return find_forbidden(code, forbidden, module).calls
