"""The sample bank's non-code answers are true on the Python that runs the grader.

The lecture shows 3.9/3.10 bytecode; the bank is written for 3.11. Every answer here
is recomputed from the question's own snippet (the first ```python block of its
prompt), so a bank edit or a Python upgrade that makes an answer wrong fails here.
"""

from __future__ import annotations

import builtins
import contextlib
import dis
import importlib
import inspect
import io
import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from questions.format import Question, instantiate, load_bank

BANK = Path(__file__).resolve().parents[1] / "bank"
SEEDS = range(12)


@pytest.fixture(scope="module")
def bank() -> dict[str, Question]:
    return {q.id: q for q in load_bank(BANK)}


def snippet(q: Question) -> str:
    match = re.search(r"```python\n(.*?)```", q.prompt, re.S)
    assert match, f"{q.id} has no python block"
    return match.group(1)


def run(code: str) -> tuple[str, dict]:
    namespace: dict = {"__name__": "__snippet__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), namespace)
    return out.getvalue().strip(), namespace


def raised(code: str) -> str:
    try:
        run(code)
    except Exception as exc:  # the snippet's failure is what the question asks about
        return type(exc).__name__
    return "nothing"


def opnames(fn: types.FunctionType | types.CodeType) -> list[str]:
    return [ins.opname for ins in dis.get_instructions(fn)]


# ----------------------------------------------------------------- code objects


def test_it_compile_mode_is_the_only_mode_that_returns_the_value(bank) -> None:
    q = bank["code-objects/compile-mode"]
    returning = []
    for option in q.options:
        mode = option.strip("'")
        try:
            value = eval(compile("a + 1", "<string>", mode), {"a": 1})
        except ValueError:  # not a mode compile() knows
            continue
        if value == 2:
            returning.append(option)
    assert returning == [q.answer]


def test_it_code_attributes_are_exactly_those_of_a_code_object(bank) -> None:
    q = bank["code-objects/code-attributes"]
    _, ns = run(snippet(q))
    assert set(q.answers) == {o for o in q.options if hasattr(ns["co"], o)}


@pytest.mark.parametrize("seed", SEEDS)
def test_it_constant_folding_answer_is_what_the_snippet_prints(bank, seed: int) -> None:
    v = instantiate(bank["code-objects/constant-folding"], seed)
    printed, _ = run(snippet(v))
    assert printed == str(v.answer)


def test_it_compile_and_dis_are_the_named_tools(bank) -> None:
    assert "compile" in bank["code-objects/compile-builtin"].answers
    assert callable(builtins.compile)
    (module,) = bank["bytecode/disassembler-module"].answers
    assert callable(importlib.import_module(module).dis)


# --------------------------------------------------------------------- bytecode


def test_it_in_place_add_is_binary_op_on_this_python(bank) -> None:
    q = bank["bytecode/inplace-add-311"]
    _, ns = run(snippet(q))
    adds = [i.opname for i in dis.get_instructions(ns["pysum"]) if i.argrepr == "+="]
    assert adds == [q.answer]
    assert not {"INPLACE_ADD", "BINARY_ADD"} & set(opnames(ns["pysum"]))


def test_it_pysum_instructions_are_exactly_the_listed_answers(bank) -> None:
    q = bank["bytecode/pysum-instructions"]
    _, ns = run(snippet(q))
    present = set(opnames(ns["pysum"]))
    assert set(q.answers) == {o for o in q.options if o in present}


def test_it_npsum_has_the_stated_number_of_instructions(bank) -> None:
    q = bank["bytecode/npsum-instruction-count"]
    _, ns = run(snippet(q))
    assert len(opnames(ns["npsum"])) == q.answer
    assert "RESUME" in opnames(ns["npsum"])


# ----------------------------------------------------------------------- scopes


@pytest.mark.parametrize("seed", SEEDS)
def test_it_which_load_answer_matches_the_compiled_snippet(bank, seed: int) -> None:
    v = instantiate(bank["scopes/which-load"], seed)
    _, ns = run(snippet(v))
    f = ns["outer"]() if "outer" in ns else ns["f"]
    loads = [
        i.opname
        for i in dis.get_instructions(f)
        if i.argval == v.variant["name"] and i.opname.startswith("LOAD_")
    ]
    assert loads == [v.answer]
    assert v.answer in v.options


def test_it_every_scope_is_drawn_across_seeds(bank) -> None:
    answers = {instantiate(bank["scopes/which-load"], s).answer for s in range(60)}
    assert answers == {"LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF"}


def test_it_closure_facts_are_exactly_the_true_statements(bank) -> None:
    q = bank["scopes/closure-facts"]
    _, ns = run(snippet(q))
    local, c = ns["local"], ns["c"]
    truth = {
        "`'x'` is in `c.__code__.co_freevars`": "x" in c.__code__.co_freevars,
        "`'x'` is in `local.__code__.co_cellvars`": "x" in local.__code__.co_cellvars,
        "`c.__closure__` is a tuple holding one cell": isinstance(c.__closure__, tuple)
        and len(c.__closure__) == 1
        and isinstance(c.__closure__[0], types.CellType),
        "`'x'` is in `c.__code__.co_varnames`": "x" in c.__code__.co_varnames,
        "`c` reads `x` with `LOAD_GLOBAL`": any(
            i.opname == "LOAD_GLOBAL" and i.argval == "x" for i in dis.get_instructions(c)
        ),
        "Calling `c(1)` raises `UnboundLocalError`": _raises(c, 1) == "UnboundLocalError",
    }
    assert set(truth) == set(q.options)
    assert set(q.answers) == {o for o, holds in truth.items() if holds}


def _raises(fn, *args) -> str:
    try:
        fn(*args)
    except Exception as exc:
        return type(exc).__name__
    return "nothing"


def test_it_unbound_local_is_the_exception_raised(bank) -> None:
    q = bank["scopes/unbound-local"]
    assert raised(snippet(q)) in q.answers


# ---------------------------------------------------------------------- objects


def test_it_alias_append_prints_the_answer(bank) -> None:
    q = bank["objects/alias-append"]
    assert run(snippet(q))[0] == q.answer


def test_it_mutable_types_are_exactly_the_unhashable_builtins(bank) -> None:
    # For these built-in containers, mutable and unhashable coincide.
    q = bank["objects/mutable-types"]

    def unhashable(name: str) -> bool:
        try:
            hash(getattr(builtins, name)())
        except TypeError:
            return True
        return False

    assert set(q.answers) == {o for o in q.options if unhashable(o)}


def test_it_int_size_is_what_getsizeof_reports(bank) -> None:
    q = bank["objects/int-size"]
    assert sys.maxsize > 2**32, "the question is about 64-bit CPython"
    assert int(run(snippet(q))[0]) == q.answer


def test_it_id_is_the_identity_builtin(bank) -> None:
    assert "id" in bank["objects/identity-builtin"].answers
    a = [1]
    assert builtins.id(a) == builtins.id(a) != builtins.id([1])


# ----------------------------------------------------------------------- frames


def test_it_frame_attributes_are_exactly_those_of_a_frame(bank) -> None:
    q = bank["frames/frame-attributes"]
    _, ns = run(snippet(q))
    assert isinstance(ns["frame"], types.FrameType)
    assert set(q.answers) == {o for o in q.options if hasattr(ns["frame"], o)}


def test_it_stack_depth_is_what_the_script_prints(bank, tmp_path: Path) -> None:
    q = bank["frames/stack-depth"]
    script = tmp_path / "depth.py"
    script.write_text(snippet(q))
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    ).stdout
    assert int(out) == q.answer


