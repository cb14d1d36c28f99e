"""The author's loop: check one package, and its sample answers, again on every save.

``check_package`` runs the bank's own rules on one question folder (validation,
then the reference's self-check, as ``sync_bank`` does) and grades every
``answers/*.py`` kept beside it. Each answer says what it should earn in a header
comment::

    # expect: 0.5        points, as the grader reports them
    # expect: 25%        or a share of the question's points

so an author tests wrong answers as well as the reference. ``watch`` polls the
package's files (names, sizes and modification times) and runs ``check_package``
again whenever one changes, until ``stop`` is set.

``import_bank`` is the one flow behind ``python -m grader import`` and ``manage.py
import_bank``: convert a Moodle XML or GIFT file, write the packages, then validate
and self-check them with the bank's own rules, and check imported CodeRunner answers
against CodeRunner's expected output.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import bankcheck, pipeline
from grader.bankcheck import load_question
from questions import interchange
from questions.format import FormatError, Question, package_files
from questions.interchange import coderunner

ANSWERS_DIR = "answers"
_EXPECT = re.compile(r"^#\s*expect:\s*([0-9.]+)\s*(%?)\s*$", re.I | re.M)
_HEADER_LINES = 10  # the expectation sits in the first lines of the file
_TOLERANCE = 1e-6


def expectation(source: str) -> tuple[float, bool] | None:
    """(value, is_percent) from a ``# expect:`` line near the top, or None."""
    head = "\n".join(source.splitlines()[:_HEADER_LINES])
    m = _EXPECT.search(head)
    if m is None:
        return None
    try:
        return float(m.group(1)), m.group(2) == "%"
    except ValueError:
        return None


def _grade_answer(q: Question, path: Path, run: Any) -> tuple[str, bool]:
    name = f"{ANSWERS_DIR}/{path.name}"
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return f"FAIL {name}: cannot be read: {e}", False
    expected = expectation(source)
    seed = 0 if q.variants is not None else None
    try:
        result = pipeline.grade(q, source, sandbox=run, seed=seed)
    except Exception as e:  # noqa: BLE001 - the loop reports it and keeps watching
        return f"FAIL {name}: could not be graded: {type(e).__name__}: {e}", False
    if result.status != "graded":
        return f"FAIL {name}: grader error: {'; '.join(result.errors)}", False
    lost = ", ".join(c.name for c in result.checks if not c.passed)
    got = f"{result.score:g} of {result.max_score:g}" + (f" (fails: {lost})" if lost else "")
    if expected is None:
        return f"FAIL {name}: earns {got}, but has no '# expect: SCORE' line to compare with", False
    value, percent = expected
    want = result.max_score * value / 100 if percent else value
    shown = f"{value:g}%" if percent else f"{value:g}"
    if abs(result.score - want) > _TOLERANCE:
        return f"MISMATCH {name}: earns {got}, expected {shown}", False
    return f"ok   {name}: earns {got}, as expected", True


def expected_output_problems(q: Question, run: Any) -> list[str]:
    """For a question whose tests came from CodeRunner: every test where the reference
    does not print what CodeRunner expected (the self-check alone cannot see that, since
    a submission is compared with the reference)."""
    if q.code is None or not q.path:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "question"
        if not coderunner.expected_output_copy(Path(q.path), copy):
            return []
        try:
            stubbed = load_question(copy, qid=q.id)
        except FormatError as e:
            return [str(p) for p in e.problems]
        result = pipeline.grade(stubbed, q.code.reference_source, sandbox=run)
    where = f"{q.id}/{q.code.reference}"
    if result.status != "graded":
        return [
            f"{where}: cannot be compared with CodeRunner's expected output: {'; '.join(result.errors)}"
        ]
    return [
        f"{where}: does not print what CodeRunner expected in {c.name} (cases.py TESTS): {c.feedback}"
        for c in result.checks
        if not c.passed
    ]


