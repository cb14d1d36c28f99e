COUNT = 0


def bump(k):
    ...
