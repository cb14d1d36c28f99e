"""Pick a variable name and one of three scopes for it; the answer follows the scope."""

NAMES = ["total", "limit", "count", "scale", "offset", "width"]

LOCAL = """def f():
    {name} = {value}
    return {name} + 1"""

GLOBAL = """{name} = {value}

def f():
    return {name} + 1"""

CLOSURE = """def outer():
    {name} = {value}
    def f():
        return {name} + 1
    return f"""

SCOPES = [(LOCAL, "LOAD_FAST"), (GLOBAL, "LOAD_GLOBAL"), (CLOSURE, "LOAD_DEREF")]


def generate(rng):
    name = rng.choice(NAMES)
    template, answer = rng.choice(SCOPES)
    snippet = template.format(name=name, value=rng.randint(2, 99))
    return {"name": name, "snippet": snippet, "answer": answer}
