"""What ek.compile accepts (issue 16): the accepted types, a TypeError naming them otherwise, and
the infinities as EML constants while NaN is refused, in text and from SymPy."""

from __future__ import annotations

import cmath
from fractions import Fraction

import numpy as np
import pytest
import sympy

import emlkit as ek
from emlkit.errors import ParseError, UnsupportedError


@pytest.mark.parametrize("bad", [None, b"sin(x)", bytearray(b"x"), ["x"], {"x": 1}, True, object()])
def test_other_types_are_a_type_error_naming_the_accepted_ones(bad):
    with pytest.raises(TypeError, match="takes a str, SymPy expression, number or Expr"):
        ek.compile(bad)


def test_bytes_error_says_to_decode():
    with pytest.raises(TypeError, match="decode"):
        ek.compile(b"sin(x)")


@pytest.mark.parametrize("number, value", [(2, 2), (Fraction(1, 2), 0.5), (0.25, 0.25),
                                           (np.float64(1.5), 1.5), (np.int64(3), 3)])
def test_numbers_compile_to_their_value(number, value):
    assert abs(ek.evaluate(ek.compile(number)) - value) < 1e-12


@pytest.mark.parametrize("text, sign", [("inf", 1), ("Infinity", 1), ("oo", 1), ("-inf", -1),
                                        ("-INF", -1)])
def test_infinity_is_a_constant_not_a_variable(text, sign):
    f = ek.compile(text)
    assert f.is_constant
    v = ek.evaluate(f)
    assert cmath.isinf(v) and v.real == sign * float("inf")


def test_infinity_inside_a_formula():
    f = ek.compile("exp(-inf) + x")  # e^-inf = 0
    assert f.free_vars == {"x"}
    assert abs(ek.evaluate(f, x=0.7) - 0.7) < 1e-12
    assert ek.compile("x/inf").K == 7  # x/inf = 0 for every finite x: the zero tree
    # x*inf is +inf for x > 0 and -inf for x < 0: no EML form gives both (folding.py)
    with pytest.raises(UnsupportedError, match="infinite constant"):
        ek.compile("1/(1 + exp(-x*inf))")


@pytest.mark.parametrize("text", ["nan", "x + NaN", "sin(nan)"])
def test_nan_in_text_is_a_parse_error_naming_it(text):
    with pytest.raises(ParseError, match="not a number EML can represent"):
        ek.compile(text)


def test_sympy_infinities_and_nan():
    assert ek.evaluate(ek.compile(sympy.oo)).real == float("inf")
    assert ek.evaluate(ek.compile(-sympy.oo)).real == float("-inf")
    for bad in (sympy.nan, sympy.zoo, float("nan")):
        with pytest.raises(UnsupportedError, match="no EML form"):
            ek.compile(bad)
