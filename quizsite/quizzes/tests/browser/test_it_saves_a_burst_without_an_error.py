"""A student answering fast, and the queue of saves a network blip leaves behind,
get no HTTP error; a save the server merely delays (429 with Retry-After, 503) shows
as "Saving… (delayed)", never as the red "Not saved". On SQLite (``make run``), six of
twelve such saves used to fail with "database is locked" and the page showed "Not
saved yet … retrying in 8 s" for about 13 s."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes.tests.browser.conftest import (
    block_autosave,
    positions_by_type,
    question,
    set_code,
    start_quiz,
    stored_answer,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser

# Every autosave's HTTP status, and every save state a question showed.
RECORD = """
window.seen = { statuses: [], states: [] };
const realFetch = window.fetch;
window.fetch = async (...args) => {
  const response = await realFetch(...args);
  if (String(args[0]).includes("/autosave/")) window.seen.statuses.push(response.status);
  return response;
};
new MutationObserver((changes) => {
  for (const c of changes) window.seen.states.push(c.target.dataset.state);
}).observe(document.getElementById("attempt"), {
  subtree: true, attributes: true, attributeFilter: ["data-state"],
});
"""

# The next ``n`` autosaves are answered as a busy server would, without reaching it.
BUSY = """
let busy = arguments[0];
const before = window.fetch;
window.fetch = async (...args) => {
  if (busy > 0 && String(args[0]).includes("/autosave/")) {
    busy -= 1;
    window.seen.states.push("(answered 429)");
    return new Response(JSON.stringify({ accepted: false, message: "busy" }), {
      status: 429, headers: { "Content-Type": "application/json", "Retry-After": "2" },
    });
  }
  return before(...args);
};
"""


def _click(browser, position: int, option: str) -> None:
    label = question(browser, position).find_element(
        By.XPATH, f".//label[normalize-space()='{option}']"
    )
    # Centred, so the sticky bar at the top never takes the click.
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", label)
    label.click()


def _edits(browser, at, round_: int) -> None:
    """Twelve answers in quick succession: options clicked, text typed, code set."""
    d = browser.driver
    for option in ["LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF"]:
        _click(browser, at["choice"], option)
    for option in ["co_cellvars", "co_freevars", "f_locals", "f_locals"]:
        _click(browser, at["multi"], option)
    d.find_element(By.ID, f"q{at['numeric']}-input").send_keys(str(round_))
    d.find_element(By.ID, f"q{at['text']}-input").send_keys(f"x{round_}")
    for k in range(3):
        set_code(browser, at["code"], f"def double(x):\n    return 2 * x  # {round_}.{k}\n")


def _all_saved(browser, at) -> None:
    for pos in at.values():
        wait_saved(browser, pos)


def test_it_saves_a_fast_student_and_a_blip_s_queue_without_an_error(
    browser, student, course, live_quiz
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    d.execute_script(RECORD)

    _edits(browser, at, 1)
    _all_saved(browser, at)

    block_autosave(browser, True)
    try:
        _edits(browser, at, 2)
        time.sleep(10)  # ten seconds offline, then the queued saves go out together
    finally:
        block_autosave(browser, False)
    d.execute_script("window.dispatchEvent(new Event('online'));")
    _all_saved(browser, at)

    statuses = d.execute_script("return window.seen.statuses;")
    assert statuses and set(statuses) == {200}, statuses
    assert stored_answer(student, at["code"]) == "def double(x):\n    return 2 * x  # 2.2\n"
    assert stored_answer(student, at["text"]) == "x1x2"


def test_it_shows_a_save_the_server_delays_as_delayed_not_failed(
    browser, student, course, live_quiz
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    d.execute_script(RECORD)
    d.execute_script(BUSY, 2)

    d.find_element(By.ID, f"q{at['text']}-input").send_keys("UnboundLocalError")
    state = d.find_element(By.CSS_SELECTOR, f"#q{at['text']} .save-state")
    wait_until(browser, lambda _: state.get_attribute("data-state") == "delayed")
    assert state.text.startswith("Saving… (delayed by a busy server, trying again in 2 s)")
    browser.screenshot("quiz-attempt-save-delayed")
    wait_saved(browser, at["text"])

    states = d.execute_script("return window.seen.states;")
    assert states.count("(answered 429)") == 2
    assert "failed" not in states, states
    assert stored_answer(student, at["text"]) == "UnboundLocalError"
