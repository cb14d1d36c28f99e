"""A milestone's grades as CSV for the grade book: every enrolled student once (team
members each with their team's grade), the status and version that count, the score
after the late penalty, "not graded yet" never written as zero, times in the course's
zone, and cells a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from quizsite.accounts.models import Membership, User
from quizsite.reports import actions
from quizsite.reports.models import Team, TeamMembership
from quizsite.reports.selectors import Owner
from quizsite.reports.tests.conftest import NOW

LATE = NOW + timedelta(days=8)  # after the due date, before the late cut-off


def _enrol(course, username: str, **fields) -> User:
    user = User.objects.create_user(username, email=f"{username}@example.edu", **fields)
    Membership.objects.create(user=user, course=course, role="student")
    return user


def _grade(milestone, owner: Owner, by, points: list[str], chosen=None):
    values = dict(zip([c.pk for c in milestone.criteria.all()], map(Decimal, points), strict=True))
    return actions.grade(
        milestone, owner, by, points=values, feedback="", chosen_submission=chosen, now=LATE
    )


def _download(client, milestone) -> tuple[object, list[dict[str, str]]]:
    response = client.get(f"/courses/cs107/milestones/{milestone.pk}/grades.csv")
    return response, list(csv.DictReader(io.StringIO(response.content.decode())))


def test_it_lists_every_student_with_status_version_and_score_after_the_penalty(
    course, other_course, student, other_student, ta, milestone, submit, client_for
) -> None:
    User.objects.filter(pk=student.pk).update(first_name="Ada", last_name="Lovelace")
    submit(milestone, student, now=NOW)
    _grade(milestone, Owner(student=student), ta, ["5", "3.5"])
    # On time first, then a better late version that staff chose to grade.
    submit(milestone, other_student, now=NOW)
    late = submit(milestone, other_student, "r.md", b"# better\n", now=LATE)
    _grade(milestone, Owner(student=other_student), ta, ["6", "4"], chosen=late)
    handed_in = _enrol(course, "handed_in")
    submit(milestone, handed_in, now=LATE)
    _enrol(course, "absent")
    elsewhere = User.objects.create_user("elsewhere")
    Membership.objects.create(user=elsewhere, course=other_course, role="student")

    response, rows = _download(client_for(ta), milestone)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cs107-milestone-2b-grades.csv"'
    assert [r["username"] for r in rows] == ["absent", "handed_in", "other_student", "student"]
    by_name = {r["username"]: r for r in rows}
    assert by_name["student"] == {
        "username": "student",
        "name": "Ada Lovelace",
        "email": "student@example.edu",
        "team": "",
        "status": "on time",
        # 15:00 UTC is 10:00 in New York (the course's zone), still on standard time.
        "submitted_at": "2026-03-02T10:00:00-05:00",
        "version": "1",
        "graded_version": "1",
        "score": "8.5",
        "max_score": "10",
        "late_penalty_percent": "0",
        "released": "no",
    }
    # The late version staff picked: 10 points less the 10% late penalty; daylight time.
    assert {
        k: by_name["other_student"][k]
        for k in ("status", "submitted_at", "version", "graded_version")
    } == {
        "status": "late",
        "submitted_at": "2026-03-10T11:00:00-04:00",
        "version": "2",
        "graded_version": "2",
    }
    assert (
        by_name["other_student"]["score"],
        by_name["other_student"]["late_penalty_percent"],
    ) == (
        "9",
        "10",
    )
    # Handed in, not graded yet: an empty score, never 0.
    assert (by_name["handed_in"]["status"], by_name["handed_in"]["version"]) == ("late", "1")
    assert (
        by_name["handed_in"]["score"],
        by_name["handed_in"]["late_penalty_percent"],
        by_name["handed_in"]["graded_version"],
    ) == ("", "", "")
    assert by_name["absent"] == {
        **dict.fromkeys(by_name["absent"], ""),
        "username": "absent",
        "email": "absent@example.edu",
        "status": "missing",
        "max_score": "10",
        "released": "no",
    }


def test_it_gives_each_team_member_the_team_grade(
    course, student, other_student, ta, make_milestone, submit, client_for
) -> None:
    teammate = _enrol(course, "teammate")
    _enrol(course, "loner")
    red, blue = (Team.objects.create(course=course, name=n) for n in ("Red", "Blue"))
    for user, team in ((student, red), (teammate, red), (other_student, blue)):
        TeamMembership.objects.create(course=course, team=team, user=user)
    milestone = make_milestone(is_team=True)
    submit(milestone, teammate, now=NOW)
    _grade(milestone, Owner(team=red), ta, ["6", "3"])
    submit(milestone, other_student, "b.md", b"# blue\n", now=LATE)
    actions.release_grades(milestone, ta, now=LATE)

    _, rows = _download(client_for(ta), milestone)

    table = [
        (r["username"], r["team"], r["status"], r["version"], r["graded_version"], r["score"])
        for r in rows
    ]
    assert table == [
        ("loner", "", "missing", "", "", ""),
        ("other_student", "Blue", "late", "1", "", ""),
        ("student", "Red", "on time", "1", "1", "9"),
        ("teammate", "Red", "on time", "1", "1", "9"),
    ]
    assert {r["released"] for r in rows} == {"yes"}


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Red", "Red"),
    ],
)
def test_it_neutralises_cells_that_would_run_as_formulas(
    course, student, ta, make_milestone, client_for, name, written
) -> None:
    User.objects.filter(pk=student.pk).update(first_name=name)
    team = Team.objects.create(course=course, name=name)
    TeamMembership.objects.create(course=course, team=team, user=student)
    milestone = make_milestone(is_team=True)

    _, rows = _download(client_for(ta), milestone)

    assert (rows[0]["name"], rows[0]["team"]) == (written, written)


@pytest.mark.parametrize("is_team", [False, True])
def test_it_costs_the_same_queries_for_a_large_class(
    course, ta, make_milestone, submit, client_for, django_assert_max_num_queries, is_team
) -> None:
    milestone = make_milestone(is_team=is_team)
    for i in range(40):
        user = _enrol(course, f"s{i:02d}", first_name=f"S{i}")
        if is_team:
            team = Team.objects.get_or_create(course=course, name=f"team{i // 4}")[0]
            TeamMembership.objects.create(course=course, team=team, user=user)
            owner = Owner(team=team)
        else:
            owner = Owner(student=user)
        if i % 4 == 0:
            submit(milestone, user, "r.md", b"# report\n", now=NOW)
            _grade(milestone, owner, ta, ["5", "4"])
            if i % 8 == 0:
                # Handed in again after grading: the grade now belongs to an older version.
                submit(milestone, user, "r.md", b"# again\n", now=NOW + timedelta(hours=1))
    client = client_for(ta)
    client.get(f"/courses/cs107/milestones/{milestone.pk}/submissions/")  # session warm
    with django_assert_max_num_queries(11):
        response, rows = _download(client, milestone)
    assert response.status_code == 200 and len(rows) == 40
    assert sum(1 for r in rows if r["score"] == "9") == (40 if is_team else 10)
    stale = [r for r in rows if (r["version"], r["graded_version"]) == ("2", "1")]
    assert len(stale) == (20 if is_team else 5)


def test_it_links_the_download_from_the_staff_page(ta, milestone, client_for) -> None:
    page = client_for(ta).get(f"/courses/cs107/milestones/{milestone.pk}/submissions/")
    assert f'href="/courses/cs107/milestones/{milestone.pk}/grades.csv"' in page.content.decode()
    assert "Download grades (CSV)" in page.content.decode()
