"""Run untrusted Python isolated, limited and warm.

``run(task, payload, limits)`` executes the harness function ``task`` inside a
fresh sandbox and returns a :class:`RunResult`. ``grader.sandbox.fake.run`` has
the same signature without any isolation (pipeline tests only). ``choose(name)``
is where a process picks one of them ("real", "fake" or "auto"), once, from its
configuration. See ``docs/grading.md``, section "The sandbox".
"""

from grader.sandbox.api import Limits, Outcome, RunResult, SandboxRun, SandboxUnavailable
from grader.sandbox.choice import choose
from grader.sandbox.runner import run

__all__ = [
    "Limits",
    "Outcome",
    "RunResult",
    "SandboxRun",
    "SandboxUnavailable",
    "choose",
    "run",
]
