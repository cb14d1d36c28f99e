def names_used(src):
    return sorted(compile(src, "<string>", "eval").co_names)
