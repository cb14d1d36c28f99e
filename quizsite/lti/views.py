"""LTI endpoints: the JWKS, OIDC login initiation, the launch, the deep-linking picker,
dynamic registration, and the course staff's LMS page."""

from __future__ import annotations

import logging
import urllib.parse

from django.contrib import messages as flash
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizsite.accounts import access
from quizsite.accounts.models import Course, Role, User
from quizsite.lti import (
    actions,
    cookies,
    deep_linking,
    keys,
    launch,
    messages,
    passback,
    registration,
    roster_sync,
    tasks,
)
from quizsite.lti.launch import LaunchError
from quizsite.lti.models import Context, LoginState, Passback, PassbackStatus, Registration
from quizsite.quizzes.models import Quiz
from quizsite.reports.models import Milestone

log = logging.getLogger("quizsite.lti")

STATE_COOKIE = "lti_state_"
SESSION_FRAME = "lti_frame_ancestors"
SESSION_DEEP_LINK = "lti_deep_link"


class SignedInRequest(HttpRequest):
    """A request that ``login_required`` let through: its user is a real account."""

    user: User


def _refused(request: HttpRequest, error: LaunchError) -> HttpResponse:
    log.warning(
        "LTI launch refused from %s: %s", request.META.get("REMOTE_ADDR", "?"), error.reason
    )
    response = render(
        request,
        "lti/refused.html",
        {"title": messages.REFUSED_TITLE, "shown": error.shown},
        status=403,
    )
    response.xframe_options_exempt = True  # shown inside the LMS's frame
    return response


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(keys.jwks(timezone.now()))


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    query = request.POST if request.method == "POST" else request.GET
    params = {k: str(v) for k, v in query.items()}
    try:
        state, url = launch.start_login(
            params,
            redirect_uri=request.build_absolute_uri(reverse("lti:launch")),
            now=timezone.now(),
        )
    except LaunchError as error:
        return _refused(request, error)
    response = redirect(url)
    # Tied to this browser: a launch is accepted only where its login started. Inside
    # the LMS's frame the cookie is a third-party one, hence SameSite=None.
    response.set_cookie(
        STATE_COOKIE + state.state[:12],
        state.state,
        max_age=int(launch.LOGIN_TTL.total_seconds()),
        secure=True,
        httponly=True,
        samesite="None",
    )
    cookies.partition(response, STATE_COOKIE + state.state[:12])
    return response


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _frame_origins(request: HttpRequest, reg: Registration) -> list[str]:
    origins = set()
    for url in (request.headers.get("Origin", ""), reg.auth_login_url, reg.issuer):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def _cookie_missing(request: HttpRequest, state_value: str) -> HttpResponse:
    """The browser dropped the state cookie (no partitioned cookies in the frame):
    offer to start the same login again in a window of its own."""
    pending = LoginState.objects.filter(state=state_value, used_at__isnull=True).first()
    if pending is None:
        raise LaunchError(messages.REPLAYED, "launch without a known state")
    log.info("LTI launch without its state cookie; offering a new window")
    again = reverse("lti:login") + "?" + urllib.parse.urlencode(pending.login_params)
    response = render(
        request, "lti/new_window.html", {"shown": messages.COOKIES_BLOCKED, "url": again}
    )
    response.xframe_options_exempt = True
    return response


def _destination(
    request: HttpRequest, valid: launch.Launch, course: Course, target: actions.Target
) -> HttpResponse:
    if valid.message_type == launch.DEEP_LINKING:
        request.session[SESSION_DEEP_LINK] = {"claims": valid.claims, "course": course.pk}
        return redirect("lti:deep_link")
    if target.quiz:
        return redirect("quizzes:start", course_code=course.code, quiz_id=target.quiz.pk)
    if target.milestone:
        return redirect("reports:detail", course_code=course.code, pk=target.milestone.pk)
    return redirect("lti:course", course_code=course.code)


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    state_value = request.POST.get("state", "")
    try:
        if request.COOKIES.get(STATE_COOKIE + state_value[:12]) != state_value or not state_value:
            return _cookie_missing(request, state_value)
        state = launch.claim_state(state_value, now=now)
        valid = launch.validate(request.POST.get("id_token", ""), state, now=now)
        user, context, role, target = actions.accept_launch(valid, now)
        if valid.message_type == launch.DEEP_LINKING and role != Role.INSTRUCTOR:
            raise LaunchError(messages.DEEP_LINK_STAFF_ONLY, f"{role} asked to deep link")
    except LaunchError as error:
        return _refused(request, error)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_FRAME] = _frame_origins(request, valid.registration)
    log.info("LTI launch of %s (%s) into %s", user.username, role, context.course.code)
    if role == Role.INSTRUCTOR and context.memberships_url:
        tasks.queue_roster_sync(context.pk)
    response = _destination(request, valid, context.course, target)
    response.delete_cookie(STATE_COOKIE + state_value[:12], samesite="None")
    return response


