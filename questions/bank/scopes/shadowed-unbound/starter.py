def broken(x):
    def c(y):
        ...

    return c


def fixed(x):
    def c(y):
        ...

    return c
