"""Portable opcode names against the recorded tables of CPython 3.10 to 3.13."""

from __future__ import annotations

import dis
import json

import pytest
from opcode_probe import ROWS  # the same rows also run under 3.10, 3.12 and 3.13

from grader.checks import opcodes
from grader.checks.opcodes import Form, UnknownOpcode, recorded_table, resolve

VERSIONS = ["3.10", "3.11", "3.12", "3.13"]


def test_it_has_a_recorded_table_for_each_supported_version():
    assert opcodes.recorded_versions() == VERSIONS


def test_it_recorded_the_3_11_table_exactly_as_the_running_dis_has_it():
    live = opcodes.live_table()
    assert live.python == "3.11"
    table = recorded_table("3.11")
    assert table.opmap == dict(dis.opmap)
    assert table.binary_op == live.binary_op
    assert table.hasjrel == live.hasjrel
    assert table.hasjabs == live.hasjabs
    data = json.loads((opcodes.TABLES_DIR / "cpython-3.11.json").read_text())
    for key, index in [
        ("hasconst", dis.hasconst),
        ("hasname", dis.hasname),
        ("haslocal", dis.haslocal),
        ("hasfree", dis.hasfree),
        ("hascompare", dis.hascompare),
    ]:
        assert data[key] == sorted(dis.opname[i] for i in index)


@pytest.mark.parametrize("version", VERSIONS)
def test_it_keeps_each_recorded_table_self_consistent(version):
    t = recorded_table(version)
    assert len(set(t.opmap.values())) == len(t.opmap), "two names share a number"
    assert all(0 <= n < 256 for n in t.opmap.values())
    assert all(n >= 256 for n in t.pseudo.values())
    assert t.hasjrel <= set(t.opmap) and t.hasjabs <= set(t.opmap)
    assert ("BINARY_OP" in t.opmap) == (t.binary_op is not None)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", opcodes.PORTABLE_NAMES)
def test_it_resolves_every_portable_name_on_every_recorded_version(version, name):
    table = recorded_table(version)
    matcher = resolve(name, table)
    assert matcher.forms
    assert matcher.opnames <= set(table.opmap), "resolved to an instruction that version lacks"


EXPECTED = {
    # name: {version: the forms it must include}
    "INPLACE_ADD": {
        "3.10": {Form("INPLACE_ADD")},
        "3.11": {Form("BINARY_OP", binop="+=")},
        "3.12": {Form("BINARY_OP", binop="+=")},
        "3.13": {Form("BINARY_OP", binop="+=")},
    },
    "BINARY_OP *": {
        "3.10": {Form("BINARY_MULTIPLY")},
        "3.11": {Form("BINARY_OP", binop="*")},
    },
    "BINARY_OP //=": {"3.10": {Form("INPLACE_FLOOR_DIVIDE")}},
    "LOAD_METHOD": {
        "3.10": {Form("LOAD_METHOD")},
        "3.11": {Form("LOAD_METHOD")},
        "3.12": {Form("LOAD_ATTR", method=True)},
        "3.13": {Form("LOAD_ATTR", method=True)},
    },
    "LOAD_ATTR": {"3.11": {Form("LOAD_ATTR")}, "3.12": {Form("LOAD_ATTR", method=False)}},
    "CALL_FUNCTION": {"3.10": {Form("CALL_FUNCTION")}, "3.11": {Form("CALL")}},
    "CALL_METHOD": {"3.10": {Form("CALL_METHOD")}, "3.13": {Form("CALL")}},
    "CALL_FUNCTION_KW": {"3.11": {Form("KW_NAMES")}, "3.13": {Form("CALL_KW")}},
    "JUMP_ABSOLUTE": {"3.10": {Form("JUMP_ABSOLUTE")}, "3.11": {Form("JUMP_BACKWARD")}},
    "POP_JUMP_IF_FALSE": {
        "3.11": {Form("POP_JUMP_FORWARD_IF_FALSE"), Form("POP_JUMP_BACKWARD_IF_FALSE")},
        "3.12": {Form("POP_JUMP_IF_FALSE")},
    },
    "LOAD_FAST": {
        "3.10": {Form("LOAD_FAST")},
        "3.12": {Form("LOAD_FAST"), Form("LOAD_FAST_CHECK")},
        "3.13": {Form("LOAD_FAST"), Form("LOAD_FAST_CHECK"), Form("LOAD_FAST_LOAD_FAST")},
    },
    "LOAD_DEREF": {"3.10": {Form("LOAD_CLASSDEREF")}, "3.12": {Form("LOAD_FROM_DICT_OR_DEREF")}},
    "LOAD_CLOSURE": {"3.12": {Form("LOAD_CLOSURE")}, "3.13": {Form("LOAD_FAST", closure=True)}},
    "RETURN_VALUE": {"3.12": {Form("RETURN_VALUE"), Form("RETURN_CONST")}},
    "DUP_TOP": {"3.10": {Form("DUP_TOP")}, "3.11": {Form("COPY", argval=1)}},
    "FORMAT_VALUE": {"3.12": {Form("FORMAT_VALUE")}, "3.13": {Form("FORMAT_SIMPLE")}},
}


@pytest.mark.parametrize(
    "name,version,forms",
    [(n, v, f) for n, by_version in EXPECTED.items() for v, f in by_version.items()],
)
def test_it_maps_a_portable_name_to_what_that_version_compiles(name, version, forms):
    assert forms <= set(resolve(name, recorded_table(version)).forms)


@pytest.mark.parametrize(
    "name,version",
    [
        ("PRECALL", "3.12"),  # only ever in 3.11
        ("LOAD_FAST_LOAD_FAST", "3.11"),  # new in 3.13, no portable meaning
        ("INPLACE_ADDD", "3.11"),  # a typo
        ("CACHE", "3.11"),  # dis never lists it
        ("BINARY_OP +==", "3.11"),
        ("BINARY_OP +==", "3.10"),
    ],
)
def test_it_refuses_names_the_version_cannot_match(name, version):
    with pytest.raises(UnknownOpcode):
        resolve(name, recorded_table(version))
    assert opcodes.unknown_names([name, "LOAD_FAST"], recorded_table(version)) == [name]


def test_it_accepts_literal_names_of_the_running_version():
    assert resolve("PRECALL").forms == (Form("PRECALL"),)
    assert resolve("POP_JUMP_FORWARD_IF_NONE").opnames == {"POP_JUMP_FORWARD_IF_NONE"}


def _instructions(src: str, name: str = "f"):
    module = compile(src, "s.py", "exec")
    code = next(c for c in module.co_consts if getattr(c, "co_name", "") == name)
    return code, list(dis.get_instructions(code))


@pytest.mark.parametrize("src,name,expected", ROWS)
def test_it_matches_live_instructions_of_the_running_python(src, name, expected):
    code, instructions = _instructions(src)
    matcher = resolve(name)
    assert any(matcher.matches(i, code) for i in instructions) is expected


def test_it_tells_a_question_validator_about_unknown_opcode_names():
    from grader.checks import option_problems

    assert option_problems("bytecode", {"require": ["INPLACE_ADD"], "forbid": ["FOR_ITER"]}) == []
    problems = option_problems("bytecode", {"forbid": ["FOR_ITERR", "LOAD_FAST"]})
    assert len(problems) == 1 and problems[0].startswith("forbid: 'FOR_ITERR' is neither")
    assert option_problems("scope", {"locals": ["x"]}) == []
