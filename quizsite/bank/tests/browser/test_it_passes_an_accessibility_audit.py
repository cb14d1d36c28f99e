"""The staff bank pages (the index and a preview of each question type present)
pass axe-core's WCAG 2.1 A and AA rules with no serious or critical violation."""

from __future__ import annotations

import pytest

from quizsite.bank.tests.conftest import PAGE_IDS, preview_url

pytestmark = pytest.mark.browser


def test_it_passes_on_the_bank_pages(browser, preview_bank, ta) -> None:
    browser.login(ta)
    problems = []
    pages = [("bank-index", "/bank/")] + [(f"bank-{p}", preview_url(p)) for p in PAGE_IDS]
    for name, path in pages:
        browser.go(path)
        browser.screenshot(f"a11y-{name.replace('/', '-')}")
        problems += [f"{name}: {problem}" for problem in browser.audit()]
    assert not problems, "\n".join(problems)
