def _three(fn, a, b=2):
    c = a + b
    return fn()


def case_three_locals(m, rng):
    return _three(m.caller_locals, 1)


def case_random_locals(m, rng):
    names = rng.sample(["alpha", "beta", "gamma", "delta", "eps", "zeta"], 3)
    body = "".join(f"    {n} = {i}\n" for i, n in enumerate(names))
    namespace = {}
    exec(f"def probe(fn):\n{body}    return fn()\n", namespace)
    return namespace["probe"](m.caller_locals)
