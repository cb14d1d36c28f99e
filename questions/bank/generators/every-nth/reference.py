def every_nth(iterable, n):
    for i, item in enumerate(iterable):
        if i % n == 0:
            yield item
