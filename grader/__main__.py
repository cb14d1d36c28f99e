"""Command line: ``python -m grader grade|check|import|export|doctor``.

    python -m grader grade QUESTION_DIR SUBMISSION.py [--seed N]
        prints one result as JSON; exit 0 whenever it graded, 2 with one line on
        stderr when the question or the call is broken (or the grader failed).
    python -m grader check QUESTION_DIR_OR_BANK
        the bank sync's own rules (``grader.bankcheck``): exit 0 when every question is
        valid and every code question's reference earns full marks (every variant
        checked for a few seeds), 1 otherwise naming each failure. For one question
        folder, each answers/*.py must also earn what its ``# expect: SCORE`` line says.
    python -m grader check QUESTION_DIR --watch
        checks the package, and grades each answers/*.py against its
        ``# expect: SCORE`` line, again on every save (Ctrl-C stops it).
    python -m grader import FILE --to DIR
        converts a Moodle XML (CodeRunner included) or GIFT file into packages under
        DIR, lists everything that could not be carried over, then validates and
        self-checks what it wrote. Exit 0 when that passed, 1 when a written package
        fails, 2 when the file cannot be read.
    python -m grader export DIR --to FILE.xml
        writes the bank as Moodle XML, listing what Moodle cannot hold.
    python -m grader doctor
        the sandbox's own health report.

``--sandbox fake`` runs tasks in-process with no isolation: for development and for
checking a bank (only staff code runs there). ``grade`` never picks it on its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from grader import bankcheck
from grader.bankcheck import load_question
from questions.format import QUESTION_FILE, FormatError


def _sandbox(choice: str, for_staff_code: bool) -> Any:
    """The run function ``--sandbox`` names (``grader.sandbox.choose``); ``auto`` may
    fall back to no isolation, so only for code staff wrote."""
    from grader.sandbox import choose

    if choice == "auto" and not for_staff_code:
        raise ValueError("--sandbox auto is only for staff's own code")
    return choose(choice, warn=lambda note: print(f"note: {note}", file=sys.stderr))


def _fail(msg: str) -> int:
    print(msg.replace("\n", "; "), file=sys.stderr)
    return 2


def cmd_grade(args: argparse.Namespace) -> int:
    from grader.pipeline import grade

    try:
        question = load_question(args.question_dir)
    except FormatError as e:
        return _fail(f"question is broken: {e}")
    if question.type != "code":
        return _fail(f"{question.id} is a {question.type} question, not a code question")
    try:
        source = Path(args.submission).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return _fail(f"cannot read the submission: {e}")
    try:
        run = _sandbox(args.sandbox, for_staff_code=False)
    except (ImportError, AttributeError) as e:
        return _fail(f"the sandbox is not available: {e}")
    try:
        result = grade(question, source, sandbox=run, seed=args.seed)
    except FormatError as e:
        return _fail(f"question is broken: {e}")
    print(json.dumps(result.as_dict()))
    if result.status != "graded":
        return _fail("grader error: " + ("; ".join(result.errors) or "unknown"))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if args.watch:
        return _watch(args)
    if (path / QUESTION_FILE).is_file():
        # One package: the author's check, sample answers included (see grader.authoring).
        from grader.authoring import check_package

        try:
            run = _sandbox(args.sandbox, for_staff_code=True)
        except (ImportError, AttributeError) as e:
            print(f"FAIL the sandbox is not available: {e}")
            return 1
        lines, ok = check_package(path, run)
        print("\n".join(lines))
        return 0 if ok else 1
    try:
        run = _sandbox(args.sandbox, for_staff_code=True)
    except (ImportError, AttributeError) as e:
        print(f"FAIL the sandbox is not available: {e}")
        return 1
    questions, problems = bankcheck.check_bank(path, run)
    for p in problems:
        print(f"FAIL {bankcheck.author_line(p)}")
    failing = {p.file.rsplit("/", 1)[0] for p in problems}
    for q in questions:
        if q.id not in failing:
            print(f"ok   {q.id}")
    print(f"{len(questions)} valid question(s), {len(problems)} problem(s)")
    return 1 if problems else 0


def _watch(args: argparse.Namespace) -> int:
    import threading

    from grader.authoring import watch

    path = Path(args.path)
    if not (path / QUESTION_FILE).is_file():
        print(f"FAIL {path}: --watch checks one question folder (with a {QUESTION_FILE})")
        return 1
    try:
        run = _sandbox(args.sandbox, for_staff_code=True)
    except (ImportError, AttributeError) as e:
        print(f"FAIL the sandbox is not available: {e}")
        return 1
    try:
        watch(path, run, lambda line: print(line, flush=True), threading.Event(), args.interval)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from grader.authoring import import_bank
    from questions.interchange import BadFile

    run = None
    if not args.no_check:
        try:
            run = _sandbox(args.sandbox, for_staff_code=False)
        except (ImportError, AttributeError) as e:
            print(
                f"FAIL the sandbox is not available ({e}): nothing was written; use "
                "--sandbox fake only for a file you trust, or --no-check"
            )
            return 1
    try:
        outcome = import_bank(args.file, args.to, run)
    except BadFile as e:
        print(f"FAIL {e}")
        return 2
    for line in outcome.lines():
        print(line)
    print(outcome.summary())
    return 1 if outcome.problems else 0


def cmd_export(args: argparse.Namespace) -> int:
    from questions import interchange

    try:
        report = interchange.export_bank(args.path, args.to)
    except FormatError as e:
        for p in e.problems:
            print(f"FAIL {p}")
        print(f"{len(e.problems)} problem(s); nothing was exported")
        return 1
    for line in report.lines():
        print(f"note {line}")
    print(f"{len(report.exported)} question(s) exported to {args.to}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from grader.sandbox import doctor

    return int(doctor.main() or 0)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line on stderr for a broken call, as for a broken question.
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def main(argv: list[str] | None = None) -> int:
    from grader.sandbox.choice import NAMES, STAFF_NAMES

    parser = _Parser(prog="python -m grader")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade one submission, print the result as JSON")
    g.add_argument("question_dir")
    g.add_argument("submission")
    g.add_argument("--seed", type=int, default=None)
    g.add_argument("--sandbox", choices=NAMES, default="real")
    g.set_defaults(func=cmd_grade)
    c = sub.add_parser("check", help="validate questions; references must earn full marks")
    c.add_argument("path")
    c.add_argument("--sandbox", choices=STAFF_NAMES, default="auto")
    c.add_argument("--watch", action="store_true", help="check again on every save")
    c.add_argument("--interval", type=float, default=0.5, help="seconds between looks")
    c.set_defaults(func=cmd_check)
    i = sub.add_parser("import", help="convert a Moodle XML or GIFT file into packages")
    i.add_argument("file")
    i.add_argument("--to", required=True, help="the bank folder to write into")
    # The file is untrusted (its answers and tests came from elsewhere): the self-check
    # never falls back to running them without isolation unless asked to.
    i.add_argument("--sandbox", choices=NAMES, default="real")
    i.add_argument("--no-check", action="store_true", help="skip validation and self-check")
    i.set_defaults(func=cmd_import)
    e = sub.add_parser("export", help="write a bank as Moodle XML")
    e.add_argument("path")
    e.add_argument("--to", required=True, help="the .xml file to write")
    e.set_defaults(func=cmd_export)
    d = sub.add_parser("doctor", help="report on the sandbox's protections")
    d.set_defaults(func=cmd_doctor)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: bad call -> exit 2 (it printed the usage line)
        return int(e.code or 0)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
