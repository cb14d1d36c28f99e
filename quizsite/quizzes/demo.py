"""Demo quizzes over whatever questions the database holds (the sample bank's topics),
for the demo seeding command and for trying the pages by hand."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from quizsite.accounts.models import Course
from quizsite.bank.models import Question
from quizsite.quizzes.models import FeedbackRelease, HomeworkPolicy, Quiz, QuizPool

SAMPLE_TOPICS = [
    "code-objects",
    "bytecode",
    "scopes",
    "objects",
    "frames",
    "generators",
    "memory",
    "numpy",
]
DEMO_TITLE = "Python internals: timed quiz"
HOMEWORK_TITLE = "Python internals: homework"


def _topic_counts() -> dict[str, int]:
    counts = {t: 0 for t in SAMPLE_TOPICS}
    for topics in Question.objects.filter(retired=False, current__isnull=False).values_list(
        "topics", flat=True
    ):
        for t in topics or []:
            if t in counts:
                counts[t] += 1
    return {t: n for t, n in counts.items() if n}


def _spread(total: int, available: dict[str, int]) -> dict[str, int]:
    """``total`` questions spread as evenly as the topics allow (a question is drawn
    once even if it has several topics, so this is a plan, not a promise)."""
    plan = {t: 0 for t in available}
    left = total
    while left and any(plan[t] < available[t] for t in plan):
        for t in plan:
            if left and plan[t] < available[t]:
                plan[t] += 1
                left -= 1
    return {t: n for t, n in plan.items() if n}


def _window(course: Course, now: datetime) -> tuple[datetime, datetime]:
    """9:00 to 21:00 course time today; if that window is not open now (a demo seeded
    at night), a 12-hour window that started an hour ago."""
    local = now.astimezone(course.tz)
    opens = datetime.combine(local.date(), time(9, 0), tzinfo=course.tz)
    closes = opens + timedelta(hours=12)
    if not (opens <= now and now + timedelta(minutes=30) < closes):
        opens = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        closes = opens + timedelta(hours=12)
    return opens, closes


def _pools(quiz: Quiz, total: int) -> None:
    for order, (topic, count) in enumerate(_spread(total, _topic_counts()).items(), start=1):
        QuizPool.objects.create(quiz=quiz, order=order, count=count, topic=topic)


def create_demo_quiz(course: Course, *, now: datetime) -> Quiz:
    """An open 12-question, 25-minute quiz drawn from the sample bank's topics, and a
    homework beside it (see create_demo_homework). Returns the timed quiz; calling it
    again returns the existing one."""
    create_demo_homework(course, now=now)
    existing = Quiz.objects.filter(course=course, title=DEMO_TITLE).first()
    if existing is not None:
        return existing
    opens, closes = _window(course, now)
    quiz = Quiz.objects.create(
        course=course,
        title=DEMO_TITLE,
        instructions=(
            "12 questions on Python internals. You have **25 minutes** from the moment you "
            "start. Every answer is saved as you type; when the time is up your attempt "
            "is submitted for you."
        ),
        opens_at=opens,
        closes_at=closes,
        time_limit=timedelta(minutes=25),
        grace=timedelta(seconds=30),
        attempts_allowed=1,
        shuffle=True,
        feedback_release=FeedbackRelease.IMMEDIATE,
    )
    _pools(quiz, 12)
    return quiz


def create_demo_homework(course: Course, *, now: datetime) -> Quiz:
    """Homework due in a week, 3 graded tries per question, the best counts."""
    existing = Quiz.objects.filter(course=course, title=HOMEWORK_TITLE).first()
    if existing is not None:
        return existing
    opens = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    quiz = Quiz.objects.create(
        course=course,
        title=HOMEWORK_TITLE,
        instructions="Work at your own pace until the due date. Each question has 3 graded tries.",
        opens_at=opens,
        closes_at=opens + timedelta(days=7),
        time_limit=None,
        homework_tries=3,
        homework_policy=HomeworkPolicy.BEST,
        feedback_release=FeedbackRelease.IMMEDIATE,
    )
    _pools(quiz, 8)
    return quiz