def test_it_f_back_is_the_caller_link(bank) -> None:
    q = bank["frames/caller-link"]
    assert "f_back" in q.answers

    def inner() -> types.FrameType:
        return sys._getframe()

    assert inner().f_back is sys._getframe()


# ------------------------------------------------------------------- generators


def test_it_generator_state_prints_the_answer(bank) -> None:
    q = bank["generators/generator-state"]
    assert run(snippet(q))[0] == q.answer


def test_it_generator_facts_are_exactly_the_true_statements(bank) -> None:
    q = bank["generators/generator-facts"]
    _, ns = run(snippet(q))
    gen = ns["gen"]
    started = []

    def traced():
        started.append(True)
        yield 1

    traced()  # creating the generator must not run its body
    g = gen()
    frame_while_alive = isinstance(g.gi_frame, types.FrameType)
    list(g)
    truth = {
        "`gen.__code__.co_flags & inspect.CO_GENERATOR` is non-zero": bool(
            gen.__code__.co_flags & inspect.CO_GENERATOR
        ),
        "`g.gi_frame` is a frame object until `g` is exhausted": frame_while_alive,
        "after `list(g)`, `g.gi_frame` is `None`": g.gi_frame is None,
        "the line `g = gen()` runs the body of `gen` up to its first `yield`": bool(started),
        "`gen` itself is a generator object": isinstance(gen, types.GeneratorType),
    }
    assert set(truth) == set(q.options)
    assert set(q.answers) == {o for o, holds in truth.items() if holds}


