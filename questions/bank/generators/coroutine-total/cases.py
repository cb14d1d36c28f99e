def _run(coro):
    # Drive a coroutine that never suspends on a real future: one send() finishes it.
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise RuntimeError("the coroutine waited for something")


def case_small(m, rng):
    return _run(m.total_of([1, 2, 3]))


def case_random_values(m, rng):
    values = [rng.randint(-50, 50) for _ in range(rng.randint(3, 12))]
    return _run(m.total_of(values))
