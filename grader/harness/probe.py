"""The probe: run a submission (or a reference) once and report plain data.

Runs INSIDE the sandbox (stdlib, numpy, grader.harness.*, grader.sandbox.child only).
Task name: ``grader.harness.probe:main``.

Payload (all keys but ``source`` optional)::

    {"source": "...",                 # the module's text
     "filename": "submission.py",     # name its code objects carry
     "cases_source": "..." | None,    # cases.py of the question
     "variant": {...} | None,         # a variant's values, as cases.VARIANT
     "targets": ["make_counter", "make_counter.c", "Stack.push"],
     "tests": [{"name": "t1", "expr": "f(3)", "seed": 7},
               {"name": "t2", "case": "counts_down", "seed": 8,    # case_counts_down(m, rng)
                "hidden": true}],                                   # runs after the rest
     "raises": [{"name": "raises-3", "expr": "broken(5)(1)"}]}

Return value (what the pipeline and the checks read; see ``ctx.probe`` in
``grader.pipeline``)::

    {"module": {"ok": true} | {"ok": false, "exc_type": "NameError",
                                "exc_message": "...", "line": 3},
     "bindings": {target: binding},
     "tests": {name: {"value": <tagged value>}
                   | {"raised": "ValueError", "message": "...", "line": 4}
                   | {"too_large": true}},
     "raises": {name: {"raised": "UnboundLocalError" | None, "error": None | "text"}}}

A binding describes what the *first* resolvable part of the dotted target is bound
to after the module ran::

    {"kind": "function", "path": "make_counter", "rest": ["c"],
     "qualname": "make_counter", "name": "make_counter", "firstlineno": 1,
     "filename": "submission.py", "code_sha256": "...", "positions_sha256": "..."}
    {"kind": "missing", "path": "make_counter"}           # the name is not defined
    {"kind": "other", "path": "make_counter", "type": "int"}

``rest`` are the parts below a function (nested functions): the trusted side finds
them by walking ``co_consts`` of ITS OWN compile of the source, using the qualname,
first line and the two digests to pick the matching code object. Classes are walked
here through their namespace (``Stack.push``); staticmethod/classmethod are unwrapped.

An exception's name is the bare builtin name (``"UnboundLocalError"``) only when its
class IS that builtin; any other class is named ``module.qualname`` so a submission
cannot pass off its own class as a builtin.

Everything here runs in the submission's process, so the submission could tamper
with it; the trusted side treats the answer as "what the submission's process said"
and never runs or unpickles anything from it. ``well_formed`` (called on the trusted
side) accepts exactly the shape above and nothing else.
"""

from __future__ import annotations

import builtins
import hashlib
import random
import sys
import types
from collections.abc import Callable
from typing import Any

from grader.harness.encode import TooLarge, make_encoder
from grader.harness.encode import well_formed as _value_well_formed

# Captured before any submission code runs in this process.
_BUILTINS = dict(vars(builtins))
_FunctionType = types.FunctionType
_type_name = type.__dict__["__name__"].__get__
_type_qualname = type.__dict__["__qualname__"].__get__
_type_module = type.__dict__["__module__"].__get__
_type_dict = type.__dict__["__dict__"].__get__
_sha256 = hashlib.sha256
MESSAGE_CAP = 300


def _exc_name(
    exc: BaseException,
    *,
    _builtins: dict[str, Any] = _BUILTINS,
    _type_name: Callable[[type], Any] = _type_name,
    _type_module: Callable[[type], Any] = _type_module,
    _type_qualname: Callable[[type], Any] = _type_qualname,
) -> str:
    # The helpers are default arguments so they are bound when this module is imported,
    # before any submission code runs.
    t = type(exc)
    try:
        name: str = _type_name(t)
        if _builtins.get(name) is t:
            return name
        module = _type_module(t)
        qual = _type_qualname(t)
        return f"{module if type(module) is str else '?'}.{qual}"
    except BaseException:  # noqa: BLE001
        return "?"


def _exc_message(exc: BaseException) -> str:
    try:
        text = str(exc)
        if type(text) is not str:
            return ""
    except BaseException:  # noqa: BLE001 - the submission's __str__ may do anything
        return ""
    return text if len(text) <= MESSAGE_CAP else text[:MESSAGE_CAP] + "..."


def _exc_line(exc: BaseException, filename: str) -> int | None:
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    if line is None and isinstance(exc, SyntaxError) and exc.filename == filename:
        line = exc.lineno
    return line


