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

The parts: :mod:`grader.checks.call_rules` (what is refused, how entries match),
:mod:`grader.checks.call_values` (stack values, bindings, instruction groups),
:mod:`grader.checks.call_scan` (one pass over one code object) and, here, the analysis
of a whole submission.
"""

from __future__ import annotations

import inspect
import os
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from grader.checks import opcodes
from grader.checks.call_rules import (
    COMPILED_HANDED_ON,
    COMPUTED_GETATTR,
    CONVENTIONAL_ALIASES,
    GETATTR_HANDED_ON,
    LOOKUP_ATTRIBUTES,
    LOOKUP_BUILTINS,
    LOOKUP_FUNCTIONS,
    LOOKUP_MODULES,
    LOOKUP_PATHS,
    MODULE_HANDED_ON,
    UNSETTLED,
    Relevance,
    canonical,
    lookup_functions,
    matches,
    modules_of,
    valid_entry,
)
from grader.checks.call_scan import Scan
from grader.checks.call_values import MAX_ROUNDS, Bindings, Facts, Func, Ref, instructions_of

__all__ = [
    "COMPILED_HANDED_ON",
    "COMPUTED_GETATTR",
    "CONVENTIONAL_ALIASES",
    "GETATTR_HANDED_ON",
    "LOOKUP_ATTRIBUTES",
    "LOOKUP_BUILTINS",
    "LOOKUP_FUNCTIONS",
    "LOOKUP_MODULES",
    "LOOKUP_PATHS",
    "MODULE_HANDED_ON",
    "UNSETTLED",
    "Analysis",
    "CallFindings",
    "called_names",
    "canonical",
    "find_forbidden",
    "forbidden_calls",
    "matches",
    "valid_entry",
]

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
        self.facts: dict[types.CodeType, Facts] = {}
        listed = {c: instructions_of(c) for c in self.codes}
        bindings = Bindings()
        for name, codes_named in self.by_name.items():
            for code in codes_named:
                kind = "functions" if code.co_flags & inspect.CO_OPTIMIZED else "classes"
                getattr(bindings, kind).setdefault(name, []).append(code)
        self.bases = bindings.bases
        if entries is not None:
            bindings.relevant = Relevance(entries, self.by_name)
        if module is not None:
            bindings.own_module = os.path.basename(module.co_filename).rsplit(".", 1)[0]
        # False when bindings still grew in the last round: a chain of assignments longer
        # than any real program needs was cut short, so the answer may miss a value.
        self.settled = False
        for _ in range(MAX_ROUNDS):
            bindings.grew = False
            self.facts = {c: Scan(c, self._scope(c), bindings, listed[c]).run() for c in self.codes}
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
                if isinstance(atom, Ref):
                    named.add(atom.path.split(".")[-1])
                elif isinstance(atom, Func):
                    linked.add(atom.code)
            todo.extend((inner, True) for inner in linked)
            for name in named:
                todo.extend((inner, True) for inner in self.by_name.get(name, ()))
        return seen

    def target_facts(self, target: types.CodeType) -> Facts:
        out = Facts()
        for code in self.reach([target]):
            out.merge(self.facts[code])
        return out

    def module_facts(self) -> Facts:
        """What the module's own top-level code (and the class bodies it runs) hands on or
        looks up, with the code it refers to; its plain calls are its own business."""
        out = Facts()
        if self._top is None:
            return out
        shallow = [self._top, *_class_bodies(self._top)]
        for code in self.reach(shallow, nested=False):
            facts = self.facts[code]
            out.merge(facts, with_calls=False)
            out.lookups |= lookup_functions(facts.calls)
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
    lookups |= lookup_functions(target.calls | handed)
    modules = modules_of(entries)
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
