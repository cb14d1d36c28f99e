"""Images beside question.toml: the bank check refuses an image a prompt shows that
is not there or not a bare name, a file whose bytes are not its type, and sizes over
the limits; a good bank stores them with the version, apart from the text files."""

from __future__ import annotations

from pathlib import Path

import pytest

from questions import images
from questions.tests.format_helpers import write_question
from questions.tests.image_helpers import GIF, SVG, png
from quizsite.bank.models import QuestionImage
from quizsite.bank.sync import SyncError, sync_bank, validate


def _question(root: Path, qid: str, prompt: str, **files: bytes) -> Path:
    toml = f'title = "Frames"\ntype = "text"\nanswers = ["f_back"]\nprompt = """{prompt}"""\n'
    d = write_question(root, qid, toml)
    for name, data in files.items():
        (d / name.replace("__", ".")).write_bytes(data)
    return d


def _problems(root: Path) -> set[tuple[str, str, str]]:
    _, problems = validate(root)
    return {(p.file, p.key, p.reason) for p in problems}


def test_it_accepts_images_of_every_allowed_type(tmp_path: Path) -> None:
    _question(
        tmp_path,
        "f/ok",
        "![stack](stack.png) ![a](a.gif) ![b](b.svg)",
        stack__png=png(),
        a__gif=GIF,
        b__svg=SVG,
    )
    assert _problems(tmp_path) == set()


@pytest.mark.parametrize(
    ("prompt", "files", "where", "reason"),
    [
        ("![s](missing.png)", {}, "f/q/question.toml", "'missing.png', which is not beside it"),
        ("![s](http://example.org/s.png)", {}, "f/q/question.toml", "a bare file name"),
        ("![s](../other/s.png)", {}, "f/q/question.toml", "a bare file name"),
        ("![s](s.bmp)", {}, "f/q/question.toml", "PNG, JPEG, GIF or SVG"),
        ("![s](s.png)", {"s__png": b"<html>not a png</html>"}, "f/q/s.png", "is not a PNG image"),
        ("Text.", {"s__jpg": png()}, "f/q/s.jpg", "is not a JPG image"),
        (
            "Text.",
            {"big__png": png() + b"\0" * images.MAX_IMAGE_BYTES},
            "f/q/big.png",
            "an image may be at most 1024 KiB",
        ),
    ],
)
def test_it_refuses_a_bad_image_with_its_file(tmp_path, prompt, files, where, reason) -> None:
    _question(tmp_path, "f/q", prompt, **files)
    (problem,) = _problems(tmp_path)
    assert problem[0] == where and reason in problem[2]


def test_it_refuses_a_package_whose_images_are_too_large_together(tmp_path: Path) -> None:
    part = png() + b"\0" * (images.MAX_IMAGE_BYTES - 1024)
    _question(tmp_path, "f/q", "Text.", **{f"p{i}__png": part for i in range(5)})
    (problem,) = _problems(tmp_path)
    assert problem[0] == "f/q" and "a question's may be at most 4096 KiB" in problem[2]


@pytest.mark.django_db
def test_it_stores_the_images_with_the_version(tmp_path: Path) -> None:
    (tmp_path / "bank.toml").write_text("")
    _question(tmp_path, "f/q", "![stack](stack.png)", stack__png=png())
    sync_bank(tmp_path, bank="img", check=False)
    (image,) = QuestionImage.objects.filter(version__question__path="f/q")
    assert (image.name, image.content_type, bytes(image.data)) == ("stack.png", "image/png", png())
    assert "stack.png" not in image.version.files  # the text files only
    assert "question.toml" in image.version.files


@pytest.mark.django_db
def test_it_refuses_to_sync_a_bank_with_an_image_over_the_limit(tmp_path: Path) -> None:
    (tmp_path / "bank.toml").write_text("")
    _question(tmp_path, "f/q", "![s](s.png)", s__png=png() + b"\0" * images.MAX_IMAGE_BYTES)
    with pytest.raises(SyncError, match="at most 1024 KiB"):
        sync_bank(tmp_path, bank="img", check=False)
    assert not QuestionImage.objects.exists()
