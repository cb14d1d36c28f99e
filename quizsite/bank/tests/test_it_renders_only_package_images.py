"""The prompt renderer keeps ``<img>`` only for images of the question's package (a
bare file name), pointed at the address that serves them; any other source is
dropped, and without an address to serve them no image is kept at all."""

from __future__ import annotations

import pytest

from quizsite.bank.rendering import render_markdown


def _serve(name: str) -> str:
    return f"/question-images/7/{name}"


def test_it_points_a_package_image_at_its_address_and_keeps_none_without_one() -> None:
    html = str(render_markdown("The stack:\n\n![the frame stack](frames.png)", _serve))
    assert '<img alt="the frame stack" src="/question-images/7/frames.png">' in html
    assert "<img" not in str(render_markdown("![the frame stack](frames.png)"))


@pytest.mark.parametrize(
    "source",
    [
        "![x](https://example.org/track.png)",
        "![x](//example.org/track.png)",
        "![x](../../other/secret.png)",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        '<img src="frames.png" onerror="alert(1)">',
        '<img src="x.png" style="position:fixed">',
    ],
)
def test_it_drops_every_other_source_and_attribute(source: str) -> None:
    html = str(render_markdown(source, _serve))
    assert "example.org" not in html and "javascript" not in html and "data:" not in html
    assert "onerror" not in html and "style" not in html and "../" not in html
