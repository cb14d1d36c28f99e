def case_random_names(m, rng):
    words = ["alpha", "beta", "gamma", "delta", "omega", "theta", "kappa"]
    picked = rng.sample(words, 3)
    src = f"{picked[0]}({picked[1]}) * {picked[2]}.size + 2"
    return m.names_used(src)
