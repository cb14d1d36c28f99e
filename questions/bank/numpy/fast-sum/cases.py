import numpy as np


def _array(n, rng):
    generator = np.random.default_rng(rng.randrange(2**32))
    return generator.integers(0, 1000, size=n, dtype=np.int64)


def case_random_array(m, rng):
    return m.npsum(_array(rng.randint(100, 5000), rng))


def perf_input(n, rng):
    return (_array(n, rng),)
