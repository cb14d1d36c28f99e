async def double(v):
    return 2 * v


async def total_of(values):
    result = 0
    for v in values:
        result += await double(v)
    return result
