"""The in-sandbox side of performance timing. Task: ``grader.harness.perf:main``.

Runs INSIDE the sandbox (stdlib, numpy, grader.harness.*, grader.sandbox.child only).

Payload::

    {"source": "...",               # module text: submission, reference or a baseline file
     "filename": "submission.py",   # name its code objects carry
     "function": "pysum",           # dotted path of the function to time
     "cases_source": "...",         # the question's cases.py
     "inputs": "perf_input",        # def perf_input(n, rng) -> tuple of arguments
     "n": 100000, "seed": 7,        # size and seed, both chosen by the trusted side
     "calls": 40}                   # how many calls make up the timed part

The question's cases file runs and the input is built first. Then, BEFORE any of
the module's own code has run, ``child.mark()`` asks the trusted side to read this
process's CPU clock from outside; only then does the module run and the function
get called ``calls`` times. The trusted side takes the CPU used after the mark.
Because the mark comes before the first line of the submission, nothing the
submission does (patching clocks, ``child.mark``, ``os.write`` or the control
descriptor) can move it later or suppress it: it can only add to its own time. The
module's own top-level code is part of the timed part, which is fair (it is the
submission's own work) and small next to the calls, whose count is calibrated.

Returns ``{"calls": calls}``. A failure to load, to build the input or in a call is
raised, so the runner reports it as the run's exception (or limit).
"""

from __future__ import annotations

import random
from typing import Any

from grader.sandbox import child


def _lookup(namespace: dict[str, Any], dotted: str) -> Any:
    obj: Any = None
    for i, part in enumerate(dotted.split(".")):
        if i == 0:
            if part not in namespace:
                raise NameError(f"{part} is not defined")
            obj = namespace[part]
        else:
            obj = getattr(obj, part)
    if not callable(obj):
        raise TypeError(f"{dotted} is not callable")
    return obj


def main(payload: dict[str, Any]) -> dict[str, Any]:
    calls = int(payload["calls"])
    if calls < 1:
        raise ValueError("calls must be at least 1")
    cases: dict[str, Any] = {"__name__": "__cases__"}
    exec(compile(payload["cases_source"], "cases.py", "exec", dont_inherit=True), cases)
    make_input = cases[payload["inputs"]]

    args = make_input(int(payload["n"]), random.Random(int(payload["seed"])))
    if not isinstance(args, tuple):
        args = (args,)
    filename = payload.get("filename") or "submission.py"
    code = compile(payload["source"], filename, "exec", dont_inherit=True)

    child.mark()  # no line of the timed module has run yet: see the module docstring
    namespace: dict[str, Any] = {"__name__": "__submission__"}
    exec(code, namespace)
    fn = _lookup(namespace, payload["function"])
    for _ in range(calls):
        fn(*args)
    return {"calls": calls}
