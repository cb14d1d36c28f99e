def case_random_floats(m, rng):
    xs = [rng.uniform(-100, 100) for _ in range(rng.randint(5, 50))]
    return m.total(xs)
