"""Fixtures for report tests: uploads go to a temporary media directory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizsite.reports.tests.pdfs import pdf_of_pages

# A fixed "now" for tests that freeze time: the milestone is due a week later.
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def report_settings(settings, tmp_path):
    # The personas are created with passwords; the production hasher costs a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def make_milestone(course):
    from quizsite.reports.models import Milestone, RubricCriterion

    def make(**overrides):
        fields = {
            "course": course,
            "title": "Milestone 2B",
            "due_at": NOW + timedelta(days=7),
            "late_until": NOW + timedelta(days=9),
            "late_penalty_percent": 10,
            "max_pages": Decimal("0.5"),
            "max_bytes": 1024 * 1024,
        }
        fields.update(overrides)
        criteria = fields.pop("criteria", [(Decimal(6), "Progress"), (Decimal(4), "Next steps")])
        milestone = Milestone.objects.create(**fields)
        for i, (points, title) in enumerate(criteria):
            RubricCriterion.objects.create(
                milestone=milestone, title=title, max_points=points, position=i
            )
        return milestone

    return make


@pytest.fixture
def milestone(make_milestone):
    return make_milestone()


@pytest.fixture
def submit():
    """submit(milestone, user, name, content, now=...) -> a confirmed ReportSubmission."""
    from quizsite.reports import actions

    def run(milestone, user, name="report.pdf", content=None, now=NOW):
        content = pdf_of_pages(0.5) if content is None else content
        upload = SimpleUploadedFile(name, content)
        pending = actions.receive_upload(milestone, user, upload, now=now)
        return actions.confirm_upload(pending, user, now=now)

    return run


def upload_url(milestone) -> str:
    return f"/courses/{milestone.course.code}/milestones/{milestone.pk}/upload/"


def detail_url(milestone) -> str:
    return f"/courses/{milestone.course.code}/milestones/{milestone.pk}/"