@login_required
def deep_link(request: SignedInRequest) -> HttpResponse:
    pending = request.session.get(SESSION_DEEP_LINK)
    if not pending:
        return _refused(request, LaunchError(messages.REPLAYED, "deep-link page without a request"))
    course = get_object_or_404(Course, pk=pending["course"])
    if not access.is_instructor(request.user, course):
        return _refused(request, LaunchError(messages.DEEP_LINK_STAFF_ONLY, "not an instructor"))
    quizzes = list(Quiz.objects.filter(course=course).order_by("opens_at", "title"))
    milestones = list(Milestone.objects.filter(course=course).order_by("due_at", "pk"))
    if request.method == "POST":
        return_url, jwt_value = deep_linking.place(
            pending["claims"],
            [q for q in quizzes if str(q.pk) in request.POST.getlist("quiz")],
            [m for m in milestones if str(m.pk) in request.POST.getlist("milestone")],
            launch_url=request.build_absolute_uri(reverse("lti:launch")),
            now=timezone.now(),
        )
        del request.session[SESSION_DEEP_LINK]
        response = render(
            request, "lti/autopost.html", {"action": return_url, "fields": {"JWT": jwt_value}}
        )
        # The Content-Security-Policy lets forms post to this site only; this one form
        # goes back to the LMS that asked for it.
        response._csp_update = {"form-action": [_origin(return_url)]}  # type: ignore[attr-defined]
        return response
    return render(
        request,
        "lti/deep_link.html",
        {"course": course, "quizzes": quizzes, "milestones": milestones},
    )


@login_required
def course_page(request: SignedInRequest, course_code: str) -> HttpResponse:
    """The course staff's LMS page: linked LMS courses, roster sync, scores waiting or
    failed to be sent (with "send again")."""
    course = access.course_for_member(request.user, course_code)
    if not access.is_staff(request.user, course):
        return redirect("quizzes:course", course_code=course.code)
    contexts = list(Context.objects.filter(course=course).select_related("registration"))
    result = None
    if request.method == "POST" and request.POST.get("sync"):
        context = get_object_or_404(Context, pk=request.POST["sync"], course=course)
        result = roster_sync.sync_roster(context, timezone.now())
        if result.report.ok:
            flash.success(
                request,
                f"Roster synced: {result.report.created_users} new account(s), "
                f"{result.report.enrolled} enrolment(s), {result.report.updated} role change(s).",
            )
    elif request.method == "POST" and request.POST.get("send_again"):
        row = get_object_or_404(
            Passback, pk=request.POST["send_again"], line_item__context__course=course
        )
        passback.send_again(row)
        tasks.queue_sends([row.pk])
        flash.success(request, messages.SENT_AGAIN)
        return redirect("lti:course", course_code=course.code)
    waiting = (
        Passback.objects.filter(line_item__context__course=course)
        .exclude(status=PassbackStatus.SENT)
        .select_related("user", "line_item__quiz", "line_item__milestone")
        .order_by("status", "user__username")
    )
    return render(
        request,
        "lti/course.html",
        {"course": course, "contexts": contexts, "result": result, "waiting": waiting},
    )


@login_required
def registration_link(request: HttpRequest) -> HttpResponse:
    """A site administrator gets the address to paste into the LMS's dynamic
    registration (valid for a day): the LMS opens it in its own frame, where the
    administrator's Quizsite session is not available."""
    if not request.user.is_superuser:
        raise PermissionDenied(registration.ADMIN_ONLY)
    url = request.build_absolute_uri(
        reverse("lti:register", kwargs={"token": registration.link_token()})
    )
    return render(
        request, "lti/registration_link.html", {"url": url, "hours": registration.LINK_HOURS}
    )


# The signed link, not a cookie, is what authorizes this page (it runs inside the
# LMS's frame, where our cookies may not be), so there is no CSRF cookie to check.
@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, token: str) -> HttpResponse:
    """LTI Dynamic Registration, opened by the LMS with its configuration's address."""
    if not registration.link_valid(token):
        return _refused(
            request, LaunchError(registration.LINK_INVALID, "registration link invalid or expired")
        )
    config_url = request.GET.get("openid_configuration", "")
    lms_token = request.GET.get("registration_token", "")
    context = {"config_url": config_url}
    if request.method == "POST":
        try:
            reg = registration.register(
                config_url,
                lms_token,
                tool_base=request.build_absolute_uri("/"),
                urls={
                    "login": request.build_absolute_uri(reverse("lti:login")),
                    "launch": request.build_absolute_uri(reverse("lti:launch")),
                    "jwks": request.build_absolute_uri(reverse("lti:jwks")),
                },
            )
        except registration.RegistrationError as exc:
            log.warning("LTI dynamic registration failed: %s", exc)
            return render(request, "lti/register.html", {**context, "error": str(exc)}, status=400)
        log.info("LTI dynamic registration of %s", reg)
        return render(request, "lti/registered.html", {"registration": reg})
    return render(request, "lti/register.html", context)
