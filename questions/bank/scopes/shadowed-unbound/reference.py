def broken(x):
    def c(y):
        x -= y
        return x

    return c


def fixed(x):
    def c(y):
        nonlocal x
        x -= y
        return x

    return c
