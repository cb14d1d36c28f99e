"""Who may try code on a preview page and see a preview submission: course staff only,
of any course (as for the preview pages themselves, the banks are shared). The page
shows only ``preview`` submissions of its own question: a student's answer or trial run
is never reachable through it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizsite.accounts.models import Membership, Role, User
from quizsite.bank.models import Question
from quizsite.bank.tests.conftest import preview_url
from quizsite.bankpages import actions
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission

pytestmark = pytest.mark.django_db

CODE = "def freeze(o):\n    return o\n"


@pytest.fixture
def people(personas, other_course) -> dict:
    """The usual personas, and a TA of another course (staff, but not of ``course``)."""
    elsewhere = User.objects.create_user(username="ta_elsewhere", password="pw-elsewhere")
    Membership.objects.create(user=elsewhere, course=other_course, role=Role.TA)
    return {**personas, "ta_of_other_course": elsewhere}


def _version(path: str):
    return Question.objects.get(bank="sample", path=path).current


@pytest.fixture
def shown(preview_bank, people) -> Submission:
    """An instructor's preview of objects/freeze, already graded."""
    submission = actions.preview_code(
        _version("objects/freeze"), CODE, seed=2, user=people["instructor"]
    )
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.GRADED, result={"status": "graded", "checks": []}
    )
    return submission


PERSONAS = [
    ("ta", 200, 302),
    ("instructor", 200, 302),
    ("ta_of_other_course", 200, 302),
    ("student", 403, 403),
    ("other_student", 403, 403),
    ("stranger", 403, 403),
    ("anonymous", 302, 302),
]


@pytest.mark.parametrize(("persona", "to_see", "to_try"), PERSONAS)
def test_it_lets_only_staff_see_and_try_code(
    shown, people, client_for, persona, to_see, to_try
) -> None:
    client = client_for(people[persona])
    seen = client.get(preview_url("objects/freeze", submission=shown.pk))
    tried = client.post(preview_url("objects/freeze"), {"code": CODE})

    assert (seen.status_code, tried.status_code) == (to_see, to_try)
    if to_see == 200:
        assert CODE.replace("\n", "") in seen.content.decode().replace("\n", "")
    if people[persona] is None:
        assert reverse("login") in seen["Location"] and reverse("login") in tried["Location"]
    # Only staff leave a submission behind, and it is a preview of their own.
    made = Submission.objects.exclude(pk=shown.pk)
    if to_try == 302 and people[persona] is not None:
        assert [(s.purpose, s.user) for s in made] == [("preview", people[persona])]
    else:
        assert not made.exists()


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        ("this question's preview", 200),
        ("another question's preview", 404),
        ("a student's answer", 404),
        ("a student's trial run", 404),
        ("no such submission", 404),
        ("not a number", 404),
        ("a number too big", 404),
    ],
)
def test_it_shows_only_preview_submissions_of_the_question(
    shown, people, client_for, which, expected
) -> None:
    freeze = _version("objects/freeze")
    student = people["student"]
    submission_id = {
        "this question's preview": lambda: shown.pk,
        "another question's preview": lambda: (
            actions.preview_code(
                _version("scopes/unbound-local"), CODE, seed=0, user=people["ta"]
            ).pk
        ),
        "a student's answer": lambda: submit_code(freeze, CODE, user=student, seed=2).pk,
        "a student's trial run": lambda: (
            submit_code(
                freeze, CODE, user=student, seed=2, purpose=Submission.Purpose.VISIBLE_TESTS
            ).pk
        ),
        "no such submission": lambda: 10_000,
        "not a number": lambda: "1x",
        "a number too big": lambda: "9" * 40,
    }[which]()
    response = client_for(people["ta"]).get(preview_url("objects/freeze", submission=submission_id))
    assert response.status_code == expected
