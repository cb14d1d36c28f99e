"""How long ranking a class's answers to one code question by similarity takes.

    .venv/bin/python bench/similarity.py [--answers 200] [--copies 20] [--runs 3]

Generates the answers the tests use (independent answers, disguised copies, answers
that keep only the starter code; ``grader/tests/similarity/corpus.py``), then times
``grader.similarity.compare`` with the starter and the reference excluded. Prints the
size of the corpus, the best and median time of the runs, the peak memory of the
process and how many planted copies ranked in the top pairs.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader import similarity
from grader.tests.similarity.corpus import REFERENCE, STARTER, make_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    corpus = make_corpus(size=args.answers, copies=args.copies)
    chars = sum(len(s) for s in corpus.sources.values())
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        ranked = similarity.compare(
            corpus.sources, starter=STARTER, reference=REFERENCE, limit=args.copies
        )
        times.append(time.perf_counter() - start)
    found = len({frozenset((p.a, p.b)) for p in ranked.pairs} & corpus.planted)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"answers: {args.answers} ({chars / 1024:.0f} KB of source), planted copies: {args.copies}"
    )
    print(
        f"time: best {min(times):.2f} s, median {statistics.median(times):.2f} s ({args.runs} runs)"
    )
    print(f"peak memory of the process: {peak_mb:.0f} MB")
    print(f"planted copies in the top {args.copies} pairs: {found}")


if __name__ == "__main__":
    main()
