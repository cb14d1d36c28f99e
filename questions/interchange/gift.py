"""Read a GIFT file (Moodle's plain-text question format) into package drafts.

A question is a paragraph (questions are separated by blank lines; ``//`` starts a
comment line): an optional ``::title::``, an optional ``[html]``/``[markdown]``/
``[plain]``/``[moodle]`` format, the text, and the answers in braces::

    ::Q1:: What is 2 + 2? {=4 ~3 ~5}          multiple choice, one right option
    ::Q2:: Pick the primes {~%50%2 ~%50%3 ~%-100%4}   several right options
    ::Q3:: The sky is blue. {T}                true/false
    ::Q4:: Two plus two is {=four =4}          short answer
    ::Q5:: Pi to 2 places? {#3.14:0.005}       numeric with a tolerance
    ::Q6:: Write about closures. {}            essay, graded by hand
    ::Q7:: 2 + 2? {=4 ####Addition.}           "####": general feedback (the explanation)

``$CATEGORY: path`` sets the category (a topic here) of the questions after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from questions.interchange.markup import images, text_to_markdown
from questions.interchange.report import IMAGE, LOST, BadFile, Conversion, Draft

MAX_FILE_BYTES = 16 * 1024 * 1024
_SPECIAL = "~=#{}:\\"
_FORMAT = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]", re.I)
_FORMATS = {
    "html": "html",
    "markdown": "markdown",
    "plain": "plain_text",
    "moodle": "moodle_auto_format",
}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


@dataclass
class _Answer:
    right: bool  # "=" (or a positive weight)
    weight: float  # percent
    text: str
    feedback: str


def _unescape(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt if nxt in _SPECIAL else "\\" + nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _find(text: str, chars: str, start: int = 0) -> int:
    """Index of the first of ``chars`` at or after ``start`` not escaped by a backslash."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            return i
        i += 1
    return -1


def _split_unescaped(text: str, chars: str) -> list[tuple[str, str]]:
    """(marker, text) pieces of ``text`` cut before each unescaped marker in ``chars``."""
    pieces: list[tuple[str, str]] = []
    i = _find(text, chars)
    if i < 0:
        return [("", text)]
    if text[:i].strip():
        pieces.append(("", text[:i]))
    while i >= 0:
        j = _find(text, chars, i + 1)
        pieces.append((text[i], text[i + 1 : j if j >= 0 else len(text)]))
        i = j
    return pieces


