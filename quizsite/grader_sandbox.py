"""The one place the site turns the ``GRADER_SANDBOX`` setting into the sandbox that
runs code: the real, isolated one, or the fake one (no isolation) only where the
settings say so (development and tests). The names are ``grader.sandbox.choose``'s."""

from __future__ import annotations

from django.conf import settings

from grader.sandbox import SandboxRun, choose


def configured_sandbox() -> SandboxRun:
    """The sandbox grading workers and bank self-checks run code in."""
    return choose(getattr(settings, "GRADER_SANDBOX", "real"))
