import sys


def who_called_me():
    return sys._getframe(1).f_code.co_name
