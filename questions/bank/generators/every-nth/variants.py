"""A step and a range size per student; the example output is computed here."""


def generate(rng):
    n = rng.randint(2, 5)
    size = rng.randint(8, 14)
    return {"n": n, "size": size, "example": str(list(range(0, size, n)))}
