"""Code tried on a question's preview page is graded by the grading workers, never in
the web request: the POST queues a ``preview`` submission and redirects to the page
showing it, which says "Grading…" until the result is there, then shows all of it to
staff (hidden tests, details, the grader's own reasons), with the code still in the
editor."""

from __future__ import annotations

import html
import re

import pytest

from grader import pipeline
from quizsite.bank.tests.conftest import preview_url
from quizsite.grading import service, tasks
from quizsite.grading.models import Submission

pytestmark = pytest.mark.django_db

ALMOST = (
    "def freeze(obj):\n"
    "    if isinstance(obj, list):\n"
    "        return tuple(freeze(x) for x in obj)\n"
    "    if isinstance(obj, dict):\n"
    "        return tuple(sorted((k, freeze(v)) for k, v in obj.items()))\n"
    "    return obj\n"  # forgets sets
)


@pytest.fixture
def graded_in(monkeypatch) -> list[str]:
    """One entry per call of the grading pipeline in this process: the test tells a
    call in the web request from the worker's by when it appears."""
    calls: list[str] = []
    real = pipeline.grade

    def counting(*args, **kwargs):
        calls.append("grade")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "grade", counting)
    return calls


@pytest.fixture
def held(monkeypatch) -> list[int]:
    """Grading messages are held, as if no worker were free, until the test grades them."""
    messages: list[int] = []
    monkeypatch.setattr(tasks.grade_submission, "delay", lambda pk: messages.append(pk))
    return messages


def _rows(page: str) -> set[tuple[str, str, str]]:
    return set(
        re.findall(r"<tr><td><code>([\w-]+)</code></td><td>(\w+)</td><td class=\"(ok|bad)\">", page)
    )


def _editor(page: str) -> str:
    return html.unescape(re.search(r'<textarea id="code"[^>]*>(.*?)</textarea>', page, re.S)[1])


def test_it_queues_the_code_and_grades_nothing_in_the_request(
    preview_bank, ta, client_for, graded_in, held, django_capture_on_commit_callbacks
) -> None:
    client = client_for(ta)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview_url("objects/freeze", seed=3), {"code": ALMOST})

    submission = Submission.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"]
        == preview_url("objects/freeze", version=1, seed=3, submission=submission.pk)
        + "#grader-result"
    )
    assert (submission.purpose, submission.user, submission.seed, submission.code) == (
        Submission.Purpose.PREVIEW,
        ta,
        3,
        ALMOST,
    )
    assert submission.question_version.question.path == "objects/freeze"
    assert submission.status == Submission.Status.QUEUED
    assert held == [submission.pk]  # enqueued once the row was committed
    assert graded_in == []  # the web request ran no grading at all

    waiting = client.get(response["Location"]).content.decode()
    assert 'data-grading="pending"' in waiting
    assert "Grading…" in waiting and "Waiting for a grading worker." in waiting
    assert "questions/preview.js" in waiting  # the page updates itself
    assert _editor(waiting) == ALMOST
    assert graded_in == []

    assert service.grade_submission(submission.pk) is service.Outcome.DONE
    assert graded_in == ["grade"]
    done = client.get(response["Location"]).content.decode()
    assert 'data-grading="done"' in done and "questions/preview.js" not in done
    assert 'Status <strong class="ok">graded</strong>: 2 of 4 points' in done
    # Everything, for staff: the hidden test too, and what was expected.
    assert _rows(done) == {
        ("test-1", "test", "ok"),
        ("test-2", "test", "bad"),  # type(freeze({1, 2})) is still a set
        ("test-3", "test", "ok"),
        ("random_nested", "test", "bad"),  # hidden, with sets inside
    }
    assert "frozenset" in done
    assert _editor(done) == ALMOST


def test_it_shows_the_result_at_once_when_grading_runs_eagerly(
    preview_bank, instructor, client_for, celery_eager, django_capture_on_commit_callbacks
) -> None:
    client = client_for(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview_url("objects/freeze"), {"code": ALMOST})
    page = client.get(response["Location"]).content.decode()
    assert 'data-grading="done"' in page
    assert ("test-2", "test", "bad") in _rows(page)
    assert Submission.objects.get().status == Submission.Status.GRADED


def test_it_tries_again_on_the_variant_and_version_of_the_shown_result(
    preview_bank, ta, client_for
) -> None:
    client = client_for(ta)
    first = client.post(preview_url("objects/freeze", seed=8), {"code": ALMOST})
    # The page's form posts back to its own address, whatever seed was typed into it.
    again = client.post(first["Location"].replace("seed=8", "seed=99"), {"code": "x = 1\n"})
    second = Submission.objects.latest("pk")
    assert again.status_code == 302
    assert (second.seed, second.question_version.number, second.code) == (8, 1, "x = 1\n")


@pytest.mark.parametrize(
    ("status", "detail", "shown"),
    [
        (
            Submission.Status.ERROR,
            "test test-1: sandbox error: no cgroup",
            "test test-1: sandbox error: no cgroup",
        ),
        (
            Submission.Status.QUEUED,
            "RuntimeError: sandbox could not start",
            "The grader failed on an earlier try and tries again",
        ),
        (Submission.Status.RUNNING, "", "A grading worker is running the code."),
    ],
    ids=["error", "retrying", "running"],
)
def test_it_shows_staff_what_the_grader_is_doing(
    preview_bank, ta, client_for, status, detail, shown
) -> None:
    client = client_for(ta)
    location = client.post(preview_url("objects/freeze"), {"code": ALMOST})["Location"]
    Submission.objects.update(status=status, error_detail=detail, tries=1)
    page = client.get(location).content.decode()
    assert shown in page
    assert detail in page


def test_it_refuses_code_it_could_not_store(preview_bank, ta, client_for) -> None:
    response = client_for(ta).post(preview_url("objects/freeze"), {"code": "x = 1\x00\n"})
    assert response.status_code == 400
    assert "This code cannot be graded" in response.content.decode()
    assert not Submission.objects.exists()