def _failure(
    exc: BaseException,
    filename: str,
    *,
    _name: Callable[[BaseException], str] = _exc_name,
    _message: Callable[[BaseException], str] = _exc_message,
    _line: Callable[[BaseException, str], int | None] = _exc_line,
) -> dict[str, Any]:
    return {"raised": _name(exc), "message": _message(exc), "line": _line(exc, filename)}


def _code_info(code: types.CodeType) -> dict[str, Any]:
    return {
        "qualname": code.co_qualname,
        "name": code.co_name,
        "firstlineno": code.co_firstlineno,
        "filename": code.co_filename,
        "code_sha256": _sha256(code.co_code).hexdigest(),
        "positions_sha256": _sha256(repr(list(code.co_positions())).encode()).hexdigest(),
    }


def _unwrap(obj: Any) -> Any:
    t = type(obj)
    if t is staticmethod or t is classmethod:
        return obj.__func__
    return obj


def _binding(namespace: dict[str, Any], target: str) -> dict[str, Any]:
    parts = target.split(".")
    scope: Any = namespace
    for i, part in enumerate(parts):
        path = ".".join(parts[: i + 1])
        if part not in scope:
            return {"kind": "missing", "path": path}
        obj = _unwrap(dict.__getitem__(scope, part) if type(scope) is dict else scope[part])
        t = type(obj)
        if t is _FunctionType:
            info = {"kind": "function", "path": path, "rest": parts[i + 1 :]}
            info.update(_code_info(obj.__code__))
            return info
        if isinstance(t, type) and issubclass(t, type) and i + 1 < len(parts):
            scope = _type_dict(obj)  # a class: look the next part up in its namespace
            continue
        return {"kind": "other", "path": path, "type": _type_name(t)}
    return {"kind": "other", "path": target, "type": "class"}


def _load_cases(source: str | None, variant: dict[str, Any] | None) -> types.ModuleType | None:
    if not source:
        return None
    mod = types.ModuleType("cases")
    mod.__file__ = "cases.py"
    mod.__dict__["VARIANT"] = dict(variant or {})  # the question variant's values, for drivers
    exec(compile(source, "cases.py", "exec", dont_inherit=True), mod.__dict__)
    return mod


def _run_test(
    t: dict[str, Any],
    test_code: dict[str, types.CodeType],
    namespace: dict[str, Any],
    module: types.ModuleType,
    cases: types.ModuleType | None,
    filename: str,
    result: dict[str, Any],
    encode: Callable[[Any], dict[str, Any]],
    failure: Callable[[BaseException, str], dict[str, Any]],
    too_large: type[Exception],
    rng: type[random.Random],
) -> None:
    name = t["name"]
    try:
        if name in test_code:
            value = eval(test_code[name], namespace)
        else:
            driver = getattr(cases, "case_" + t["case"])
            value = driver(module, rng(t.get("seed", 0)))
        result["tests"][name] = {"value": encode(value)}
    except too_large:
        result["tests"][name] = {"too_large": True}
    except BaseException as e:  # noqa: BLE001
        result["tests"][name] = failure(e, filename)


