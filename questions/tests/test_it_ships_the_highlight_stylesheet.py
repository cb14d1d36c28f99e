"""Highlighted code is styled from a static file (the Content-Security-Policy allows
no inline style), and that file is exactly what Pygments makes for our settings."""

from __future__ import annotations

from pathlib import Path

from questions.rendering import highlight_css

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "questions" / "highlight.css"


def test_it_ships_the_stylesheet_pygments_makes() -> None:
    assert STYLESHEET.read_text().strip() == highlight_css().strip(), (
        "Regenerate it: .venv/bin/python -c 'from questions.rendering import highlight_css;"
        " print(highlight_css())' > questions/static/questions/highlight.css"
    )
