"""Reading packages: a whole bank (every problem at once) or one question."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from questions.format.code import parse_code
from questions.format.collect import (
    Collector,
    check_expr,
    compiles,
    is_number,
    is_str_list,
    read_sibling,
    top_level_functions,
    unknown_keys,
)
from questions.format.files import content_hash, find_question_dirs, guess_id
from questions.format.model import (
    ESSAY_LINES_DEFAULT,
    ESSAY_LINES_MAX,
    PLACEHOLDER,
    QUESTION_FILE,
    TYPES,
    CheckOptions,
    CheckValidator,
    FormatError,
    Problem,
    Question,
    VariantSpec,
)
from questions.format.variants import check_placeholders, instantiate

_COMMON_KEYS = {"title", "type", "prompt", "points", "topics", "variants", "explanation"}
_TYPE_KEYS = {
    "choice": {"options", "answer", "shuffle"},
    "multi": {"options", "answers", "shuffle"},
    "numeric": {"answer", "tolerance", "rel_tolerance"},
    "text": {"answers", "case_sensitive"},
    "code": {"code", "tests", "checks"},
    "essay": {"min_words", "max_words", "response_lines", "grader_info"},
}
_VARIANT_KEYS = {"generator"}


def load_bank(bank_root: str | Path, checks: CheckValidator | None = None) -> list[Question]:
    """Load every question of a bank; raise FormatError listing every problem found.

    ``checks`` judges each check's kind and options (``grader.checks.validate_options``);
    without it they are kept as written.
    """
    root = Path(bank_root)
    if not root.is_dir():
        raise FormatError([Problem(str(root), "", "not a folder")])
    dirs = find_question_dirs(root)
    if not dirs:
        raise FormatError([Problem(str(root), "", f"no {QUESTION_FILE} below this folder")])
    questions: list[Question] = []
    problems: list[Problem] = []
    for d in dirs:
        qid = d.relative_to(root).as_posix() if d != root else d.name
        q, probs = _load(d, qid, checks)
        problems.extend(probs)
        if q is not None:
            questions.append(q)
    if problems:
        raise FormatError(problems)
    return questions


def load_question(
    question_dir: str | Path, qid: str | None = None, checks: CheckValidator | None = None
) -> Question:
    """Load one package. Without ``qid`` the id is guessed with ``guess_id``; ``checks``
    as for ``load_bank``."""
    d = Path(question_dir)
    if not (d / QUESTION_FILE).is_file():
        raise FormatError([Problem(str(d), "", f"no {QUESTION_FILE} in this folder")])
    q, problems = _load(d, qid if qid is not None else guess_id(d), checks)
    if problems or q is None:
        raise FormatError(problems)
    return q


def _load(
    d: Path, qid: str, checks: CheckValidator | None
) -> tuple[Question | None, list[Problem]]:
    toml_file = f"{qid}/{QUESTION_FILE}"
    c = Collector(toml_file)
    try:
        raw = tomllib.loads((d / QUESTION_FILE).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        c.add("", f"not valid TOML: {e}")
        return None, c.problems
    except (OSError, UnicodeDecodeError) as e:
        c.add("", f"cannot be read: {e}")
        return None, c.problems
    q = _parse(raw, d, qid, c, checks)
    if "variants" not in raw:
        check_placeholders(raw, c)
    if q is not None and not c.problems:
        if q.variants is not None and not c.problems:
            # Try a couple of seeds so a generator that breaks the question (an answer
            # missing from the options, a value that is not plain data) is refused now.
            for seed in (0, 1):
                try:
                    v = instantiate(q, seed)
                except FormatError as e:
                    c.problems.extend(e.problems)
                    break
                _validate_type_fields(v, c, checks, variant_seed=seed)
                if c.problems:
                    break
    return (q if not c.problems else None), c.problems


def _parse(
    raw: dict[str, Any], d: Path, qid: str, c: Collector, checks: CheckValidator | None
) -> Question | None:
    qtype = raw.get("type")
    if qtype is None:
        c.add("type", "is required")
    elif qtype not in TYPES:
        c.add("type", f"must be one of {', '.join(TYPES)}")
        qtype = None
    allowed = _COMMON_KEYS | (_TYPE_KEYS[qtype] if qtype else set().union(*_TYPE_KEYS.values()))
    unknown_keys(raw, allowed, "", c)

    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        c.add("title", "is required and must be a non-empty string")
        title = ""
    prompt = raw.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        c.add("prompt", "is required and must be a non-empty string")
        prompt = ""
    explanation = raw.get("explanation", "")
    if not isinstance(explanation, str):
        c.add("explanation", "must be a string (Markdown)")
        explanation = ""
    topics = raw.get("topics", [])
    if not is_str_list(topics):
        c.add("topics", "must be a list of strings")
        topics = []
    points_given = "points" in raw
    points = raw.get("points", 1)
    if not is_number(points) or points <= 0:
        c.add("points", "must be a positive number")
        points = 1

    variants = None
    if "variants" in raw:
        vt = raw["variants"]
        if not isinstance(vt, dict):
            c.add("variants", 'must be a table with generator = "file.py"')
        else:
            unknown_keys(vt, _VARIANT_KEYS, "variants.", c)
            if "generator" not in vt:
                c.add("variants.generator", "is required")
            else:
                src = read_sibling(d, qid, "variants.generator", vt["generator"], c)
                if src is not None and compiles(src, vt["generator"], "variants.generator", qid, c):
                    variants = VariantSpec(vt["generator"], src)

    kw: dict[str, Any] = {}
    if qtype in ("choice", "multi"):
        options = raw.get("options")
        if not is_str_list(options) or len(options) < 2:
            c.add("options", "must be a list of at least two strings")
            options = []
        elif len(set(options)) != len(options):
            c.add("options", "must not repeat an option")
        kw["options"] = tuple(options)
        shuffle = raw.get("shuffle", True)
        if not isinstance(shuffle, bool):
            c.add("shuffle", "must be true or false")
            shuffle = True
        kw["shuffle"] = shuffle
        if qtype == "choice":
            if "answer" not in raw:
                c.add("answer", "is required")
            elif not isinstance(raw["answer"], str):
                c.add("answer", "must be a string (one of the options)")
            kw["answer"] = raw.get("answer")
        else:
            answers = raw.get("answers")
            if not is_str_list(answers) or not answers:
                c.add("answers", "must be a non-empty list of strings (options)")
                answers = []
            kw["answers"] = tuple(answers)
    elif qtype == "numeric":
        ans = raw.get("answer")
        if ans is None:
            c.add("answer", "is required")
        elif not (
            is_number(ans) or (isinstance(ans, str) and variants and PLACEHOLDER.search(ans))
        ):
            c.add("answer", "must be a finite number")
        kw["answer"] = ans
        for key in ("tolerance", "rel_tolerance"):
            v = raw.get(key, 0.0)
            if not is_number(v) or v < 0:
                c.add(key, "must be a number >= 0")
                v = 0.0
            kw[key] = float(v)
    elif qtype == "text":
        answers = raw.get("answers")
        if not is_str_list(answers) or not answers or not all(a.strip() for a in answers):
            c.add("answers", "must be a non-empty list of non-blank strings")
            answers = []
        kw["answers"] = tuple(answers)
        cs = raw.get("case_sensitive", False)
        if not isinstance(cs, bool):
            c.add("case_sensitive", "must be true or false")
            cs = False
        kw["case_sensitive"] = cs
    elif qtype == "code":
        code = parse_code(raw, d, qid, c, checks)
        kw["code"] = code
        if code is not None and not points_given:
            # A code question without "points" is worth what its tests and checks add up to.
            total = sum(t.points for t in code.tests) + sum(k.points for k in code.checks)
            points = total if total > 0 else 1
    elif qtype == "essay":
        kw.update(_parse_essay(raw, c))

    if c.problems or qtype is None:
        return None
    q = Question(
        id=qid,
        title=title,
        type=qtype,
        prompt=prompt,
        points=float(points),
        topics=tuple(topics),
        content_hash=content_hash(d),
        path=str(d),
        variants=variants,
        explanation=explanation.strip(),
        **kw,
    )
    if variants is None:
        _validate_type_fields(q, c, checks)
    return q


def _parse_essay(raw: dict[str, Any], c: Collector) -> dict[str, Any]:
    """An essay's optional keys: word limits, the answer box's height, staff notes."""
    kw: dict[str, Any] = {}
    for key in ("min_words", "max_words"):
        v = raw.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
            c.add(key, "must be a whole number >= 1")
            v = None
        kw[key] = v
    if kw["min_words"] and kw["max_words"] and kw["min_words"] > kw["max_words"]:
        c.add("min_words", "must not be more than max_words")
    lines = raw.get("response_lines", ESSAY_LINES_DEFAULT)
    if not isinstance(lines, int) or isinstance(lines, bool) or not 1 <= lines <= ESSAY_LINES_MAX:
        c.add("response_lines", f"must be a whole number from 1 to {ESSAY_LINES_MAX}")
        lines = ESSAY_LINES_DEFAULT
    kw["response_lines"] = lines
    info = raw.get("grader_info", "")
    if not isinstance(info, str):
        c.add("grader_info", "must be a string (Markdown)")
        info = ""
    kw["grader_info"] = info.strip()
    return kw


def _validate_type_fields(
    q: Question, c: Collector, checks: CheckValidator | None, variant_seed: int | None = None
) -> None:
    """Checks that need the final values (run again on each variant)."""
    where = f" (variant for seed {variant_seed})" if variant_seed is not None else ""
    if q.type == "choice" and q.answer not in q.options:
        c.add("answer", f"must be one of the options{where}")
    if q.type == "multi":
        for a in q.answers:
            if a not in q.options:
                c.add("answers", f"'{a}' is not one of the options{where}")
        if len(set(q.answers)) != len(q.answers):
            c.add("answers", f"must not repeat an answer{where}")
    if q.type in ("choice", "multi") and len(set(q.options)) != len(q.options):
        c.add("options", f"must not repeat an option{where}")
    if q.type == "numeric" and not is_number(q.answer):
        c.add("answer", f"must be a finite number{where}")
    if variant_seed is not None and q.code is not None:
        for i, t in enumerate(q.code.tests, 1):
            if t.expr:
                check_expr(t.expr, f"tests[{i}].expr", c, where)
        if checks is None:
            return
        # A variant's check options are judged again once its placeholders are filled in.
        code = q.code
        names = None
        if code.cases_source is not None:
            names = frozenset(top_level_functions(code.cases_source))
        for i, k in enumerate(code.checks, 1):
            options = CheckOptions(k.kind, k.options, Path(q.path), code.cases, names, where)
            for key, reason in checks(options):
                c.add(f"checks[{i}].{key}" if key else f"checks[{i}]", reason)
