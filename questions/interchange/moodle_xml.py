"""Read a Moodle XML question file into package drafts.

The file is untrusted (anyone with a teacher role in some Moodle made it), so it is
parsed with defusedxml: no entity declarations, no external references, and a size
bound before parsing. When the document as a whole is not well-formed, each
``<question>`` element is parsed on its own, so one broken question is reported with
its line and the others are still imported.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from questions.format import ESSAY_LINES_DEFAULT, ESSAY_LINES_MAX
from questions.images import MAX_IMAGE_BYTES, is_image_name, matches_its_name
from questions.interchange import coderunner
from questions.interchange.markup import images, safe_name, text_to_markdown
from questions.interchange.report import (
    ATTACHMENTS_DIR,
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
# Moodle's default penalty for each wrong try in interactive mode (one third).
_DEFAULT_PENALTY = 0.3333333


def _text(el: ET.Element | None, path: str = "text") -> str:
    if el is None:
        return ""
    node = el.find(path) if path else el
    return (node.text or "") if node is not None else ""


def _rich(q: ET.Element, tag: str) -> tuple[str, str, ET.Element | None]:
    """(text, format, element) of a rich-text child such as questiontext."""
    el = q.find(tag)
    if el is None:
        return "", "html", None
    return _text(el), el.get("format", "html"), el


def _number(text: str, default: float) -> float:
    try:
        value = float(text.strip())
    except (ValueError, AttributeError):
        return default
    return value if math.isfinite(value) else default


def _is_true(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes")


def _files(el: ET.Element | None) -> dict[str, bytes | None]:
    """Base64 <file> children by name (None when a file cannot be decoded)."""
    out: dict[str, bytes | None] = {}
    if el is None:
        return out
    for f in el.findall("file"):
        name = (f.get("path", "/").strip("/") + "/" + f.get("name", "")).strip("/")
        try:
            out[name] = base64.b64decode((f.text or "").strip(), validate=False)
        except (binascii.Error, ValueError):
            out[name] = None
    return out


def prompt_of(q: ET.Element, draft: Draft) -> str:
    """The question text as Markdown, with its images extracted into the draft."""
    text, fmt, el = _rich(q, "questiontext")
    md = text_to_markdown(text, fmt)
    files = _files(el)
    originals = {safe_name(name): name for name in files}
    for _alt, target in images(md):
        if "/" in target or ":" in target:
            draft.note(
                IMAGE,
                f"links an image outside the file ({target}); prompts show only the images "
                "beside their question.toml, so it shows its alt text: save it beside it",
            )
            continue
        safe = target
        name = originals.get(safe, safe)
        data = files.get(name)
        if data is None:
            why = "cannot be decoded" if name in files else "is not in the file"
            draft.note(
                IMAGE,
                f"the prompt shows the image '{name}', which {why}; the prompt still "
                "names it: replace it or take it out",
            )
            continue
        if is_image_name(safe) and len(data) <= MAX_IMAGE_BYTES and matches_its_name(safe, data):
            draft.images[safe] = data  # beside question.toml, shown with the prompt
            continue
        draft.attachments[safe] = data
        draft.note(
            IMAGE,
            f"'{safe}' is kept in {ATTACHMENTS_DIR}/ but cannot be shown: prompts show PNG, "
            f"JPEG, GIF and SVG images of at most {MAX_IMAGE_BYTES // 1024} KiB; convert it "
            "and save it beside question.toml",
        )
    return md


def _feedback(q: ET.Element, draft: Draft) -> None:
    """General feedback becomes the question's explanation (shown in the review after
    a quiz). Per-answer feedback and penalties have no place here, so each is listed."""
    text, fmt, _ = _rich(q, "generalfeedback")
    if text.strip():
        explanation = text_to_markdown(text, fmt)
        if images(explanation):
            draft.note(
                IMAGE,
                "the general feedback shows an image; explanations show the images of "
                "the prompt only, so it was left as a link: replace it or take it out",
            )
        draft.data["explanation"] = explanation
    for tag, what in (
        ("correctfeedback", "feedback for a right answer"),
        ("partiallycorrectfeedback", "feedback for a partly right answer"),
        ("incorrectfeedback", "feedback for a wrong answer"),
    ):
        text, fmt, _ = _rich(q, tag)
        if text.strip():
            shown = text_to_markdown(text, fmt)
            draft.note(LOST, f"{what} ({_quote(shown)}): the format has no place for it")
    penalty = _number(_text(q.find("penalty"), ""), 0.0)
    if penalty > 0:
        draft.note(
            LOST,
            f"penalty of {penalty:.0%} per wrong try: the format has no penalty per try",
        )
    hints = [h for h in q.findall("hint") if _text(h).strip()]
    if hints:
        draft.note(LOST, f"{len(hints)} hint(s): the format has no hints")


def _quote(text: str, limit: int = 60) -> str:
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= limit else one_line[: limit - 1] + "…")


def _answers(q: ET.Element) -> list[tuple[float, str, str, ET.Element]]:
    """(fraction in percent, text as Markdown, feedback text, element) of each <answer>."""
    out = []
    for a in q.findall("answer"):
        fraction = _number(a.get("fraction", "0"), 0.0)
        text = text_to_markdown(_text(a), a.get("format", "html"))
        feedback = _text(a.find("feedback"))
        out.append((fraction, text, feedback, a))
    return out


def _answer_feedback_losses(answers: list[tuple[float, str, str, ET.Element]], d: Draft) -> None:
    for _, text, feedback, _ in answers:
        if feedback.strip():
            d.note(
                LOST,
                f"feedback for the answer {_quote(text)} ({_quote(text_to_markdown(feedback, 'html'))})"
                ": the format has no feedback per answer",
            )


def _base(q: ET.Element, name: str, category: str, qtype: str) -> Draft:
    d = Draft(name=name, category=category, data={"title": name, "type": qtype})
    d.data["prompt"] = prompt_of(q, d)
    grade = _number(_text(q.find("defaultgrade"), ""), 1.0)
    if grade > 0 and grade != 1:  # 1 is the format's default too
        d.data["points"] = grade
    elif grade == 0:
        d.note(
            LOST, "worth 0 points in Moodle: a question here is worth more than 0; it is worth 1"
        )
    # The category is the first topic; Moodle's tags are the others.
    topics = [category] if category else []
    for tag in q.findall("tags/tag"):
        text = " ".join(_text(tag).split())
        if text and text not in topics:
            topics.append(text)
    if topics:
        d.data["topics"] = topics
    _feedback(q, d)
    return d


def _multichoice(q: ET.Element, name: str, category: str) -> Draft | str:
    single = _is_true(_text(q.find("single"), "") or "true")
    answers = _answers(q)
    options = [text for _, text, _, _ in answers]
    if len(options) < 2:
        return "has fewer than two options"
    if len(set(options)) != len(options):
        return "repeats an option (after conversion to Markdown)"
    right = [text for f, text, _, _ in answers if f > 0]
    if not right:
        return "has no right option"
    d = _base(q, name, category, "choice" if single and len(right) == 1 else "multi")
    d.data["options"] = options
    if not _is_true(_text(q.find("shuffleanswers"), "") or "1"):
        d.data["shuffle"] = False  # shuffled is the format's default
    if d.data["type"] == "choice":
        d.data["answer"] = right[0]
        partial = [(f, t) for f, t, _, _ in answers if 0 < f < 100]
        for f, t in partial:
            d.note(LOST, f"option {_quote(t)} earned {f:g}% in Moodle; here it earns nothing")
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
    numbering = _text(q.find("answernumbering"), "")
    if numbering and numbering not in ("abc", "none"):
        d.note(LOST, f"option numbering '{numbering}': options are shown without numbers")
    return d


def _truefalse(q: ET.Element, name: str, category: str) -> Draft | str:
    answers = _answers(q)
    right = [text.strip().lower() for f, text, _, _ in answers if f >= 100]
    if len(right) != 1 or right[0] not in ("true", "false"):
        return "does not say whether true or false is right"
    d = _base(q, name, category, "choice")
    d.data.update(options=["True", "False"], answer=right[0].capitalize(), shuffle=False)
    _answer_feedback_losses(answers, d)
    return d


def _shortanswer(q: ET.Element, name: str, category: str) -> Draft | str:
    answers = _answers(q)
    accepted = []
    lost = []
    for f, text, _, _ in answers:
        if f >= 100 and "*" in text.replace("\\*", ""):
            lost.append(f"{_quote(text)} (a '*' wildcard: this format matches exact strings)")
        elif f >= 100 and text.strip():
            accepted.append(text.replace("\\*", "*").strip())
        elif f > 0:
            lost.append(f"{_quote(text)} (earned {f:g}%: here an answer is right or wrong)")
    if not accepted:
        return "has no fully right answer without a wildcard"
    d = _base(q, name, category, "text")
    d.data["answers"] = accepted
    if _is_true(_text(q.find("usecase"), "") or "0"):
        d.data["case_sensitive"] = True
    for item in lost:
        d.note(LOST, f"the accepted answer {item} was left out")
    _answer_feedback_losses(answers, d)
    return d


def _numerical(q: ET.Element, name: str, category: str) -> Draft | str:
    answers = []
    for a in q.findall("answer"):
        f = _number(a.get("fraction", "0"), 0.0)
        text = _text(a).strip()
        answers.append((f, text, _number(_text(a.find("tolerance"), ""), 0.0), a))
    right = [(t, tol) for f, t, tol, _ in answers if f >= 100 and t != "*"]
    if not right:
        return "has no fully right numeric answer"
    try:
        value = float(right[0][0])
    except ValueError:
        return f"its right answer {right[0][0]!r} is not a number"
    d = _base(q, name, category, "numeric")
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
    for fb in (_text(a.find("feedback")) for *_, a in answers):
        if fb.strip():
            d.note(
                LOST,
                f"feedback per answer ({_quote(text_to_markdown(fb, 'html'))}): no place for it",
            )
    units = [u for u in q.findall("units/unit") if _text(u, "unit_name").strip()]
    if units:
        d.note(LOST, f"{len(units)} unit(s): students type a bare number here")
    return d


def _word_limit(q: ET.Element, tag: str) -> int | None:
    """Moodle stores an unset word limit as empty or 0."""
    value = _number(_text(q.find(tag), ""), 0.0)
    return int(value) if value >= 1 else None


def _essay(q: ET.Element, name: str, category: str) -> Draft | str:
    """An essay: a hand-graded text answer, with its limits and the grader's notes."""
    if _text(q.find("responseformat"), "").strip() == "noinline":
        return "an essay answered only by uploading files; answers here are typed in the page"
    d = _base(q, name, category, "essay")
    lines = int(_number(_text(q.find("responsefieldlines"), ""), 0.0))
    if lines > 0 and lines != ESSAY_LINES_DEFAULT:  # the default needs no key
        d.data["response_lines"] = min(lines, ESSAY_LINES_MAX)
    low, high = _word_limit(q, "minwordlimit"), _word_limit(q, "maxwordlimit")
    if low and high and low > high:
        low, high = high, low
    if low:
        d.data["min_words"] = low
    if high:
        d.data["max_words"] = high
    info, fmt, _ = _rich(q, "graderinfo")
    if info.strip():
        d.data["grader_info"] = text_to_markdown(info, fmt)
    template, fmt, _ = _rich(q, "responsetemplate")
    if template.strip():
        d.note(
            LOST,
            f"response template ({_quote(text_to_markdown(template, fmt))}): the answer box "
            "starts empty here",
        )
    if _number(_text(q.find("attachments"), ""), 0.0) != 0:
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
    path = _text(q.find("category")).strip()
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
        name = " ".join(_text(q.find("name")).split()) or f"question {i}"
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
                        IMAGE, f"the option {_quote(option)} is an image; options show text only"
                    )
            conv.drafts.append(result)
    return conv
