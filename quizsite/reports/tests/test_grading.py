from datetime import timedelta
from decimal import Decimal

import pytest

from quizsite.reports import actions
from quizsite.reports.selectors import Owner
from quizsite.reports.tests.conftest import NOW, detail_url

LATE = NOW + timedelta(days=8)


def _grade_url(milestone, student):
    return f"/courses/cs107/milestones/{milestone.pk}/grade/student/{student.pk}/"


def _form(milestone, points, feedback="Clear and honest.", chosen=""):
    data = {"feedback": feedback, "chosen": chosen}
    for criterion, value in zip(milestone.criteria.all(), points, strict=True):
        data[f"points_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = f"About {criterion.title}"
    return data


def test_it_grades_with_the_rubric_and_shows_students_only_after_release(
    client_for, ta, student, milestone, submit
):
    submit(milestone, student)
    response = client_for(ta).post(_grade_url(milestone, student), _form(milestone, ["5", "3.5"]))
    assert response.status_code == 302
    student_client = client_for(student)
    assert "8.5 / 10" not in student_client.get(detail_url(milestone)).content.decode()

    client_for(ta).post(f"/courses/cs107/milestones/{milestone.pk}/release/", {})
    page = student_client.get(detail_url(milestone)).content.decode()
    assert "8.5 / 10" in page
    assert "Clear and honest." in page
    assert "About Progress" in page


def test_it_applies_the_late_penalty_to_a_late_graded_version(ta, student, milestone, submit):
    submit(milestone, student, now=LATE)
    grade = actions.grade(
        milestone,
        Owner(student=student),
        ta,
        points={c.pk: c.max_points for c in milestone.criteria.all()},
        feedback="",
        chosen_submission=None,
        now=LATE,
    )
    assert (grade.raw_points, grade.penalty_percent, grade.total_points) == (
        Decimal(10),
        10,
        Decimal("9.00"),
    )


def test_it_grades_the_version_staff_pick(ta, student, milestone, submit):
    on_time = submit(milestone, student, now=NOW)
    late = submit(milestone, student, "r.md", b"# better\n", now=LATE)
    owner = Owner(student=student)
    points = {c.pk: Decimal(1) for c in milestone.criteria.all()}
    default = actions.grade(
        milestone, owner, ta, points=points, feedback="", chosen_submission=None, now=LATE
    )
    assert default.graded_submission == on_time and default.penalty_percent == 0
    picked = actions.grade(
        milestone, owner, ta, points=points, feedback="", chosen_submission=late, now=LATE
    )
    assert picked.graded_submission == late and picked.penalty_percent == 10


def test_it_refuses_points_outside_the_rubric(ta, student, milestone, client_for):
    with pytest.raises(actions.GradingError, match="between 0 and 6"):
        actions.grade(
            milestone,
            Owner(student=student),
            ta,
            points={c.pk: Decimal(7) for c in milestone.criteria.all()},
            feedback="",
            chosen_submission=None,
            now=NOW,
        )
    response = client_for(ta).post(_grade_url(milestone, student), _form(milestone, ["7", "1"]))
    assert response.status_code == 200
    assert not milestone.grades.exists()


def test_it_grades_a_team_and_every_member_sees_the_released_grade(
    client_for, course, ta, student, other_student, make_milestone, submit
):
    from quizsite.reports.models import Team, TeamMembership

    team = Team.objects.create(course=course, name="Red")
    for member in (student, other_student):
        TeamMembership.objects.create(course=course, team=team, user=member)
    milestone = make_milestone(is_team=True)
    submit(milestone, student)
    base = f"/courses/cs107/milestones/{milestone.pk}"
    staff = client_for(ta)
    assert staff.get(f"{base}/grade/student/{student.pk}/").status_code == 404
    response = staff.post(f"{base}/grade/team/{team.pk}/", _form(milestone, ["6", "4"]))
    assert response.status_code == 302
    staff.post(f"{base}/release/", {})
    assert "10 / 10" in client_for(other_student).get(f"{base}/").content.decode()
