import numpy as np


def mean_square(x):
    """Return the mean of x ** 2 as a float."""
    ...
