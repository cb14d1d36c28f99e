import numpy as np


def npsum(x):
    """Return the sum of the integer array x, computed by NumPy."""
    ...
