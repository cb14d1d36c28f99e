"""What measuring a report PDF in a limited child process costs, against in-process.

    .venv/bin/python bench/report_measure.py [--runs N]

Prints p50 and p95 in milliseconds of measuring, for a 1-page and a 100-page text PDF
and a 3-page scan (made with reportlab, as in the tests):

- in-process: ``length.measure(content, "pdf")`` with pdfplumber already imported;
- child: ``measuring.measure_within_limits`` as an upload does it (a fresh
  ``python -I -B quizsite/reports/measure_worker.py`` that imports pdfplumber, caps its
  memory and CPU, measures and answers in JSON), with the default limits;

then the child's overhead (child p50 - in-process p50), the largest resident size any
child reached, and what the limits do to a decompression bomb (256 KB inflating to
256 MB of page content) against measuring it in-process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quizsite.reports import length, measuring
from quizsite.reports.tests.pdfs import inflating_pdf, pdf_of_pages, scanned_pdf

# The defaults of REPORT_MEASURE_TIMEOUT_SECONDS and REPORT_MEASURE_MEMORY_MB.
SECONDS = 10
MEMORY_MB = 512


def clock(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def in_process(content: bytes) -> None:
    length.measure(content, "pdf")


def in_child(content: bytes) -> None:
    measuring.measure_within_limits(content, "pdf", seconds=SECONDS, memory_mb=MEMORY_MB)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    documents = {
        "1-page PDF": pdf_of_pages(1),
        "100-page PDF": pdf_of_pages(100),
        "3-page scan": scanned_pdf(3),
    }
    in_process(documents["1-page PDF"])  # import pdfplumber and warm up once
    print(f"runs: {args.runs} each; limits: {SECONDS} s, {MEMORY_MB} MB")
    print(f"{'document':<14} {'size':>8} {'how':<11} {'p50 ms':>8} {'p95 ms':>8}")
    for name, content in documents.items():
        assert length.measure(content, "pdf") == measuring.measure_within_limits(
            content, "pdf", seconds=SECONDS, memory_mb=MEMORY_MB
        )
        p50s = {}
        for how, fn in (("in-process", in_process), ("child", in_child)):
            samples = [clock(lambda fn=fn, c=content: fn(c)) for _ in range(args.runs)]
            p50, p95 = percentiles(samples)
            p50s[how] = p50
            print(f"{name:<14} {len(content) // 1024:>6}KB {how:<11} {p50:>8.1f} {p95:>8.1f}")
        print(f"{name:<14} {'':>8} {'overhead':<11} {p50s['child'] - p50s['in-process']:>8.1f}")
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest child resident size: {child_rss:.0f} MB")

    bomb = inflating_pdf(256)
    t = time.perf_counter()
    try:
        in_child(bomb)
        outcome = "measured"
    except measuring.NotMeasured as exc:
        outcome = f"not measured ({exc.reason})"
    child_ms = (time.perf_counter() - t) * 1000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    in_process_ms = clock(lambda: in_process(bomb))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"decompression bomb ({len(bomb) // 1024} KB -> 256 MB): child {outcome} in "
        f"{child_ms:.0f} ms; in-process {in_process_ms:.0f} ms, this process grew from "
        f"{before:.0f} to {after:.0f} MB resident"
    )


if __name__ == "__main__":
    main()
