"""Code similarity: which pairs of answers to one code question look copied.

Pure and without Django. Answers are Python source typed by students, read here on
the trusted side with the ``tokenize`` module only (never compiled or run), under a
budget: each source is cut at ``MAX_SOURCE_CHARS`` and at ``MAX_TOKENS`` tokens, a
tokenize error keeps the tokens read before it, at most ``MAX_DOCUMENTS`` sources
are compared in one run, and a run stops with ``OverBudget`` after ``max_seconds``.

Method: winnowing (Schleimer, Wilkerson, Aiken, "Winnowing: local algorithms for
document fingerprinting", SIGMOD 2003), the algorithm behind MOSS.

1. Tokenize and normalise: every identifier becomes ``N``, every number ``0``,
   every string ``S``; keywords and operators stay; comments, blank lines and
   layout go. Renaming variables and reformatting change nothing.
2. Hash every run of ``K`` consecutive tokens (a k-gram).
3. Winnow: in every window of ``W`` consecutive k-gram hashes keep the smallest
   (the rightmost on a tie). Any match of at least ``K + W - 1`` tokens is
   guaranteed to share a kept hash, and the kept hashes of an answer (its
   fingerprints) do not depend on where in the file the code sits, so moving
   functions around keeps them.
4. Remove every k-gram of the starter code and of the reference solution from each
   answer's fingerprints (code every answer is given, or the answer key, is no
   evidence of copying), and the fingerprints found in more than
   ``common_share`` of the answers (an idiom everyone writes).
5. Score each pair by the fingerprints they share: ``shared / min(|A|, |B|)``,
   so that a copy padded with extra code still scores high, but only when both
   have at least ``MIN_FINGERPRINTS`` left: an answer that is little more than the
   starter code has almost none, and matches nothing.
"""

from __future__ import annotations

import io
import keyword
import time
import tokenize
import zlib
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Generic, NamedTuple, TypeVar

K = 8  # tokens per k-gram (the noise threshold: shorter matches are ignored)
W = 4  # winnowing window: matches of K + W - 1 = 11 tokens are always found
MIN_FINGERPRINTS = 8
MAX_SOURCE_CHARS = 40_000
MAX_TOKENS = 8_000
MAX_DOCUMENTS = 3_000
COMMON_SHARE = 0.5  # fingerprints in more than this share of the answers are ignored
COMMON_MIN_DOCUMENTS = 10  # ... once there are at least this many answers
MAX_SECONDS = 120.0  # a run's time budget; 200 answers take a few seconds


class OverBudget(RuntimeError):
    """A comparison ran past its time budget."""


_SKIP = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
    tokenize.TYPE_COMMENT if hasattr(tokenize, "TYPE_COMMENT") else -1,
}


class Token(NamedTuple):
    """One normalised token and the lines it stands on (1-based)."""

    text: str
    first: int
    last: int


@dataclass(frozen=True)
class Fingerprints:
    """An answer's kept hashes, each with the (first line, last line) it covers."""

    hashes: Mapping[int, tuple[tuple[int, int], ...]]
    tokens: int
    truncated: bool  # cut at the budget, or tokenize stopped at an error

    def __len__(self) -> int:
        return len(self.hashes)


# What the caller names its sources by (answer ids, say); pairs name them the same way.
Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Pair(Generic[Key]):
    a: Key
    b: Key
    score: float  # shared / the smaller answer's fingerprints, 0..1
    shared: int
    share_a: float  # shared / a's fingerprints
    share_b: float


@dataclass
class Comparison(Generic[Key]):
    """The ranked pairs of a run, best first, and what could not be read fully."""

    pairs: list[Pair[Key]]
    truncated: list[Key] = field(default_factory=list)
    too_short: list[Key] = field(default_factory=list)
    compared: int = 0


def _normal(tok: tokenize.TokenInfo) -> str | None:
    if tok.type in _SKIP:
        return None
    if tok.type == tokenize.NAME:
        return tok.string if keyword.iskeyword(tok.string) else "N"
    if tok.type == tokenize.NUMBER:
        return "0"
    if tok.type == tokenize.STRING or tok.type in _FSTRING_TYPES:
        return "S"
    if tok.type == tokenize.NEWLINE:
        return ";"
    if tok.type == tokenize.INDENT:
        return "{"
    if tok.type == tokenize.DEDENT:
        return "}"
    return tok.string


# Python 3.12 splits f-strings into parts; each part is one string-like token.
_FSTRING_TYPES = {
    getattr(tokenize, name)
    for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
    if hasattr(tokenize, name)
}


def normalise(source: str) -> tuple[list[Token], bool]:
    """The normalised tokens of ``source`` and whether they stop short of its end
    (cut at the budget, or at a tokenize error: what came before still counts)."""
    truncated = len(source) > MAX_SOURCE_CHARS
    text = source[:MAX_SOURCE_CHARS]
    tokens: list[Token] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            word = _normal(tok)
            if word is None:
                continue
            if word == "S" and tokens and tokens[-1].text == "S":
                # "a" "b", and the parts of an f-string (3.12+), are one string.
                tokens[-1] = Token("S", tokens[-1].first, tok.end[0])
            else:
                tokens.append(Token(word, tok.start[0], tok.end[0]))
            if len(tokens) >= MAX_TOKENS:
                return tokens, True
    except (tokenize.TokenError, SyntaxError, ValueError):
        # Unbalanced brackets, a bad dedent, an unterminated string: keep what was read.
        truncated = True
    return tokens, truncated


