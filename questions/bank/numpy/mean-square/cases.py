import numpy as np


def _array(n, rng):
    generator = np.random.default_rng(rng.randrange(2**32))
    return generator.uniform(-10.0, 10.0, size=n)


def case_random_array(m, rng):
    return m.mean_square(_array(rng.randint(100, 5000), rng))


def perf_input(n, rng):
    return (_array(n, rng),)