def main(payload: dict[str, Any]) -> dict[str, Any]:
    filename = payload.get("filename") or "submission.py"
    source = payload["source"]
    tests = payload.get("tests") or []
    raises = payload.get("raises") or []
    targets = payload.get("targets") or []
    # Compile the question's own code before the submission can touch this process.
    cases = _load_cases(payload.get("cases_source"), payload.get("variant"))
    test_code = {
        t["name"]: compile(t["expr"], "<test>", "eval", dont_inherit=True)
        for t in tests
        if t.get("expr")
    }
    raises_code = {
        r["name"]: compile(r["expr"], "<check>", "eval", dont_inherit=True) for r in raises
    }

    # Bound before the submission runs: rebinding this module's globals (or the
    # encoder's) from the submission does not change what the probe calls below.
    tools = (make_encoder(), _failure, TooLarge, random.Random)
    exc_name, binding, run_test = _exc_name, _binding, _run_test

    module = types.ModuleType(filename.rsplit(".", 1)[0])
    module.__file__ = filename
    namespace = module.__dict__
    result: dict[str, Any] = {"module": {"ok": True}, "bindings": {}, "tests": {}, "raises": {}}
    sys.modules[module.__name__] = module  # dataclasses and pickle look classes up here
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
        exec(code, namespace)
    except BaseException as e:  # noqa: BLE001 - whatever the submission raised, even SystemExit
        f = _failure(e, filename)
        result["module"] = {
            "ok": False,
            "exc_type": f["raised"],
            "exc_message": f["message"],
            "line": f["line"],
        }
        return result

    for target in targets:
        try:
            result["bindings"][target] = binding(namespace, target)
        except BaseException:  # noqa: BLE001 - a namespace the submission made hostile
            result["bindings"][target] = {"kind": "other", "path": target, "type": "?"}

    # Order matters for secrecy: everything whose outcome a student may read (visible
    # tests, raises checks) runs before any hidden test, so what a hidden test handed
    # the submission cannot come back through a visible result.
    visible = [t for t in tests if not t.get("hidden")]
    hidden = [t for t in tests if t.get("hidden")]
    for t in visible:
        run_test(t, test_code, namespace, module, cases, filename, result, *tools)
    for r in raises:
        try:
            eval(raises_code[r["name"]], namespace)
            result["raises"][r["name"]] = {"raised": None, "error": None}
        except BaseException as e:  # noqa: BLE001
            result["raises"][r["name"]] = {"raised": exc_name(e), "error": None}
    for t in hidden:
        run_test(t, test_code, namespace, module, cases, filename, result, *tools)
    return result


# --------------------------------------------------------------- the trusted side's check

_MODULE_FAILED_KEYS = frozenset({"ok", "exc_type", "exc_message", "line"})
_RAISED_KEYS = frozenset({"raised", "message", "line"})
_FUNCTION_TEXT_KEYS = ("path", "qualname", "name", "filename", "code_sha256", "positions_sha256")
_FUNCTION_KEYS = frozenset({"kind", "rest", "firstlineno", *_FUNCTION_TEXT_KEYS})


def well_formed(answer: Any) -> bool:
    """Whether ``answer`` is exactly what ``main`` returns (the shape in this module's
    docstring): every field of the right JSON type, no field ``main`` never writes.

    Runs on the trusted side, on the probe's value as a run reported it. The answer
    is what the submission's process said, and the submission can write any report
    it likes; fields that only the trusted side sets when it has observed a run fail
    (``sandbox_error``, ``limit``, a raises check's ``error``, ``fallback``) are thus
    refused here, so the pipeline only ever finds them where it put them itself.
    """
    if type(answer) is not dict or answer.keys() != {"module", "bindings", "tests", "raises"}:
        return False
    module, bindings, tests, raises = (
        answer["module"],
        answer["bindings"],
        answer["tests"],
        answer["raises"],
    )
    if not all(type(part) is dict for part in (module, bindings, tests, raises)):
        return False
    if module != {"ok": True} and not (
        module.keys() == _MODULE_FAILED_KEYS
        and module["ok"] is False
        and type(module["exc_type"]) is str
        and type(module["exc_message"]) is str
        and _line(module["line"])
    ):
        return False
    return (
        all(type(k) is str and _binding_ok(b) for k, b in bindings.items())
        and all(type(k) is str and _test_ok(t) for k, t in tests.items())
        and all(
            type(k) is str
            and type(r) is dict
            and r.keys() == {"raised", "error"}
            and (r["raised"] is None or type(r["raised"]) is str)
            and r["error"] is None
            for k, r in raises.items()
        )
    )


def _line(v: Any) -> bool:
    return v is None or type(v) is int


def _binding_ok(b: Any) -> bool:
    if type(b) is not dict or type(b.get("path")) is not str:
        return False
    kind = b.get("kind")
    if kind == "missing":
        return b.keys() == {"kind", "path"}
    if kind == "other":
        return b.keys() == {"kind", "path", "type"} and type(b["type"]) is str
    return (
        kind == "function"
        and b.keys() == _FUNCTION_KEYS
        and all(type(b[k]) is str for k in _FUNCTION_TEXT_KEYS)
        and type(b["firstlineno"]) is int
        and type(b["rest"]) is list
        and all(type(part) is str for part in b["rest"])
    )


def _test_ok(t: Any) -> bool:
    if type(t) is not dict:
        return False
    if t.keys() == {"value"}:
        return _value_well_formed(t["value"])
    if t.keys() == _RAISED_KEYS:
        return type(t["raised"]) is str and type(t["message"]) is str and _line(t["line"])
    return t == {"too_large": True}
