"""Prompt text between Moodle's HTML and our Markdown.

Moodle question text is HTML written in a rich-text editor by anyone with a teacher
role, so it is cleaned with nh3 (a fixed allow-list: no scripts, styles, event
handlers or frames) before markdownify turns it into Markdown. What the allow-list
removes never reaches the prompt, and the rendering side sanitises again anyway.
Images keep their place as Markdown images whose target is the bare name of a file
kept beside the package's question.toml (``![alt](figure.png)``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from urllib.parse import unquote

import markdown
import markdownify
import nh3

PLUGINFILE = "@@PLUGINFILE@@/"

_TAGS = {
    "p", "br", "hr", "em", "strong", "b", "i", "u", "code", "pre", "kbd", "samp", "sub",
    "sup", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "span", "div", "img",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "pre": {"class"},
    "code": {"class"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
_IMAGE = re.compile(r"!\[([^\]]*)\]\(((?:[^)\s]|\s(?!\"))+)(?:\s+\"[^\"]*\")?\)")
# One converter, reset between texts: building one per call costs more than converting.
_MARKDOWN = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists"])
_MARKDOWN_LOCK = threading.Lock()
# The src of an image kept beside the package: a bare name, no folder and no scheme.
_PACKAGE_SRC = re.compile(r'src="([^"/:\\]+)"')
_LANGUAGE = re.compile(r"(?:language|lang)-([A-Za-z0-9_+-]+)")


def _code_language(el: object) -> str:
    """The language of a <pre> block from a ``language-python`` class, if it has one."""
    for node in (el, getattr(el, "code", None)):
        classes = node.get("class") if node is not None and hasattr(node, "get") else None
        for cls in classes or []:
            m = _LANGUAGE.fullmatch(cls)
            if m:
                return m.group(1)
    return ""


def clean_html(html: str) -> str:
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES)


def html_to_markdown(html: str) -> str:
    """Clean ``html`` and convert it to Markdown; images of the file become bare names."""
    text = markdownify.markdownify(
        clean_html(html),
        heading_style="ATX",
        bullets="-",
        code_language_callback=_code_language,
        escape_underscores=False,
        escape_misc=False,
    )
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return _IMAGE.sub(_image_to_attachment, text)


def safe_name(name: str) -> str:
    """A file name that stays inside its folder, whatever the Moodle file said."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1])
    return base.lstrip(".") or "file"


def _image_to_attachment(m: re.Match[str]) -> str:
    alt, src = m.group(1), m.group(2)
    if src.startswith(PLUGINFILE):
        src = safe_name(unquote(src[len(PLUGINFILE) :]))
    return f"![{alt}]({src})"


def text_to_markdown(text: str, fmt: str) -> str:
    """A Moodle text of any format as Markdown (html, markdown, plain_text, moodle_auto_format)."""
    if fmt == "markdown":
        return _IMAGE.sub(_image_to_attachment, text.strip())
    if fmt in ("plain_text", "moodle_auto_format"):
        return text.strip()
    return html_to_markdown(text)


def images(text: str) -> list[tuple[str, str]]:
    """(alt, target) of every Markdown image in ``text``."""
    return [(m.group(1), m.group(2)) for m in _IMAGE.finditer(text)]


def markdown_to_html(text: str) -> str:
    """Markdown as HTML for Moodle; images of the package become @@PLUGINFILE@@ links."""
    with _MARKDOWN_LOCK:
        html = _MARKDOWN.reset().convert(text)
    return _PACKAGE_SRC.sub(lambda m: f'src="{PLUGINFILE}{m.group(1)}"', html)


def slug(name: str, fallback: str = "question") -> str:
    """A folder name from a question's or a category's name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return s[:60].rstrip("-") or fallback
