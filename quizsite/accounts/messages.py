"""Every sentence the account pages show when they refuse something, in one place."""

from __future__ import annotations

LOGIN_THROTTLED = (
    "Too many failed logins for this account or from this network. For your safety, "
    "logging in is paused. {when}"
)
RESET_THROTTLED = "Too many password reset requests just now. {when}"
