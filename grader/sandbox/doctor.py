"""``python -m grader doctor``: which protections this machine gives the sandbox.

It prints ``grader.sandbox.protections.report()`` and, unless ``--quick``, does one
real run and checks from inside it that the uid is unprivileged, the capability set
is empty and Redis cannot be reached. Nothing imports this module but the command
line: the runner asks ``protections`` directly.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

from grader.sandbox import protections, runner
from grader.sandbox.protections import Protection

_E2E_SOURCE = """
import os, socket
status = open('/proc/self/status').read()
caps = [l.split()[1] for l in status.splitlines() if l.startswith('CapEff')][0]
try:
    socket.create_connection(('127.0.0.1', 6379), timeout=1)
    net = 'connected'
except OSError as e:
    net = 'refused'
x = {'uid': os.getuid(), 'caps': caps, 'net': net, 'root': sorted(os.listdir('/'))}
"""


def _end_to_end() -> tuple[bool, str]:
    r = runner.run("grader.harness._selftest:run_source", {"source": _E2E_SOURCE, "name": "x"})
    if not r.ok:
        return False, f"{r.outcome.value}: {r.detail} {r.exc_type} {r.exc_message}"
    v = r.value
    ok = v["uid"] != 0 and int(v["caps"], 16) == 0 and v["net"] == "refused"
    return (
        ok,
        f"uid {v['uid']}, CapEff {v['caps']}, redis {v['net']}, / = {v['root']}, via {r.extra.get('mode')}",
    )


def report(end_to_end: bool = False) -> list[Protection]:
    """Every protection (``protections.report()``); optionally a real sandbox run too."""
    items = protections.report()
    if not end_to_end:
        return items
    if any(p.essential and not p.active for p in items) and not protections.dev_mode():
        why = "skipped: essentials missing"
        return [*items, Protection("end-to-end sandbox run", False, True, why)]
    try:
        ok, why = _end_to_end()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        ok, why = False, f"{type(exc).__name__}: {exc}"
    return [*items, Protection("end-to-end sandbox run", ok, True, why)]


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit status 0 when every essential protection is active."""
    args = sys.argv[1:] if argv is None else argv
    items = report(end_to_end="--quick" not in args)
    if "--json" in args:
        print(json.dumps([asdict(p) for p in items], indent=2))
    else:
        for p in items:
            mark = "ok  " if p.active else ("MISSING" if p.essential else "off ")
            tag = "essential" if p.essential else "optional"
            line = f"[{mark:7}] {p.name} ({tag})"
            if p.detail:
                line += f": {p.detail}"
            print(line)
    missing = [p.name for p in items if p.essential and not p.active]
    if missing:
        print(
            f"\n{len(missing)} essential protection(s) missing: grading "
            + (
                "runs in DEVELOPMENT MODE (unsafe)."
                if protections.dev_mode()
                else "will refuse to start."
            ),
        )
        return 1
    print("\nAll essential protections are active.")
    return 0
