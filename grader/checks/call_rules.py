"""What ``calls_forbidden`` refuses, and how its entries name callables.

The lists of run-time lookups the check refuses, the sentences a student reads for
them, and the matching of a forbidden entry (``sum``, ``numpy.sum``, ``.sum``) against
a path the scan found (:mod:`grader.checks.calls`).
"""

from __future__ import annotations

from collections.abc import Iterable

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
# Names bound to one another in a chain longer than the scan follows (MAX_ROUNDS).
UNSETTLED = "names bound through more steps than this check follows"
# The builtins module, or the module of a forbidden entry, handed on as a value.
MODULE_HANDED_ON = "{module} handed on as a value"

# A forbidden entry or a name in the submission that starts with one of these means the
# module (both sides are read this way, so ``np.sum`` and ``numpy.sum`` are one entry).
CONVENTIONAL_ALIASES: dict[str, str] = {"np": "numpy", "pd": "pandas"}


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


class Relevance:
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
        heads |= set(CONVENTIONAL_ALIASES) | modules_of(entries)
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


def lookup_functions(paths: Iterable[str]) -> set[str]:
    """The refused lookups that calling (or handing on) these paths makes."""
    out = set()
    for path in paths:
        name = canonical(path)
        if name in LOOKUP_BUILTINS:
            out.add(LOOKUP_BUILTINS[name])
        elif "." in name and name.rsplit(".", 1)[1] in LOOKUP_FUNCTIONS:
            out.add(LOOKUP_FUNCTIONS[name.rsplit(".", 1)[1]])
    return out


def modules_of(entries: list[str]) -> set[str]:
    """The modules a forbidden entry lives in (``numpy`` for ``np.sum``), and builtins."""
    out = {"builtins"}
    for entry in entries:
        if entry.startswith("."):
            continue
        parts = canonical(entry).split(".")
        out |= {".".join(parts[:i]) for i in range(1, len(parts))}
    return out
