"""Run by ``test_it_matches_live_bytecode_on_every_installed_python`` under another
CPython (3.10 to 3.13): compares that interpreter's ``dis`` with the recorded table of
its version and matches portable opcode names against what it really compiles.
Prints one JSON object. Uses only the standard library and ``grader.checks.opcodes``."""

from __future__ import annotations

import dis
import json
import sys

from grader.checks import opcodes

# (source, portable or literal name, whether f's own code must match it): the same
# answer on every version is the point of the portable names.
ROWS = [
    ("def f(x):\n    x += 1\n    return x\n", "INPLACE_ADD", True),
    ("def f(x):\n    return x + 1\n", "INPLACE_ADD", False),
    ("def f(x):\n    return x + 1\n", "BINARY_ADD", True),
    ("def f(x):\n    x -= 1\n    return x\n", "BINARY_OP -=", True),
    ("def f(x):\n    return x - 1\n", "BINARY_OP -=", False),
    ("def f(x):\n    x.append(1)\n", "LOAD_METHOD", True),
    ("def f(x):\n    return x.real\n", "LOAD_METHOD", False),
    ("def f(x):\n    return x.real\n", "LOAD_ATTR", True),
    ("def f(x):\n    return len(x)\n", "CALL_FUNCTION", True),
    ("def f(x):\n    for i in x:\n        print(i)\n", "JUMP_ABSOLUTE", True),
    ("def f(x):\n    return x\n", "LOAD_FAST", True),
    ("def f():\n    return y\n", "LOAD_FAST", False),
    ("def f():\n    return y\n", "LOAD_GLOBAL", True),
    ("def f():\n    x = 1\n    def g():\n        return x\n    return g\n", "LOAD_CLOSURE", True),
    ("def f():\n    yield 1\n", "YIELD_VALUE", True),
    ("def f(x):\n    return x[0]\n", "BINARY_SUBSCR", True),
    ("def f(x):\n    return f'{x}'\n", "FORMAT_VALUE", True),
]


def main() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    table = opcodes.recorded_table(version)
    live = opcodes.live_table()
    recorded = {**table.opmap, **table.pseudo}
    current = dict(dis.opmap)
    differences = sorted(
        name for name in set(recorded) | set(current) if recorded.get(name) != current.get(name)
    )
    results = []
    for source, name, _ in ROWS:
        module = compile(source, "s.py", "exec")
        code = next(c for c in module.co_consts if getattr(c, "co_name", "") == "f")
        matcher = opcodes.resolve(name)
        results.append(any(matcher.matches(i, code) for i in dis.get_instructions(code)))
    print(
        json.dumps(
            {
                "python": version,
                "table_differences": differences,
                "jumps_agree": table.hasjrel == live.hasjrel and table.hasjabs == live.hasjabs,
                "binary_op_agrees": table.binary_op == live.binary_op,
                "matches": results,
            }
        )
    )


if __name__ == "__main__":
    main()
