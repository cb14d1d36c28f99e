def make_counter(x):
    def c(y):
        nonlocal x
        x -= y
        return x

    return c
