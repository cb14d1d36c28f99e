"""Every page carries a Content-Security-Policy that allows scripts and styles from
our own files only, and no template holds an inline script, style or handler that
such a policy would block (the browser audits check the rendered pages too)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted(
    p
    for top in ("quizsite", "questions", "grader")
    for p in (ROOT / top).rglob("templates/**/*.html")
)
# An inline <script> (one without src=; json_script's data blocks are written by
# Django at render time and are no script), a <style> element, a style attribute,
# an on...= handler, or a javascript: address.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password_reset/"])
def test_it_sends_the_policy_with_pages(client, path) -> None:
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_it_sends_the_policy_with_a_course_page(client_for, student, course) -> None:
    page = client_for(student).get(f"/courses/{course.code}/quizzes/")
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_it_finds_the_templates() -> None:
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_it_keeps_scripts_and_styles_out_of_templates(template: Path) -> None:
    found = INLINE.findall(template.read_text())
    assert not found, f"{template.relative_to(ROOT)}: {found}"
