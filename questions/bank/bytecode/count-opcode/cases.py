def _sample(xs, k):
    out = []
    for x in xs:
        if x > k:
            out.append(x * 2)
        else:
            out.append(x - k)
    return out


def case_loop_function(m, rng):
    return [m.count_ops(_sample, "FOR_ITER"), m.count_ops(_sample, "LOAD_FAST")]


def case_random_opname(m, rng):
    name = rng.choice(["LOAD_FAST", "LOAD_GLOBAL", "BINARY_OP", "COMPARE_OP", "RETURN_VALUE"])
    return m.count_ops(_sample, name)
