"""Read a Moodle XML question file into package drafts.

The file is untrusted (anyone with a teacher role in some Moodle made it), so it is
parsed with defusedxml: no entity declarations, no external references, and a size
bound before parsing. When the document as a whole is not well-formed, each
``<question>`` element is parsed on its own, so one broken question is reported with
its line and the others are still imported.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from questions.format import ESSAY_LINES_DEFAULT, ESSAY_LINES_MAX
from questions.interchange import coderunner
from questions.interchange.markup import images, text_to_markdown
from questions.interchange.moodle_question import (
    base_draft,
    is_true,
    number,
    quote,
    rich,
    text_of,
)
from questions.interchange.report import (
    HAND_CHECK,
    IMAGE,
    LOST,
    BadFile,
    Conversion,
    Draft,
    Note,
)

MAX_FILE_BYTES = 64 * 1024 * 1024  # a course's bank with its images; far above any real one
_QUESTION_CHUNK = re.compile(r"<question\b.*?</question\s*>", re.S)
_CHUNK_NAME = re.compile(r"<name>\s*<text>(.*?)</text>", re.S)


def _answers(q: ET.Element) -> list[tuple[float, str, str, ET.Element]]:
    """(fraction in percent, text as Markdown, feedback text, element) of each <answer>."""
    out = []
    for a in q.findall("answer"):
        fraction = number(a.get("fraction", "0"), 0.0)
        text = text_to_markdown(text_of(a), a.get("format", "html"))
        feedback = text_of(a.find("feedback"))
        out.append((fraction, text, feedback, a))
    return out


def _answer_feedback_losses(answers: list[tuple[float, str, str, ET.Element]], d: Draft) -> None:
    for _, text, feedback, _ in answers:
        if feedback.strip():
            d.note(
                LOST,
                f"feedback for the answer {quote(text)} ({quote(text_to_markdown(feedback, 'html'))})"
                ": the format has no feedback per answer",
            )


def _multichoice(q: ET.Element, name: str, category: str) -> Draft | str:
    single = is_true(text_of(q.find("single"), "") or "true")
    answers = _answers(q)
    options = [text for _, text, _, _ in answers]
    if len(options) < 2:
        return "has fewer than two options"
    if len(set(options)) != len(options):
        return "repeats an option (after conversion to Markdown)"
    right = [text for f, text, _, _ in answers if f > 0]
    if not right:
        return "has no right option"
    d = base_draft(q, name, category, "choice" if single and len(right) == 1 else "multi")
    d.data["options"] = options
    if not is_true(text_of(q.find("shuffleanswers"), "") or "1"):
        d.data["shuffle"] = False  # shuffled is the format's default
    if d.data["type"] == "choice":
        d.data["answer"] = right[0]
        partial = [(f, t) for f, t, _, _ in answers if 0 < f < 100]
        for f, t in partial:
            d.note(LOST, f"option {quote(t)} earned {f:g}% in Moodle; here it earns nothing")
    else:
        d.data["answers"] = right
        if single:
            d.note(
                LOST,
                "Moodle let students pick one of several right options; here they pick all that apply",
            )
        n = len(right)
        wrong = [f for f, _, _, _ in answers if f <= 0]
        expected_right = 100.0 / n
        if any(abs(f - expected_right) > 0.01 for f, _, _, _ in answers if f > 0) or any(
            abs(f + expected_right) > 0.01 for f in wrong
        ):
            weights = ", ".join(f"{f:g}%" for f, _, _, _ in answers)
            d.note(
                LOST,
                f"Moodle's weights per option ({weights}) are replaced by this format's rule: "
                f"each right option earns 1/{n} of the points, each wrong one takes 1/{n} away",
            )
    _answer_feedback_losses(answers, d)
    numbering = text_of(q.find("answernumbering"), "")
    if numbering and numbering not in ("abc", "none"):
        d.note(LOST, f"option numbering '{numbering}': options are shown without numbers")
    return d


def _truefalse(q: ET.Element, name: str, category: str) -> Draft | str:
    answers = _answers(q)
    right = [text.strip().lower() for f, text, _, _ in answers if f >= 100]
    if len(right) != 1 or right[0] not in ("true", "false"):
        return "does not say whether true or false is right"
    d = base_draft(q, name, category, "choice")
    d.data.update(options=["True", "False"], answer=right[0].capitalize(), shuffle=False)
    _answer_feedback_losses(answers, d)
    return d


def _shortanswer(q: ET.Element, name: str, category: str) -> Draft | str:
    answers = _answers(q)
    accepted = []
    lost = []
    for f, text, _, _ in answers:
        if f >= 100 and "*" in text.replace("\\*", ""):
            lost.append(f"{quote(text)} (a '*' wildcard: this format matches exact strings)")
        elif f >= 100 and text.strip():
            accepted.append(text.replace("\\*", "*").strip())
        elif f > 0:
            lost.append(f"{quote(text)} (earned {f:g}%: here an answer is right or wrong)")
    if not accepted:
        return "has no fully right answer without a wildcard"
    d = base_draft(q, name, category, "text")
    d.data["answers"] = accepted
    if is_true(text_of(q.find("usecase"), "") or "0"):
        d.data["case_sensitive"] = True
    for item in lost:
        d.note(LOST, f"the accepted answer {item} was left out")
    _answer_feedback_losses(answers, d)
    return d


def _numerical(q: ET.Element, name: str, category: str) -> Draft | str:
    answers = []
    for a in q.findall("answer"):
        f = number(a.get("fraction", "0"), 0.0)
        text = text_of(a).strip()
        answers.append((f, text, number(text_of(a.find("tolerance"), ""), 0.0), a))
    right = [(t, tol) for f, t, tol, _ in answers if f >= 100 and t != "*"]
    if not right:
        return "has no fully right numeric answer"
    try:
        value = float(right[0][0])
    except ValueError:
        return f"its right answer {right[0][0]!r} is not a number"
    d = base_draft(q, name, category, "numeric")
    d.data["answer"] = int(value) if value.is_integer() and "." not in right[0][0] else value
    if right[0][1]:
        d.data["tolerance"] = abs(right[0][1])
    for f, t, tol, _ in answers:
        if (t, tol) == right[0]:
            continue
        what = "any other number" if t == "*" else f"{t} ± {tol:g}"
        d.note(
            LOST, f"the answer {what} (worth {f:g}%): here one value (with its tolerance) is right"
        )
    for fb in (text_of(a.find("feedback")) for *_, a in answers):
        if fb.strip():
            d.note(
                LOST,
                f"feedback per answer ({quote(text_to_markdown(fb, 'html'))}): no place for it",
            )
    units = [u for u in q.findall("units/unit") if text_of(u, "unit_name").strip()]
    if units:
        d.note(LOST, f"{len(units)} unit(s): students type a bare number here")
    return d


def _word_limit(q: ET.Element, tag: str) -> int | None:
    """Moodle stores an unset word limit as empty or 0."""
    value = number(text_of(q.find(tag), ""), 0.0)
    return int(value) if value >= 1 else None


def _essay(q: ET.Element, name: str, category: str) -> Draft | str:
    """An essay: a hand-graded text answer, with its limits and the grader's notes."""
    if text_of(q.find("responseformat"), "").strip() == "noinline":
        return "an essay answered only by uploading files; answers here are typed in the page"
    d = base_draft(q, name, category, "essay")
    lines = int(number(text_of(q.find("responsefieldlines"), ""), 0.0))
    if lines > 0 and lines != ESSAY_LINES_DEFAULT:  # the default needs no key
        d.data["response_lines"] = min(lines, ESSAY_LINES_MAX)
    low, high = _word_limit(q, "minwordlimit"), _word_limit(q, "maxwordlimit")
    if low and high and low > high:
        low, high = high, low
    if low:
        d.data["min_words"] = low
    if high:
        d.data["max_words"] = high
    info, fmt, _ = rich(q, "graderinfo")
    if info.strip():
        d.data["grader_info"] = text_to_markdown(info, fmt)
    template, fmt, _ = rich(q, "responsetemplate")
    if template.strip():
        d.note(
            LOST,
            f"response template ({quote(text_to_markdown(template, fmt))}): the answer box "
            "starts empty here",
        )
    if number(text_of(q.find("attachments"), ""), 0.0) != 0:
        d.note(LOST, "file uploads with the answer: answers here are typed text only")
    return d


