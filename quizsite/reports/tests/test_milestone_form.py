from datetime import UTC, datetime
from decimal import Decimal

from quizsite.reports.models import Milestone


def test_it_reads_due_dates_in_the_course_time_zone_and_stores_utc(client_for, instructor):
    response = client_for(instructor).post(
        "/courses/cs107/milestones/new/",
        {
            "title": "Milestone 3",
            "instructions": "Half a page.",
            "due_local": "2026-03-10T23:59",
            "late_until_local": "2026-03-12T23:59",
            "late_penalty_percent": "10",
            "formats": ["pdf", "md"],
            "max_megabytes": "2",
            "max_pages": "0.5",
            "max_words": "",
            "rubric": "4 | Progress\n6 | Plan",
        },
    )
    assert response.status_code == 302, response.content.decode()
    milestone = Milestone.objects.get()
    # cs107 runs on America/New_York, which is UTC-4 on 10 March 2026 (daylight time).
    assert milestone.due_at == datetime(2026, 3, 11, 3, 59, tzinfo=UTC)
    assert milestone.late_until == datetime(2026, 3, 13, 3, 59, tzinfo=UTC)
    assert milestone.formats == ("pdf", "md")
    assert milestone.max_bytes == 2 * 1024 * 1024
    assert [(c.max_points, c.title) for c in milestone.criteria.all()] == [
        (Decimal(4), "Progress"),
        (Decimal(6), "Plan"),
    ]


def test_it_refuses_a_cut_off_before_the_due_date(client_for, instructor, student):
    data = {
        "title": "M",
        "due_local": "2026-03-10T23:59",
        "late_until_local": "2026-03-09T23:59",
        "late_penalty_percent": "0",
        "formats": ["pdf"],
        "max_megabytes": "2",
    }
    response = client_for(instructor).post("/courses/cs107/milestones/new/", data)
    assert "The late cut-off must be after the due date." in response.content.decode()
    assert not Milestone.objects.exists()
    assert client_for(student).post("/courses/cs107/milestones/new/", data).status_code == 404


def test_it_shows_times_in_the_course_time_zone(client_for, student, make_milestone):
    milestone = make_milestone(due_at=datetime(2026, 3, 11, 3, 59, tzinfo=UTC))
    page = client_for(student).get(f"/courses/cs107/milestones/{milestone.pk}/").content.decode()
    assert "Tuesday 10 March 2026, 23:59 (America/New_York)" in page


def test_it_fills_the_edit_form_in_course_time(client_for, instructor, make_milestone):
    milestone = make_milestone(due_at=datetime(2026, 3, 11, 3, 59, tzinfo=UTC))
    page = client_for(instructor).get(f"/courses/cs107/milestones/{milestone.pk}/edit/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'value="2026-03-10T23:59"' in text
    assert "6 | Progress" in text


def _edit_data(milestone, rubric: str) -> dict:
    return {
        "title": milestone.title,
        "instructions": milestone.instructions,
        "due_local": "2026-03-10T23:59",
        "late_penalty_percent": "0",
        "formats": list(milestone.formats),
        "max_megabytes": "2",
        "max_pages": "0.5",
        "rubric": rubric,
    }


def test_it_refuses_to_change_a_rubric_that_grades_refer_to(
    client_for, instructor, ta, student, milestone, submit
):
    from quizsite.reports import actions
    from quizsite.reports.selectors import Owner
    from quizsite.reports.tests.conftest import NOW

    submit(milestone, student)
    actions.grade(
        milestone,
        Owner(student=student),
        ta,
        points={c.pk: c.max_points for c in milestone.criteria.all()},
        feedback="",
        chosen_submission=None,
        now=NOW,
    )
    before = [(c.max_points, c.title) for c in milestone.criteria.all()]
    url = f"/courses/cs107/milestones/{milestone.pk}/edit/"
    response = client_for(instructor).post(url, _edit_data(milestone, "10 | Everything"))
    assert response.status_code == 200
    assert "cannot change once a report has been graded" in response.content.decode()
    assert [(c.max_points, c.title) for c in milestone.criteria.all()] == before

    unchanged = "\n".join(f"{points} | {title}" for points, title in before)
    response = client_for(instructor).post(url, _edit_data(milestone, unchanged))
    assert response.status_code == 302  # other fields may still be edited
