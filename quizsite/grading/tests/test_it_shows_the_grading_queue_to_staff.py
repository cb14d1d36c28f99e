"""Course staff see the grading queue: its depth per priority, the oldest answer
waiting and the time spent in each phase over the last hour; one query per figure.
Students and strangers do not."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizsite.grading import figures
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission
from quizsite.grading.priorities import Priority


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("stranger", 403),
        ("student", 403),
        ("other_student", 403),
        ("ta", 200),
        ("instructor", 200),
    ],
)
def test_it_shows_the_queue_to_course_staff_only(personas, client_for, who, status):
    response = client_for(personas[who]).get(reverse("grading:queue"))
    assert response.status_code == status


def _sent(version, priority, *, ago: timedelta, now, **fields):
    sub = submit_code(version, "a = 1", priority=priority)
    Submission.objects.filter(pk=sub.pk).update(created_at=now - ago, **fields)
    return sub


@pytest.fixture
def queue_rows(add_version, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(3):
            _sent(add_version, Priority.REGRADE, ago=timedelta(minutes=4), now=now)
        _sent(add_version, Priority.LIVE, ago=timedelta(seconds=20), now=now)
        _sent(add_version, Priority.LIVE, ago=timedelta(seconds=5), now=now, status="running")
        # Finished within the hour: 2 s queued, 1 s running, 0.5 s stored; and 6/3/1.5.
        for queued, running, stored in ((2, 1, 0.5), (6, 3, 1.5)):
            finished = now - timedelta(minutes=10)
            started = finished - timedelta(seconds=running)
            _sent(
                add_version,
                Priority.LIVE,
                ago=timedelta(minutes=10, seconds=running + queued),
                now=now,
                status="graded",
                started_at=started,
                finished_at=finished,
                stored_at=finished + timedelta(seconds=stored),
            )
        # Finished more than an hour ago: not in the figures.
        _sent(
            add_version,
            Priority.NORMAL,
            ago=timedelta(hours=2),
            now=now,
            status="graded",
            started_at=now - timedelta(hours=2),
            finished_at=now - figures.WINDOW - timedelta(seconds=1),
            stored_at=now - figures.WINDOW,
        )
    return now


@pytest.mark.django_db
def test_it_computes_each_figure_in_one_query(queue_rows, django_assert_num_queries):
    now = queue_rows
    with django_assert_num_queries(1):
        depth = figures.queue_depth()
    assert [(d.priority, d.queued, d.running) for d in depth] == [
        (Priority.LIVE, 1, 1),
        (Priority.NORMAL, 0, 0),
        (Priority.REGRADE, 3, 0),
    ]
    with django_assert_num_queries(1):
        oldest = figures.oldest_waiting(now=now)
    assert oldest.priority is Priority.REGRADE
    assert oldest.waited == timedelta(minutes=4)
    with django_assert_num_queries(1):
        (live,) = figures.phases(now=now)
    assert live.priority is Priority.LIVE and live.finished == 2
    assert live.queued == figures.Phase(timedelta(seconds=4), timedelta(seconds=6))
    assert live.running == figures.Phase(timedelta(seconds=2), timedelta(seconds=3))
    assert live.stored == figures.Phase(timedelta(seconds=1), timedelta(seconds=1.5))


@pytest.mark.django_db
def test_it_renders_the_figures(queue_rows, ta, client_for):
    page = client_for(ta).get(reverse("grading:queue")).content.decode()
    assert "Oldest answer waiting: 4 min" in page
    assert "Live quiz" in page and "4.00 s" in page and "3.00 s" in page


@pytest.mark.django_db
def test_it_says_when_nothing_waits(ta, client_for):
    page = client_for(ta).get(reverse("grading:queue")).content.decode()
    assert "No answer is waiting." in page
    assert "No answer was graded in the last 60 minutes." in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "linked"), [("student", False), ("ta", True), ("instructor", True)]
)
def test_it_links_the_queue_from_staff_s_home_page(personas, client_for, who, linked):
    page = client_for(personas[who]).get(reverse("home")).content.decode()
    assert (reverse("grading:queue") in page) is linked
