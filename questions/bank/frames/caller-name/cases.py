def case_alpha(m, rng):
    def alpha():
        return m.who_called_me()

    return alpha()


def case_random_name(m, rng):
    name = rng.choice(["parse_row", "load_all", "step", "walker", "resume_here"])
    namespace = {}
    exec(f"def {name}(fn):\n    return fn()\n", namespace)
    return namespace[name](m.who_called_me)
