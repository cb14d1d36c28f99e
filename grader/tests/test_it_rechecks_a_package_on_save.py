"""python -m grader check DIR --watch: the package and its answers/ graded again on save."""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import pytest

from grader.authoring import expectation, watch
from grader.sandbox import fake

QUESTION = """\
title = "Square"
type = "code"
prompt = "Write sqr(n)."

[code]
entry = ["sqr"]
reference = "reference.py"

[[tests]]
expr = "sqr(3)"

[[tests]]
expr = "sqr(-4)"
"""
WAIT = 60  # seconds: a bound on a wait that normally ends at once, not a timing goal


@pytest.fixture
def package(tmp_path: Path) -> Path:
    d = tmp_path / "square"
    (d / "answers").mkdir(parents=True)
    (d / "question.toml").write_text(QUESTION)
    (d / "reference.py").write_text("def sqr(n):\n    return n * n\n")
    (d / "answers" / "abs.py").write_text("# expect: 1\ndef sqr(n):\n    return abs(n) * 5\n")
    return d


class Watching:
    def __init__(self, path: Path) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=watch, args=(path, fake.run, self.lines.put, self.stop, 0.05), daemon=True
        )
        self.thread.start()

    def round(self) -> list[str]:
        """The lines of the next check, up to its closing line."""
        got = []
        while True:
            line = self.lines.get(timeout=WAIT)
            got.append(line)
            if line.startswith("-- check"):
                return got

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=WAIT)


def _save(path: Path, text: str) -> None:
    path.write_text(text)
    st = path.stat()
    # A later mtime even on a file system with coarse timestamps.
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_it_shows_the_new_result_after_an_edit(package):
    w = Watching(package)
    try:
        first = w.round()
        assert "ok   square: reference.py earns full marks" in first
        assert "MISMATCH answers/abs.py: earns 0 of 2 (fails: test-1, test-2), expected 1" in first
        assert first[-1].startswith("-- check 1: see above")

        _save(
            package / "answers" / "abs.py",
            "# expect: 1\ndef sqr(n):\n    return n * n if n > 0 else 0\n",
        )
        second = w.round()
        assert "ok   answers/abs.py: earns 1 of 2 (fails: test-2), as expected" in second
        assert second[-1].startswith("-- check 2: all as expected")

        _save(package / "reference.py", "def sqr(n):\n    return n * n +\n")
        third = w.round()
        assert any(
            line.startswith("FAIL square/reference.py: syntax error at line 2") for line in third
        )
    finally:
        w.close()
    assert not w.thread.is_alive()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("# expect: 0.5\n", (0.5, False)),
        ("#expect: 25%\n", (25.0, True)),
        ('"""Doc."""\n# EXPECT: 2\n', (2.0, False)),
        ("# no expectation here\n", None),
    ],
)
def test_it_reads_the_expected_score_from_the_header(header, expected):
    assert expectation(header + "def f():\n    pass\n") == expected
