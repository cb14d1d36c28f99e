"""Admin: quizzes with their pools and overrides inline; attempts read-mostly (the
actions own every change to an attempt, so the admin shows them and lets staff add
time through the action)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from quizsite.quizzes.actions.answers import set_answer_points
from quizsite.quizzes.actions.attempts import add_time
from quizsite.quizzes.actions.overrides import recompute_deadlines
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import (
    Answer,
    AnswerRevision,
    Attempt,
    AttemptQuestion,
    LateSave,
    Quiz,
    QuizOverride,
    QuizPool,
    TimeAddition,
)


class QuizPoolInline(admin.TabularInline):
    model = QuizPool
    extra = 1
    fields = ["order", "count", "topic", "questions", "points"]
    filter_horizontal = ["questions"]


class QuizOverrideInline(admin.TabularInline):
    model = QuizOverride
    extra = 0
    fields = ["user", "group", "extra_minutes", "extra_percent", "opens_at", "closes_at"]
    autocomplete_fields = ["user"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "opens_at", "closes_at", "time_limit", "feedback_release"]
    list_filter = ["course", "feedback_release"]
    search_fields = ["title", "course__code"]
    inlines = [QuizPoolInline, QuizOverrideInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # A changed window or override moves the deadline of attempts already running.
        changed = recompute_deadlines(form.instance)
        if changed:
            self.message_user(request, f"Deadlines of {changed} running attempt(s) updated.")


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    extra = 0
    can_delete = False
    fields = ("position", "question_version", "seed", "points")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class TimeAdditionInline(admin.TabularInline):
    model = TimeAddition
    extra = 0
    can_delete = False
    readonly_fields = ("minutes", "added_by", "added_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.action(description="Add 5 minutes to the selected running attempts")
def add_five_minutes(modeladmin, request, queryset) -> None:
    now = timezone.now()
    done = 0
    for attempt in queryset.select_related("quiz"):
        try:
            add_time(attempt, 5, by=request.user, now=now)
            done += 1
        except QuizError as e:
            modeladmin.message_user(request, f"{attempt}: {e.message}", messages.WARNING)
    modeladmin.message_user(request, f"Added 5 minutes to {done} attempt(s).")


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["quiz", "user", "number", "status", "started_at", "deadline", "score"]
    list_filter = ["quiz__course", "status", "submitted_by"]
    search_fields = ["user__username", "quiz__title"]
    readonly_fields = [
        "quiz",
        "user",
        "number",
        "started_at",
        "deadline",
        "added_time",
        "status",
        "submitted_at",
        "submitted_by",
        "score",
        "max_score",
    ]
    inlines = [AttemptQuestionInline, TimeAdditionInline]
    actions = [add_five_minutes]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["attempt_question", "revision", "saved_at", "grading_status", "points"]
    list_filter = ["grading_status"]
    readonly_fields = ("attempt_question", "value", "saved_at", "revision", "submission", "tries")
    # Staff may set points and status by hand, e.g. after a grading failure.
    fields = (*readonly_fields, "points", "feedback")

    def save_model(self, request, obj, form, change) -> None:
        if "feedback" in form.changed_data:
            obj.save(update_fields=["feedback"])
        if "points" in form.changed_data and obj.points is not None:
            # Through the same rules as the staff results page (a submitted attempt,
            # points within the question's): a refusal is shown, nothing is saved.
            try:
                set_answer_points(obj, obj.points, by=request.user, now=timezone.now())
            except QuizError as error:
                self.message_user(request, error.message, level=messages.ERROR)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AnswerRevision)
class AnswerRevisionAdmin(admin.ModelAdmin):
    list_display = ["answer", "revision", "saved_at", "in_grace"]
    readonly_fields = ["answer", "revision", "value", "saved_at", "in_grace"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LateSave)
class LateSaveAdmin(admin.ModelAdmin):
    list_display = ["attempt_question", "received_at", "reason"]
    readonly_fields = ["attempt_question", "value", "received_at", "reason"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
