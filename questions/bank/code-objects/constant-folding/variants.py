"""Two small factors per student; the folded product is the answer."""


def generate(rng):
    a = rng.randint(3, 29)
    b = rng.randint(3, 29)
    return {"a": a, "b": b, "product": a * b}
