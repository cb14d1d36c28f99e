"""What a hostile student can cost the server, measured in-process against PostgreSQL
with DEBUG off (Django's test client, no network):

* the staff statistics page when a choice answer holds ``"[" * 20000``;
* the growth of the refused-save log (LateSave) from 5 late saves of 4 MB each;
* how many autosaves of one attempt are accepted in a burst of ``--burst`` seconds;
* the growth of the revision history when one answer is saved 30 times a minute for
  ``--minutes`` minutes with 180 KB each time (save times simulated, not waited for);
* whether the right password logs in after 30 wrong ones.

    .venv/bin/python bench/hostile_student.py [--burst 5] [--minutes 12]

The database named in BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/quizsite_bench_hostile) is dropped and created
afresh. Values are random text, so PostgreSQL's compression does not hide their size.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.quiz_load import recreate_database  # noqa: E402 - after the path is set

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/quizsite_bench_hostile"


def configure(database_url: str) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="hostile-bench-"))
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "quizsite.settings",
            "CELERY_BROKER_URL": "memory://",
            "QUIZSITE_VAR_DIR": str(scratch / "var"),
            "STATIC_ROOT": str(scratch / "static"),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def relation_bytes(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [table])
        return cursor.fetchone()[0]


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def random_text(chars: int) -> str:
    return secrets.token_urlsafe(chars)[:chars]


def seed():
    from django.utils import timezone

    from quizsite.accounts.models import Course, Membership, User
    from quizsite.bank.models import Question, QuestionVersion
    from quizsite.quizzes.models import Quiz, QuizPool

    files = {
        "question.toml": 'title = "Pick"\ntype = "choice"\npoints = 1\nprompt = "Pick one."\n'
        'options = ["alpha", "beta"]\nanswer = "alpha"\nshuffle = false\n'
    }
    choice = Question.objects.create(bank="b", path="t/pick", title="Pick", type="choice")
    choice.current = QuestionVersion.objects.create(
        question=choice, number=1, content_hash="0" * 64, files=files
    )
    choice.save()
    code_files = {
        "question.toml": 'title = "Code"\ntype = "code"\npoints = 1\nprompt = "Write f."\n'
        '[code]\nentry = ["f"]\nreference = "reference.py"\n[[tests]]\nexpr = "f()"\n',
        "reference.py": "def f():\n    return 1\n",
    }
    code = Question.objects.create(bank="b", path="t/code", title="Code", type="code")
    code.current = QuestionVersion.objects.create(
        question=code, number=1, content_hash="1" * 64, files=code_files
    )
    code.save()
    course = Course.objects.create(code="hostile", title="Hostile", timezone="UTC")
    now = timezone.now()
    quiz = Quiz.objects.create(
        course=course,
        title="Quiz",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=6),
        time_limit=timedelta(minutes=60),
        shuffle=False,
    )
    pool = QuizPool.objects.create(quiz=quiz, count=2)
    pool.questions.set([choice, code])
    people = {}
    for name, role in (("mallory", "student"), ("staff", "ta"), ("victim", "student")):
        user = User.objects.create_user(name, f"{name}@example.edu", f"{name}-Passw0rd!")
        Membership.objects.create(user=user, course=course, role=role)
        people[name] = user
    return quiz, people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=float, default=5.0, help="seconds of autosave burst")
    parser.add_argument("--minutes", type=int, default=12, help="simulated minutes of saves")
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    recreate_database(database_url)
    configure(database_url)

    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from quizsite.quizzes.actions.answers import save_answer
    from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
    from quizsite.quizzes.models import Answer, AnswerRevision, Attempt

    quiz, people = seed()
    mallory = Client()
    mallory.force_login(people["mallory"])
    attempt = start_attempt(quiz, people["mallory"], now=timezone.now())
    url = reverse("quizzes:autosave", args=[attempt.pk])

    def position(an_attempt, kind: str) -> int:
        return an_attempt.questions.get(question_version__question__type=kind).position

    code_at, choice_at = position(attempt, "code"), position(attempt, "choice")

    def save(position: int, value) -> int:
        body = json.dumps({"position": position, "value": value})
        return mallory.post(url, data=body, content_type="application/json").status_code

    # 1. Autosave burst.
    accepted = sent = 0
    started = time.perf_counter()
    while time.perf_counter() - started < args.burst:
        sent += 1
        accepted += save(code_at, f"x = {sent}") == 200
    elapsed = time.perf_counter() - started
    print(
        f"autosave burst: {sent} sent in {elapsed:.1f} s, {accepted} accepted "
        f"({accepted / elapsed:.1f} accepted/s)"
    )

    # 2. A hostile value in a choice answer, then the statistics page. (Each step
    # starts with no rate limit used, so it measures its own effect alone.)
    cache.clear()
    planted = "[" * 20000
    status = save(choice_at, planted)
    if status != 200:  # refused now: plant it as an older release would have stored it
        Answer.objects.filter(
            attempt_question__attempt=attempt, attempt_question__position=choice_at
        ).update(value=planted, revision=1, saved_at=timezone.now())
    print(f'autosave of "[" * 20000 as a choice answer: HTTP {status}')
    submit_attempt(attempt, now=timezone.now())
    staff = Client()
    staff.force_login(people["staff"])
    started = time.perf_counter()
    page = staff.get(reverse("quizzes:statistics", args=[quiz.course.code, quiz.pk]))
    print(
        f"statistics page with it: HTTP {page.status_code} in {time.perf_counter() - started:.2f} s"
    )

    # 3. Refused saves (the attempt is submitted) of 4 MB each.
    cache.clear()
    before = relation_bytes("quizzes_latesave")
    statuses = [save(code_at, random_text(4_000_000)) for _ in range(5)]
    grown = relation_bytes("quizzes_latesave") - before
    print(f"5 refused saves of 4 MB: HTTP {sorted(set(statuses))}, LateSave grew {mb(grown)}")

    # 4. The revision history of one answer saved 30 times a minute, 180 KB each.
    victim_attempt = start_attempt(quiz, people["victim"], now=timezone.now())
    Attempt.objects.filter(pk=victim_attempt.pk).update(
        deadline=timezone.now() + timedelta(hours=5)
    )
    victim_attempt.refresh_from_db()
    before = relation_bytes("quizzes_answerrevision")
    at = timezone.now()
    saves = args.minutes * 30
    for n in range(saves):
        save_answer(
            victim_attempt,
            position(victim_attempt, "code"),
            f"# {n}\n" + random_text(180_000),
            now=at,
        )
        at += timedelta(seconds=2)
        if n == 29:
            after_30 = relation_bytes("quizzes_answerrevision") - before
    grown = relation_bytes("quizzes_answerrevision") - before
    kept = AnswerRevision.objects.filter(answer__attempt_question__attempt=victim_attempt)
    live = sum(len(json.dumps(v)) for v in kept.values_list("value", flat=True).iterator())
    print(f"30 saves of 180 KB: revisions grew {mb(after_30)}")
    print(
        f"{saves} saves of 180 KB over {args.minutes} simulated minutes: {kept.count()} "
        f"revisions kept ({mb(live)} of values); the table's files grew {mb(grown)} "
        "(deleted rows' space is reused once vacuumed)"
    )

    # 5. Guessing a password.
    guesser = Client()
    started = time.perf_counter()
    codes = [
        guesser.post(
            "/accounts/login/", {"username": "victim", "password": f"guess{n}"}
        ).status_code
        for n in range(30)
    ]
    right = guesser.post("/accounts/login/", {"username": "victim", "password": "victim-Passw0rd!"})
    print(
        f"30 wrong passwords in {time.perf_counter() - started:.1f} s (HTTP "
        f"{sorted(set(codes))}), then the right one: HTTP {right.status_code} "
        f"({'logged in' if right.status_code == 302 else 'refused'})"
    )


if __name__ == "__main__":
    main()
