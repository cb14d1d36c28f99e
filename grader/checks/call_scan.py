"""One pass of the ``calls_forbidden`` analysis over one code object (:class:`Scan`):
it follows the value stack instruction by instruction and records, in
:class:`~grader.checks.call_values.Facts`, what is called, handed on and looked up."""

from __future__ import annotations

import dis
import types
from collections.abc import Iterable
from typing import Any

from grader.checks.call_rules import (
    COMPILED_HANDED_ON,
    COMPUTED_GETATTR,
    LOOKUP_ATTRIBUTES,
    LOOKUP_MODULES,
    LOOKUP_PATHS,
    canonical,
)
from grader.checks.call_values import (
    BUILD_CLASS,
    CALLS,
    CELL_LOADS,
    COMPILED,
    GLOBAL_LOADS,
    HARMLESS,
    HAS_PRECALL,
    KEYWORD_CALLS,
    LOCAL_LOADS,
    MAKE_FUNCTION_FLAGS,
    MAX_PATH_PARTS,
    NEUTRAL,
    NO_RESULT,
    NULL,
    NULL_ABOVE,
    PURE_POPS_PREFIX,
    QUALNAME_ON_MAKE_FUNCTION,
    REPLACE_THEN_PUSH,
    SELF,
    TERMINATORS,
    UNKNOWN,
    Bindings,
    Const,
    Facts,
    Func,
    Items,
    Ref,
    Slot,
    const_str,
    instructions_of,
    is_builtins,
    is_module,
    join,
    jump_stack_effect,
    stack_effect,
)


