"""Quizzes, the pools their questions are drawn from, per-student overrides, and
attempts with every saved answer and its history.

Only ``actions.py`` writes these rows (the admin aside); views read through
``selectors.py``. Times are stored in UTC and are always timezone-aware."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from quizsite.lib.constraints import exactly_one_of


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
            from questions.models import Question

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
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(user__isnull=False),
                name="one_override_per_user",
            ),
            models.UniqueConstraint(
                fields=["quiz", "group"],
                condition=Q(group__isnull=False),
                name="one_override_per_group",
            ),
        ]

    def __str__(self) -> str:
        who = self.user if self.user_id else self.group
        return f"Override for {who} on {self.quiz_id}"

    def clean(self) -> None:
        if bool(self.user_id) == bool(self.group_id):
            raise ValidationError("An override is for one student or for one group.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The window must close after it opens."})


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
    # version of the question (``actions.regrade_question``); None: ``question_version``.
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

    class Meta:
        ordering = ["attempt", "at", "pk"]
        indexes = [models.Index(fields=["attempt", "at"], name="activity_by_attempt")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%H:%M:%S} in {self.attempt}"


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
    ``actions.draw_questions`` would draw; ``bank_mark`` (the newest question version
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
