"""A submission shares its process with the harness, so it can find the result pipe and
write a report of its own. Whatever that report claims (a sandbox failure, a limit, a
start byte, two reports, trailing bytes, fields only the trusted side sets), the answer
is graded, never turned into the grader's ``error``: only what the trusted side observes
can make a grader failure, and a report that claims one counts against the answer."""

import pytest
from pipeline_helpers import by_name, fixture_question

from grader.pipeline import grade

pytestmark = pytest.mark.slow

# Walks up to the child's serve() frame for its descriptors, writes ``report`` (a
# dict, or raw bytes) on the result pipe as often as asked, then anything in ``tail``.
FORGE = """
import json, os, sys

def _serve_locals():
    f = sys._getframe()
    while f is not None and "result_fd" not in f.f_locals:
        f = f.f_back
    return f.f_locals

def forge(report, times=1, tail=b"", code=0, ctl=b"", stderr=b""):
    fds = _serve_locals()
    data = report if type(report) is bytes else json.dumps(report).encode()
    for _ in range(times):
        os.write(fds["result_fd"], data)
    os.write(fds["result_fd"], tail)
    if ctl:
        os.write(fds["ctl_fd"], ctl)
    if stderr:
        os.write(2, stderr)
    os._exit(code)
"""

WRONG_ADD = "\ndef add(a, b):\n    return 0\n"


def _probe(tests=None, module=None, raises=None, bindings=None, **extra):
    value = {
        "module": module or {"ok": True},
        "bindings": bindings or {},
        "tests": tests or {},
        "raises": raises or {},
    }
    value.update(extra)
    return {"status": "ok", "value": value}


def _forging(call: str, body: str = WRONG_ADD) -> str:
    return FORGE + body + call + "\n"


SANDBOX_ERROR_ON_FIRST_TEST = _probe(tests={"test-1": {"sandbox_error": "forged"}})
# Valid JSON nested more deeply than the trusted side's own recursion could follow.
DEEP = (
    'forge(b\'{"status": "ok", "value": {"module": {"ok": true}, '
    '"bindings": {}, "raises": {}, "tests": {"test-1": {"value": \''
    " + b'{\"t\": \"list\", \"v\": [' * 990 + b']}' * 990 + b'}}}}')"
)

FORGERIES = {
    "a sandbox error on its first test": f"forge({SANDBOX_ERROR_ON_FIRST_TEST!r})",
    "a forged time limit on a test": f"forge({_probe(tests={'test-1': {'limit': 'time_limit'}})!r})",
    "a forged time limit of the module": (
        f"forge({_probe(module={'ok': False, 'limit': 'sandbox_error'})!r})"
    ),
    "a run-level time limit": "forge({'status': 'time_limit', 'detail': 'cpu'})",
    "a forged start byte and setup failure": (
        "forge(b'', code=121, ctl=b'RS', stderr=b'sandbox child setup failed: forged')"
    ),
    "a report written twice": f"forge({SANDBOX_ERROR_ON_FIRST_TEST!r}, times=2)",
    "a valid report written twice": f"forge({_probe()!r}, times=2)",
    "a report followed by more output": f"forge({_probe()!r}, tail=b' {{}}')",
    "a run-level sandbox error": "forge({'status': 'sandbox_error', 'detail': 'forged'})",
    "a run-level outcome field": (
        f"forge(dict({_probe()!r}, outcome='sandbox_error', detail='forged'))"
    ),
    "the trusted side's fallback marker": f"forge({_probe(fallback=True)!r})",
    "an unknown field in a test entry": (
        f"forge({_probe(tests={'test-1': {'value': {'t': 'int', 'v': '0'}, 'grader': 'x'}})!r})"
    ),
    "a malformed value on a visible test": (
        f"forge({_probe(tests={'test-1': {'value': {'t': 'list', 'v': 5}}})!r})"
    ),
    "a value nested deeper than the encoder goes": DEEP,
    "a malformed binding": (
        "forge("
        + repr(
            _probe(
                bindings={
                    "add": {
                        "kind": "function",
                        "path": "add",
                        "rest": 5,
                        "qualname": "add",
                        "name": "add",
                        "firstlineno": 1,
                        "filename": "submission.py",
                        "code_sha256": "",
                        "positions_sha256": "",
                    }
                }
            )
        )
        + ")"
    ),
    "a report that is not JSON": 'forge(b\'{"status": "ok", "value": \')',
}


@pytest.mark.parametrize("call", FORGERIES.values(), ids=FORGERIES.keys())
def test_it_grades_a_wrong_answer_with_a_forged_report_as_wrong(real_sandbox, call):
    result = grade(fixture_question("arith/add"), _forging(call), sandbox=real_sandbox)
    assert result.status == "graded", result.errors
    assert result.errors == []
    assert result.score == 0.0
    assert not any(c.passed for c in result.checks)


def test_it_grades_a_report_forged_only_inside_the_tested_function(real_sandbox):
    # The module loads honestly; only calls forge, so every test gets its own run.
    src = FORGE + (f"\ndef add(a, b):\n    forge({SANDBOX_ERROR_ON_FIRST_TEST!r})\n")
    result = grade(fixture_question("arith/add"), src, sandbox=real_sandbox)
    assert result.status == "graded", result.errors
    assert result.score == 0.0


def test_it_fails_a_raises_check_whose_answer_claims_a_sandbox_error(real_sandbox):
    honest = (
        "\ndef make_counter(x):\n    def c(y):\n        nonlocal x\n"
        "        x -= y\n        return x\n    return c\n"
    )
    forged = _probe(raises={"raises-2": {"raised": None, "error": "sandbox_error"}})
    src = FORGE + honest + f"forge({forged!r})\n"
    result = grade(fixture_question("scopes/counter"), src, sandbox=real_sandbox)
    assert result.status == "graded", result.errors
    assert not by_name(result)["raises-2"].passed
