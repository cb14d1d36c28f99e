"""A grade is given to the version that counts when staff save it. When another version
counts later (a new hand-in before the due date, a later late one when none is on time,
or staff's pick changed without grading again), the grade is stale: the staff pages say
which version the points were given to and ask for a new grade, the grades CSV has both
versions, and the student sees which version the released grade is for, nothing more.
Grading again clears the flag."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizsite.accounts.models import Membership, User
from quizsite.reports import actions
from quizsite.reports.deadline import grade_is_stale
from quizsite.reports.models import Grade, Team, TeamMembership
from quizsite.reports.selectors import Owner, milestone_overview
from quizsite.reports.tests.conftest import NOW, detail_url

BEFORE_DUE = NOW + timedelta(days=1)
LATE = NOW + timedelta(days=8)  # after the due date, before the late cut-off


def _grade(milestone, owner: Owner, by, points=("5", "3.5"), chosen=None, now=NOW):
    values = dict(zip([c.pk for c in milestone.criteria.all()], map(Decimal, points), strict=True))
    return actions.grade(
        milestone, owner, by, points=values, feedback="", chosen_submission=chosen, now=now
    )


def _base(milestone) -> str:
    return f"/courses/cs107/milestones/{milestone.pk}"


def _csv_rows(client, milestone) -> dict[str, dict[str, str]]:
    response = client.get(f"{_base(milestone)}/grades.csv")
    assert response.status_code == 200
    return {r["username"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}


def _stale(milestone, label: str):
    return next(r for r in milestone_overview(milestone) if r.owner.label == label).stale


@pytest.mark.parametrize(
    ("given", "counts", "stale"),
    [(1, 1, False), (1, 2, True), (2, 1, True), (None, None, False), (None, 3, True)],
)
def test_it_calls_a_grade_stale_when_another_version_counts(given, counts, stale) -> None:
    assert grade_is_stale(given, counts) is stale


def test_it_flags_a_grade_when_the_student_hands_in_again_after_grading(
    client_for, ta, student, milestone, submit
) -> None:
    submit(milestone, student, now=NOW)
    _grade(milestone, Owner(student=student), ta)
    assert _stale(milestone, "student") is None
    submit(milestone, student, "r.md", b"# better\n", now=BEFORE_DUE)

    stale = _stale(milestone, "student")
    assert (stale.given.version, stale.counts.version) == (1, 2)
    grade_url = f"{_base(milestone)}/grade/student/{student.pk}/"
    staff = client_for(ta)
    page = staff.get(f"{_base(milestone)}/submissions/").content.decode()
    assert f'graded v1; v2 counts now: <a href="{grade_url}">grade again</a>' in page
    grading = staff.get(grade_url).content.decode()
    assert "graded v1; v2 counts now: grade again" in grading
    assert (
        grading.index("graded v1; v2 counts now")
        < grading.index("<ul>")
        < grading.index('class="stack"')
    )
    assert "The saved points below were given to v1." in grading
    row = _csv_rows(staff, milestone)["student"]
    assert {k: row[k] for k in ("status", "version", "graded_version", "score")} == {
        "status": "on time",
        "version": "2",
        "graded_version": "1",
        "score": "8.5",
    }

    # The student sees which version the released grade is for, and nothing more.
    actions.release_grades(milestone, ta, now=BEFORE_DUE)
    mine = client_for(student).get(detail_url(milestone)).content.decode()
    assert "Grade for version 1</h2>" in mine and "8.5 / 10" in mine
    assert "counts now" not in mine and "grade again" not in mine

    # Grading again gives the points to v2 and clears every flag.
    _grade(milestone, Owner(student=student), ta, points=("6", "4"), now=BEFORE_DUE)
    assert _stale(milestone, "student") is None
    assert "counts now" not in staff.get(f"{_base(milestone)}/submissions/").content.decode()
    assert "counts now" not in staff.get(grade_url).content.decode()
    row = _csv_rows(staff, milestone)["student"]
    assert (row["version"], row["graded_version"], row["score"]) == ("2", "2", "10")
    mine = client_for(student).get(detail_url(milestone)).content.decode()
    assert '<h2 id="grade-h">Grade</h2>' in mine and "10 / 10" in mine


def test_it_flags_a_team_grade_when_a_teammate_hands_in_again(
    client_for, course, ta, student, other_student, make_milestone, submit
) -> None:
    team = Team.objects.create(course=course, name="Red")
    for member in (student, other_student):
        TeamMembership.objects.create(course=course, team=team, user=member)
    milestone = make_milestone(is_team=True)
    submit(milestone, student, now=LATE)
    _grade(milestone, Owner(team=team), ta, now=LATE)
    actions.release_grades(milestone, ta, now=LATE)
    # Only late versions: the last late one counts, so a second one takes over.
    submit(milestone, other_student, "r.md", b"# better\n", now=LATE + timedelta(hours=1))

    page = client_for(ta).get(f"{_base(milestone)}/submissions/").content.decode()
    assert "graded v1; v2 counts now" in page
    rows = _csv_rows(client_for(ta), milestone)
    assert {(u, r["version"], r["graded_version"]) for u, r in rows.items()} == {
        ("other_student", "2", "1"),
        ("student", "2", "1"),
    }
    assert (
        "Grade for version 1</h2>"
        in client_for(student).get(detail_url(milestone)).content.decode()
    )


def test_it_flags_a_grade_when_staff_pick_another_version_without_grading_again(
    client_for, ta, student, milestone, submit
) -> None:
    submit(milestone, student, now=NOW)
    late = submit(milestone, student, "r.md", b"# late\n", now=LATE)
    grade = _grade(milestone, Owner(student=student), ta, now=LATE)
    assert grade.graded_submission.version == 1
    # The admin's grade form changes the pick without computing the grade again.
    Grade.objects.filter(pk=grade.pk).update(chosen_submission=late)

    stale = _stale(milestone, "student")
    assert (stale.given.version, stale.counts.version) == (1, 2)
    grading = client_for(ta).get(f"{_base(milestone)}/grade/student/{student.pk}/")
    assert "graded v1; v2 counts now: grade again" in grading.content.decode()
    row = _csv_rows(client_for(ta), milestone)["student"]
    # The score is the one given to v1 (no late penalty) until staff grade again.
    assert (row["status"], row["version"], row["graded_version"]) == ("late", "2", "1")
    assert (row["score"], row["late_penalty_percent"]) == ("8.5", "0")


def test_it_flags_a_grade_given_before_anything_was_handed_in(
    client_for, ta, student, milestone, submit
) -> None:
    _grade(milestone, Owner(student=student), ta, points=("0", "0"))
    actions.release_grades(milestone, ta, now=NOW)
    submit(milestone, student, now=LATE)

    page = client_for(ta).get(f"{_base(milestone)}/submissions/").content.decode()
    assert "graded before any hand-in; v1 counts now" in page
    row = _csv_rows(client_for(ta), milestone)["student"]
    assert (row["version"], row["graded_version"], row["score"]) == ("1", "", "0")
    mine = client_for(student).get(detail_url(milestone)).content.decode()
    assert "Grade given before any version was handed in</h2>" in mine


def test_it_does_not_flag_a_grade_whose_version_still_counts(
    client_for, ta, student, other_student, milestone, submit
) -> None:
    # A late version does not displace an on-time one that was graded.
    submit(milestone, student, now=NOW)
    _grade(milestone, Owner(student=student), ta)
    submit(milestone, student, "r.md", b"# late\n", now=LATE)
    # Staff's pick stands over a newer on-time version.
    picked = submit(milestone, other_student, now=NOW)
    _grade(milestone, Owner(student=other_student), ta, chosen=picked)
    submit(milestone, other_student, "r.md", b"# newer\n", now=BEFORE_DUE)
    actions.release_grades(milestone, ta, now=LATE)

    assert [r.stale for r in milestone_overview(milestone)] == [None, None]
    staff = client_for(ta)
    assert "counts now" not in staff.get(f"{_base(milestone)}/submissions/").content.decode()
    assert (
        "counts now"
        not in staff.get(f"{_base(milestone)}/grade/student/{student.pk}/").content.decode()
    )
    rows = _csv_rows(staff, milestone)
    assert [(r["version"], r["graded_version"]) for r in rows.values()] == [("1", "1"), ("1", "1")]
    assert (
        '<h2 id="grade-h">Grade</h2>'
        in client_for(student).get(detail_url(milestone)).content.decode()
    )


def test_it_flags_stale_grades_on_the_staff_page_without_a_query_per_row(
    course, ta, milestone, submit, client_for
) -> None:
    client = client_for(ta)
    url = f"{_base(milestone)}/submissions/"

    def enrol_graded_and_stale(first: int, count: int) -> None:
        for i in range(first, first + count):
            user = User.objects.create_user(f"s{i:02d}")
            Membership.objects.create(user=user, course=course, role="student")
            submit(milestone, user, "r.md", b"# report\n", now=NOW)
            _grade(milestone, Owner(student=user), ta)
            if i % 2 == 0:
                submit(milestone, user, "r.md", b"# again\n", now=BEFORE_DUE)

    enrol_graded_and_stale(0, 2)
    client.get(url)  # session warm
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).content.decode().count("v2 counts now") == 1
    enrol_graded_and_stale(2, 30)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).content.decode().count("v2 counts now") == 16
    assert len(large) == len(small)
