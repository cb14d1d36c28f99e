"""Every sentence a student may read about a grading run.

Rules kept here so they hold everywhere: a hidden test says only that it failed (and,
at most, the name of the exception type); nothing mentions the reference solution,
file paths of the grader, or what the submission printed. Check modules phrase their
feedback with the templates at the bottom (``str.format`` fields named in each).
"""

from __future__ import annotations

# --------------------------------------------------------------- whole submission


def syntax_error(line: int | None, column: int | None, msg: str) -> str:
    where = f"line {line}" if line else "an unknown line"
    if line and column:
        where += f", column {column}"
    return f"Your code has a syntax error at {where}: {msg}. Nothing could be graded."


def compile_failed(reason: str) -> str:
    return f"Your code could not be compiled ({reason}). Nothing could be graded."


def too_complex() -> str:
    return (
        "Your code is too large or too deeply nested to analyse (it needed more memory "
        "or time than grading allows). Nothing could be graded."
    )


def too_long(limit_kb: int) -> str:
    return f"Your code is longer than the {limit_kb} KB limit. Nothing could be graded."


def module_raised(exc_type: str, line: int | None) -> str:
    at = f" at line {line}" if line else ""
    return f"Your code raised {exc_type}{at} while it was being loaded, so this could not run."


def time_limit(seconds: float) -> str:
    return f"Your code used more than its time limit ({seconds:g} s of CPU time) and was stopped."


def memory_limit(mb: int) -> str:
    return f"Your code used more than its memory limit ({mb} MB) and was stopped."


def output_limit() -> str:
    return "Your code printed too much output and was stopped."


def crashed(detail: str = "") -> str:
    return "Your code crashed the Python process it ran in" + (f" ({detail})." if detail else ".")


def not_defined(name: str) -> str:
    return f"Your code does not define {name}."


def grader_error() -> str:
    return (
        "The grader could not grade this part because of a problem on our side. "
        "It has not been counted against you."
    )


# ------------------------------------------------------------------------- tests


def test_passed() -> str:
    return ""


def test_wrong_value(expr: str, got: str, expected: str) -> str:
    return f"{expr} returned {got}, expected {expected}."


def test_wrong_value_case(name: str, got: str, expected: str) -> str:
    return f"Test {name}: your code produced {got}, expected {expected}."


def test_raised(expr: str, exc_type: str, message: str, line: int | None) -> str:
    at = f" at line {line}" if line else ""
    detail = f": {message}" if message else ""
    return f"{expr} raised {exc_type}{detail}{at}."


def test_should_raise(expr: str, exc_type: str, got: str) -> str:
    return f"{expr} returned {got}, expected it to raise {exc_type}."


def test_raised_wrong(expr: str, expected_exc: str, got_exc: str) -> str:
    return f"{expr} raised {got_exc}, expected {expected_exc}."


def test_too_large(expr: str) -> str:
    return f"{expr} returned a value too large to compare."


def hidden_test_failed() -> str:
    return "A hidden test failed."


def hidden_test_raised(exc_type: str) -> str:
    return f"A hidden test failed: your code raised {exc_type}."


def hidden_time_limit() -> str:
    return "A hidden test failed: your code ran out of time."


def hidden_memory_limit() -> str:
    return "A hidden test failed: your code ran out of memory."


def test_time_limit(label: str, seconds: float) -> str:
    return f"{label} ran out of time ({seconds:g} s of CPU time)."


def test_memory_limit(label: str, mb: int) -> str:
    return f"{label} ran out of memory ({mb} MB)."


def test_output_limit(label: str) -> str:
    return f"{label} printed too much output."


# ----------------------------------------------------------------- code targets


def target_missing(target: str) -> str:
    return f"{target} is not defined in your code."


def target_not_function(target: str, type_name: str) -> str:
    return f"{target} is not a function (it is bound to a {type_name})."


def target_not_from_source(target: str) -> str:
    return f"{target} is not a function written in your code with def or lambda."


def nested_missing(outer: str, name: str) -> str:
    return f"{outer} does not define a function named {name} inside it."


# ------------------------------------------------------- check templates (by kind)
# Fields: {target} dotted name; {opcode}/{opcodes}, {name}/{names}, {count}, {limit},
# {expected}/{got} exception names, {speed}, {n}, {factor}, {growth}, {flag}, {constructs}.

BYTECODE_MISSING = "{target} never uses {opcodes}."
BYTECODE_FORBIDDEN = "{target} uses {opcodes}, which this exercise does not allow."
BYTECODE_TOO_LONG = "{target} has {count} bytecode instructions; at most {limit} are allowed."
BYTECODE_CALLS_FORBIDDEN = "{target} calls {names}, which this exercise does not allow."
BYTECODE_CALLS_PASSED_ON = (
    "{target} hands {names} to other code as a value, which this check cannot follow; "
    "this exercise does not allow calling {names}."
)
BYTECODE_DYNAMIC_LOOKUP = (
    "{target} looks names up at run time ({constructs}), which this check cannot follow; "
    "call things by their names."
)
SCOPE_MISMATCH = "{target}'s {field} are {got}, expected {expected}."
FLAGS_MISMATCH = "{target} should {negation}be a {flag}."
RAISES_NOTHING = "{expr} did not raise; it should raise {expected}."
RAISES_WRONG = "{expr} raised {got}; it should raise {expected}."
# Performance ({speed} reads "3.1x faster" or "2.0x slower"; {n} the size timed):
PERF_TOO_SLOW = (
    "Your function is {speed} than the baseline at n={n}; it must be at least {factor:g}x faster."
)
PERF_SLOWER_THAN_ALLOWED = (
    "Your function is {speed} than the baseline at n={n}; it may be at most {factor:g}x slower."
)
PERF_GROWTH = (
    "Your function's time grows like n^{exponent:.2f} from n={n_min} to n={n_max}; "
    "it must grow no faster than {growth}."
)
PERF_FAILED = "Your function could not be timed at n={n}: {reason}."
CHECK_NOT_RUN = "This check could not run because your code did not run: {reason}"
