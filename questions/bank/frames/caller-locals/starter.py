import sys


def caller_locals():
    """Return the sorted names of the caller's local variables."""
    ...
