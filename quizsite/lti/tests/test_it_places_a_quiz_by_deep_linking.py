"""An instructor in the LMS picks a quiz; the tool answers the platform with a signed
deep-linking response placing it as an assignment (with its grade-book column); a
student's launch of the placed link opens the quiz and its scores go to that column."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from html import unescape

import pytest

from quizsite.lti.models import LineItem
from quizsite.lti.tests.conftest import launch

pytestmark = pytest.mark.django_db


def _post_back(page: str) -> str:
    """What the autopost page's script does: send its form to the platform."""
    action = unescape(re.search(r'action="([^"]+)"', page).group(1))
    jwt_value = unescape(re.search(r'name="JWT" value="([^"]+)"', page).group(1))
    data = urllib.parse.urlencode({"JWT": jwt_value}).encode()
    with urllib.request.urlopen(action, data=data, timeout=10) as resp:  # noqa: S310 - loopback
        return resp.read().decode()


def test_it_places_the_chosen_quiz_in_the_lms(linked_course, platform, client, make_quiz):
    quiz = make_quiz(course=linked_course, title="Bytecode quiz")
    make_quiz(course=linked_course, title="Not chosen")
    response = launch(client, platform, "lms-ivy", message_type="LtiDeepLinkingRequest")
    assert response["Location"] == "/lti/deep-link/"
    picker = client.get("/lti/deep-link/").content.decode()
    assert "Bytecode quiz" in picker and "Not chosen" in picker

    page = client.post("/lti/deep-link/", {"quiz": [str(quiz.pk)]}).content.decode()
    assert 'src="/static/lti/autopost.js"' in page and "<script>" not in page
    assert "Placed: Bytecode quiz" in _post_back(page)
    [item] = platform.deep_link_items
    assert item["type"] == "ltiResourceLink"
    assert item["custom"] == {"quizsite_quiz": str(quiz.pk)}
    assert item["url"] == "http://testserver/lti/launch/"
    assert item["lineItem"]["resourceId"] == f"quiz-{quiz.pk}"
    assert item["data"] == "dl-context-7"  # the request's data, echoed as the spec asks

    client.logout()
    student = launch(client, platform, "lms-ann", custom=item["custom"], link="placed-1")
    assert student["Location"] == f"/courses/{linked_course.code}/quizzes/{quiz.pk}/"
    assert LineItem.objects.get().quiz == quiz


def test_it_lets_only_instructors_deep_link(linked_course, platform, client):
    response = launch(client, platform, "lms-ann", message_type="LtiDeepLinkingRequest")
    assert response.status_code == 403
    assert "instructors can add Quizsite items" in response.content.decode()
    assert "_auth_user_id" not in client.session
    launch(client, platform, "lms-ann")  # signed in, but no deep-linking request
    assert client.get("/lti/deep-link/").status_code == 403