def _blocks(text: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
    blocks, current = [], []
    for ln in lines:
        if ln.strip():
            current.append(ln)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _answers(body: str) -> list[_Answer]:
    answers = []
    for marker, piece in _split_unescaped(body, "=~"):
        if not marker:
            continue
        fb_at = _find(piece, "#")
        text, feedback = (piece[:fb_at], piece[fb_at + 1 :]) if fb_at >= 0 else (piece, "")
        text = text.strip()
        weight_m = _WEIGHT.match(text)
        weight = float(weight_m.group(1)) if weight_m else (100.0 if marker == "=" else 0.0)
        if weight_m:
            text = text[weight_m.end() :].strip()
        answers.append(_Answer(weight > 0, weight, _unescape(text), _unescape(feedback).strip()))
    return answers


def _quote(text: str) -> str:
    return repr(" ".join(text.split())[:60])


def _question(block: str, category: str, n: int, conv: Conversion) -> None:
    title = ""
    text = block.strip()
    if text.startswith("::"):
        end = text.find("::", 2)
        if end > 0:
            title, text = _unescape(text[2:end]).strip(), text[end + 2 :].strip()
    fmt = "moodle_auto_format"
    m = _FORMAT.match(text)
    if m:
        fmt, text = _FORMATS[m.group(1).lower()], text[m.end() :].strip()
    name = title or f"question {n}"
    open_at = _find(text, "{")
    if open_at < 0:
        conv.skip(
            name,
            "a description is text with no answer; this format has no such item",
            block,
            ".gift",
        )
        return
    close_at = _find(text, "}", open_at)
    if close_at < 0:
        conv.skip(name, "its answers have no closing '}'", block, ".gift")
        return
    before, body, after = (
        text[:open_at].rstrip(),
        text[open_at + 1 : close_at].strip(),
        text[close_at + 1 :].strip(),
    )
    prompt_src = _unescape(before + (" _____ " + after if after else ""))
    d = Draft(name=name, category=category, data={"title": title or _first_words(prompt_src)})
    d.data["prompt"] = text_to_markdown(prompt_src, fmt) or d.data["title"]
    for _alt, target in images(d.data["prompt"]):
        d.note(
            IMAGE,
            f"shows the image {target}, which a GIFT file cannot hold: save it beside "
            "question.toml and name it there (![alt](figure.png))",
        )
    if category:
        d.data["topics"] = [category]

    general_at = body.find("####")
    if general_at >= 0:
        # General feedback: why the answer is right, shown in the review after a quiz.
        general = text_to_markdown(_unescape(body[general_at + 4 :]).strip(), fmt)
        if general:
            d.data["explanation"] = general
        body = body[:general_at].strip()

    if not body:
        d.data["type"] = "essay"  # "{}": a typed answer that staff grade by hand
        conv.drafts.append(d)
        return
    if _find(body, ">") >= 0 and "->" in body:
        conv.skip(
            name,
            "a matching question: the question type 'matching' is not supported",
            block,
            ".gift",
        )
        return
    tf = body.split("#")[0].strip().upper()
    if tf in ("T", "TRUE", "F", "FALSE"):
        d.data.update(
            type="choice",
            options=["True", "False"],
            answer="True" if tf[0] == "T" else "False",
            shuffle=False,
        )
        if "#" in body:
            d.note(LOST, "feedback per answer: the format has no feedback per answer")
        conv.drafts.append(d)
        return
    if body.startswith("#"):
        _numeric(body[1:], d, conv, block)
        return
    answers = _answers(body)
    for a in answers:
        if a.feedback:
            d.note(
                LOST,
                f"feedback for the answer {_quote(a.text)} ({_quote(a.feedback)}): the format has no feedback per answer",
            )
    if answers and all(a.right for a in answers):
        d.data.update(type="text", answers=[a.text for a in answers if a.weight >= 100])
        for a in answers:
            if a.weight < 100:
                d.note(
                    LOST,
                    f"the answer {_quote(a.text)} earned {a.weight:g}%: here an answer is right or wrong; it was left out",
                )
        if not d.data["answers"]:
            conv.skip(name, "has no fully right answer", block, ".gift")
            return
        conv.drafts.append(d)
        return
    options = [a.text for a in answers]
    right = [a.text for a in answers if a.right]
    if len(options) < 2 or not right or len(set(options)) != len(options):
        conv.skip(name, "needs at least two different options and one right one", block, ".gift")
        return
    d.data["options"] = options
    weighted = any(a.weight not in (0.0, 100.0) for a in answers)
    if len(right) == 1 and not weighted:
        d.data.update(type="choice", answer=right[0])
    else:
        d.data.update(type="multi", answers=right)
        share = 100.0 / len(right)
        if any(abs(a.weight - (share if a.right else -share)) > 0.01 for a in answers):
            weights = ", ".join(f"{a.weight:g}%" for a in answers)
            d.note(
                LOST,
                f"the weights per option ({weights}) are replaced by this format's rule: each right "
                f"option earns 1/{len(right)} of the points, each wrong one takes 1/{len(right)} away",
            )
    conv.drafts.append(d)


def _numeric(body: str, d: Draft, conv: Conversion, block: str) -> None:
    pieces = _split_unescaped(body, "=") if "=" in body else [("=", body)]
    values = []
    for _, piece in pieces:
        piece = piece.split("#")[0].strip()
        if not piece:
            continue
        weight_m = _WEIGHT.match(piece)
        weight = float(weight_m.group(1)) if weight_m else 100.0
        if weight_m:
            piece = piece[weight_m.end() :].strip()
        try:
            if ".." in piece:
                low, high = (float(x) for x in piece.split(".."))
                value, tol = (low + high) / 2, (high - low) / 2
            else:
                v, _, t = piece.partition(":")
                value, tol = float(v), float(t or 0)
        except ValueError:
            conv.skip(d.name, f"the numeric answer {piece!r} is not a number", block, ".gift")
            return
        values.append((weight, value, abs(tol), piece))
    best = [v for v in values if v[0] >= 100]
    if not best:
        conv.skip(d.name, "has no fully right numeric answer", block, ".gift")
        return
    _, value, tol, raw = best[0]
    d.data.update(
        type="numeric", answer=int(value) if value.is_integer() and "." not in raw else value
    )
    if tol:
        d.data["tolerance"] = tol
    for weight, other, other_tol, _piece in values:
        if (other, other_tol) != (value, tol):
            d.note(
                LOST,
                f"the answer {other:g} ± {other_tol:g} (worth {weight:g}%): here one value (with its tolerance) is right",
            )
    conv.drafts.append(d)


def _first_words(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:59] + "…"


def read(data: bytes) -> Conversion:
    if len(data) > MAX_FILE_BYTES:
        raise BadFile(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BadFile(f"not UTF-8 text: {e}") from e
    conv = Conversion()
    category = ""
    n = 0
    for block in _blocks(text):
        stripped = block.strip()
        if stripped.startswith("$CATEGORY:"):
            path = stripped[len("$CATEGORY:") :].strip()
            parts = [
                p for p in path.split("/") if p and not (p.startswith("$") and p.endswith("$"))
            ]
            if parts and parts[0] == "top":
                parts = parts[1:]
            category = "/".join(parts)
            continue
        n += 1
        _question(block, category, n, conv)
    return conv
