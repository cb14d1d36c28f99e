from django.contrib import admin

from quizsite.reports.models import (
    CriterionScore,
    Grade,
    Milestone,
    ReportSubmission,
    RubricCriterion,
    Team,
    TeamMembership,
)


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    extra = 1


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "due_at", "late_until", "is_team", "grades_released_at")
    list_filter = ("course", "is_team")
    search_fields = ("title",)
    inlines = [RubricCriterionInline]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "course")
    list_filter = ("course",)
    search_fields = ("name",)
    inlines = [TeamMembershipInline]

    def save_formset(self, request, form, formset, change):
        # The membership repeats the team's course so the database can enforce one team each.
        for membership in formset.save(commit=False):
            membership.course = form.instance.course
            membership.save()
        for deleted in formset.deleted_objects:
            deleted.delete()


@admin.register(ReportSubmission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: versions are evidence and are never edited by hand."""

    list_display = (
        "milestone",
        "team",
        "student",
        "version",
        "received_at",
        "confirmed_at",
        "length_text",
        "over_limit",
        "length_check",
        "is_late",
    )
    list_filter = ("milestone__course", "over_limit", "length_check", "is_late")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class CriterionScoreInline(admin.TabularInline):
    model = CriterionScore
    extra = 0


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ("milestone", "team", "student", "total_points", "graded_by", "graded_at")
    list_filter = ("milestone__course",)
    inlines = [CriterionScoreInline]
