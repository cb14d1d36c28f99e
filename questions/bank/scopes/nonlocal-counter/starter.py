def make_counter(x):
    def c(y):
        ...

    return c
