from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from quizsite.accounts import access, throttle
from quizsite.accounts import messages as refusals
from quizsite.accounts.forms import PasswordResetForm, RosterUploadForm
from quizsite.accounts.models import Membership
from quizsite.accounts.requests import AuthenticatedRequest
from quizsite.accounts.roster import import_roster


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
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
def roster(request: AuthenticatedRequest, course_code: str) -> HttpResponse:
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
                    f"enrolment(s), {report.updated} role change(s)."
                    + (
                        " New accounts choose their password with “Forgot your password?”"
                        " on the login page, using the email address imported."
                        if report.created_users
                        else ""
                    ),
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


def _throttled(view, wait: int, message: str) -> HttpResponse:
    """The form page again, 429, saying when to try again (and Retry-After)."""
    when = throttle.try_again_text(wait)
    context = view.get_context_data(form=view.get_form(), throttled=message.format(when=when))
    response = view.render_to_response(context, status=429)
    response["Retry-After"] = str(wait)
    return response


class LoginView(auth_views.LoginView):
    """Django's login, throttled per account and per address (``throttle``): once too
    many passwords failed, even the right one waits, and the page says how long."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = throttle.login_wait(request)
        if wait:
            return _throttled(self, wait, refusals.LOGIN_THROTTLED)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        throttle.count_login_failure(self.request)
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, for accounts without a usable password too (roster
    imports), throttled per e-mail address and per address asking."""

    form_class = PasswordResetForm

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = throttle.reset_wait(request)
        if wait:
            return _throttled(self, wait, refusals.RESET_THROTTLED)
        return super().post(request, *args, **kwargs)
