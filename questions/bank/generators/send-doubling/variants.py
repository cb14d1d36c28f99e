"""A factor and a sent value per student; the answer is their product."""


def generate(rng):
    factor = rng.randint(2, 9)
    value = rng.randint(3, 60)
    return {"factor": factor, "value": value, "result": factor * value}
