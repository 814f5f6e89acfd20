"""Poly: parsing (text, SymPy, lists), exact values, algebra, printing round trips, errors."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from emlkit.errors import DomainError, ParseError
from emlkit.pcf.polynomial import MAX_DEGREE, Poly

n = sympy.Symbol("n")


@pytest.mark.parametrize("text, coeffs", [
    ("2n+1", (1, 2)),
    ("n^2", (0, 0, 1)),
    ("34n^3+51n^2+27n+5", (5, 27, 51, 34)),
    ("-n^6", (0, 0, 0, 0, 0, 0, -1)),
    ("n(n+2)", (0, 2, 1)),
    ("3n+3", (3, 3)),
    ("-n*(2n-1)", (0, 1, -2)),
    ("2*n**2 - 1", (-1, 0, 2)),
    ("  7  ", (7,)),
    ("0", ()),
    ("(n+1)^2/4", (Fraction(1, 4), Fraction(1, 2), Fraction(1, 4))),
    ("3n/2", (0, Fraction(3, 2))),
    ("-(n - 1)", (1, -1)),
])
def test_text_forms_match_sympy(text, coeffs):
    p = Poly(text)
    assert p.coeffs == coeffs
    # independent reference: SymPy's own expansion of the same text
    ref = sympy.Poly(sympy.sympify(text.replace("^", "**").replace("2n", "2*n")
                                   .replace("3n", "3*n").replace("4n", "4*n")
                                   .replace("1n", "1*n").replace("7n", "7*n")
                                   .replace("n(", "n*("), locals={"n": n}), n)
    assert p.to_sympy() == ref.as_expr()


@pytest.mark.parametrize("text, column", [
    ("2n++1", 4), ("n^-1", 3), ("x+1", 1), ("", 1), ("1.5n", 1), ("n/(n+1)", 3), ("(n", 3),
    ("n)", 2), ("2 3", 3), ("n^", 3), ("n^n", 3), ("2n+-1", 4), ("n @ 2", 3),
])
def test_malformed_text_is_a_parse_error_with_position(text, column):
    with pytest.raises(ParseError) as info:
        Poly(text)
    assert info.value.column == column
    assert "\n" not in info.value.one_line()


def test_division_by_zero_and_huge_degree_and_deep_nesting():
    with pytest.raises(ParseError, match="division by zero"):
        Poly("n/0")
    with pytest.raises(ParseError, match="degree above"):
        Poly(f"n^{MAX_DEGREE + 1}")
    with pytest.raises(ParseError, match="nested too deeply"):
        Poly("(" * 500 + "n" + ")" * 500)
    assert Poly(f"n^{MAX_DEGREE}").degree == MAX_DEGREE


def test_sympy_int_and_list_inputs():
    assert Poly(n**2 / 3 + 1).coeffs == (1, 0, Fraction(1, 3))
    assert Poly(sympy.Integer(5)).coeffs == (5,)
    assert Poly([1, 2, 0, 0]).coeffs == (1, 2)
    whole = Poly([Fraction(4, 2)]).coeffs
    assert whole == (2,) and isinstance(whole[0], int)
    assert Poly(sympy.Symbol("k") ** 2) == Poly("n^2")  # any one symbol is the variable
    for bad in ([1.5], [True], [sympy.pi], "pi*n", sympy.sqrt(2) * n, n * sympy.Symbol("m"),
                1 / n, object()):
        with pytest.raises((DomainError, ParseError)):
            Poly(bad)


def test_exact_values_at_huge_arguments():
    p = Poly("34n^3+51n^2+27n+5")
    big = 10**40
    assert p(big) == 34 * big**3 + 51 * big**2 + 27 * big + 5
    assert Poly("n/2")(3) == Fraction(3, 2)
    assert Poly("n(n+1)/2")(100) == 5050 and isinstance(Poly("n(n+1)/2")(100), int)


def test_roots_and_eventual_positivity():
    assert Poly("n^2 - 5n + 6").integer_roots() == [2, 3]
    assert Poly("(n-7)(n+3)").integer_roots() == [7]
    assert Poly("n^2 + 1").integer_roots() == []
    assert Poly("n^3").integer_roots(0) == [0]
    assert Poly("n^2 - 10n").eventually_positive_from() == 11
    assert Poly("-n").eventually_positive_from() is None


coeff = st.integers(-50, 50)


@given(st.lists(coeff, max_size=6), st.lists(coeff, max_size=6), st.integers(-30, 30))
def test_algebra_agrees_with_pointwise_values(c1, c2, x):
    p, q = Poly(c1), Poly(c2)
    assert (p + q)(x) == p(x) + q(x)
    assert (p - q)(x) == p(x) - q(x)
    assert (p * q)(x) == p(x) * q(x)
    assert p.shift(3)(x) == p(x + 3)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.fractions(min_value=-99, max_value=99, max_denominator=12), max_size=6))
def test_str_round_trips(cs):
    p = Poly(cs)
    assert Poly(str(p)) == p
    assert Poly(p.to_sympy()) == p


def test_printing():
    assert str(Poly("34n^3+51n^2+27n+5")) == "34n^3 + 51n^2 + 27n + 5"
    assert str(Poly("-n^6")) == "-n^6"
    assert str(Poly(0)) == "0"
    assert str(Poly("-3n/2 + 1")) == "-3n/2 + 1"
    assert Poly("n^2 - n").to_latex() == "n^{2} - n"
    assert repr(Poly("n+1")) == "Poly('n + 1')"


def test_immutable_and_hashable():
    p = Poly("n")
    with pytest.raises(AttributeError):
        p.coeffs = (1,)  # type: ignore[misc]
    assert len({Poly("n+1"), Poly([1, 1]), Poly("1+n")}) == 1
