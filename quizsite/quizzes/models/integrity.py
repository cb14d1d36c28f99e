"""Exam integrity: similarity runs and their ranked pairs, the browser sessions that
opened an attempt, and the attempt's activity log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from quizsite.quizzes.models.attempts import Answer, Attempt
from quizsite.quizzes.models.quizzes import Quiz


class SimilarityRun(models.Model):
    """Staff asked which answers to one code question of a quiz look copied. A Celery
    task (``tasks.find_similar_answers``) ranks the pairs; the page shows its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Comparing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="similarity_runs")
    question = models.ForeignKey("questions.Question", on_delete=models.CASCADE, related_name="+")
    # Also compare with answers to the same question in other courses' quizzes.
    include_archive = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)  # answers fingerprinted so far
    total = models.PositiveIntegerField(default=0)
    too_short = models.PositiveIntegerField(default=0)  # little beyond the starter code
    truncated = models.PositiveIntegerField(default=0)  # cut at the budget or unreadable
    error = models.TextField(blank=True)  # for staff: why a run failed

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Similarity of {self.question_id} in {self.quiz_id} ({self.status})"


class SimilarityPair(models.Model):
    """Two answers of a run and how much of them is shared (see grader.similarity)."""

    run = models.ForeignKey(SimilarityRun, on_delete=models.CASCADE, related_name="pairs")
    answer_a = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")
    answer_b = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    shared = models.PositiveIntegerField()
    share_a = models.FloatField()
    share_b = models.FloatField()

    class Meta:
        ordering = ["run", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "rank"], name="unique_similarity_rank")
        ]

    def __str__(self) -> str:
        return f"#{self.rank} of run {self.run_id}: {self.score:.0%}"


class AttemptSession(models.Model):
    """A browser session that opened an attempt: the first is its owner; another is
    noticed, and with the one-device rule waits until staff allow it."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="sessions")
    # sha256 of the session key: enough to tell sessions apart, useless to steal one.
    session_hash = models.CharField(max_length=64)
    owner = models.BooleanField(default=False)
    allowed = models.BooleanField(default=False)
    allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    address = models.GenericIPAddressField(null=True, blank=True)
    browser = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["attempt", "first_seen", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "session_hash"], name="unique_attempt_session"
            )
        ]

    def __str__(self) -> str:
        return f"Session {self.session_hash[:8]} of {self.attempt}"


class ActivityEvent(models.Model):
    """One entry of an attempt's activity timeline (see activity.py): reported by the
    page (focus lost and regained, a paste) or seen by the server (another address,
    browser or device). Never used to block anyone."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="activity")
    session = models.ForeignKey(
        AttemptSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20)
    at = models.DateTimeField()
    position = models.PositiveIntegerField(null=True, blank=True)  # the question, for a paste
    size = models.PositiveIntegerField(null=True, blank=True)  # characters pasted
    address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)  # e.g. the new browser

    # Not stored: set on a timeline's events by integrity_selectors.activity_of, for
    # the page (what the event is called, and seconds away for a return to the page).
    label: str
    away: float | None

    class Meta:
        ordering = ["attempt", "at", "pk"]
        indexes = [models.Index(fields=["attempt", "at"], name="activity_by_attempt")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%H:%M:%S} in {self.attempt}"
