import sys


def caller_locals():
    return sorted(sys._getframe(1).f_locals)