_READERS: dict[str, Callable[[ET.Element, str, str], Draft | str]] = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "coderunner": coderunner.read,
    "essay": _essay,
}
_WHY_NOT = {
    "description": "a description is text with no answer; this format has no such item",
}


def _category(q: ET.Element) -> str:
    """'$course$/top/Python/Loops' -> 'Python/Loops' ('//' is a '/' inside a name)."""
    path = text_of(q.find("category")).strip()
    parts = [p.replace("\0", "/") for p in path.replace("//", "\0").split("/")]
    parts = [p.strip() for p in parts if p.strip()]
    if parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    if parts and parts[0].lower().startswith("default for"):
        parts = parts[1:]
    return "/".join(parts)


def _parse(data: bytes, conv: Conversion) -> list[tuple[ET.Element, int | None]]:
    """The <question> elements of the file, each with its line when it was parsed alone."""
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as e:
        raise BadFile(f"refused: the file declares entities or external references ({e})") from e
    except ET.ParseError as whole:
        text = data.decode("utf-8", errors="replace")
        found: list[tuple[ET.Element, int | None]] = []
        for m in _QUESTION_CHUNK.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            try:
                found.append((SafeET.fromstring(m.group(0)), line))
            except DefusedXmlException as e:
                raise BadFile(f"refused: the file declares entities ({e})") from e
            except ET.ParseError as e:
                name = _CHUNK_NAME.search(m.group(0))
                who = name.group(1).strip() if name else f"the question at line {line}"
                err_line = line + e.position[0] - 1
                conv.skip(
                    who,
                    f"not well-formed XML at line {err_line}, column {e.position[1] + 1}: "
                    f"{str(e).split(':')[0]}",
                    m.group(0),
                    ".xml",
                )
        if not found and not conv.skipped:
            raise BadFile(f"not well-formed XML: {whole}") from whole
        conv.notes.append(
            Note(
                "",
                HAND_CHECK,
                f"the file is not well-formed XML ({whole}); each question was read on its own",
            )
        )
        return found
    if root.tag != "quiz":
        raise BadFile(
            f"not a Moodle XML question file: the root element is <{root.tag}>, not <quiz>"
        )
    return [(q, None) for q in root.findall("question")]


def read(data: bytes) -> Conversion:
    """Every question of a Moodle XML file as a draft, or skipped with its reason."""
    if len(data) > MAX_FILE_BYTES:
        raise BadFile(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    conv = Conversion()
    category = ""
    for i, (q, _line) in enumerate(_parse(data, conv), 1):
        qtype = q.get("type", "")
        if qtype == "category":
            category = _category(q)
            continue
        name = " ".join(text_of(q.find("name")).split()) or f"question {i}"
        original = ET.tostring(q, encoding="unicode")
        reader = _READERS.get(qtype)
        if reader is None:
            why = _WHY_NOT.get(qtype, f"the question type '{qtype}' is not supported")
            conv.skip(name, why, original, ".xml")
            continue
        try:
            result: Any = reader(q, name, category)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            result = f"could not be read: {type(e).__name__}: {e}"
        if isinstance(result, str):
            conv.skip(name, result, original, ".xml")
        else:
            for option in result.data.get("options", []):
                if images(option):
                    result.note(
                        IMAGE, f"the option {quote(option)} is an image; options show text only"
                    )
            conv.drafts.append(result)
    return conv
