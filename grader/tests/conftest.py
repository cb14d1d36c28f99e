"""Fixtures shared by the grader's tests."""

import os

import pytest

NEEDS_ROOT = "real sandbox runs need root (CI runs them as root)"


@pytest.fixture
def real_sandbox():
    """The isolated runner, ``grader.sandbox.run``; it needs root to build namespaces."""
    if os.geteuid() != 0:
        pytest.skip(NEEDS_ROOT)
    from grader.sandbox import choose

    return choose("real")