def _kgram_hashes(tokens: Sequence[Token]) -> list[int]:
    words = [t.text for t in tokens]
    return [zlib.crc32("\x1f".join(words[i : i + K]).encode()) for i in range(len(words) - K + 1)]


def all_kgrams(source: str) -> set[int]:
    """Every k-gram hash of ``source`` (for the code to exclude: starter, reference)."""
    tokens, _ = normalise(source or "")
    return set(_kgram_hashes(tokens))


def fingerprint(source: str, exclude: frozenset[int] | set[int] = frozenset()) -> Fingerprints:
    """The winnowed fingerprints of ``source``, minus the hashes in ``exclude``."""
    tokens, truncated = normalise(source or "")
    hashes = _kgram_hashes(tokens)
    kept: dict[int, list[tuple[int, int]]] = defaultdict(list)
    last = -1
    for start in range(max(len(hashes) - W + 1, 1 if hashes else 0)):
        window = hashes[start : start + W]
        # The rightmost minimum: consecutive windows then keep the same position.
        pos = start + W - 1 - window[::-1].index(min(window))
        if pos == last:
            continue
        last = pos
        h = hashes[pos]
        if h in exclude:
            continue
        kept[h].append((tokens[pos].first, tokens[pos + K - 1].last))
    return Fingerprints(
        {h: tuple(v) for h, v in kept.items()}, tokens=len(tokens), truncated=truncated
    )


def _pair(a: Key, b: Key, fa: set[int], fb: set[int], shared: int) -> Pair[Key]:
    la, lb = len(fa), len(fb)
    return Pair(
        a=a,
        b=b,
        score=round(shared / min(la, lb), 4),
        shared=shared,
        share_a=round(shared / la, 4),
        share_b=round(shared / lb, 4),
    )


def compare(
    sources: Mapping[Key, str],
    *,
    starter: str = "",
    reference: str = "",
    only_with: set[Key] | None = None,
    limit: int = 200,
    min_score: float = 0.0,
    common_share: float = COMMON_SHARE,
    progress: Callable[[int, int], None] | None = None,
    max_seconds: float = MAX_SECONDS,
) -> Comparison[Key]:
    """Rank the pairs of ``sources`` (id -> source) by similarity, best first.

    ``only_with``: when given, only pairs with at least one member in it are ranked
    (this quiz's answers against each other and against an archive, never two archived
    answers against each other). ``progress(done, total)`` is called as answers are
    fingerprinted. At most ``limit`` pairs come back, each scoring above ``min_score``.
    Raises ``OverBudget`` after ``max_seconds`` of work.
    """
    give_up = time.monotonic() + max_seconds

    def check_budget() -> None:
        if time.monotonic() > give_up:
            raise OverBudget(f"comparing took longer than {max_seconds:g} s")

    ids = list(sources)[:MAX_DOCUMENTS]
    exclude = all_kgrams(starter) | all_kgrams(reference)
    prints: dict[Key, set[int]] = {}
    result: Comparison[Key] = Comparison(pairs=[], compared=len(ids))
    for n, key in enumerate(ids, 1):
        fp = fingerprint(sources[key], exclude)
        if fp.truncated:
            result.truncated.append(key)
        if len(fp) < MIN_FINGERPRINTS:
            result.too_short.append(key)
        else:
            prints[key] = set(fp.hashes)
        if progress and (n % 20 == 0 or n == len(ids)):
            progress(n, len(ids))
        check_budget()

    holders: dict[int, list[Key]] = defaultdict(list)
    for key, hashes in prints.items():
        for h in hashes:
            holders[h].append(key)
    cap = len(prints) * common_share if len(prints) >= COMMON_MIN_DOCUMENTS else len(prints)
    common = {h for h, keys in holders.items() if len(keys) > cap}
    if common:
        prints = {k: v - common for k, v in prints.items()}
        prints = {k: v for k, v in prints.items() if len(v) >= MIN_FINGERPRINTS}

    counts: dict[tuple[Key, Key], int] = defaultdict(int)
    order = {key: i for i, key in enumerate(ids)}
    for h, keys in holders.items():
        if h in common:
            continue
        keys = [k for k in keys if k in prints]
        check_budget()
        for a, b in combinations(sorted(keys, key=order.__getitem__), 2):
            if only_with is not None and a not in only_with and b not in only_with:
                continue
            counts[(a, b)] += 1
    pairs = [_pair(a, b, prints[a], prints[b], shared) for (a, b), shared in counts.items()]
    pairs = [p for p in pairs if p.score > min_score]
    pairs.sort(key=lambda p: (-p.score, -p.shared, order[p.a], order[p.b]))
    result.pairs = pairs[:limit]
    return result


@dataclass(frozen=True)
class Match:
    """The lines of each answer covered by fingerprints the two share."""

    lines_a: frozenset[int]
    lines_b: frozenset[int]


def matching_lines(a: str, b: str, *, starter: str = "", reference: str = "") -> Match:
    """Which lines of ``a`` and ``b`` hold the code they share (for highlighting them
    side by side); starter and reference code are not counted as shared."""
    exclude = all_kgrams(starter) | all_kgrams(reference)
    fa, fb = fingerprint(a, exclude), fingerprint(b, exclude)
    shared = fa.hashes.keys() & fb.hashes.keys()

    def lines(fp: Fingerprints) -> frozenset[int]:
        out: set[int] = set()
        for h in shared:
            for first, last in fp.hashes[h]:
                out.update(range(first, last + 1))
        return frozenset(out)

    return Match(lines(fa), lines(fb))
