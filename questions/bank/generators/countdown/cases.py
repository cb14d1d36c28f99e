def case_lazy(m, rng):
    n = rng.randint(10**9, 10**12)
    g = m.countdown(n)
    return [next(g), next(g), next(g)]
