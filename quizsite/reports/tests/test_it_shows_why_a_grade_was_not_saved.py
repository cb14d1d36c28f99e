"""The grade form shows the error of every field it refuses, the version to grade
included, instead of coming back with nothing said."""

from __future__ import annotations

from quizsite.reports.models import Grade
from quizsite.reports.tests.test_grading import _form, _grade_url


def test_it_shows_the_error_of_a_version_that_is_not_one_handed_in(
    client_for, ta, student, milestone, submit
) -> None:
    submit(milestone, student)
    response = client_for(ta).post(
        _grade_url(milestone, student), _form(milestone, ["5", "3.5"], chosen="999999")
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Grade.objects.exists()


def test_it_shows_the_error_of_a_comment_too_long(client_for, ta, student, milestone, submit):
    submit(milestone, student)
    data = _form(milestone, ["5", "3.5"])
    first = milestone.criteria.first()
    data[f"comment_{first.pk}"] = "x" * 501
    response = client_for(ta).post(_grade_url(milestone, student), data)
    assert "Ensure this value has at most 500 characters" in response.content.decode()
    assert not Grade.objects.exists()
