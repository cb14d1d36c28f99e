"""Quizzes, the pools their questions are drawn from, per-student overrides, the
feedback shown per question and draws prepared before a quiz opens."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from quizsite.lib.constraints import exactly_one_of, one_per


class FeedbackRelease(models.TextChoices):
    IMMEDIATE = "immediate", "As soon as the attempt is submitted"
    AFTER_CLOSE = "after_close", "After the window closes for everyone"
    MANUAL = "manual", "When staff release it"


class AnswerReview(models.TextChoices):
    """When a student sees each question's correct answer and explanation on the
    results page (their own answer and the prompt are always shown)."""

    AFTER_SUBMISSION = "after_submission", "As soon as the attempt is submitted"
    WITH_RESULTS = "with_results", "With the results, when they are released"
    NEVER = "never", "Never"


class HomeworkPolicy(models.TextChoices):
    BEST = "best", "Best try counts"
    LAST = "last", "Last try counts"


class Quiz(models.Model):
    course = models.ForeignKey("accounts.Course", on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True, help_text="Markdown, shown on the start page.")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField(help_text="End of the window; the due date of homework.")
    time_limit = models.DurationField(
        null=True, blank=True, help_text="Empty: homework, open until the window closes."
    )
    # Network lag: a save that reaches us this long after the deadline still counts.
    grace = models.DurationField(default=timedelta(seconds=30))
    attempts_allowed = models.PositiveIntegerField(default=1)
    shuffle = models.BooleanField(default=True, help_text="Shuffle question order per student.")
    feedback_release = models.CharField(
        max_length=20, choices=FeedbackRelease.choices, default=FeedbackRelease.AFTER_CLOSE
    )
    released_at = models.DateTimeField(null=True, blank=True)
    show_answers = models.CharField(
        "Correct answers and explanations",
        max_length=20,
        choices=AnswerReview.choices,
        default=AnswerReview.WITH_RESULTS,
        help_text="When students see the correct answers and explanations (never the "
        "reference code or hidden tests of code questions).",
    )
    one_question_per_page = models.BooleanField(
        default=False, help_text="Show one question at a time, with a list to move between them."
    )
    homework_tries = models.PositiveIntegerField(
        default=3, help_text="Homework only: graded tries per question."
    )
    homework_policy = models.CharField(
        max_length=10, choices=HomeworkPolicy.choices, default=HomeworkPolicy.BEST
    )
    # Access rules (see access_rules.py); an override may replace each.
    access_code = models.CharField(
        max_length=64, blank=True, help_text="Empty: no code. Students type it to start."
    )
    allowed_networks = models.TextField(
        blank=True, help_text="CIDR ranges, one per line (e.g. 10.20.0.0/16). Empty: anywhere."
    )
    one_device = models.BooleanField(
        default=False, help_text="An attempt is taken on one device at a time."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opens_at", "title"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="quiz_window_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(attempts_allowed__gte=1), name="quiz_at_least_one_attempt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.code}: {self.title}"

    @property
    def is_homework(self) -> bool:
        return self.time_limit is None

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The window must close after it opens."})
        if self.time_limit is not None and self.time_limit <= timedelta(0):
            raise ValidationError({"time_limit": "A time limit must be positive."})
        if self.grace is not None and self.grace < timedelta(0):
            raise ValidationError({"grace": "The grace period cannot be negative."})


class QuizPool(models.Model):
    """Draw ``count`` questions per student, from a topic or from an explicit list."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="pools")
    order = models.PositiveIntegerField(default=0)
    count = models.PositiveIntegerField(default=1)
    topic = models.CharField(max_length=100, blank=True)
    questions = models.ManyToManyField("questions.Question", blank=True, related_name="+")
    points = models.FloatField(
        null=True, blank=True, help_text="Points for each question drawn; empty: its own points."
    )

    class Meta:
        ordering = ["quiz", "order", "pk"]

    def __str__(self) -> str:
        source = f"topic {self.topic}" if self.topic else "listed questions"
        return f"{self.count} from {source}"

    def clean(self) -> None:
        if self.count < 1:
            raise ValidationError({"count": "Draw at least one question."})
        if self.topic:
            from quizsite.bank.models import Question

            topics = Question.objects.filter(retired=False, current__isnull=False).values_list(
                "topics", flat=True
            )
            available = sum(1 for t in topics if self.topic in (t or []))
            if available < self.count:
                # Students would silently get fewer questions than the quiz promises.
                raise ValidationError(
                    {"count": f"Only {available} questions have the topic {self.topic!r}."}
                )


class QuizOverride(models.Model):
    """Extra time and/or another window for one student or one group. A student's own
    override beats any group's."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quiz_overrides",
    )
    group = models.ForeignKey(
        "accounts.CourseGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quiz_overrides",
    )
    extra_minutes = models.PositiveIntegerField(default=0)
    extra_percent = models.PositiveIntegerField(default=0)
    opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the quiz's.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the quiz's.")
    access_code = models.CharField(max_length=64, blank=True, help_text="Empty: the quiz's.")
    allowed_networks = models.TextField(blank=True, help_text="Empty: the quiz's.")
    one_device = models.BooleanField(null=True, blank=True, help_text="Empty: the quiz's.")

    class Meta:
        constraints = [
            exactly_one_of("user", "group", name="override_user_xor_group"),
            one_per("quiz", "user", name="one_override_per_user"),
            one_per("quiz", "group", name="one_override_per_group"),
        ]

    def __str__(self) -> str:
        who = self.user if self.user_id else self.group
        return f"Override for {who} on {self.quiz_id}"

    def clean(self) -> None:
        if bool(self.user_id) == bool(self.group_id):
            raise ValidationError("An override is for one student or for one group.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The window must close after it opens."})


class DuringAttempt(models.TextChoices):
    TRIAL_RUNS = "trial", "Trial runs of the visible tests"
    NOTHING = "nothing", "Nothing"


class BeforeRelease(models.TextChoices):
    NOTHING = "nothing", "Nothing until results are released"
    SCORE = "score", "The score only"
    CHECKS = "checks", "The score and which checks passed"
    FULL = "full", "Full feedback"


class QuestionFeedback(models.Model):
    """What students see of one question of one quiz, when staff set it other than the
    defaults (trial runs during the attempt; nothing after submission until results
    are released). See feedback_rules.py."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="question_feedback")
    question = models.ForeignKey("questions.Question", on_delete=models.CASCADE, related_name="+")
    during = models.CharField(
        max_length=10, choices=DuringAttempt.choices, default=DuringAttempt.TRIAL_RUNS
    )
    before_release = models.CharField(
        max_length=10, choices=BeforeRelease.choices, default=BeforeRelease.NOTHING
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="one_feedback_per_question")
        ]

    def __str__(self) -> str:
        return f"Feedback of {self.question_id} in {self.quiz_id}"


class PreparedDraw(models.Model):
    """A student's first attempt drawn before the quiz opened (``preparation.py``), so
    that a class pressing Start at the same second only inserts rows. It is what
    ``drawing.draw_questions`` would draw; ``bank_mark`` (the newest question version
    when it was drawn) and ``retired_mark`` (how many questions were retired) tell a
    draw made before a bank change, which is not used."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="prepared_draws")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(default=1)
    # [[question version id, points, variant seed], ...] in position order
    drawn = models.JSONField()
    bank_mark = models.PositiveBigIntegerField(default=0)
    retired_mark = models.PositiveIntegerField(default=0)
    drawn_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="one_prepared_draw_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"Draw for {self.user} on {self.quiz_id} #{self.number}"