class Scan:
    """One pass over one code object, reading and growing ``bindings``."""

    def __init__(
        self,
        code: types.CodeType,
        scope: str,
        bindings: Bindings,
        instructions: list[dis.Instruction] | None = None,
    ) -> None:
        self.code = code
        # This code's own tables, looked up once: see Bindings.grow.
        self.local_table = bindings.locals.setdefault(code, {})
        self.returned = bindings.returns.setdefault(code, set())
        self.instructions = instructions if instructions is not None else instructions_of(code)
        self.scope = scope  # "module", "class" or "function"
        self.b = bindings
        self.facts = Facts()
        self.stack: list[Slot] = []

    # --- stack helpers
    def peek(self, depth: int) -> Slot:
        return self.stack[-depth] if 0 < depth <= len(self.stack) else UNKNOWN

    def pop(self, n: int) -> list[Slot]:
        if n <= 0:
            return []
        taken = self.stack[-n:] if n <= len(self.stack) else list(self.stack)
        del self.stack[max(len(self.stack) - n, 0) :]
        return [UNKNOWN] * (n - len(taken)) + taken

    def push(self, *slots: Slot) -> None:
        self.stack.extend(slots)

    # --- what happens to values
    def hand_on(self, slots: Iterable[Slot]) -> None:
        """The values go where this scan cannot follow them."""
        for slot in slots:
            for atom in slot:
                if isinstance(atom, Ref):
                    self.facts.handed_on.add(atom.path)
                elif isinstance(atom, Items):
                    self.hand_on(atom.members)
                elif atom is COMPILED:
                    self.facts.lookups.add(COMPILED_HANDED_ON)

    def read(self, atoms: set[Any]) -> Slot:
        for atom in atoms:
            if isinstance(atom, Func):
                self.facts.funcs.add(atom.code)
        return frozenset(atoms)

    def load_name(self, name: str, table: dict[str, set[Any]], *more: dict[str, set[Any]]) -> Slot:
        self.facts.names.add(name)
        atoms: set[Any] = {Ref(name)} | table.get(name, set())
        for extra in more:
            atoms |= extra.get(name, set())
        if name == "__builtins__":
            atoms.add(Ref("builtins", rooted=True))
        return self.read(atoms)

    def load_global(self, name: str) -> Slot:
        slot = self.load_name(name, self.b.globals)
        if self.b.stars:
            slot |= {Ref(f"{star}.{name}", rooted=True) for star in self.b.stars}
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
            if not isinstance(atom, Ref):
                continue
            if atom.rooted and atom.path.count(".") + 1 < MAX_PATH_PARTS:
                atoms.add(Ref(f"{atom.path}.{name}", rooted=True))
            elif "." not in atom.path:
                atoms.add(Ref(f"{atom.path}.{name}"))
            else:
                atoms.add(Ref(f".{name}"))
        if not atoms:
            atoms.add(Ref(f".{name}"))
        for atom in atoms:
            if canonical(atom.path) in LOOKUP_PATHS:
                self.facts.lookups.add(LOOKUP_PATHS[canonical(atom.path)])
        if is_module(base, self.b.own_module):
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
        self.hand_on([frozenset(a for a in value if isinstance(a, Items))])
        if table is self.b.attrs and name.startswith("__") and name.endswith("__"):
            self.hand_on([value])  # ``__call__ = sum``: Python calls these without a name

    # --- instructions with their own rules
    def call(self, ins: dis.Instruction, keywords: bool) -> None:
        op, arg = ins.opname, ins.arg or 0
        size = arg + 2 if op == "PRECALL" else 1 - stack_effect(ins)
        region = self.pop(size)
        if not region:
            self.push(UNKNOWN)
            return
        at = 1 if region[0] == NULL and len(region) > 1 else 0
        callee = region[at]
        args = [s for i, s in enumerate(region) if i != at and s not in (NULL, SELF)]
        if op in KEYWORD_CALLS:
            keywords = True
        paths = {canonical(a.path) for a in callee if isinstance(a, Ref)}
        made: set[Any] = set()  # an instance of the submission's class, what its code returns
        b = self.b
        for atom in callee:
            if isinstance(atom, Ref):
                self.facts.calls.add(atom.path)
                name = atom.path.split(".")[-1]
                made |= {Func(body) for body in b.classes.get(name, ())}
                for code in b.functions.get(name, ()):
                    made |= b.returns.get(code, set())
            elif isinstance(atom, Func):
                self.facts.funcs.add(atom.code)
                made |= b.returns.get(atom.code, set())
        if BUILD_CLASS in callee and args:
            # __build_class__(body, name, *bases, **keywords): the class is its body, and
            # using it may run the methods of what the statement names.
            bodies = [a.code for a in args[0] if isinstance(a, Func)]
            for body in bodies:
                b.add(b.bases, body, (a for slot in args[2:] for a in slot))
            made |= {Func(body) for body in bodies}
        result: Slot = frozenset(made)
        if "getattr" in paths:
            plain = len(args) in (2, 3) and not keywords  # getattr(obj, name[, default])
            attribute = const_str(args[1]) if plain else None
            if attribute is not None:
                result = self.attribute(args[0], attribute)
            else:
                self.facts.lookups.add(COMPUTED_GETATTR)  # the reason; its object is not
            self.hand_on(args[2:] if plain else args)
        else:
            self.hand_on(args)
            if "compile" in paths:
                result = frozenset({COMPILED})
        self.push(result)

    def make_function(self, ins: dis.Instruction) -> None:
        if MAKE_FUNCTION_FLAGS:
            flags = ins.arg or 0
            size = 1 - stack_effect(ins)
            region = self.pop(size)
            code_slot = region[-2] if QUALNAME_ON_MAKE_FUNCTION else region[-1]
            attributes = region[: bin(flags & 0x0F).count("1")]
            code = self._code_in(code_slot)
            for bit, value in zip([b for b in (1, 2, 4, 8) if flags & b], attributes, strict=False):
                self._function_attribute(code, bit, value)
        else:
            (code_slot,) = self.pop(1)
            code = self._code_in(code_slot)
        self.push(frozenset({Func(code)}) if code is not None else UNKNOWN)

    def set_function_attribute(self, ins: dis.Instruction) -> None:
        value, func = self.pop(2)
        codes = [a.code for a in func if isinstance(a, Func)]
        self._function_attribute(codes[0] if codes else None, ins.arg or 0, value)
        self.push(func)

    @staticmethod
    def _code_in(slot: Slot) -> types.CodeType | None:
        for atom in slot:
            if isinstance(atom, Const) and isinstance(atom.value, types.CodeType):
                return atom.value
        return None

    def _function_attribute(self, code: types.CodeType | None, bit: int, value: Slot) -> None:
        """Defaults go to their parameters; annotations and closure cells go nowhere."""
        if bit not in (1, 2):
            return
        for atom in value:
            if not isinstance(atom, Items) or code is None:
                if isinstance(atom, Items):
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
        name = const_str(key)
        if name is not None and is_builtins(container):
            self.push(self.attribute(container, name))  # __builtins__["sum"]
            return
        self.hand_on([container, key])
        self.push(UNKNOWN)

    def import_name(self, ins: dis.Instruction) -> None:
        level, fromlist = self.pop(2)
        module = str(ins.argval)
        root = module.partition(".")[0]
        if root in LOOKUP_MODULES:
            self.facts.lookups.add(LOOKUP_MODULES[root])
        if level != frozenset({Const(0)}):
            self.push(UNKNOWN)  # a relative import: not a module path we can name
            return
        plain = fromlist == frozenset({Const(None)})
        # ``import a.b`` binds ``a``; ``from a.b import c`` reads ``c`` from ``a.b``.
        self.push(frozenset({Ref(module.partition(".")[0] if plain else module, rooted=True)}))

    def import_star(self) -> None:
        for atom in self.peek(1):
            if isinstance(atom, Ref) and atom.rooted:
                self.b.stars.add(atom.path)

    # --- the pass
    def run(self) -> Facts:
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
                stack[:] = join(stack, saved)  # ``sum if c else len``: either may arrive
            elif dead:
                stack.clear()  # an exception handler: what is below is not ours to name
            dead = False
            if ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs:
                target = ins.argval
                if isinstance(target, int):
                    after = jump_stack_effect(ins)
                    snapshot = list(stack)
                    if after < 0:
                        del snapshot[max(len(snapshot) + after, 0) :]
                    else:
                        snapshot.extend([UNKNOWN] * after)
                    earlier = at_target.get(target)
                    if earlier is None:
                        at_target[target] = snapshot
                    elif len(earlier) == len(snapshot):  # several jumps to one place
                        at_target[target] = join(earlier, snapshot)
            if op == "CALL" and HAS_PRECALL:
                pass  # 3.11: PRECALL already made the call
            elif op in CALLS:
                self.call(ins, keywords)
                keywords = False
            elif op == "KW_NAMES":
                keywords = True
            else:
                self.step(ins)
            dead = op in TERMINATORS
        return self.facts

    def step(self, ins: dis.Instruction) -> None:
        op = ins.opname
        effect = stack_effect(ins)
        stack = self.stack
        b = self.b
        if op in GLOBAL_LOADS or (op == "LOAD_NAME" and self.scope == "module"):
            if op == "LOAD_FROM_DICT_OR_GLOBALS":
                self.pop(1)
            slot = self.load_global(ins.argval)
            if op == "LOAD_GLOBAL" and effect == 2:  # also pushes a NULL
                self.push(*((slot, NULL) if NULL_ABOVE else (NULL, slot)))
            else:
                self.push(slot)
        elif op == "LOAD_NAME":  # in a class body: the class namespace, then globals
            self.push(self.load_name(ins.argval, b.attrs, b.globals))
        elif op in CELL_LOADS:
            if op == "LOAD_FROM_DICT_OR_DEREF":
                self.pop(1)
            self.push(self.load_name(ins.argval, b.cells))
        elif op in LOCAL_LOADS:
            self.push(self.read({Ref(ins.argval)} | self._local(ins.argval)))
        elif op == "LOAD_FAST_LOAD_FAST":
            for name in ins.argval:
                self.push(self.read({Ref(name)} | self._local(name)))
        elif op == "LOAD_CONST":
            try:
                self.push(frozenset({Const(ins.argval)}))
            except TypeError:  # an unhashable constant
                self.push(UNKNOWN)
        elif op in ("LOAD_ATTR", "LOAD_METHOD"):
            (base,) = self.pop(1)
            value = self.attribute(base, ins.argval)
            self.push(*((value, SELF) if effect == 1 else (value,)))
        elif op == "LOAD_SUPER_ATTR":
            self.pop(3)
            value = self.attribute(UNKNOWN, ins.argval)
            self.push(*((value, SELF) if effect == -1 else (value,)))
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
            self.push(self.read({Ref(second)} | self._local(second)))
        elif op == "STORE_ATTR":
            value, owner = self.pop(2)
            self.bind(b.attrs, ins.argval, value)
            if is_builtins(owner) or is_module(owner, b.own_module):
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
            self.push(UNKNOWN)
        elif op == "MAKE_FUNCTION":
            self.make_function(ins)
        elif op == "SET_FUNCTION_ATTRIBUTE":
            self.set_function_attribute(ins)
        elif op == "BUILD_TUPLE":
            self.push(frozenset({Items(tuple(self.pop(ins.arg or 0)))}))
        elif op == "BUILD_CONST_KEY_MAP":
            region = self.pop((ins.arg or 0) + 1)
            keys = [a.value for a in region[-1] if isinstance(a, Const)]
            if len(keys) == 1 and isinstance(keys[0], tuple):
                self.push(frozenset({Items(tuple(region[:-1]), keys[0])}))
            else:
                self.hand_on(region)
                self.push(UNKNOWN)
        elif op == "BINARY_SUBSCR":
            self.subscript()
        elif op == "UNPACK_SEQUENCE":
            (value,) = self.pop(1)
            n = ins.arg or 0
            items = [a for a in value if isinstance(a, Items)]
            if len(value) == 1 and items and len(items[0].members) == n:
                self.push(*reversed(items[0].members))
            else:
                self.hand_on([value])
                self.push(*([UNKNOWN] * n))
        elif op in ("COPY", "DUP_TOP"):
            self.push(self.peek((ins.arg or 0) if op == "COPY" else 1))
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
            self.push(NULL)
        elif op == "LOAD_BUILD_CLASS":
            self.push(frozenset({BUILD_CLASS}))
        elif op == "RETURN_VALUE":
            (value,) = self.pop(1)
            b.grow(self.returned, value)  # a caller of this code gets it
            self.hand_on([value])
        elif op in NEUTRAL:
            self.push(*([UNKNOWN] * max(effect, 0)))
        elif op in REPLACE_THEN_PUSH:
            self.hand_on(self.pop(1))
            self.push(*([UNKNOWN] * (effect + 1)))
        else:
            self.generic(op, effect)

    def generic(self, op: str, effect: int) -> None:
        """An instruction with no rule of its own: it takes values and leaves unnamed ones."""
        stack = self.stack
        taken: list[Slot] = []
        if effect >= 0:
            if effect == 0 and stack:
                taken.append(stack[-1])
                stack[-1] = UNKNOWN  # transforms the top value (UNARY_*, GET_ITER, ...)
            self.push(*([UNKNOWN] * effect))
        else:
            taken = self.pop(-effect)
            if stack and not op.startswith(PURE_POPS_PREFIX) and op not in NO_RESULT:
                taken.append(stack[-1])
                stack[-1] = UNKNOWN  # consumes operands and leaves its own result on top
        if not (op in HARMLESS or op.startswith("POP_JUMP")):
            self.hand_on(taken)

    def _local(self, name: str) -> set[Any]:
        return self.local_table.get(name, set())
