"""A TA opens the grading queue page: the depth per priority, the oldest answer
waiting and the last hour's phases, readable and accessible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.grading.models import Submission
from quizsite.grading.tests.conftest import make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_queue_to_a_ta(browser, ta) -> None:
    version = make_version("arith/add")
    now = timezone.now()
    for priority, ago in ((2, 300), (2, 200), (0, 3)):
        row = Submission.objects.create(question_version=version, code="", priority=priority)
        Submission.objects.filter(pk=row.pk).update(created_at=now - timedelta(seconds=ago))
    finished = now - timedelta(minutes=5)
    graded = Submission.objects.create(
        question_version=version,
        code="",
        priority=0,
        status="graded",
        started_at=finished - timedelta(seconds=1.25),
        finished_at=finished,
        stored_at=finished + timedelta(seconds=0.05),
    )
    Submission.objects.filter(pk=graded.pk).update(created_at=finished - timedelta(seconds=3.25))
    browser.login(ta)
    browser.go("/grading/queue/")
    d = browser.driver
    assert d.find_element(By.TAG_NAME, "h1").text == "Grading queue"
    rows = [
        [cell.text for cell in tr.find_elements(By.CSS_SELECTOR, "th, td")]
        for tr in d.find_elements(By.CSS_SELECTOR, "table:first-of-type tbody tr")
    ]
    assert rows == [
        ["Live quiz", "1", "0"],
        ["Homework and previews", "0", "0"],
        ["Regrade", "2", "0"],
    ]
    assert d.find_element(By.ID, "oldest").text.startswith("Oldest answer waiting: 5 min 0")
    phases = d.find_elements(By.CSS_SELECTOR, "table")[1].text
    assert "Live quiz 1 2.00 s 2.00 s 1.25 s 1.25 s 0.05 s 0.05 s" in phases
    browser.screenshot("grading-queue")
    assert browser.audit() == []
