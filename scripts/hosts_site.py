"""What the site does on the web host of the separate-hosts topology (scripts/hosts.sh),
run there with the site's own settings: submit code answers, report their state, and
autosave an answer while a fault happens. Prints JSON for the caller on the machine.

    scripts/hosts.sh exec web python scripts/hosts_site.py submit 20 --sleep 2
    scripts/hosts.sh exec web python scripts/hosts_site.py state
    scripts/hosts.sh exec web python scripts/hosts_site.py autosave --seconds 20
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402 - after the path is set

django.setup()

from django.db import InterfaceError, OperationalError, close_old_connections, connection  # noqa: E402
from django.utils import timezone  # noqa: E402

# A correct answer to the sample bank's countdown question, slowed down so that a fault
# can land while it is being graded.
QUESTION = "generators/countdown"
ANSWER = (
    "import time\ntime.sleep({sleep})\n\n"
    "def countdown(n):\n    while n > 0:\n        yield n\n        n -= 1\n"
)


def _version():
    from quizsite.bank.models import Question

    question = Question.objects.select_related("current").get(bank="sample", path=QUESTION)
    return question.current


def submit(count: int, sleep: float) -> list[int]:
    from quizsite.grading import actions

    version = _version()
    code = ANSWER.format(sleep=sleep)
    return [actions.submit_code(version, code, seed=i).pk for i in range(count)]


def state() -> list[dict]:
    from quizsite.grading.models import Submission

    rows = Submission.objects.order_by("pk").values(
        "pk", "status", "score", "max_score", "claimed_by", "tries"
    )
    return [dict(r) for r in rows]


def autosave(seconds: float) -> dict:
    """Save a new text into one answer every 0.1 s, as a page would, retrying a save
    that failed (the page keeps the text and tries again). Returns how many saves were
    acknowledged, how many tries failed, and whether the stored text is the last one
    acknowledged."""
    from quizsite.accounts.models import User
    from quizsite.quizzes.actions.answers import save_answer
    from quizsite.quizzes.actions.attempts import start_attempt
    from quizsite.quizzes.models import AttemptQuestion, Quiz

    def begin():
        user = User.objects.get(username="demo-student2")
        quiz = Quiz.objects.filter(course__code="cs107").order_by("pk").first()
        attempt = start_attempt(quiz, user, now=timezone.now())
        aq = (
            AttemptQuestion.objects.filter(attempt=attempt, question_version__question__type="code")
            .order_by("position")
            .first()
        )
        return attempt, aq

    # The database may be the one restarting as this starts: the page would retry too.
    for _ in range(60):
        try:
            attempt, aq = begin()
            break
        except OperationalError:
            close_old_connections()
            time.sleep(0.5)
    else:
        raise RuntimeError("the database did not come back within 30 s")
    acked = failed = 0
    last = None
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        text = f"# save {n}\n"
        while True:
            try:
                aq.answer.refresh_from_db()
                result = save_answer(
                    attempt,
                    aq.position,
                    text,
                    now=timezone.now(),
                    base_revision=aq.answer.revision,
                    client="hosts",
                )
                break
            except (OperationalError, InterfaceError):
                failed += 1
                connection.close()
                time.sleep(0.2)
        if result.accepted:
            acked += 1
            last = text
        time.sleep(0.1)
    aq.answer.refresh_from_db()
    return {"acked": acked, "failed_tries": failed, "last_kept": aq.answer.value == last}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("submit")
    p.add_argument("count", type=int)
    p.add_argument("--sleep", type=float, default=2.0)
    sub.add_parser("state")
    p = sub.add_parser("autosave")
    p.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    if args.command == "submit":
        out: object = submit(args.count, args.sleep)
    elif args.command == "state":
        out = state()
    else:
        out = autosave(args.seconds)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
