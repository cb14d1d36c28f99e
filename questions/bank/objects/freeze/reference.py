def freeze(obj):
    if isinstance(obj, list):
        return tuple(freeze(item) for item in obj)
    if isinstance(obj, set):
        return frozenset(freeze(item) for item in obj)
    if isinstance(obj, dict):
        return tuple(sorted((key, freeze(value)) for key, value in obj.items()))
    return obj
