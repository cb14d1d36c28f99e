"""A length and a fixed-size dtype per student; nbytes is length times item size."""

ITEM_SIZES = {"int8": 1, "int16": 2, "int32": 4, "int64": 8, "float32": 4, "float64": 8}


def generate(rng):
    n = rng.randint(10, 500)
    dtype = rng.choice(sorted(ITEM_SIZES))
    return {"n": n, "dtype": dtype, "nbytes": n * ITEM_SIZES[dtype]}
