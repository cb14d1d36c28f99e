from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from quizsite.accounts import access
from quizsite.accounts.forms import RosterUploadForm
from quizsite.accounts.models import Membership
from quizsite.accounts.roster import import_roster


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("course")
        .order_by("course__code")
    )
    return render(
        request,
        "accounts/home.html",
        {"memberships": memberships, "is_staff_anywhere": access.is_staff_anywhere(request.user)},
    )


@login_required
def roster(request: HttpRequest, course_code: str) -> HttpResponse:
    course = access.course_for_staff(request.user, course_code)
    form = RosterUploadForm()
    errors: list[str] = []
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            report = import_roster(course, form.cleaned_data["csv_file"], by=request.user)
            if report.ok:
                messages.success(
                    request,
                    f"Imported: {report.created_users} new account(s), {report.enrolled} "
                    f"enrolment(s), {report.updated} role change(s).",
                )
                return redirect("accounts:roster", course_code=course.code)
            errors = report.errors
    members = (
        Membership.objects.filter(course=course)
        .select_related("user")
        .order_by("role", "user__username")
    )
    return render(
        request,
        "accounts/roster.html",
        {"course": course, "members": members, "form": form, "errors": errors},
    )
