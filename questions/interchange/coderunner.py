"""CodeRunner's ``coderunner`` questions (Python 3) as code questions.

CodeRunner runs each test's code after the student's answer and compares what it
prints with the expected output. Here a code question runs the submission once as a
module, so each CodeRunner test becomes a driver in ``cases.py``: it runs the test's
code with the submission's names (standard input given, standard output captured)
and returns what it printed, cleaned as CodeRunner's grader compares (trailing
spaces and blank lines ignored). As everywhere in the format, a submission must
print what the reference prints; ``expected_output_copy`` makes the package that
checks the reference (CodeRunner's answer) against CodeRunner's expected output,
which the import and ``python -m grader check`` run.

The tests are kept as data so an export gives CodeRunner back the same tests: their
code and standard input in ``cases.py`` (``TESTS``), and CodeRunner's expected output
in ``coderunner.toml``, which never enters the sandbox that runs a submission (a
submission could otherwise read it from the driver's frame and print it).
"""

from __future__ import annotations

import ast
import pprint
import shutil
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import tomli_w

from questions.interchange.moodle_question import base_draft, files_of, is_true, number, text_of
from questions.interchange.report import HAND_CHECK, LOST, Draft

CASES_MARKER = "# CodeRunner tests, carried over by the Moodle import."
EXPECTED_FILE = "coderunner.toml"
SUPPORTED_TYPES = ("python3", "python3_w_input")
# CodeRunner's built-in graders this file knows how to compare like.
GRADERS = {"": "exact", "EqualityGrader": "exact", "NearEqualityGrader": "near"}
_GRADER_NAMES = {"exact": "EqualityGrader", "near": "NearEqualityGrader"}

_CASES_CODE = """

import contextlib
import io
import sys


def _clean(text):
    lines = [line.rstrip() for line in text.splitlines()]
    if MODE == "near":
        lines = [" ".join(line.split()).lower() for line in lines if line.strip()]
    while lines and not lines[-1]:
        lines.pop()
    return "\\n".join(lines)


def _run(m, i):
    test = TESTS[i]
    namespace = dict(vars(m))
    out = io.StringIO()
    stdin = io.StringIO(test["stdin"])

    def echo_input(prompt=""):
        # python3_w_input: what the student typed is echoed, as on a terminal.
        line = stdin.readline()
        if not line:
            raise EOFError("EOF when reading a line")
        print(prompt + line.rstrip("\\n"))
        return line.rstrip("\\n")

    if ECHO_INPUT:
        namespace["input"] = echo_input
    saved = sys.stdin
    sys.stdin = stdin
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(test["code"], "<test>", "exec"), namespace)
    finally:
        sys.stdin = saved
    return _clean(out.getvalue())
"""

# Only in the copy that checks the reference against CodeRunner's expected output: the
# stub reference of that copy "prints" exactly what CodeRunner expected.
_EXPECTED_HOOK = """

_plain_run = _run


def _run(m, i):
    if vars(m).get("STUB_FOR_EXPECTED_OUTPUT") is True:
        return _clean(EXPECTED[i])
    return _plain_run(m, i)
"""


