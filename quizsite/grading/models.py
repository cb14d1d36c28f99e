from __future__ import annotations

from django.conf import settings
from django.db import models

from quizsite.grading.priorities import Priority


class Submission(models.Model):
    """One piece of code to grade against one question version. Rows move
    queued -> running -> graded | error; a worker claims a row atomically."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        GRADED = "graded"
        ERROR = "error"  # the grader or the question failed: never a student's zero

    class Purpose(models.TextChoices):
        ANSWER = "answer", "Answer"  # counts
        VISIBLE_TESTS = "visible", "Run visible tests"  # a student's trial run: never counted
        PREVIEW = "preview", "Staff preview"  # code tried on a bank preview page: never counted

    question_version = models.ForeignKey(
        "questions.QuestionVersion", on_delete=models.PROTECT, related_name="submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.TextField()
    seed = models.BigIntegerField(default=0)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.ANSWER)
    # Lower is graded first (quizsite/grading/priorities.py); kept so a re-enqueue keeps it.
    priority = models.PositiveSmallIntegerField(
        choices=[(p.value, p.label) for p in Priority], default=Priority.NORMAL
    )

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    result = models.JSONField(null=True, blank=True)  # the grader's result JSON
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    error_detail = models.TextField(blank=True)  # for staff logs; never shown to students

    tries = models.PositiveIntegerField(default=0)  # how many times a worker claimed it
    claim_token = models.CharField(max_length=64, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)  # host:pid of the claiming worker
    lease_until = models.DateTimeField(null=True, blank=True)

    # The phases staff see (quizsite/grading/figures.py): queued from created_at (sent) to
    # started_at (the claim that graded it), running to finished_at (the result written
    # here), stored to stored_at (the answer and the attempt's score updated, so the
    # student's page shows it).
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)  # last sent to the broker
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "lease_until"], name="submission_sweep"),
            # The queue ahead of an answer and the queue's depth per priority.
            models.Index(fields=["status", "priority", "created_at"], name="submission_queue"),
            # The last hour's phases.
            models.Index(fields=["finished_at"], name="submission_finished"),
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.GRADED, self.Status.ERROR)
