"""The milestone, team and roster pages, as a student and as staff, pass axe-core's
WCAG 2.1 A and AA rules with no serious or critical violation."""

from __future__ import annotations

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser


def _audited(browser, name: str) -> list[str]:
    browser.screenshot(f"a11y-{name}")
    return [f"{name}: {problem}" for problem in browser.audit()]


def test_it_passes_on_the_report_pages(browser, student, ta, make_milestone, tmp_path) -> None:
    milestone = make_milestone(due_at=timezone.now() + timezone.timedelta(days=3), late_until=None)
    report = tmp_path / "progress.md"
    report.write_text("# Progress\n\nWe measured the bytecode of both versions.\n")
    wait = WebDriverWait(browser.driver, 15)
    problems = []

    browser.login(student)
    browser.go("/courses/cs107/milestones/")
    problems += _audited(browser, "milestones")
    browser.go(f"/courses/cs107/milestones/{milestone.pk}/")
    problems += _audited(browser, "milestone")
    browser.driver.find_element(By.ID, "id_report").send_keys(str(report))
    browser.driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait.until(ec.visibility_of_element_located((By.ID, "measured")))
    problems += _audited(browser, "milestone-confirm")
    browser.driver.find_element(By.CSS_SELECTOR, "button[value=confirm]").click()
    wait.until(ec.visibility_of_element_located((By.ID, "versions")))
    problems += _audited(browser, "milestone-handed-in")

    browser.login(ta)
    for name, path in [
        ("staff-milestones", "/courses/cs107/milestones/"),
        ("staff-new-milestone", "/courses/cs107/milestones/new/"),
        ("staff-submissions", f"/courses/cs107/milestones/{milestone.pk}/submissions/"),
        ("staff-grade", f"/courses/cs107/milestones/{milestone.pk}/grade/student/{student.pk}/"),
        ("staff-teams", "/courses/cs107/teams/"),
        ("staff-roster", "/courses/cs107/roster/"),
    ]:
        browser.go(path)
        problems += _audited(browser, name)
    browser.driver.get("about:blank")
    assert not problems, "\n".join(problems)
