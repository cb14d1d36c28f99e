def case_adds_k(m, rng):
    k = rng.randint(2, 40)
    before = m.COUNT
    returned = m.bump(k)
    return [m.COUNT - before, returned == m.COUNT]
