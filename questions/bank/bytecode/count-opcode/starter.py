import dis


def count_ops(func, opname):
    """Return how many instructions of func are named opname."""
    ...
