"""The students of ``bench/quiz_load.py``, as a locustfile: run by Locust (gevent,
one greenlet per student, geventhttpclient's FastHttpUser), never imported by the
site. ``bench/quiz_load.py`` writes the plan (``QUIZ_LOAD_PLAN``: a JSON file) and
reads back what happened (the plan's ``out`` file, written when Locust quits).

What one student does, over plain HTTP like the attempt page's script:

1. at its own moment (``opens_at`` + its share of ``ramp``) POST the quiz's start page;
   503 with ``Retry-After`` ("you are in line") means wait that long and press again;
2. GET the attempt page and read, as the page's script does, each question's position,
   type, revision and (choice questions) the options it shows;
3. for ``duration`` seconds: autosave every ``interval`` seconds a value fitting a
   random question (an option for a choice question, text otherwise, a code-sized
   text for code), and, as the page does, ask for the time left once ``poll`` seconds
   have passed without a save's reply (which carries the time left and the deadline);
4. with ``submit``: save a code answer to the code question, POST submit, load the
   results page, and then, as ``results.js`` does, ask its progress address (after
   1.5 s, then after the ``poll_after`` of each reply), loading the page again only
   when the number of answers being graded changed, until it shows the grade.

Every request is recorded (kind, when it began, seconds, HTTP status), and so is
every acknowledged save (attempt, position, revision, value).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import secrets
import string
import time

import gevent
from locust import FastHttpUser, events, task
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["QUIZ_LOAD_PLAN"]).read())
_next_student = itertools.count()
RECORDS: list[tuple[str, float, float, int]] = []  # (kind, began (epoch), seconds, status)
ACKED: list[tuple[int, int, int, str]] = []  # (attempt, position, revision, value)
# Saves sent whose reply never came (a timeout, a dropped connection): the server may
# still have stored them, after the last acknowledged one. (attempt, position, value)
UNANSWERED: list[tuple[int, int, str]] = []
ATTEMPTS: dict[int, int] = {}  # user id -> attempt id
GRADED: list[tuple[int, float, float]] = []  # (attempt, submitted at (epoch), seconds)
ERRORS: dict[str, int] = {}
COUNTS = {"in_line": 0, "refused": 0, "finished": 0}

_QUESTION = re.compile(
    r'data-position="(\d+)" data-number="\d+" data-type="(\w+)"\s+data-revision="(\d+)"'
)
_OPTION = re.compile(r'<input type="radio" name="q(\d+)" value="([^"]*)"')
_GRADING = re.compile(r'id="results" data-grading="(\w*)" data-pending="(\d*)"')


def _error(what: str) -> None:
    ERRORS[what] = ERRORS.get(what, 0) + 1


class Student(FastHttpUser):
    host = PLAN["base_url"]
    # A class's requests all wait behind one another at the spike's peak; a browser
    # waits far longer than this before giving up.
    connection_timeout = 60.0
    network_timeout = 60.0

    def on_start(self) -> None:
        index = next(_next_student)
        self.user_id, session_key = PLAN["students"][index]
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.headers = {
            "Cookie": f"sessionid={session_key}; csrftoken={self.csrf}",
            "X-CSRFToken": self.csrf,
        }
        self.rng = random.Random(self.user_id)
        self.page = secrets.token_hex(16)  # one load of the attempt page
        n = len(PLAN["students"])
        self.start_at = PLAN["opens_at"] + PLAN["ramp"] * index / n + self.rng.uniform(0, 0.05)
        self.attempt_id = 0
        self.questions: dict[int, tuple[str, int, list[str]]] = {}  # pos -> type, rev, options

    def send(
        self, kind: str, method: str, path: str, body: bytes | None = None, ctype: str = ""
    ) -> tuple[int, dict[str, str], str]:
        headers = dict(self.headers)
        if ctype:
            headers["Content-Type"] = ctype
        began = time.time()
        with self.client.request(
            method,
            path,
            data=body,
            headers=headers,
            name=kind,
            allow_redirects=False,
            catch_response=True,
        ) as resp:
            seconds = time.time() - began
            status = resp.status_code or 0
            text = resp.text or "" if status else ""
            resp.success()  # judged below, per kind: a 503 in line is no failure
        RECORDS.append((kind, began, seconds, status))
        return status, {k.lower(): v for k, v in (resp.headers or {}).items()}, text

    @task
    def take_quiz(self) -> None:
        try:
            gevent.sleep(max(0.0, self.start_at - time.time()))
            if self.press_start() and self.first_page():
                self.work()
                if PLAN["submit"]:
                    self.submit()
        finally:
            COUNTS["finished"] += 1
            if COUNTS["finished"] == len(PLAN["students"]):
                self.environment.runner.quit()
        raise StopUser()

    def press_start(self) -> bool:
        began = time.time()
        while True:
            status, headers, _ = self.send(
                "start try", "POST", PLAN["start_path"], b"", "application/x-www-form-urlencoded"
            )
            if status != 503 or "retry-after" not in headers:
                break
            COUNTS["in_line"] += 1  # the page waits as told and presses Start again
            gevent.sleep(int(headers["retry-after"]))
        RECORDS.append(("start", began, time.time() - began, status))
        location = headers.get("location", "")
        if status != 302 or "/quiz-attempts/" not in location:
            _error(f"start: HTTP {status}")
            return False
        self.attempt_id = int(location.rstrip("/").rsplit("/", 1)[1])
        ATTEMPTS[self.user_id] = self.attempt_id
        return True

    def first_page(self) -> bool:
        status, _, text = self.send("page", "GET", f"/quiz-attempts/{self.attempt_id}/")
        if status != 200:
            _error(f"page: HTTP {status}")
            return False
        options: dict[int, list[str]] = {}
        for pos, value in _OPTION.findall(text):
            options.setdefault(int(pos), []).append(html.unescape(value))
        for pos, kind, revision in _QUESTION.findall(text):
            self.questions[int(pos)] = (kind, int(revision), options.get(int(pos), []))
        if not self.questions:
            _error("page: no questions found")
            return False
        return True

    def value(self, kind: str, options: list[str], n: int) -> str:
        if kind == "choice":
            return self.rng.choice(options)
        if kind == "code":
            # A code-sized answer: a few hundred to a couple of thousand characters.
            line = f"# student {self.user_id} save {n}\n"
            return line + "x = 1\n" * self.rng.randint(40, 300)
        return f"{self.user_id}.{n}"

    def save(self, position: int, value: str) -> bool:
        """Autosave; True when the server accepted it (its reply told the time left)."""
        kind, revision, _ = self.questions[position]
        body = json.dumps(
            {"position": position, "value": value, "revision": revision, "client": self.page}
        ).encode()
        status, _, text = self.send(
            "autosave",
            "POST",
            f"/quiz-attempts/{self.attempt_id}/autosave/",
            body,
            "application/json",
        )
        if status != 200:
            _error(f"autosave: HTTP {status}")
            return False
        reply = json.loads(text)
        if not reply.get("accepted"):
            COUNTS["refused"] += 1
            return False
        self.questions[position] = (kind, reply["revision"], self.questions[position][2])
        ACKED.append((self.attempt_id, position, reply["revision"], value))
        return True

    def work(self) -> None:
        stop_at = self.start_at + PLAN["duration"]
        interval, poll = PLAN["interval"], PLAN["poll"]
        next_save = time.time() + self.rng.uniform(0, interval)
        # The page polls an interval after it last heard from the server (its load).
        next_poll = time.time() + poll
        n = 0
        while min(next_save, next_poll) < stop_at:
            if next_save <= next_poll:
                gevent.sleep(max(0.0, next_save - time.time()))
                n += 1
                position = self.rng.choice(sorted(self.questions))
                kind, _, options = self.questions[position]
                if self.save(position, self.value(kind, options, n)):
                    next_poll = time.time() + poll
                next_save += interval
            else:
                gevent.sleep(max(0.0, next_poll - time.time()))
                status, _, _ = self.send(
                    "time left", "GET", f"/quiz-attempts/{self.attempt_id}/time-left/"
                )
                if status != 200:
                    _error(f"time left: HTTP {status}")
                next_poll += poll
        gevent.sleep(max(0.0, stop_at - time.time()))

    def submit(self) -> None:
        code = [p for p, (kind, _, _) in self.questions.items() if kind == "code"]
        if code:
            answer = f"# student {self.user_id}, final answer\n" + PLAN["code_answer"]
            self.save(code[0], answer)
        submitted = time.time()
        status, headers, _ = self.send(
            "submit",
            "POST",
            f"/quiz-attempts/{self.attempt_id}/submit/",
            b"confirm=yes",
            "application/x-www-form-urlencoded",
        )
        if status != 302 or "/results/" not in headers.get("location", ""):
            _error(f"submit: HTTP {status}")
            return
        # The browser follows the redirect to the results page; its script then asks
        # the progress address (after 1.5 s, then as the reply says) and fetches the
        # page again only when the number of answers being graded changed.
        results = f"/quiz-attempts/{self.attempt_id}/results/"
        pending = self.results_page(results, submitted)
        delay = 1.5
        deadline = submitted + PLAN["grading_wait"]
        while pending is not None and time.time() < deadline:
            gevent.sleep(delay)
            status, _, text = self.send("progress", "GET", f"{results}progress/")
            if status != 200:
                _error(f"results progress: HTTP {status}")
                return
            reply = json.loads(text)
            delay = float(reply["poll_after"])
            if str(reply["pending"]) != pending or reply["pending"] == 0:
                pending = self.results_page(results, submitted)
        if pending is not None:
            _error("results: still grading when the bench stopped waiting")

    def results_page(self, url: str, submitted: float) -> str | None:
        """Fetch the results page: None once it shows the grade (recorded), else the
        number of answers it says are being graded (``data-pending``)."""
        status, _, text = self.send("results", "GET", url)
        found = _GRADING.search(text)
        if status != 200 or not found:
            _error(f"results: HTTP {status}")
            return None
        if found.group(1) != "pending":
            GRADED.append((self.attempt_id, submitted, time.time() - submitted))
            return None
        return found.group(2)


@events.quitting.add_listener
def _write_out(environment, **_kwargs) -> None:
    with open(PLAN["out"], "w") as f:
        json.dump(
            {
                "records": RECORDS,
                "acked": ACKED,
                "unanswered": UNANSWERED,
                "attempts": ATTEMPTS,
                "graded": GRADED,
                "errors": ERRORS,
                "counts": COUNTS,
            },
            f,
        )
