"""The child process that measures one PDF within limits; started by measuring.py.

    python -I -B quizsite/reports/measure_worker.py SECONDS MEMORY_MB < report.pdf

It caps its own CPU time and address space, reads the PDF from stdin, measures it with
length.py and writes exactly one line of JSON to stdout:

    {"outcome": "measured", "measurement": {...the fields of length.Measurement...}}
    {"outcome": "unreadable", "detail": "the PDF could not be read", "cause": "PSSyntaxError"}
    {"outcome": "memory"}
    {"outcome": "failed", "detail": "RecursionError"}

It is run as a file, not as a module of the quizsite package: importing the package
would start the Celery app and load Django's settings (and every secret in them) in a
process whose only job is to parse a stranger's file. For the same reason it imports
nothing of the project but length.py, which is pure, loaded by its path.
"""

from __future__ import annotations

import importlib.util
import json
import math
import resource
import sys
from dataclasses import asdict
from pathlib import Path

MB = 1024 * 1024


def _load_length():
    path = Path(__file__).with_name("length.py")
    spec = importlib.util.spec_from_file_location("report_length", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def _limit_cpu(seconds: float) -> None:
    # A backstop: the parent kills us at the wall-clock limit, but if the parent itself
    # dies, the kernel still stops a spinning child (SIGXCPU) a second or two later.
    soft = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core dump of a huge process


def _limit_memory(memory_mb: int) -> None:
    # The cap counts what the interpreter and pdfplumber already map, so measuring
    # gets memory_mb on top of that whatever the platform's baseline is.
    with open("/proc/self/statm", "rb") as f:
        mapped = int(f.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (mapped + memory_mb * MB,) * 2)


def main(argv: list[str]) -> int:
    seconds, memory_mb = float(argv[1]), int(argv[2])
    _limit_cpu(seconds)
    length = _load_length()
    import pdfplumber  # noqa: F401  imported before the memory cap: the budget is for the file

    content = sys.stdin.buffer.read()
    _limit_memory(memory_mb)
    try:
        measurement = length.measure(content, "pdf")
        answer = {"outcome": "measured", "measurement": asdict(measurement)}
    except length.Unreadable as exc:
        answer = {"outcome": "unreadable", "detail": str(exc), "cause": exc.cause}
    except MemoryError:
        answer = {"outcome": "memory"}
    except Exception as exc:  # noqa: BLE001 - RecursionError on deep nesting, or a bug in a parser
        answer = {"outcome": "failed", "detail": exc.__class__.__name__}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
