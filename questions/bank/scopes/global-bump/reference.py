COUNT = 0


def bump(k):
    global COUNT
    COUNT += k
    return COUNT
