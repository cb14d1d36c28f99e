"""render_markdown: Markdown in, sanitised HTML out, with Pygments highlighting."""

from __future__ import annotations

import pytest

from quizsite.bank.rendering import highlight_css, render_markdown


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("Hello <script>alert('x')</script> there", ["<script", "alert("]),
        ('<img src="x" onerror="alert(1)">', ["onerror", "<img"]),
        ('<a href="#" onclick="steal()">link</a>', ["onclick", "steal"]),
        ("[click](javascript:alert(1))", ["javascript:"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe"]),
        ('<div style="background:url(x)">styled</div>', ["style="]),
        ("<svg><g onload=alert(1)></g></svg>", ["<svg", "onload"]),
    ],
)
def test_it_strips_active_content(source: str, forbidden: list[str]) -> None:
    html = render_markdown(source).lower()
    for bad in forbidden:
        assert bad not in html


def test_it_keeps_ordinary_markdown() -> None:
    html = render_markdown("Some **bold**, `co_names`, and [docs](https://docs.python.org/3/).")
    assert "<strong>bold</strong>" in html
    assert "<code>co_names</code>" in html
    assert 'href="https://docs.python.org/3/"' in html


def test_it_highlights_fenced_python() -> None:
    html = render_markdown("```python\ndef f(x):\n    return x + 1\n```\n")
    assert '<div class="codehilite">' in html
    # Pygments marks the keyword and the function name with token classes.
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">f</span>' in html


def test_it_escapes_markup_inside_code() -> None:
    html = render_markdown("```python\nprint('<b>not bold</b>')\n```\n\nand `<locals>`")
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert "&lt;locals&gt;" in html


def test_it_returns_a_string_templates_do_not_escape_again() -> None:
    assert hasattr(render_markdown("x"), "__html__")


def test_it_provides_the_stylesheet_for_highlighted_blocks() -> None:
    assert ".codehilite .k" in highlight_css()
