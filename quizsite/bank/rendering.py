"""Markdown prompts -> safe HTML, with highlighted code.

Prompts are written by course staff, but a bank is just files in git and a prompt may
quote hostile-looking text (HTML in an answer option, a string with ``<script>``), so
every rendering goes through a sanitiser with a fixed allow-list. The only markup that
survives is what Markdown and Pygments produce: block and inline text, tables, links,
``<span class="...">`` tokens inside ``<div class="codehilite"><pre>``, and images of
the question's own package (``questions.images``) where the caller says how to serve them.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from pygments.formatters import HtmlFormatter

from questions import images

if TYPE_CHECKING:
    from questions.format import Question

HIGHLIGHT_CLASS = "codehilite"

_EXTENSIONS = ["fenced_code", "codehilite", "tables", "sane_lists"]
_EXTENSION_CONFIGS = {
    # guess_lang off: an unlabelled block stays plain text instead of being guessed
    # as some random language; ```python blocks are highlighted.
    "codehilite": {"css_class": HIGHLIGHT_CLASS, "guess_lang": False, "use_pygments": True},
}

_TAGS = {
    "p", "br", "hr", "em", "strong", "b", "i", "code", "pre", "kbd", "samp", "sub", "sup",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "span", "div",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
    "pre": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}


def render_markdown(text: str, image_url: Callable[[str], str] | None = None) -> SafeString:
    """Render Markdown to sanitised HTML that templates may output as it is.

    ``image_url`` maps an image of the package (a bare file name beside question.toml,
    ``![alt](figure.png)``) to the address that serves it; ``<img>`` is kept only
    then, and only with such a ``src``: an image from anywhere else loses its ``src``
    (its alt text stays), so a prompt never makes a browser fetch another site."""
    html = markdown.markdown(
        text or "", extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS
    )

    def only_package_images(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return image_url(value) if image_url and images.is_image_name(value) else None
        return value

    clean = nh3.clean(
        html,
        tags=_TAGS | {"img"} if image_url else _TAGS,
        attributes={**_ATTRIBUTES, "img": {"src", "alt", "title"}} if image_url else _ATTRIBUTES,
        attribute_filter=only_package_images,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


@functools.cache
def highlight_css() -> str:
    """The Pygments stylesheet for highlighted blocks (``.codehilite ...`` rules)."""
    return HtmlFormatter(style="default").get_style_defs(f".{HIGHLIGHT_CLASS}")


@functools.lru_cache(maxsize=16384)
def inline_html(text: str) -> SafeString:
    """A short text (an answer option) with its inline Markdown (`code`, *emphasis*)
    rendered and sanitised, without the paragraph around it."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)  # noqa: S308 - sanitised by render_markdown


def option_order(question: Question, seed: int) -> list[str]:
    """A question's options in the order the student with this seed sees them: stable
    for a seed, shuffled unless the question says ``shuffle = false``."""
    options = list(question.options)
    if question.shuffle:
        random.Random(f"options:{seed}").shuffle(options)  # noqa: S311 - a seeded order, no secret
    return options
