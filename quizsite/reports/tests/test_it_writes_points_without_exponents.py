"""Points are written as people write them: a criterion worth 10 points reads "10", not
"1E+1" (what Decimal("10.00").normalize() prints)."""

from decimal import Decimal

import pytest

from quizsite.reports.gradebook import points_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("10.00", "10"),
        ("20", "20"),
        ("8.50", "8.5"),
        ("0.25", "0.25"),
        ("0.00", "0"),
        ("100", "100"),
    ],
)
def test_it_writes_points_plainly(value, text):
    assert points_text(Decimal(value)) == text


def test_it_shows_ten_point_criteria_as_ten_on_the_edit_and_grading_forms(
    client_for, instructor, student, make_milestone
):
    milestone = make_milestone(criteria=[(Decimal("10.00"), "Progress"), (Decimal(20), "Plan")])
    edit = client_for(instructor).get(f"/courses/cs107/milestones/{milestone.pk}/edit/")
    assert "10 | Progress\n20 | Plan" in edit.content.decode()
    grading = client_for(instructor).get(
        f"/courses/cs107/milestones/{milestone.pk}/grade/student/{student.pk}/"
    )
    text = grading.content.decode()
    assert "Progress (0–10)" in text and "Plan (0–20)" in text
    assert "E+" not in text
