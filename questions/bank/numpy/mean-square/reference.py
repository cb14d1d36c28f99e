import numpy as np


def mean_square(x):
    return float(np.mean(x * x))
