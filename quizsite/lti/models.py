"""LTI 1.3 records: the tool's own keys, the platforms (LMSs) registered with it, the
links between their people, contexts and resource links and ours, and the grades
waiting to be sent back."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from quizsite.lib.constraints import exactly_one_of, one_per


class ToolKey(models.Model):
    """An RSA key the tool signs with (client assertions, deep-linking responses). The
    newest unretired key signs; a retired key stays in the JWKS for a grace period so
    platforms that cached the old set still verify what was signed just before."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.kid


class Registration(models.Model):
    """One client id of one platform issuer. An issuer (a Canvas or Moodle site) may
    register the tool several times, each with its own client id."""

    name = models.CharField(max_length=200, blank=True)
    issuer = models.CharField(
        max_length=255, help_text="The platform's 'iss', e.g. https://canvas.instructure.com"
    )
    client_id = models.CharField(max_length=255)
    auth_login_url = models.URLField(max_length=500, help_text="OIDC authorization endpoint")
    auth_token_url = models.URLField(max_length=500, help_text="OAuth2 token endpoint (services)")
    auth_audience = models.CharField(
        max_length=500,
        blank=True,
        help_text="Audience of the client assertion; empty: the token URL",
    )
    jwks_url = models.URLField(max_length=500, help_text="The platform's public key set")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "client_id"], name="lti_one_client_per_issuer"
            )
        ]
        ordering = ["issuer", "client_id"]

    def __str__(self) -> str:
        return self.name or f"{self.issuer} ({self.client_id})"


class Deployment(models.Model):
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="deployments"
    )
    deployment_id = models.CharField(max_length=255)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "deployment_id"], name="lti_unique_deployment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration}: {self.deployment_id}"


class LoginState(models.Model):
    """One OIDC login started by a platform: the state and nonce we sent it, and what
    the login asked for, so the launch can be checked and a blocked-cookie launch can
    be started again in a new window."""

    state = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64, unique=True)
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    login_params = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"login {self.pk} via {self.registration_id}"


class Identity(models.Model):
    """A platform's user (its 'sub', unique per issuer) linked to one of our accounts."""

    issuer = models.CharField(max_length=255)
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "sub"], name="lti_one_user_per_sub")
        ]
        verbose_name_plural = "identities"

    def __str__(self) -> str:
        return f"{self.sub} at {self.issuer} = {self.user}"


class Context(models.Model):
    """An LMS course (context) linked to one of our courses, with the service
    endpoints the platform gave for it in its latest launch."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="contexts"
    )
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    course = models.ForeignKey(
        "accounts.Course", on_delete=models.CASCADE, related_name="lti_contexts"
    )
    lineitems_url = models.URLField(max_length=500, blank=True)
    ags_scopes = models.JSONField(default=list, blank=True)
    memberships_url = models.URLField(max_length=500, blank=True)
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "context_id"], name="lti_unique_context"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title or self.context_id} -> {self.course.code}"


class LineItem(models.Model):
    """The platform's grade-book column for one quiz or milestone in one context."""

    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="line_items")
    quiz = models.ForeignKey(
        "quizzes.Quiz", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    milestone = models.ForeignKey(
        "reports.Milestone", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.URLField(max_length=500, blank=True)  # empty until the platform made it
    resource_link_id = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            exactly_one_of("quiz", "milestone", name="lti_line_item_has_one_target"),
            one_per("context", "quiz", name="lti_one_item_per_quiz"),
            one_per("context", "milestone", name="lti_one_item_per_milestone"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz or self.milestone} in {self.context}"

    @property
    def resource_id(self) -> str:
        return f"quiz-{self.quiz_id}" if self.quiz_id else f"milestone-{self.milestone_id}"


class PassbackStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Passback(models.Model):
    """The latest score of one student for one line item, and whether the platform has
    it. A new score replaces the row's values and makes it pending again."""

    line_item = models.ForeignKey(LineItem, on_delete=models.CASCADE, related_name="passbacks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sub = models.CharField(max_length=255)
    score_given = models.FloatField(null=True, blank=True)
    score_maximum = models.FloatField()
    activity_progress = models.CharField(max_length=20)
    grading_progress = models.CharField(max_length=20)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    timestamp = models.DateTimeField()  # when this score was decided; platforms keep the newest
    status = models.CharField(
        max_length=10, choices=PassbackStatus.choices, default=PassbackStatus.PENDING
    )
    version = models.PositiveIntegerField(default=1)  # bumped by every new score
    tries = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line_item", "user"], name="lti_one_passback_per_user")
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.line_item}: {self.score_given} ({self.status})"
