import sys


def who_called_me():
    """Return the name of the function that called this one."""
    ...
