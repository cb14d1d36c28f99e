def _drain(agen):
    # Each __anext__() is an awaitable that finishes at once when nothing is awaited.
    out = []
    while True:
        step = agen.__anext__()
        try:
            step.send(None)
        except StopIteration as stop:
            out.append(stop.value)
        except StopAsyncIteration:
            return out
        else:
            step.close()
            raise RuntimeError("the generator waited for something")


def case_three(m, rng):
    return _drain(m.ticks(3))


def case_random_n(m, rng):
    return _drain(m.ticks(rng.randint(0, 25)))
