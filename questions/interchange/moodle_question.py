"""What every Moodle ``<question>`` element has, whatever its type.

Its text fields, numbers, flags and embedded files, and the draft every type starts
from: name, prompt (with its images), points, topics and the explanation, with
everything the format cannot hold listed as a note. ``moodle_xml`` reads the
question types built into Moodle and ``coderunner`` reads CodeRunner's; both start
from ``base_draft``.
"""

from __future__ import annotations

import base64
import binascii
import math
import xml.etree.ElementTree as ET

from questions.images import MAX_IMAGE_BYTES, is_image_name, matches_its_name
from questions.interchange.markup import images, safe_name, text_to_markdown
from questions.interchange.report import ATTACHMENTS_DIR, IMAGE, LOST, Draft


def text_of(el: ET.Element | None, path: str = "text") -> str:
    if el is None:
        return ""
    node = el.find(path) if path else el
    return (node.text or "") if node is not None else ""


def rich(q: ET.Element, tag: str) -> tuple[str, str, ET.Element | None]:
    """(text, format, element) of a rich-text child such as questiontext."""
    el = q.find(tag)
    if el is None:
        return "", "html", None
    return text_of(el), el.get("format", "html"), el


def number(text: str, default: float) -> float:
    try:
        value = float(text.strip())
    except (ValueError, AttributeError):
        return default
    return value if math.isfinite(value) else default


def is_true(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes")


def files_of(el: ET.Element | None) -> dict[str, bytes | None]:
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
    text, fmt, el = rich(q, "questiontext")
    md = text_to_markdown(text, fmt)
    files = files_of(el)
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


def feedback(q: ET.Element, draft: Draft) -> None:
    """General feedback becomes the question's explanation (shown in the review after
    a quiz). Per-answer feedback and penalties have no place here, so each is listed."""
    text, fmt, _ = rich(q, "generalfeedback")
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
        text, fmt, _ = rich(q, tag)
        if text.strip():
            shown = text_to_markdown(text, fmt)
            draft.note(LOST, f"{what} ({quote(shown)}): the format has no place for it")
    penalty = number(text_of(q.find("penalty"), ""), 0.0)
    if penalty > 0:
        draft.note(
            LOST,
            f"penalty of {penalty:.0%} per wrong try: the format has no penalty per try",
        )
    hints = [h for h in q.findall("hint") if text_of(h).strip()]
    if hints:
        draft.note(LOST, f"{len(hints)} hint(s): the format has no hints")


def quote(text: str, limit: int = 60) -> str:
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= limit else one_line[: limit - 1] + "…")


def base_draft(q: ET.Element, name: str, category: str, qtype: str) -> Draft:
    d = Draft(name=name, category=category, data={"title": name, "type": qtype})
    d.data["prompt"] = prompt_of(q, d)
    grade = number(text_of(q.find("defaultgrade"), ""), 1.0)
    if grade > 0 and grade != 1:  # 1 is the format's default too
        d.data["points"] = grade
    elif grade == 0:
        d.note(
            LOST, "worth 0 points in Moodle: a question here is worth more than 0; it is worth 1"
        )
    # The category is the first topic; Moodle's tags are the others.
    topics = [category] if category else []
    for tag in q.findall("tags/tag"):
        text = " ".join(text_of(tag).split())
        if text and text not in topics:
            topics.append(text)
    if topics:
        d.data["topics"] = topics
    feedback(q, d)
    return d
