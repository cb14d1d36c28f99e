"""A generated class of answers to one code question, for the similarity tests and
``bench/similarity.py``: independent answers written from random statements, copies
of some of them disguised (identifiers renamed, functions reordered, comments and
blank lines added, indentation changed), and answers that keep only the starter code.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

STARTER = '''"""Stock keeping. Fill in the three functions below."""


def parse_line(line):
    """'apple, 3, 0.5' -> ('apple', 3, 0.5)"""
    pass


def total_value(items):
    pass


def report(items):
    pass
'''

REFERENCE = """def parse_line(line):
    name, count, price = [part.strip() for part in line.split(",")]
    return name, int(count), float(price)


def total_value(items):
    return sum(count * price for _, count, price in items)


def report(items):
    lines = [f"{name}: {count}" for name, count, _ in items]
    return "\\n".join(lines)
"""

ENTRIES = ("parse_line", "total_value", "report")
_NAMES = [
    "a", "b", "c", "x", "y", "z", "n", "m", "i", "j", "k", "s", "t", "acc", "res", "out",
    "tmp", "val", "item", "row", "cnt", "buf", "part", "parts", "data", "seen", "best",
    "low", "high", "step", "word", "words", "idx", "pos", "key", "value", "total", "count",
]  # fmt: skip
_OPS = ["+", "-", "*", "//", "%"]
_CALLS = ["len", "abs", "int", "str", "sorted", "list", "sum", "max", "min"]


@dataclass
class Program:
    """Functions as (name or placeholder, parameters, body lines with placeholders
    ``@0``, ``@1``... for identifiers and ``\\t`` for each indentation level)."""

    functions: list[tuple[str, list[str], list[str]]]


class _Gen:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vars: list[str] = []
        self.next = 0

    def fresh(self) -> str:
        self.next += 1
        name = f"@{self.next}"
        self.vars.append(name)
        return name

    def atom(self) -> str:
        r = self.rng.random()
        if self.vars and r < 0.55:
            return self.rng.choice(self.vars)
        if r < 0.8:
            return str(self.rng.randint(0, 99))
        return f'"{self.rng.choice(_NAMES)}"'

    def expr(self, depth: int = 0) -> str:
        r = self.rng.random()
        if depth > 2 or r < 0.3:
            return self.atom()
        if r < 0.6:
            return f"{self.expr(depth + 1)} {self.rng.choice(_OPS)} {self.expr(depth + 1)}"
        if r < 0.75:
            return f"{self.rng.choice(_CALLS)}({self.expr(depth + 1)})"
        if r < 0.85:
            return f"[{self.expr(depth + 1)} for {self.fresh()} in {self.atom()}]"
        if r < 0.93:
            return f"({self.expr(depth + 1)}, {self.expr(depth + 1)})"
        return f"{self.atom()}[{self.expr(depth + 1)}]"

    def block(self, level: int, size: int) -> list[str]:
        lines: list[str] = []
        pad = "\t" * level
        for _ in range(size):
            r = self.rng.random()
            if level < 3 and r < 0.15:
                lines.append(f"{pad}for {self.fresh()} in {self.expr(1)}:")
                lines += self.block(level + 1, self.rng.randint(1, 3))
            elif level < 3 and r < 0.28:
                cmp = self.rng.choice(["<", ">", "==", "!=", "<=", "in"])
                lines.append(f"{pad}if {self.expr(1)} {cmp} {self.expr(1)}:")
                lines += self.block(level + 1, self.rng.randint(1, 3))
                if self.rng.random() < 0.4:
                    lines.append(f"{pad}else:")
                    lines += self.block(level + 1, self.rng.randint(1, 2))
            elif level < 3 and r < 0.33:
                lines.append(f"{pad}while {self.expr(1)} > {self.rng.randint(0, 9)}:")
                lines += self.block(level + 1, self.rng.randint(1, 3))
            elif r < 0.45 and self.vars:
                op = self.rng.choice(_OPS)
                lines.append(f"{pad}{self.rng.choice(self.vars)} {op}= {self.expr()}")
            elif r < 0.52:
                lines.append(f"{pad}{self.rng.choice(['print', 'log'])}({self.expr()})")
            else:
                target = self.fresh() if not self.vars or self.rng.random() < 0.6 else None
                lines.append(f"{pad}{target or self.rng.choice(self.vars)} = {self.expr()}")
        return lines


def independent(rng: random.Random) -> Program:
    """An answer written from scratch: each entry function and maybe a helper or two."""
    functions = []
    names = list(ENTRIES) + [f"@h{i}" for i in range(rng.randint(0, 2))]
    for name in names:
        gen = _Gen(rng)
        params = [gen.fresh() for _ in range(rng.randint(1, 2))]
        body = gen.block(1, rng.randint(5, 10))
        body.append(f"\treturn {gen.expr()}")
        functions.append((name, params, body))
    return Program(functions)


def render(
    program: Program,
    rng: random.Random,
    *,
    disguise: bool = False,
    with_starter_doc: bool = True,
) -> str:
    """Source text of ``program``. Identifiers get names drawn for this rendering;
    a disguised one also reorders functions, indents by 2 or 8, adds comments and
    blank lines."""
    pool = _NAMES[:]
    rng.shuffle(pool)
    mapping: dict[str, str] = {}

    def name_of(m: re.Match[str]) -> str:
        key = m.group(0)
        if key not in mapping:
            i = len(mapping)
            base = pool[i % len(pool)]
            mapping[key] = base if i < len(pool) else f"{base}{i}"
            if key.startswith("@h"):
                mapping[key] = f"helper_{base}"
        return mapping[key]

    functions = list(program.functions)
    indent = "    "
    if disguise:
        rng.shuffle(functions)
        indent = rng.choice(["  ", "        ", "\t"])
    out = ['"""Stock keeping. Fill in the three functions below."""\n'] if with_starter_doc else []
    for fname, params, body in functions:
        out.append("")
        if disguise and rng.random() < 0.7:
            out.append(f"# {rng.choice(['my version', 'works now', 'see notes', 'helper'])}")
        out.append(f"def {fname}({', '.join(params)}):")
        for line in body:
            level = len(line) - len(line.lstrip("\t"))
            text = line.lstrip("\t")
            if disguise and rng.random() < 0.15:
                out.append("")
            if disguise and rng.random() < 0.2:
                out.append(f"{indent * level}# {rng.choice(_NAMES)} {rng.choice(_NAMES)}")
            out.append(f"{indent * level}{text}")
        out.append("")
    source = "\n".join(out) + "\n"
    return re.sub(r"@h?\d+", name_of, source)


def starter_only(rng: random.Random) -> str:
    """An answer that leaves the starter as it is, or barely touched."""
    text = STARTER
    if rng.random() < 0.5:
        text = text.replace("    pass\n", "    return None\n", 1)
    if rng.random() < 0.5:
        text += "\n# I did not finish\n"
    return text


@dataclass
class Corpus:
    sources: dict[str, str]
    planted: set[frozenset[str]]  # the (original, copy) pairs
    starter_only: set[str]


def make_corpus(size: int = 200, copies: int = 20, starters: int = 10, seed: int = 2003) -> Corpus:
    """``size`` answers: ``copies`` of them disguised copies of distinct others,
    ``starters`` only the starter code, the rest written independently."""
    rng = random.Random(seed)
    sources: dict[str, str] = {}
    programs: dict[str, Program] = {}
    own = size - copies - starters
    for i in range(own):
        key = f"s{i:03d}"
        programs[key] = independent(rng)
        sources[key] = render(programs[key], rng)
    planted: set[frozenset[str]] = set()
    for i, original in enumerate(rng.sample(sorted(programs), copies)):
        key = f"c{i:03d}"
        sources[key] = render(programs[original], rng, disguise=True)
        planted.add(frozenset((original, key)))
    lazy = set()
    for i in range(starters):
        key = f"e{i:03d}"
        sources[key] = starter_only(rng)
        lazy.add(key)
    keys = list(sources)
    rng.shuffle(keys)
    return Corpus({k: sources[k] for k in keys}, planted, lazy)
