"""A class's burst against a SQLite file database with the settings ``make run`` uses.

Run as its own process (``python -m quizsite.quizzes.tests.sqlite_burst``) with
``DATABASE_URL`` pointing at a SQLite file: the suite's own test database may be
PostgreSQL, and an in-memory SQLite database never locks. Every student's thread
saves a dozen answers as fast as it can, then submits, and the code answers are
graded in the same threads (eager Celery, the no-isolation sandbox), so saves,
submits and the grader's writes all meet on the one file. Prints a JSON summary with
every error met."""

from __future__ import annotations

import json
import sys
import threading
from datetime import timedelta

STUDENTS = 8
SAVES_EACH = 12


def _run() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from quizsite.accounts.models import Course, Membership, User
    from quizsite.celery import app
    from quizsite.quizzes.actions.answers import save_answer
    from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
    from quizsite.quizzes.models import Answer, Attempt, Quiz, QuizPool
    from quizsite.quizzes.tests.conftest import SMALL_BANK, store_question

    call_command("migrate", verbosity=0)
    app.conf.task_always_eager = True
    now = timezone.now()
    course = Course.objects.create(code="burst", title="Burst", timezone="UTC")
    quiz = Quiz.objects.create(
        course=course,
        title="Burst",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
        time_limit=timedelta(minutes=30),
        shuffle=False,
    )
    pool = QuizPool.objects.create(quiz=quiz, count=len(SMALL_BANK))
    pool.questions.set([store_question(path, files) for path, files in SMALL_BANK.items()])
    attempts = []
    for i in range(STUDENTS):
        user = User.objects.create_user(username=f"s{i}", password="x")
        Membership.objects.create(user=user, course=course, role="student")
        attempts.append(start_attempt(quiz, user, now=now).pk)
    by_type = {
        aq.question_version.question.type: aq.position
        for aq in Attempt.objects.get(pk=attempts[0]).questions.select_related(
            "question_version__question"
        )
    }
    values = {
        "text": lambda k: f"UnboundLocalError {k}",
        "numeric": lambda k: str(100 + k),
        "code": lambda k: f"def double(x):\n    return 2 * x  # {k}\n",
    }
    errors: list[str] = []
    barrier = threading.Barrier(STUDENTS)

    def student(pk: int) -> None:
        try:
            barrier.wait()
            for k in range(SAVES_EACH):
                kind = ("text", "numeric", "code")[k % 3]
                attempt = Attempt.objects.select_related("quiz").get(pk=pk)
                result = save_answer(attempt, by_type[kind], values[kind](k), now=timezone.now())
                if not result.accepted:
                    errors.append(f"refused: {result.message}")
            attempt = Attempt.objects.select_related("quiz").get(pk=pk)
            submit_attempt(attempt, now=timezone.now())
        except Exception as exc:  # every failure is the finding: reported, not raised
            errors.append(f"{exc.__class__.__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=student, args=(pk,)) for pk in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    last = values["code"](max(k for k in range(SAVES_EACH) if k % 3 == 2))
    return {
        "journal_mode": journal,
        "errors": errors,
        "submitted": Attempt.objects.filter(status="submitted").count(),
        "graded": Attempt.objects.exclude(score=None).count(),
        "last_code_kept": Answer.objects.filter(
            attempt_question__position=by_type["code"], value=last
        ).count(),
        "students": STUDENTS,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(_run()) + "\n")
