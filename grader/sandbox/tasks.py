"""Task names: which harness functions a sandbox may be asked to run.

A task is ``"grader.harness.<module>:<function>"``. Anything outside the harness
package is refused before a sandbox is started, so a caller can never turn the
sandbox into "run any function of the project". The rules live in
``grader.sandbox.child`` because the sandbox side needs them too.
"""

from grader.sandbox.child import HARNESS_PACKAGE, resolve_task, validate_task

validate = validate_task
resolve = resolve_task

__all__ = ["HARNESS_PACKAGE", "resolve", "validate"]
