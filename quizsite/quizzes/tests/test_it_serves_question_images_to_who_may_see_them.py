"""A question's images are served to course staff and to a student whose attempt was
given that version; to nobody else (404, so the address says nothing). Each goes out
with its own content type and nosniff, and an SVG only as a sandboxed download."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from questions.tests.image_helpers import SVG, png
from quizsite.bank.models import QuestionImage
from quizsite.quizzes import content
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import QuizPool
from quizsite.quizzes.tests.conftest import T0, store_question

FILES = {
    "question.toml": """title = "The frame stack"
type = "text"
prompt = "Which attribute links a frame to its caller?\\n\\n![the stack](stack.png)"
answers = ["f_back"]
"""
}


@pytest.fixture
def version(make_quiz, student):
    question = store_question("img/stack", FILES)
    v = question.current
    QuestionImage.objects.create(version=v, name="stack.png", content_type="image/png", data=png())
    QuestionImage.objects.create(
        version=v, name="drawing.svg", content_type="image/svg+xml", data=SVG
    )
    quiz = make_quiz(pool=False)
    QuizPool.objects.create(quiz=quiz, count=1).questions.set([question])
    start_attempt(quiz, student, now=T0)
    return v


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("ta", 200),
        ("instructor", 200),
        ("student", 200),  # their attempt holds this version
        ("other_student", 404),
        ("stranger", 404),
        ("anonymous", 302),
    ],
)
def test_it_serves_an_image_only_to_who_may_see_it(
    version, personas, client_for, persona, expected
) -> None:
    response = client_for(personas[persona]).get(content.image_url(version.pk, "stack.png"))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content == png()


def test_it_serves_an_svg_only_as_a_sandboxed_download(version, ta, client_for) -> None:
    response = client_for(ta).get(content.image_url(version.pk, "drawing.svg"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="drawing.svg"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_it_knows_no_other_name(version, ta, client_for) -> None:
    for name in ("missing.png", "question.toml", "..%2Fstack.png"):
        url = reverse("quizzes:question_image", args=[version.pk, "x.png"]).replace("x.png", name)
        assert client_for(ta).get(url).status_code == 404


def test_it_shows_the_image_on_the_attempt_page(version, student, client_for) -> None:
    attempt = student.quiz_attempts.get()
    with time_machine.travel(T0, tick=False):
        html = client_for(student).get(reverse("quizzes:attempt", args=[attempt.pk])).content
    assert f'<img alt="the stack" src="/question-images/{version.pk}/stack.png">' in html.decode()
