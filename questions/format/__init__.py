"""Parse and validate question packages and whole banks (no Django needed).

A bank is a folder; every folder below it holding a ``question.toml`` is one question
whose id is its path relative to the bank root. ``load_bank`` reads every question and
collects *all* problems before raising, so a TA sees every mistake of a bank at once.

Parameterised variants (an extension of the contract): a question may carry

    [variants]
    generator = "variants.py"

naming a file beside ``question.toml`` that defines ``generate(rng) -> dict`` of plain
values. ``{{ name }}`` placeholders in the prompt, the explanation, the options, answer/answers,
test ``expr`` and string check options (a ``raises`` expression) are replaced by ``str(value)``; ``{{ name!r }}``
inserts ``repr(value)`` (handy in expressions). A placeholder that is the whole of a
numeric ``answer`` keeps the value's type. ``instantiate(question, seed)`` returns the
variant for a seed; a code question's test drivers also see the values as the global
``VARIANT`` of ``cases.py``. The generator is written by course staff and reviewed in
git like settings, so it runs on the trusted side (the worker, the import command) with
no sandbox; what it returns must be plain data and is checked.

Other extensions: ``[[tests]]`` and ``[[checks]]`` take an optional ``name`` (default:
the case name, ``test-N`` or ``<kind>-N``) and an optional ``title``, the words a student
reads for it on the results page ("counts every call"); an optional ``explanation``
(Markdown) says why the answer is right, shown when the quiz's review options allow; an
empty ``bank.toml`` marks a bank's root so a package loaded on its own gets its full id.
The ``essay`` type is a written answer that staff grade by hand (nothing scores it),
with optional ``min_words``/``max_words``, ``response_lines`` and ``grader_info``
(Markdown for the graders only). Images beside question.toml are checked by the bank
check, not here (``questions.images``): a stored version is parsed without them.

Check options are not the format's business: it reads each ``[[checks]]`` entry's
common keys (kind, name, title, points, feedback, target) and keeps the rest as the
check's ``options``. A loader given a ``CheckValidator`` (the grader passes
``grader.checks.validate_options``) has every kind judge its own options, with their
problems reported among the package's others.

The parts: ``model`` (problems and data classes), ``files`` (folders, ids, hashes),
``loader`` (questions and banks), ``code`` (tests and checks), ``variants``.
"""

from questions.format.collect import TITLE_MAX
from questions.format.files import content_hash, find_question_dirs, guess_id, package_files
from questions.format.loader import load_bank, load_question
from questions.format.model import (
    CHECK_COMMON_KEYS,
    ESSAY_LINES_DEFAULT,
    ESSAY_LINES_MAX,
    HAND_GRADED_TYPES,
    IDENTIFIER,
    PLACEHOLDER,
    QUESTION_FILE,
    TYPES,
    CheckOptions,
    CheckSpec,
    CheckValidator,
    CodeSpec,
    FormatError,
    Problem,
    Question,
    TestSpec,
    VariantSpec,
    has_placeholder,
)
from questions.format.variants import instantiate

__all__ = [
    "CHECK_COMMON_KEYS",
    "ESSAY_LINES_DEFAULT",
    "ESSAY_LINES_MAX",
    "HAND_GRADED_TYPES",
    "IDENTIFIER",
    "PLACEHOLDER",
    "QUESTION_FILE",
    "TITLE_MAX",
    "TYPES",
    "CheckOptions",
    "CheckSpec",
    "CheckValidator",
    "CodeSpec",
    "FormatError",
    "Problem",
    "Question",
    "TestSpec",
    "VariantSpec",
    "content_hash",
    "find_question_dirs",
    "guess_id",
    "has_placeholder",
    "instantiate",
    "load_bank",
    "load_question",
    "package_files",
]
