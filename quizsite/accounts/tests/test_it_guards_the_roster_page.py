import pytest

CASES = [
    ("anonymous", 302),
    ("stranger", 404),
    ("student", 404),
    ("other_student", 404),
    ("ta", 200),
    ("instructor", 200),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), CASES)
def test_it_lets_only_staff_see_the_roster(personas, client_for, course, persona, status):
    response = client_for(personas[persona]).get(f"/courses/{course.code}/roster/")
    assert response.status_code == status


@pytest.mark.django_db
def test_it_does_not_let_staff_of_one_course_see_another(client_for, ta, other_course):
    assert client_for(ta).get(f"/courses/{other_course.code}/roster/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["stranger", "student", "ta"])
def test_it_answers_a_missing_course_as_one_it_may_not_see(personas, client_for, persona):
    # Same status for both: the answer does not tell which course codes exist.
    client = client_for(personas[persona])
    assert client.get("/courses/no-such-course/roster/").status_code == 404
    assert client.post("/courses/no-such-course/roster/").status_code == 404
