def test_it_links_the_milestones_from_the_home_page(client_for, student):
    page = client_for(student).get("/").content.decode()
    assert 'href="/courses/cs107/milestones/"' in page


def test_it_hides_a_course_milestones_from_non_members(client_for, stranger, student):
    assert client_for(stranger).get("/courses/cs107/milestones/").status_code == 404
    assert client_for(student).get("/courses/cs107/milestones/").status_code == 200
    assert client_for(None).get("/courses/cs107/milestones/").status_code == 302
