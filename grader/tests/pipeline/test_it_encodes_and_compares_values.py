"""grader.values: tagged encoding (exact types only) and data-only comparison."""

import math

import numpy as np
import pytest

from grader.values import encode, equal, render


def same(a, b, tol=None):
    return equal(encode(a), encode(b), tol)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -(10**50),
        10**5000,
        1.5,
        complex(1, -2),
        "héllo",
        b"\x00\xff",
        [1, [2, (3,)]],
        (1,),
        {"a": [1, 2], 3: None},
        {1, 2},
        frozenset({"x"}),
        float("inf"),
        float("nan"),
    ],
    ids=lambda v: type(v).__name__,
)
def test_it_finds_a_plain_value_equal_to_itself(value):
    assert same(value, value)


def test_it_keeps_types_apart():
    assert not same(1, 1.0)
    assert not same(True, 1)
    assert not same([1], (1,))
    assert not same({1}, frozenset({1}))
    assert not same("1", 1)


def test_it_compares_floats_with_a_relative_tolerance():
    assert same(0.1 + 0.2, 0.3)
    assert not same(1.0, 1.0 + 1e-6)
    assert same(1.0, 1.0 + 1e-6, tol=1e-5)
    assert same(float("nan"), float("nan"))
    assert not same(float("nan"), 0.0)
    assert not same(float("inf"), float("-inf"))
    assert same([1.0, complex(0.1 + 0.2, 1)], [1.0, complex(0.3, 1)])


def test_it_ignores_dict_and_set_order():
    assert same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert same({3, 1, 2}, {1, 2, 3})
    assert same({0.1 + 0.2, 5.0}, {5.0, 0.3})
    assert not same({"a": 1}, {"a": 2})
    assert not same({"a": 1}, {"b": 1})


def test_it_turns_numpy_scalars_into_python_numbers():
    assert encode(np.int64(3)) == encode(3)
    assert encode(np.float32(0.5)) == encode(0.5)
    assert encode(np.bool_(True)) == encode(True)
    assert encode(np.complex128(1j)) == encode(1j)


def test_it_compares_numpy_arrays_by_dtype_kind_shape_and_data():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    assert same(a, a * (1 + 1e-12))
    assert not same(np.zeros(1), np.zeros(1) + 1e-300)  # rel_tol only: nothing is close to 0
    assert same(a, a.astype(np.float32))
    assert not same(a, a.reshape(3, 2))
    assert not same(a, a.astype(np.int64))
    assert not same(a, a + 1e-3)
    enc = encode(a)
    assert (enc["t"], enc["dtype"], enc["shape"]) == ("ndarray", "float64", [2, 3])
    assert same(np.array([math.nan]), np.array([math.nan]))


def test_it_turns_subclasses_and_other_objects_into_their_repr():
    class Int(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    class Weird:
        def __repr__(self):
            raise RuntimeError

    assert encode(Int(5))["t"] == "repr"
    assert not same(Int(5), 5)
    name = Weird.__qualname__
    assert encode(Weird()) == {"t": "repr", "v": f"<unrepresentable {name}>", "type": name}
    assert same(range(3), range(3))
    assert not same(range(3), range(4))


def test_it_survives_cycles_and_refuses_huge_values():
    from grader.values import TooLarge

    a = []
    a.append(a)
    assert encode(a) == {"t": "list", "v": [{"t": "cycle"}]}
    with pytest.raises(TooLarge):
        encode(list(range(300_000)))


def test_it_calls_malformed_data_unequal_instead_of_raising():
    assert not equal({"t": "float", "v": "zz"}, {"t": "float", "v": "1.0"})
    assert not equal({"t": "list"}, {"t": "list", "v": []})
    assert not equal(None, {"t": "none"})


def test_it_renders_values_as_short_python_text():
    assert render(encode([1, "a", (2,), None, 0.5])) == "[1, 'a', (2,), None, 0.5]"
    assert render(encode({"k": {1}})) == "{'k': {1}}"
    assert render(encode(float("nan"))) == "float('nan')"
    assert len(render(encode("x" * 1000))) == 200