@pytest.mark.parametrize("seed", SEEDS)
def test_it_send_doubling_prints_the_answer(bank, seed: int) -> None:
    v = instantiate(bank["generators/send-doubling"], seed)
    assert run(snippet(v))[0] == str(v.answer)


def test_it_exhausted_generator_raises_the_answer(bank) -> None:
    q = bank["generators/exhausted-exception"]
    assert raised(snippet(q)) in q.answers


# ------------------------------------------------------------------ memory, numpy


def test_it_32_bit_addresses_cover_the_stated_gibibytes(bank) -> None:
    assert 2**32 / 2**30 == bank["memory/address-space"].answer


@pytest.mark.parametrize("seed", SEEDS)
def test_it_nbytes_prints_the_answer(bank, seed: int) -> None:
    v = instantiate(bank["numpy/nbytes"], seed)
    assert run(snippet(v))[0] == str(v.answer)


def test_it_list_versus_array_statements_hold(bank) -> None:
    q = bank["numpy/list-vs-array"]
    _, ns = run(snippet(q))
    li, arr = ns["li"], ns["arr"]
    assert arr.nbytes == arr.size * arr.dtype.itemsize  # one buffer of fixed-size items
    assert arr.flags["C_CONTIGUOUS"] and arr.dtype.kind == "i"
    assert all(type(x) is int for x in li)
    assert not any(isinstance(x, int) for x in arr)  # elements are NumPy scalars
    assert len(q.answers) == 3


def test_it_dtype_is_the_element_type_attribute(bank) -> None:
    assert "dtype" in bank["numpy/dtype"].answers
    assert str(np.arange(3, dtype=np.int64).dtype) == "int64"


@pytest.mark.parametrize("seed", SEEDS)
def test_it_every_nth_example_is_what_the_reference_returns(bank, seed: int) -> None:
    v = instantiate(bank["generators/every-nth"], seed)
    _, ref = run(v.code.reference_source)
    size, n = v.variant["size"], v.variant["n"]
    shown = re.search(r">>> list\(every_nth\(range\((\d+)\), (\d+)\)\)\n(.*)\n", v.prompt)
    assert shown.groups()[:2] == (str(size), str(n))
    assert shown.group(3) == str(list(ref["every_nth"](range(size), n)))


def test_it_a_suspended_generator_keeps_its_frame_state(bank) -> None:
    q = bank["memory/generator-resume"]
    _, ns = run(snippet(q))
    g = ns["g"]
    assert isinstance(g.gi_frame, types.FrameType)
    assert g.gi_frame.f_lasti > 0  # resumes after the first yield, not from the start
    assert next(g) == 2
    assert "gi_frame" in q.answer
