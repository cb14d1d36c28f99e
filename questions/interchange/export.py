"""Write a bank folder as Moodle XML, for the question types Moodle has.

choice -> multichoice (truefalse for a True/False choice), multi -> multichoice with
several right options, numeric -> numerical, text -> shortanswer, essay -> essay (its
limits and the grader's notes kept), and a code question
imported from CodeRunner -> coderunner (its tests are kept as data in cases.py). A
code question written here compares the submission's values with the reference's,
which CodeRunner cannot express without running the reference, so it is listed as not
exported; so is anything else that does not fit, each with its reason. A question's
explanation is Moodle's general feedback.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from questions.format import FormatError, Question, instantiate, load_bank
from questions.images import is_image_name
from questions.interchange import coderunner
from questions.interchange.markup import images, markdown_to_html
from questions.interchange.report import LOST, SKIPPED, Note


@dataclass
class ExportReport:
    exported: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [str(n) for n in self.notes]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _text_el(parent: ET.Element, tag: str, text: str, fmt: str | None = None) -> ET.Element:
    el = _sub(parent, tag, **({"format": fmt} if fmt else {}))
    _sub(el, "text", text)
    return el


def _fraction(x: float) -> str:
    return f"{round(x, 5):g}"


def _prompt(parent: ET.Element, q: Question, prompt: str, bank: Path, report: ExportReport) -> None:
    el = _text_el(parent, "questiontext", markdown_to_html(prompt), "html")
    for _, target in images(prompt):
        if not is_image_name(target):
            continue
        name = target
        path = Path(q.path) / name
        if not path.is_file():
            report.notes.append(Note(q.id, LOST, f"the image '{name}' is not beside question.toml"))
            continue
        f = _sub(
            el,
            "file",
            base64.b64encode(path.read_bytes()).decode("ascii"),
            name=name,
            path="/",
            encoding="base64",
        )
        del f


def _question(
    root: ET.Element,
    q: Question,
    qtype: str,
    bank: Path,
    report: ExportReport,
    prompt: str | None = None,
) -> ET.Element:
    el = _sub(root, "question", type=qtype)
    _text_el(el, "name", q.title)
    _prompt(el, q, q.prompt if prompt is None else prompt, bank, report)
    # The explanation is what Moodle calls general feedback (shown after an attempt).
    _text_el(
        el, "generalfeedback", markdown_to_html(q.explanation) if q.explanation else "", "html"
    )
    _sub(el, "defaultgrade", f"{q.points:g}")
    _sub(el, "penalty", "0")  # no penalty per try here
    _sub(el, "hidden", "0")
    if len(q.topics) > 1:  # the first topic is the category; the others are tags
        tags = _sub(el, "tags")
        for topic in q.topics[1:]:
            _sub(_sub(tags, "tag"), "text", topic)
    return el


def _answer(el: ET.Element, fraction: float, text: str, fmt: str = "html") -> ET.Element:
    a = _sub(el, "answer", fraction=_fraction(fraction), format=fmt)
    _sub(a, "text", text)
    fb = _sub(a, "feedback", format="html")
    _sub(fb, "text", "")
    return a


def _option_html(text: str) -> str:
    html = markdown_to_html(text)
    # A one-paragraph option stays inline, as Moodle's editor writes it.
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def _choice(root: ET.Element, q: Question, bank: Path, report: ExportReport) -> None:
    if q.type == "choice" and list(q.options) == ["True", "False"] and not q.shuffle:
        el = _question(root, q, "truefalse", bank, report)
        _answer(el, 100 if q.answer == "True" else 0, "true", "moodle_auto_format")
        _answer(el, 100 if q.answer == "False" else 0, "false", "moodle_auto_format")
        return
    el = _question(root, q, "multichoice", bank, report)
    right = [q.answer] if q.type == "choice" else list(q.answers)
    share = 100.0 / len(right)
    wrong = 0.0 if q.type == "choice" else -share
    _sub(el, "single", "true" if q.type == "choice" else "false")
    _sub(el, "shuffleanswers", "1" if q.shuffle else "0")
    _sub(el, "answernumbering", "none")
    for option in q.options:
        _answer(el, share if option in right else wrong, _option_html(option))


def _numeric(root: ET.Element, q: Question, bank: Path, report: ExportReport) -> None:
    el = _question(root, q, "numerical", bank, report)
    tolerance = q.tolerance
    if q.rel_tolerance:
        tolerance = max(tolerance, abs(float(q.answer)) * q.rel_tolerance)
        report.notes.append(
            Note(
                q.id,
                LOST,
                f"relative tolerance {q.rel_tolerance:g} became the absolute tolerance {tolerance:g} (Moodle's is absolute)",
            )
        )
    a = _answer(el, 100, f"{q.answer}", "moodle_auto_format")
    _sub(a, "tolerance", f"{tolerance:g}")


def _text(root: ET.Element, q: Question, bank: Path, report: ExportReport) -> None:
    el = _question(root, q, "shortanswer", bank, report)
    _sub(el, "usecase", "1" if q.case_sensitive else "0")
    for a in q.answers:
        # '*' is Moodle's wildcard; here it is an ordinary character.
        _answer(el, 100, a.replace("*", "\\*"), "moodle_auto_format")


def _essay(root: ET.Element, q: Question, bank: Path, report: ExportReport) -> None:
    el = _question(root, q, "essay", bank, report)
    _sub(el, "responseformat", "editor")
    _sub(el, "responserequired", "1")
    _sub(el, "responsefieldlines", str(q.response_lines))
    _sub(el, "minwordlimit", str(q.min_words or ""))
    _sub(el, "maxwordlimit", str(q.max_words or ""))
    _sub(el, "attachments", "0")
    _sub(el, "attachmentsrequired", "0")
    _text_el(el, "graderinfo", markdown_to_html(q.grader_info) if q.grader_info else "", "html")
    _text_el(el, "responsetemplate", "", "html")


def _code(root: ET.Element, q: Question, bank: Path, report: ExportReport) -> bool:
    if q.code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected q.code is not None")
    found = coderunner.read_package(Path(q.path)) if q.code.cases == "cases.py" else None
    if found is None or q.code.checks:
        why = (
            "its checks on the code itself have no CodeRunner equivalent"
            if found is not None
            else "its tests compare the submission's values with the reference's, which "
            "CodeRunner cannot express without expected output"
        )
        report.notes.append(Note(q.id, SKIPPED, f"not exported: {why}"))
        return False
    tests, mode, echo = found
    prompt = q.prompt
    block = coderunner.examples_block(tests)
    if block and prompt.endswith(block):
        prompt = prompt[: -len(block)]
    el = _question(root, q, "coderunner", bank, report, prompt)
    _sub(el, "coderunnertype", "python3_w_input" if echo else "python3")
    _sub(el, "prototypetype", "0")
    _sub(el, "allornothing", "0")  # here each test earns its own points
    _sub(el, "penaltyregime", "0")
    _sub(el, "answerpreload", q.code.starter_source or "")
    _sub(el, "answer", q.code.reference_source)
    _sub(el, "template", "")
    _sub(el, "grader", coderunner.grader_name(mode))
    # Empty means CodeRunner's own default, as ours are when the package sets none.
    _sub(el, "cputimelimitsecs", "" if q.code.cpu_seconds == 2 else f"{q.code.cpu_seconds:g}")
    _sub(el, "memlimitmb", "" if q.code.memory_mb == 256 else f"{q.code.memory_mb}")
    by_case = {t.case: t for t in q.code.tests if t.case}
    cases = _sub(el, "testcases")
    for i, t in enumerate(tests, 1):
        spec = by_case.get(f"test_{i}")
        if spec is None:
            report.notes.append(
                Note(
                    q.id,
                    LOST,
                    f"TESTS[{i - 1}] in cases.py has no [[tests]] entry; it was left out",
                )
            )
            continue
        tc = _sub(
            cases,
            "testcase",
            testtype="0",
            useasexample="1" if t.get("example") else "0",
            hiderestiffail="0",
            mark=f"{spec.points:.7f}",
        )
        for tag, key in (("testcode", "code"), ("stdin", "stdin"), ("expected", "expected")):
            _text_el(tc, tag, str(t.get(key, "")))
        _text_el(tc, "extra", "")
        _text_el(tc, "display", "HIDE" if spec.hidden else "SHOW")
    return True


def _category(root: ET.Element, name: str) -> None:
    el = _sub(root, "question", type="category")
    cat = _sub(el, "category")
    path = "/".join(part.replace("/", "//") for part in [name] if part)
    _sub(cat, "text", "$course$/top" + (f"/{path}" if path else ""))


def export_bank(bank_dir: str | Path, to_file: str | Path) -> ExportReport:
    """Write every question of the bank that Moodle can hold to ``to_file``.

    Raises FormatError when the bank itself is broken (every problem listed).
    """
    bank = Path(bank_dir)
    questions = load_bank(bank)
    report = ExportReport()
    root = ET.Element("quiz")
    current: str | None = None
    for q in sorted(questions, key=lambda q: (q.topics[0] if q.topics else "", q.id)):
        if q.has_variants:
            try:
                q = instantiate(q, 0)
            except FormatError as e:
                report.notes.append(
                    Note(q.id, SKIPPED, f"not exported: its variants cannot be drawn ({e})")
                )
                continue
            report.notes.append(
                Note(q.id, LOST, "draws values per student: exported as the variant for seed 0")
            )
        category = q.topics[0] if q.topics else ""
        if category != current:
            _category(root, category)
            current = category
        writer: Any = {
            "choice": _choice,
            "multi": _choice,
            "numeric": _numeric,
            "text": _text,
            "essay": _essay,
        }.get(q.type)
        if writer is not None:
            writer(root, q, bank, report)
        elif not _code(root, q, bank, report):
            continue
        report.exported.append(q.id)
    ET.indent(root)
    Path(to_file).write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n",
        encoding="utf-8",
    )
    return report
