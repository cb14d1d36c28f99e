def case_counts_down(m, rng):
    c = m.make_counter(rng.randint(50, 500))
    return [c(rng.randint(1, 9)) for _ in range(6)]
