from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from quizsite.accounts.models import Course, CourseGroup, Membership, User


@admin.register(User)
class QuizsiteUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Preferences", {"fields": ("timezone",)}))


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "timezone"]
    search_fields = ["code", "title"]
    inlines = [MembershipInline]


@admin.register(CourseGroup)
class CourseGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "course"]
    list_filter = ["course"]
    filter_horizontal = ["members"]
