"""Parameterised variants: run a question's generator and fill in its placeholders.

Placeholders may stand in the prompt, the explanation, the options and answers, a
test's ``expr`` and any string option of a check (a ``raises`` check's ``expr``, say).
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
from typing import Any

from questions.format.collect import Collector
from questions.format.model import (
    CHECK_COMMON_KEYS,
    IDENTIFIER,
    PLACEHOLDER,
    QUESTION_FILE,
    CheckSpec,
    FormatError,
    Problem,
    Question,
)

_PLAIN_SCALARS = (str, int, float, bool)


def _plain(v: Any) -> bool:
    if type(v) in _PLAIN_SCALARS:
        return not (type(v) is float and not math.isfinite(v))
    if type(v) is list:
        return all(_plain(x) for x in v)
    return False


def check_placeholders(raw: dict[str, Any], c: Collector) -> None:
    """Placeholders need a [variants] generator: report each one found without it."""
    strings: list[tuple[str, Any]] = [
        ("prompt", raw.get("prompt")),
        ("answer", raw.get("answer")),
        ("explanation", raw.get("explanation")),
    ]
    for key in ("options", "answers"):
        if isinstance(raw.get(key), list):
            strings += [(f"{key}[{i}]", v) for i, v in enumerate(raw[key], 1)]
    if isinstance(raw.get("tests"), list):
        strings += [
            (f"tests[{i}].expr", t.get("expr"))
            for i, t in enumerate(raw["tests"], 1)
            if isinstance(t, dict)
        ]
    if isinstance(raw.get("checks"), list):
        strings += [
            (f"checks[{i}].{key}", value)
            for i, t in enumerate(raw["checks"], 1)
            if isinstance(t, dict)
            for key, value in t.items()
            if key not in CHECK_COMMON_KEYS
        ]
    for key, text in strings:
        if isinstance(text, str):
            for m in PLACEHOLDER.finditer(text):
                c.add(key, f"placeholder {{{{ {m.group(1)} }}}} needs a [variants] generator")


def _run_generator(q: Question, seed: int) -> dict[str, Any]:
    """Run the staff-written generator (trusted: reviewed in git like settings)."""
    if q.variants is None:  # an invariant, kept under python -O
        raise RuntimeError("expected q.variants is not None")
    gen_file = f"{q.id}/{q.variants.generator}"
    namespace: dict[str, Any] = {"__name__": f"variants:{q.id}"}
    try:
        # S102: the generator is staff code, reviewed in git like the settings.
        exec(compile(q.variants.source, gen_file, "exec", dont_inherit=True), namespace)  # noqa: S102
        gen = namespace.get("generate")
        if not callable(gen):
            raise FormatError([Problem(gen_file, "generate", "must define generate(rng) -> dict")])
        values = gen(random.Random(seed))  # noqa: S311 - a reproducible draw
    except FormatError:
        raise
    except Exception as e:  # the generator's own bug: report it against its file
        raise FormatError(
            [Problem(gen_file, "generate", f"raised {type(e).__name__}: {e} (seed {seed})")]
        ) from e
    if type(values) is not dict or not all(type(k) is str and IDENTIFIER.match(k) for k in values):
        raise FormatError([Problem(gen_file, "generate", "must return a dict keyed by names")])
    for k, v in values.items():
        if not _plain(v):
            raise FormatError(
                [
                    Problem(
                        gen_file,
                        "generate",
                        f"value of '{k}' is not a str/int/float/bool or a list of them",
                    )
                ]
            )
    return values


def _substitute(text: str, values: dict[str, Any], key: str, missing: list[str]) -> Any:
    m = PLACEHOLDER.fullmatch(text.strip())
    if m and key == "answer" and m.group(1) in values and not m.group(2):
        return values[m.group(1)]  # keep the value's type (a numeric answer)

    def repl(mm: re.Match[str]) -> str:
        name = mm.group(1)
        if name not in values:
            missing.append(f"{key}: {{{{ {name} }}}}")
            return mm.group(0)
        return repr(values[name]) if mm.group(2) else str(values[name])

    return PLACEHOLDER.sub(repl, text)


def instantiate(question: Question, seed: int) -> Question:
    """The variant of ``question`` for ``seed`` (the same seed gives the same variant).

    A question without variants is returned as it is. Raises FormatError when the
    generator fails or a placeholder names a value the generator does not produce.
    """
    if question.variants is None:
        return question
    values = _run_generator(question, seed)
    missing: list[str] = []

    def sub(key: str, text: Any) -> Any:
        return _substitute(text, values, key, missing) if isinstance(text, str) else text

    changes: dict[str, Any] = {
        "prompt": sub("prompt", question.prompt),
        "explanation": sub("explanation", question.explanation),
        "options": tuple(sub(f"options[{i}]", o) for i, o in enumerate(question.options, 1)),
        "answer": sub("answer", question.answer),
        "answers": tuple(sub(f"answers[{i}]", a) for i, a in enumerate(question.answers, 1)),
        "seed": seed,
        "variant": dict(values),
    }
    code = question.code
    if code is not None:
        tests = tuple(
            dataclasses.replace(t, expr=sub(f"tests[{i}].expr", t.expr)) if t.expr else t
            for i, t in enumerate(code.tests, 1)
        )
        checks = tuple(_check_variant(i, k, sub) for i, k in enumerate(code.checks, 1))
        changes["code"] = dataclasses.replace(code, tests=tests, checks=checks)
    if missing:
        gen_file = f"{question.id}/{question.variants.generator}"
        raise FormatError(
            [
                Problem(
                    f"{question.id}/{QUESTION_FILE}",
                    m.split(":")[0],
                    f"placeholder {m.split(': ', 1)[1]} is not produced by {gen_file}",
                )
                for m in missing
            ]
        )
    return dataclasses.replace(question, **changes)


def _check_variant(i: int, check: CheckSpec, sub: Any) -> CheckSpec:
    """A check with the placeholders of its string options filled in."""
    options = {
        key: sub(f"checks[{i}].{key}", value) if isinstance(value, str) else value
        for key, value in check.options.items()
    }
    if options == check.options:
        return check
    return dataclasses.replace(check, options=options)
