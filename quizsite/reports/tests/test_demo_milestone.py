from datetime import UTC, datetime

from quizsite.reports.demo import create_demo_milestone


def test_it_creates_the_half_page_milestone_due_in_three_days_at_2359_course_time(course):
    milestone = create_demo_milestone(course, now=datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    assert milestone.title.startswith("Milestone 2B: a brief progress report")
    local = milestone.due_at.astimezone(course.tz)
    assert (local.date().isoformat(), local.hour, local.minute) == ("2026-03-05", 23, 59)
    assert milestone.max_pages == 0.5 and not milestone.is_team
    assert milestone.criteria.count() == 3


def test_it_lists_the_demo_milestone_on_the_course_page(client_for, course, student):
    create_demo_milestone(course, now=datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    page = client_for(student).get("/courses/cs107/milestones/").content.decode()
    assert "Milestone 2B: a brief progress report" in page
    assert "Not handed in" in page
