def pysum(x):
    s = 0
    for i in x:
        s += i
    return s
