import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from quizsite.reports.models import ReportSubmission
from quizsite.reports.tests.pdfs import pdf_of_pages


@pytest.mark.browser
def test_it_uploads_a_report_and_sees_it_listed(browser, student, make_milestone, tmp_path):
    from django.utils import timezone

    milestone = make_milestone(due_at=timezone.now() + timezone.timedelta(days=3), late_until=None)
    report = tmp_path / "progress-report.pdf"
    report.write_bytes(pdf_of_pages(1.5))
    wait = WebDriverWait(browser.driver, 15)

    browser.login(student)
    browser.go(f"/courses/cs107/milestones/{milestone.pk}/")
    browser.driver.find_element(By.ID, "id_report").send_keys(str(report))
    browser.driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()

    measured = wait.until(ec.visibility_of_element_located((By.ID, "measured")))
    assert "1.49 pages (limit: 0.5 page)" in measured.text
    assert "flagged as over the limit" in browser.driver.page_source
    browser.screenshot("reports-confirm-length")
    browser.driver.find_element(By.CSS_SELECTOR, "button[value=confirm]").click()

    table = wait.until(ec.visibility_of_element_located((By.ID, "versions")))
    assert "progress-report.pdf" in table.text
    assert "over the limit" in table.text
    assert "Handed in as version 1." in browser.driver.page_source
    browser.screenshot("reports-uploaded-and-listed")
    assert ReportSubmission.objects.get().version == 1
    # Leave the page so no late request (favicon, prefetch) reaches the stopped server.
    browser.driver.get("about:blank")
