from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models

from quizsite.lti.models import (
    Context,
    Deployment,
    Identity,
    LineItem,
    Passback,
    Registration,
    ToolKey,
)

# Platform endpoints are HTTPS; a URL typed without a scheme is taken as such.
HTTPS_URLS: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["__str__", "issuer", "client_id", "active"]
    search_fields = ["issuer", "client_id", "name"]
    inlines = [DeploymentInline]
    fieldsets = [
        (None, {"fields": ["name", "issuer", "client_id", "active"]}),
        (
            "Platform endpoints",
            {"fields": ["auth_login_url", "auth_token_url", "auth_audience", "jwks_url"]},
        ),
    ]


@admin.register(Context)
class ContextAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["__str__", "registration", "course", "roster_synced_at"]
    list_select_related = ["course", "registration"]
    raw_id_fields = ["course"]


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["sub", "issuer", "user", "linked_at"]
    search_fields = ["sub", "user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(LineItem)
class LineItemAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["__str__", "url"]
    raw_id_fields = ["quiz", "milestone"]


@admin.register(Passback)
class PassbackAdmin(admin.ModelAdmin):
    list_display = ["user", "line_item", "score_given", "status", "tries", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "line_item"]


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "created_at", "retired_at"]
    exclude = ["private_pem"]
    readonly_fields = ["kid", "public_jwk", "created_at", "retired_at"]
