"""``kind = "bytecode"``: which instructions a function's code uses.

Options (all optional, at least one given):

- ``require``: names that must each appear at least once;
- ``forbid``: names none of which may appear;
- ``max_instructions``: at most this many instructions in the target's own code,
  counted as ``dis`` lists them (CACHE entries are not instructions);
- ``calls_forbidden``: callables that may not be loaded and then called.

Names are opcode names of the running Python or portable names (see
:mod:`grader.checks.opcodes`). ``require`` and ``forbid`` look at the target's code
and the comprehensions and generator expressions written in it (3.12 inlines
comprehensions, 3.11 does not: this keeps the answer the same), not at functions or
lambdas defined inside it, which are targets of their own. ``calls_forbidden`` looks
at every code object nested in the target, lambdas and inner functions included,
since calling ``sum`` from a helper lambda is still calling ``sum``.

A ``calls_forbidden`` entry ``sum`` means the bare name (a global, builtin, closure
variable or local), ``np.sum`` an attribute ``sum`` of the bare name ``np``, and
``.sum`` an attribute or method ``sum`` of anything. Binding the callable to another
local name first (``s = sum; s(x)``) is followed.
"""

from __future__ import annotations

import dis
import sys
import types
from collections.abc import Callable
from typing import Any

from grader import messages
from grader.checks import opcodes
from grader.checks.base import Check, CheckResult, GradingContext
from grader.checks.common import code_or_failure, name_list, result

# How calls find their callable differs by version (see _callee).
_HAS_PRECALL = opcodes._LIVE.has("PRECALL")
# 3.11 and 3.12 push LOAD_GLOBAL's NULL below the value; 3.13 pushes it above.
_NULL_ABOVE = sys.version_info >= (3, 13)

_NAME_LOADS = frozenset(
    {
        "LOAD_GLOBAL",
        "LOAD_NAME",
        "LOAD_DEREF",
        "LOAD_CLASSDEREF",
        "LOAD_FROM_DICT_OR_DEREF",
        "LOAD_FROM_DICT_OR_GLOBALS",
    }
)
_LOCAL_LOADS = frozenset({"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_CLOSURE"})
_NAME_STORES = frozenset({"STORE_FAST", "STORE_DEREF", "STORE_NAME", "STORE_GLOBAL"})
# Instructions that do not touch the value on top of the stack.
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
    }
)
# Instructions that consume the top value and push more than one in its place.
_REPLACE_THEN_PUSH = frozenset(
    {
        "BEFORE_WITH",
        "BEFORE_ASYNC_WITH",
        "SETUP_WITH",
        "SETUP_ASYNC_WITH",
        "UNPACK_SEQUENCE",
        "UNPACK_EX",
        "PUSH_EXC_INFO",
    }
)
# Instructions that only remove values (the new top, if any, is an older value).
_PURE_POPS_PREFIX = ("POP_", "STORE_", "DELETE_", "RETURN_", "RAISE_", "RERAISE")
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

# A stack slot's label: the callable name it holds, NULL_SLOT for the NULL that 3.11+
# pushes next to a callable, or None for a value we do not name.
Label = str | None
NULL_SLOT = ""


def _callee(ins: dis.Instruction, peek: Callable[[int], Label]) -> Label:
    """The label of the callable a call instruction calls (None: not a call, or unnamed)."""
    name, arg = ins.opname, ins.arg or 0
    if name == "PRECALL" or (name == "CALL" and not _HAS_PRECALL):
        if _NULL_ABOVE:  # 3.13: callable, self-or-NULL, arguments
            return peek(arg + 2)
        # 3.11/3.12: NULL-or-method, callable-or-self, arguments. Below a NULL sits the
        # callable; otherwise the lower slot is the callable (a method, or the exception
        # class of ``assert x, message``) and the upper one its first argument.
        lower = peek(arg + 2)
        return peek(arg + 1) if lower == NULL_SLOT else lower
    if name == "CALL_KW":
        return peek(arg + 3)
    if name == "CALL_FUNCTION":
        return peek(arg + 1)
    if name == "CALL_METHOD":
        return peek(arg + 2) or peek(arg + 1)
    if name == "CALL_FUNCTION_KW":
        return peek(arg + 2)
    if name == "CALL_FUNCTION_EX":
        return peek(3 + (arg & 1) if _NULL_ABOVE else 2 + (arg & 1))
    return None


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


