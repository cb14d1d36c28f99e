"""Images a question package carries beside its ``question.toml`` (no Django).

A prompt or an explanation shows one with Markdown, by its bare file name:
``![the frame stack](frames.png)``. Only PNG, JPEG, GIF and SVG are allowed, each
checked by its bytes (a file named ``.png`` must be a PNG), with a size limit per
image and per package, so a bank cannot make every page heavy. The bank check
(``grader.bankcheck``) reports every problem with its file; the site stores the
images with the version and serves them only to those who may see the question.

SVG can carry script: it is served as a download with a sandboxing policy, never as
a page (see the view that serves images), and ``<img>`` never runs it.
"""

from __future__ import annotations

import re
from pathlib import Path

# Extension -> content type served.
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}
MAX_IMAGE_BYTES = 1024 * 1024  # one figure of a prompt; a screenshot is far smaller
MAX_PACKAGE_IMAGE_BYTES = 4 * 1024 * 1024  # all images of one question
# A bare file name beside question.toml: no folder, no scheme, no leading dot.
IMAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(?:png|jpe?g|gif|svg)$", re.I)
# The target of each Markdown image, ![alt](target "title").
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SVG_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]", re.S
)


def is_image_name(name: str) -> bool:
    """Whether ``name`` may name an image of a package (and of a prompt's ``<img>``)."""
    return bool(IMAGE_NAME.match(name))


def content_type(name: str) -> str:
    return IMAGE_TYPES[Path(name).suffix.lower()]


def referenced(markdown_text: str) -> list[str]:
    """The targets of the Markdown images in a text, in order."""
    return [m.group(1) for m in _MARKDOWN_IMAGE.finditer(markdown_text or "")]


def matches_its_name(name: str, data: bytes) -> bool:
    """Whether the bytes are what the extension says (PNG, JPEG, GIF or SVG)."""
    kind = content_type(name)
    if kind == "image/png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "image/jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if kind == "image/gif":
        return data.startswith((b"GIF87a", b"GIF89a"))
    return bool(_SVG_START.match(data[:4096].lstrip(b"\xef\xbb\xbf")))


def package_images(question_dir: Path) -> list[Path]:
    """The image files beside question.toml (sub-folders hold no prompt images)."""
    return sorted(
        p
        for p in Path(question_dir).iterdir()
        if p.is_file() and p.suffix.lower() in IMAGE_TYPES and not p.name.startswith(".")
    )


def problems(question_dir: Path, texts: dict[str, str]) -> list[tuple[str, str, str]]:
    """(file, key, reason) for each problem of a package's images: an image a text
    shows that is not a bare name of a file beside question.toml, a file of a wrong
    type or name, one over the size limit, and all of them over the package's limit.
    ``texts`` maps a key ("prompt", "explanation") to its Markdown."""
    found: list[tuple[str, str, str]] = []
    d = Path(question_dir)
    files = {p.name: p for p in package_images(d)}
    for key, text in texts.items():
        for target in referenced(text):
            if not is_image_name(target):
                found.append(
                    (
                        "question.toml",
                        key,
                        f"shows the image '{target}': name a PNG, JPEG, GIF or SVG file "
                        "beside question.toml (a bare file name such as figure.png)",
                    )
                )
            elif target not in files:
                found.append(
                    ("question.toml", key, f"shows the image '{target}', which is not beside it")
                )
    total = 0
    for name, path in files.items():
        size = path.stat().st_size
        total += size
        if not is_image_name(name):
            found.append(
                (name, "", "an image's name may hold only letters, digits, '.', '_' and '-'")
            )
        elif size > MAX_IMAGE_BYTES:
            found.append(
                (
                    name,
                    "",
                    f"is {size // 1024} KiB; an image may be at most {MAX_IMAGE_BYTES // 1024} KiB",
                )
            )
        elif not matches_its_name(name, path.read_bytes()):
            found.append((name, "", f"is not a {Path(name).suffix.lstrip('.').upper()} image"))
    if total > MAX_PACKAGE_IMAGE_BYTES:
        found.append(
            (
                "",
                "",
                f"its images add up to {total // 1024} KiB; a question's may be at most "
                f"{MAX_PACKAGE_IMAGE_BYTES // 1024} KiB",
            )
        )
    return found
