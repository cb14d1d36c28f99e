def _nested(rng, depth):
    kind = rng.choice(["int", "list", "dict", "set"]) if depth > 0 else "int"
    if kind == "list":
        return [_nested(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    if kind == "dict":
        return {f"k{i}": _nested(rng, depth - 1) for i in rng.sample(range(9), 3)}
    if kind == "set":
        return {rng.randint(0, 50) for _ in range(4)}
    return rng.randint(0, 99)


def case_random_nested(m, rng):
    value = [_nested(rng, 3) for _ in range(3)]
    frozen = m.freeze(value)
    return [repr(frozen), hash(frozen) == hash(frozen)]