def check_package(path: str | Path, run: Any) -> tuple[list[str], bool]:
    """Lines to print for one package, and whether everything held."""
    d = Path(path)
    try:
        q = load_question(d)
    except FormatError as e:
        return [f"FAIL {p}" for p in e.problems], False
    problems = bankcheck.package_problems(q)
    if not problems and q.code is not None:
        problems = bankcheck.check_reference(q, run)
    lines = [f"FAIL {bankcheck.author_line(p)}" for p in problems]
    if not problems:
        lines += [f"FAIL {p}" for p in expected_output_problems(q, run)]
    ok = not lines
    if ok:
        what = "earns full marks" if q.code is not None else "is valid"
        lines.append(f"ok   {q.id}: " + (f"{q.code.reference} {what}" if q.code else what))
    answers = sorted((d / ANSWERS_DIR).glob("*.py")) if (d / ANSWERS_DIR).is_dir() else []
    if answers and q.code is None:
        return [*lines, f"FAIL {ANSWERS_DIR}/: only a code question grades answers"], False
    if not ok:
        return lines, False
    for a in answers:
        line, good = _grade_answer(q, a, run)
        lines.append(line)
        ok = ok and good
    return lines, ok


def snapshot(path: str | Path) -> dict[str, tuple[int, int]]:
    """(mtime in ns, size) of every file of the package, by name."""
    d = Path(path)
    out: dict[str, tuple[int, int]] = {}
    try:
        files = package_files(d)
    except OSError:  # the folder is being moved or replaced: look again next time
        return out
    for p in files:
        try:
            st = p.stat()
        except OSError:
            continue
        out[p.relative_to(d).as_posix()] = (st.st_mtime_ns, st.st_size)
    return out


def watch(
    path: str | Path,
    run: Any,
    out: Callable[[str], None],
    stop: threading.Event,
    interval: float = 0.5,
) -> None:
    """Check the package now and after every change, until ``stop`` is set."""
    seen: dict[str, tuple[int, int]] | None = None
    round_no = 0
    while not stop.is_set():
        now = snapshot(path)
        if now != seen:
            seen = now
            round_no += 1
            lines, ok = check_package(path, run)
            for line in lines:
                out(line)
            out(
                f"-- check {round_no}: {'all as expected' if ok else 'see above'}; watching for changes"
            )
        stop.wait(interval)


@dataclass
class ImportOutcome:
    report: interchange.ImportReport
    skipped: int  # questions not imported (each has a note)
    checked: list[str] = field(default_factory=list)  # code questions self-checked
    problems: list[str] = field(default_factory=list)  # to fix before sync_bank
    validated: bool = True

    def lines(self) -> list[str]:
        out = [f"wrote {qid} ({name})" for qid, name in self.report.written]
        out += [f"note {line}" for line in self.report.lines()]
        out += [f"FAIL {p}" for p in self.problems]
        return out

    def summary(self) -> str:
        head = (
            f"{len(self.report.written)} question(s) written, {self.skipped} not imported, "
            f"{len(self.report.notes)} note(s)"
        )
        if not self.validated:
            return f"{head}; not validated"
        return (
            f"{head}; {len(self.checked)} reference(s) self-checked, "
            f"{len(self.problems)} problem(s)"
        )


def import_bank(file: str | Path, to_dir: str | Path, run: Any | None) -> ImportOutcome:
    """Convert ``file`` into packages under ``to_dir`` and check what was written with
    the sandbox ``run`` (None: write only). Raises ``interchange.BadFile`` when the file
    cannot be read, before anything is written."""
    conversion = interchange.convert_file(file)
    report = interchange.write_bank(conversion, to_dir)
    outcome = ImportOutcome(report, len(conversion.skipped), validated=run is not None)
    if run is None:
        return outcome
    ids = [qid for qid, _ in report.written]
    outcome.checked, problems = bankcheck.check_folder(to_dir, run, only=ids)
    outcome.problems = [str(p) for p in problems]
    for qid in ids:
        try:
            q = load_question(Path(to_dir) / qid)
        except FormatError:
            continue  # already reported by the validation
        outcome.problems += expected_output_problems(q, run)
    return outcome
