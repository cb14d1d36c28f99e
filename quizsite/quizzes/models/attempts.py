"""Attempts with their questions, every saved answer and its history, graded tries,
refused saves and time staff added."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from quizsite.quizzes.models.quizzes import Quiz


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class SubmittedBy(models.TextChoices):
    STUDENT = "student", "The student"
    TIMER = "timer", "Time ran out"
    STAFF = "staff", "Staff"


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField()
    # Stored so the expiry sweep is one indexed query; actions recompute it whenever an
    # override or staff-added time changes.
    deadline = models.DateTimeField()
    added_time = models.DurationField(default=timedelta(0))
    status = models.CharField(
        max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=10, choices=SubmittedBy.choices, blank=True)
    # None while any answer is still being graded or its grading failed (staff decide).
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(default=0)

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="unique_attempt_number"
            ),
            # Two clicks on "Start" can never make two running attempts.
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(status="in_progress"),
                name="one_running_attempt",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="attempt_expiry")]

    def __str__(self) -> str:
        return f"{self.user} on {self.quiz_id} #{self.number}"

    @property
    def is_running(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS


class AttemptQuestionQuerySet(models.QuerySet):
    def with_answers(self) -> AttemptQuestionQuerySet:
        """With their answer and question in the same query. A version's files are left
        out: ``content.parsed`` keeps each version parsed per process and reads them
        only when it has not seen the version yet."""
        return self.select_related("answer", "question_version__question", "graded_with").defer(
            "question_version__files", "graded_with__files"
        )


class AttemptQuestion(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()  # 1-based, as shown to the student
    # The version the student was given: later edits to the bank never change it.
    question_version = models.ForeignKey(
        "questions.QuestionVersion", on_delete=models.PROTECT, related_name="+"
    )
    seed = models.BigIntegerField(default=0)  # picks the variant and the option order
    points = models.FloatField()
    # The answer key the answer is graded with, when staff regraded it with a corrected
    # version of the question (``actions.regrades.regrade_question``); None: ``question_version``.
    # The student still sees the prompt of ``question_version``, the one they answered.
    graded_with = models.ForeignKey(
        "questions.QuestionVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    regraded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    regraded_at = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.attempt} Q{self.position}"

    @property
    def key_version(self):
        """The version whose answer key grades this answer."""
        return self.graded_with if self.graded_with_id else self.question_version


class GradingStatus(models.TextChoices):
    UNGRADED = "", "Not graded yet"
    PENDING = "pending", "Being graded"
    GRADED = "graded", "Graded"
    FAILED = "failed", "Grading failed: for staff to grade"
    # A hand-graded question (an essay): nothing scores it; staff set its points.
    HAND = "hand", "Awaiting hand grading"


class Answer(models.Model):
    """The current value of one answer. Every accepted save also leaves an
    AnswerRevision, so nothing a student typed is ever overwritten for good."""

    attempt_question = models.OneToOneField(
        AttemptQuestion, on_delete=models.CASCADE, related_name="answer"
    )
    value = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    # The page (one browser tab's load of the attempt) that saved the current value:
    # a save based on an older revision is refused only when another page wrote since.
    client = models.CharField(max_length=40, blank=True)

    points = models.FloatField(null=True, blank=True)
    grading_status = models.CharField(
        max_length=10, choices=GradingStatus.choices, default=GradingStatus.UNGRADED, blank=True
    )
    # What the student may see: the grader's "checks" list for code answers.
    feedback = models.JSONField(default=list, blank=True)
    submission = models.ForeignKey(
        "grading.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tries = models.PositiveIntegerField(default=0)  # homework: graded tries used
    # Staff set the points by hand: who and when. A hand grade stands until staff
    # grade it again; a grader result arriving later never replaces it.
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_by_hand_at = models.DateTimeField(null=True, blank=True)
    # The student flagged the question to come back to it (kept with the answer, so
    # a reload or a second tab shows it too).
    flagged = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Answer to {self.attempt_question} r{self.revision}"


class AnswerRevision(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    value = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField()
    # Reached us after the deadline but within the grace period (it counts).
    in_grace = models.BooleanField(default=False)
    client = models.CharField(max_length=40, blank=True)  # the page that saved it

    class Meta:
        ordering = ["answer", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "revision"], name="unique_revision")
        ]

    def __str__(self) -> str:
        return f"{self.answer} r{self.revision}"


class AnswerTry(models.Model):
    """Homework: one graded try of one answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="graded_tries")
    number = models.PositiveIntegerField()
    value = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()
    points = models.FloatField(null=True, blank=True)
    grading_status = models.CharField(
        max_length=10, choices=GradingStatus.choices, default=GradingStatus.PENDING
    )
    feedback = models.JSONField(default=list, blank=True)
    submission = models.ForeignKey(
        "grading.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["answer", "number"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "number"], name="unique_try_number")
        ]

    def __str__(self) -> str:
        return f"{self.answer} try {self.number}"


class LateSave(models.Model):
    """A save we refused (after deadline plus grace, after submission, or typed in a
    tab that had not seen a newer save from another tab). Kept for disputes and so
    that nothing typed is lost; never used as an answer."""

    attempt_question = models.ForeignKey(
        AttemptQuestion, on_delete=models.CASCADE, related_name="late_saves"
    )
    # The value sent, or the first characters of its JSON text when it was longer than
    # any answer may be (``history.refused_copy``): a refused request cannot grow the
    # table by more than that.
    value = models.JSONField(null=True, blank=True)
    truncated = models.BooleanField(default=False)
    size = models.PositiveIntegerField(default=0)  # characters of the value's JSON text
    sha256 = models.CharField(max_length=64, blank=True)  # of the whole JSON text
    received_at = models.DateTimeField()
    reason = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"Refused save for {self.attempt_question} at {self.received_at:%H:%M:%S}"


class TimeAddition(models.Model):
    """Staff gave a running attempt more time: who, when, how much."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="time_additions")
    minutes = models.IntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at"]

    def __str__(self) -> str:
        return f"+{self.minutes} min for {self.attempt}"
