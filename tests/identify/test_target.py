"""Reading the number to identify: digits as precision, every input type, clear errors."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

import mpmath
import pytest

from emlkit.errors import DomainError, ParseError, UnsupportedError
from emlkit.identify.target import read_target


@pytest.mark.parametrize("text, digits", [
    ("3.14159", 6), ("003.14159", 6), ("0.000123", 3), ("-2.50", 3), ("1.2e-40", 2),
    ("1.2020569031595942853997...", 23), ("1.20205690315959428539…", 21), ("12345", 5),
    (".5", 1), ("  7.25E+3 ", 3),
])
def test_decimal_digits_are_the_precision(text, digits):
    t = read_target(text)
    assert t.digits == digits and not t.exact


def test_decimal_value_is_read_exactly():
    t = read_target("-1.2e-40")                  # held at digits + 10 = 12 digits
    with mpmath.workdps(30):
        assert abs(t.value / mpmath.mpf("-1.2e-40") - 1) < mpmath.mpf(10) ** -11
    long = "1." + "3" * 400
    with mpmath.workdps(420):
        assert abs(read_target(long).value - mpmath.mpf(long)) < mpmath.mpf(10) ** -405


def test_exact_numbers():
    assert read_target(7).exact and read_target(7).fraction == 7
    t = read_target(Fraction(-22, 7))
    assert t.exact and t.fraction == Fraction(-22, 7)
    assert read_target("22/7").fraction == Fraction(22, 7)


def test_float_has_15_digits_and_its_repr_value():
    t = read_target(0.1)
    assert t.digits == 15
    with mpmath.workdps(40):
        # not 0.1000000000000000055 (the binary double nearest 0.1)
        assert abs(t.value - mpmath.mpf("0.1")) < mpmath.mpf(10) ** -24


def test_mpf_precision_and_digits_override():
    with mpmath.workdps(50):
        x = mpmath.pi
        assert read_target(x).digits == 50
        assert read_target(x, digits=20).digits == 20
    assert read_target("3.14159265358979", digits=10).digits == 10


def test_limit_like_and_callable():
    with mpmath.workdps(60):
        lim = SimpleNamespace(value=4 / mpmath.pi, digits=40, status="converged")
        t = read_target(lim)
        assert t.digits == 40 and abs(t.value - 4 / mpmath.pi) < mpmath.mpf(10) ** -45
    t = read_target(lambda dps: mpmath.zeta(3), digits=25)
    assert t.digits == 25 and t.more is not None


@pytest.mark.parametrize("value, error, match", [
    ("0.000", DomainError, "zero"),
    (0, DomainError, "0 is exact"),
    (float("nan"), DomainError, "not finite"),
    (float("inf"), DomainError, "not finite"),
    (1 + 2j, UnsupportedError, "complex"),
    (True, DomainError, "bool"),
    ("3.1.4", ParseError, "not a decimal number"),
    ("pi", ParseError, "not a decimal number"),
    ("", ParseError, "not a decimal number"),
    (SimpleNamespace(value=None, digits=0, status="divergent"), DomainError, "divergent"),
    (object(), DomainError, "cannot identify"),
])
def test_bad_input(value, error, match):
    with pytest.raises(error, match=match):
        read_target(value)


def test_bad_digits():
    for bad in (0, -3, 2.5, 10**6, True):
        with pytest.raises(DomainError, match="digits"):
            read_target("3.14159", digits=bad)
    lim = SimpleNamespace(value=mpmath.mpf(2), digits=10)
    with pytest.raises(DomainError, match="more than the 10 digits"):
        read_target(lim, digits=20)


def test_complex_with_zero_imaginary_part_is_real():
    assert read_target(complex(0.5, 0)).digits == 15


def test_huge_exponents_are_cheap():
    t = read_target("1.25e99999999999")
    assert t.digits == 3
    with mpmath.workdps(20):
        assert mpmath.log10(t.value) > 99999999999
    assert read_target("-7.5e-99999999999").value < 0


def test_digits_above_those_given_are_refused_naming_both():
    # QA 5: 29 digits written; trusting 100 of them would claim digits that are not there
    text = "1.2020569031595942853997381615"
    with pytest.raises(DomainError, match="digits=100 is more than the 29 digits given"):
        read_target(text, digits=100)
    assert read_target(text, digits=29).digits == 29 and read_target(text, digits=5).digits == 5
    from emlkit.identify.target import given_digits

    assert given_digits(text) == 29 and given_digits("0.000123e5") == 3
    assert given_digits("22/7") is None and given_digits("abc") is None


def test_a_zero_limit_is_refused_with_a_pointer():
    lim = SimpleNamespace(value=mpmath.mpf(0), digits=30, status="converged", is_zero=True)
    with pytest.raises(DomainError, match="0 to 30 decimal places"):
        read_target(lim)