def _entry(answer: str, tests: list[dict[str, Any]]) -> list[str]:
    """Top-level functions and classes of the answer that the tests use (all, if none)."""
    tree = ast.parse(answer)
    defined = [
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    used: set[str] = set()
    for t in tests:
        try:
            used |= {n.id for n in ast.walk(ast.parse(t["code"])) if isinstance(n, ast.Name)}
        except SyntaxError:
            continue
    return [n for n in defined if n in used] or defined


def cases_source(
    tests: list[dict[str, Any]],
    mode: str,
    echo_input: bool,
    expected: list[str] | None = None,
) -> str:
    """cases.py for these tests. Only their code and standard input go in: the expected
    output stays out of the process that runs the submission (in EXPECTED_FILE), except
    in the copy that checks the reference, which passes ``expected``."""
    table = pprint.pformat(
        [{"code": t["code"], "stdin": t["stdin"]} for t in tests], sort_dicts=False, width=88
    )
    hook = "" if expected is None else f"\nEXPECTED = {expected!r}\n" + _EXPECTED_HOOK
    return (
        f"{CASES_MARKER}\n# Each case_ runs one test; edit TESTS (and {EXPECTED_FILE}) to change them.\n\n"
        f"MODE = {mode!r}  # exact: trailing spaces and blank lines ignored; near: also case and spacing\n"
        f"ECHO_INPUT = {echo_input!r}\n"
        f"TESTS = {table}\n"
        + _CASES_CODE
        + hook
        + "".join(
            f"\n\ndef case_test_{i}(m, rng):\n    return _run(m, {i - 1})\n"
            for i in range(1, len(tests) + 1)
        )
    )


def expected_source(tests: list[dict[str, Any]]) -> str:
    """EXPECTED_FILE: CodeRunner's expected output and example flag of each test."""
    rows = [{"expected": t["expected"], "example": bool(t.get("example"))} for t in tests]
    return "# CodeRunner's expected output of each test in cases.py, in order.\n" + tomli_w.dumps(
        {"tests": rows}, multiline_strings=True
    )


def read_tests(cases: str, expected: str | None) -> tuple[list[dict[str, Any]], str, bool] | None:
    """(tests, mode, echo_input) from a cases.py this module wrote and its EXPECTED_FILE;
    None for tests written any other way."""
    if not cases.startswith(CASES_MARKER) or expected is None:
        return None
    values: dict[str, Any] = {}
    for node in ast.parse(cases).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in ("TESTS", "MODE", "ECHO_INPUT"):
                values[target.id] = ast.literal_eval(node.value)
    rows = tomllib.loads(expected).get("tests", [])
    tests = values.get("TESTS")
    if not isinstance(tests, list) or len(rows) != len(tests):
        return None
    merged = [{**t, **r} for t, r in zip(tests, rows, strict=True)]
    return merged, values.get("MODE", "exact"), bool(values.get("ECHO_INPUT", False))


def read_package(folder: Path) -> tuple[list[dict[str, Any]], str, bool] | None:
    """The CodeRunner tests of the package at ``folder``, or None if it has none."""
    cases, expected = folder / "cases.py", folder / EXPECTED_FILE
    if not (cases.is_file() and expected.is_file()):
        return None
    return read_tests(cases.read_text(encoding="utf-8"), expected.read_text(encoding="utf-8"))


def examples_block(tests: list[dict[str, Any]]) -> str:
    """The 'For example' part CodeRunner shows under the prompt, as Markdown."""
    parts = []
    for t in tests:
        if not t.get("example"):
            continue
        parts.append(
            f"```python\n{t['code'].rstrip()}\n```\n\nprints\n\n```\n{t['expected'].rstrip()}\n```"
        )
    if not parts:
        return ""
    return "\n\n**For example:**\n\n" + "\n\n".join(parts)


def read(q: ET.Element, name: str, category: str) -> Draft | str:
    crtype = text_of(q.find("coderunnertype"), "").strip()
    if crtype not in SUPPORTED_TYPES:
        return f"a CodeRunner question of type '{crtype}': only {', '.join(SUPPORTED_TYPES)} are supported"
    if text_of(q.find("prototypetype"), "").strip() not in ("", "0"):
        return "a CodeRunner prototype (a question type's template), not a question"
    answer = text_of(q.find("answer"), "")
    if not answer.strip():
        return "has no answer to use as the reference solution"
    try:
        compile(answer, "answer", "exec", dont_inherit=True)
    except SyntaxError as e:
        return f"its answer has a syntax error at line {e.lineno}: {e.msg}"

    tests: list[dict[str, Any]] = []
    marks: list[float] = []
    hidden: list[bool] = []
    losses: list[str] = []
    for i, tc in enumerate(q.findall("testcases/testcase"), 1):
        test_code = text_of(tc.find("testcode"))
        if tc.get("testtype", "0") == "1":
            losses.append(f"test {i} runs only on Precheck; it was left out")
            continue
        if not test_code.strip():
            return (
                f"test {i} runs the whole program on standard input; here a submission is "
                "loaded once and its functions are called, so a program-style question "
                "needs rewriting around a function"
            )
        display = text_of(tc.find("display")).strip().upper() or "SHOW"
        tests.append(
            {
                "code": test_code,
                "stdin": text_of(tc.find("stdin")),
                "expected": text_of(tc.find("expected")),
                "example": is_true(tc.get("useasexample", "0")),
            }
        )
        marks.append(max(number(tc.get("mark", "1"), 1.0), 0.0))
        hidden.append(display != "SHOW")
        if display in ("HIDE_IF_FAIL", "HIDE_IF_SUCCEED"):
            when = "passed" if display == "HIDE_IF_FAIL" else "failed"
            losses.append(
                f"test {i} was shown in Moodle when it {when} ({display}); here it is hidden "
                "(students see pass or fail only)"
            )
        if is_true(tc.get("hiderestiffail", "0")):
            losses.append(
                f"test {i} hid the tests after it when it failed; here every test is graded and shown as usual"
            )
        if text_of(tc.find("extra")).strip():
            losses.append(
                f"test {i} has 'extra' text, which only a custom template reads; it was left out"
            )
    if not tests:
        return "has no test case"

    d = base_draft(q, name, category, "code")
    d.data.pop("points", None)  # worth what its tests add up to, as in CodeRunner
    grade = number(text_of(q.find("defaultgrade"), ""), 1.0)
    if grade > 0 and abs(grade - sum(marks)) > 1e-9:
        d.data["points"] = grade
    grader = text_of(q.find("grader"), "").strip()
    mode = GRADERS.get(grader)
    if mode is None:
        mode = "exact"
        d.note(
            HAND_CHECK,
            f"graded by CodeRunner's {grader}: the tests were carried over comparing printed "
            "output exactly; check that this matches what the question meant",
        )
    template = text_of(q.find("template"), "").strip()
    if template:
        d.note(
            HAND_CHECK,
            "has its own template (a customised CodeRunner question): the tests were carried "
            "over as the standard python3 template runs them, and the template was left out",
        )
    if text_of(q.find("templateparams"), "").strip():
        d.note(HAND_CHECK, "has template parameters, which this format has no place for")
    if is_true(text_of(q.find("allornothing"), "") or "1") and len(tests) > 1:
        d.note(LOST, "all-or-nothing marking: here each test earns its own points")
    regime = text_of(q.find("penaltyregime"), "").strip()
    if regime and regime not in ("0", "0%"):
        d.note(LOST, f"penalty regime '{regime}': the format has no penalty per try")
    support = files_of(q)
    if support:
        d.note(LOST, f"support file(s) {', '.join(sorted(support))}: tests here cannot read files")
    for loss in losses:
        d.note(LOST, loss)

    entry = _entry(answer, tests)
    if not entry:
        return "its answer defines no function or class for the tests to call"
    d.data["prompt"] = d.data["prompt"] + examples_block(tests)
    code: dict[str, Any] = {"entry": entry, "reference": "reference.py", "cases": "cases.py"}
    d.files["reference.py"] = answer.rstrip() + "\n"
    preload = text_of(q.find("answerpreload"), "")
    if preload.strip():
        code["starter"] = "starter.py"
        d.files["starter.py"] = preload.rstrip() + "\n"
    cpu = number(text_of(q.find("cputimelimitsecs"), ""), 0.0)
    if 0 < cpu <= 60:
        code["cpu_seconds"] = cpu
    mem = int(number(text_of(q.find("memlimitmb"), ""), 0.0))
    if 16 <= mem <= 4096:
        code["memory_mb"] = mem
    d.data["code"] = code
    d.data["tests"] = [
        {"case": f"test_{i}", **({"hidden": True} if hide else {}), "points": mark}
        for i, (mark, hide) in enumerate(zip(marks, hidden, strict=True), 1)
    ]
    d.files["cases.py"] = cases_source(tests, mode, crtype == "python3_w_input")
    d.files[EXPECTED_FILE] = expected_source(tests)
    return d


def grader_name(mode: str) -> str:
    return _GRADER_NAMES.get(mode, "EqualityGrader")


def expected_output_copy(folder: Path, into: Path) -> bool:
    """Copy the package at ``folder`` into ``into`` with a stub reference that "prints"
    CodeRunner's expected output: grading the real reference against the copy shows
    every test where the answer and CodeRunner's expected output differ.

    False (and nothing copied) when the package's tests did not come from CodeRunner.
    """
    found = read_package(folder)
    if found is None:
        return False
    tests, mode, echo = found
    shutil.copytree(folder, into, dirs_exist_ok=True, ignore=shutil.ignore_patterns("answers"))
    (into / "cases.py").write_text(
        cases_source(tests, mode, echo, expected=[t["expected"] for t in tests]),
        encoding="utf-8",
    )
    code = tomllib.loads((folder / "question.toml").read_text(encoding="utf-8")).get("code", {})
    stub = "STUB_FOR_EXPECTED_OUTPUT = True\n" + "".join(
        f"\n\ndef {name}(*args, **kwargs):\n    return None\n" for name in code.get("entry", [])
    )
    (into / code.get("reference", "reference.py")).write_text(stub, encoding="utf-8")
    return True
