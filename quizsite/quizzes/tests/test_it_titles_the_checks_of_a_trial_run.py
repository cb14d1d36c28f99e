"""A trial run's checks reach the attempt page by the titles authored in the bank
("doubles a small number"), as the results page shows them, never by generated ids."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.grading.models import Submission
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.tests.conftest import T0, position_of

pytestmark = pytest.mark.django_db


def test_it_titles_the_checks_of_a_finished_trial_run(review_quiz, student, client_for) -> None:
    attempt = start_attempt(review_quiz(), student, now=T0)
    client = client_for(student)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        response = client.post(
            reverse("quizzes:run_tests", args=[attempt.pk, position_of(attempt, "code")]),
            data=json.dumps({"code": "def double(x):\n    return 2 * x\n"}),
            content_type="application/json",
        )
    assert response.status_code == 202
    check = {"kind": "test", "passed": True, "points": 1.0, "max_points": 1.0, "feedback": ""}
    Submission.objects.filter(pk=response.json()["submission"]).update(
        status="graded",
        result={"status": "graded", "checks": [{**check, "name": "test-1"}]},
    )
    body = client.get(response.json()["status_url"]).json()
    assert [c["title"] for c in body["checks"]] == ["doubles a small number"]
    assert "SECRET-REFERENCE" not in json.dumps(body)
