"""The one place the site turns the ``GRADER_SANDBOX`` setting into the sandbox that
runs code: the real, isolated one, or the fake one (no isolation) only where the
settings say so (development and tests)."""

from __future__ import annotations

from django.conf import settings

from grader.pipeline import SandboxRun


def configured_sandbox() -> SandboxRun:
    """The sandbox grading workers and bank self-checks run code in."""
    if getattr(settings, "GRADER_SANDBOX", "real") == "fake":
        from grader.sandbox import fake

        return fake.run
    import grader.sandbox

    return grader.sandbox.run