def _called_in(code: types.CodeType) -> set[str]:
    """Labels of every callable that ``code`` itself calls (see the module docstring)."""
    stack: list[Label] = []
    aliases: dict[str, str] = {}
    at_target: dict[int, list[Label]] = {}
    called: set[str] = set()
    dead = False

    def peek(depth: int) -> Label:
        return stack[-depth] if 0 < depth <= len(stack) else None

    def pop(n: int) -> list[Label]:
        taken = stack[len(stack) - n :] if n <= len(stack) else list(stack)
        del stack[max(len(stack) - n, 0) :]
        return taken

    for ins in dis.get_instructions(code):
        if ins.opname == "CACHE":
            continue
        if ins.offset in at_target and (dead or len(at_target[ins.offset]) > len(stack)):
            stack[:] = at_target[ins.offset]
        elif dead:
            stack.clear()  # an exception handler: what is below is not ours to name
        dead = False
        op = ins.opname
        label = _callee(ins, peek)
        if label:
            called.add(label)
        if ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs:
            target = ins.argval
            if isinstance(target, int):
                after = _jump_effect(ins)
                snapshot = list(stack)
                if after < 0:
                    del snapshot[max(len(snapshot) + after, 0) :]
                else:
                    snapshot.extend([None] * after)
                at_target.setdefault(target, snapshot)
        effect = _effect(ins)
        if op in _NAME_LOADS:
            if effect == 2:  # LOAD_GLOBAL that also pushes a NULL: the NULL is not the name
                pair = [ins.argval, NULL_SLOT] if _NULL_ABOVE else [NULL_SLOT, ins.argval]
                stack.extend(pair)
            else:
                stack.extend([ins.argval] * max(effect, 1))
        elif op in _LOCAL_LOADS:
            stack.extend([aliases.get(ins.argval, ins.argval)] * max(effect, 1))
        elif op == "LOAD_FAST_LOAD_FAST":
            first, second = ins.argval
            stack.extend([aliases.get(first, first), aliases.get(second, second)])
        elif op in ("LOAD_ATTR", "LOAD_METHOD"):
            (base,) = pop(1) or [None]
            label = f"{base}.{ins.argval}" if base and "." not in base else f".{ins.argval}"
            stack.extend([label] * (effect + 1))
        elif op in _NAME_STORES:
            (value,) = pop(1) or [None]
            if value and value != ins.argval:
                aliases[ins.argval] = value
            else:
                aliases.pop(ins.argval, None)
        elif op in ("COPY", "DUP_TOP"):
            stack.append(peek(ins.arg if op == "COPY" else 1))
        elif op in ("SWAP", "ROT_TWO"):
            depth = ins.arg if op == "SWAP" else 2
            if depth <= len(stack):
                stack[-1], stack[-depth] = stack[-depth], stack[-1]
        elif op == "PUSH_NULL":
            stack.append(NULL_SLOT)
        elif op in _NEUTRAL:
            stack.extend([None] * max(effect, 0))
        elif op in _REPLACE_THEN_PUSH:
            pop(1)
            stack.extend([None] * (effect + 1))
        elif effect >= 0:
            if effect == 0 and stack:
                stack[-1] = None  # transforms the top value (UNARY_*, GET_ITER, ...)
            stack.extend([None] * effect)
        else:
            pop(-effect)
            if stack and not op.startswith(_PURE_POPS_PREFIX):
                stack[-1] = None  # consumes operands and leaves its own result on top
        dead = op in _TERMINATORS
    return called


def called_names(code: types.CodeType) -> set[str]:
    """Every callable label called by ``code`` or any code nested in it."""
    out: set[str] = set()
    for inner in opcodes.all_code(code):
        out |= _called_in(inner)
    return out


def forbidden_calls(code: types.CodeType, forbidden: list[str]) -> list[str]:
    """The entries of ``forbidden`` that ``code`` calls."""
    labels = called_names(code)
    hits = []
    for name in forbidden:
        if name.startswith("."):
            hit = any(label.endswith(name) for label in labels)
        else:
            hit = name in labels
        if hit:
            hits.append(name)
    return hits


class BytecodeCheck(Check):
    kind = "bytecode"

    def run(self, ctx: GradingContext) -> CheckResult:
        spec = self.spec
        opts: dict[str, Any] = dict(spec.options)
        # A misspelt opcode is the question's fault: raise, the pipeline records an error.
        require = [opcodes.resolve(n) for n in opts.get("require", [])]
        forbid = [opcodes.resolve(n) for n in opts.get("forbid", [])]
        target, code, failure = code_or_failure(spec, ctx)
        if failure is not None or code is None:
            return failure  # type: ignore[return-value]

        stream = list(opcodes.own_instructions(code))
        missing = [m.name for m in require if not any(m.matches(i, c) for i, c in stream)]
        if missing:
            text = messages.BYTECODE_MISSING.format(target=target, opcodes=name_list(missing))
            return result(spec, False, text, {"missing": missing})
        present = [m.name for m in forbid if any(m.matches(i, c) for i, c in stream)]
        if present:
            text = messages.BYTECODE_FORBIDDEN.format(target=target, opcodes=name_list(present))
            return result(spec, False, text, {"forbidden": present})
        details: dict[str, Any] = {}
        limit = opts.get("max_instructions")
        if limit is not None:
            count = sum(1 for _ in opcodes.own_instructions(code, with_comprehensions=False))
            details["instructions"] = count
            if count > limit:
                text = messages.BYTECODE_TOO_LONG.format(target=target, count=count, limit=limit)
                return result(spec, False, text, details)
        calls = opts.get("calls_forbidden") or []
        if calls:
            hits = forbidden_calls(code, list(calls))
            if hits:
                text = messages.BYTECODE_CALLS_FORBIDDEN.format(
                    target=target, names=name_list(hits)
                )
                return result(spec, False, text, {"calls": hits})
        return result(spec, True, details=details)
