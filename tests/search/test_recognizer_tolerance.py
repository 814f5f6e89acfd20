"""Recognition tolerances (issue 16): a decimal input is the interval of its last digit, half a
unit either side; every candidate must lie in it (checked here with mpmath, independently of the
recognizer's own verification) and reproduce every digit given; only integers are exact; out of
range magnitudes are a one-line error."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

import emlkit as ek
from emlkit.errors import DomainError
from emlkit.search.recognizer import recognize
from emlkit.search.targets import parse_number, to_target


def value(expr):
    with mpmath.workdps(60):
        return mpmath.mpc(ek.evaluate(expr, backend="mpmath", dps=60))


def interval(text):
    """The interval a decimal string stands for, computed from the string alone."""
    mant, _, exp = text.lower().partition("e")
    frac = mant.partition(".")[2]
    half = Fraction(1, 2) * Fraction(10) ** (int(exp or 0) - len(frac))
    centre = Fraction(mant) * Fraction(10) ** int(exp or 0)
    return centre - half, centre + half


def assert_all_inside(r, text):
    lo, hi = interval(text)
    with mpmath.workdps(60):
        for c in r:
            v = value(c.expr)
            assert abs(v.imag) < mpmath.mpf(10) ** -40
            assert mpmath.mpf(lo.numerator) / lo.denominator <= v.real
            assert v.real <= mpmath.mpf(hi.numerator) / hi.denominator


@pytest.mark.parametrize("text, wrong", [("2.719", mpmath.e), ("1.001", 1),
                                         ("1.0000000001", 1)])
def test_a_value_outside_the_last_digit_is_not_a_match(text, wrong):
    r = recognize(text, max_K=13)
    assert_all_inside(r, text)
    with mpmath.workdps(60):
        assert all(abs(value(c.expr) - wrong) > mpmath.mpf(10) ** -30 for c in r)
    assert all(c.digits == len(text.replace(".", "").lstrip("0")) for c in r)


def test_short_input_is_an_interval_and_e_is_in_2_72():
    t = parse_number("2.72")
    assert not t.exact and t.tol_re == Fraction(1, 200)
    r = recognize("2.72", max_K=7)
    assert "(exact)" not in r.message and r.found
    with mpmath.workdps(60):
        assert abs(value(r.best.expr) - mpmath.e) < mpmath.mpf(10) ** -50
    assert r.best.digits == 3  # never more digits than were given
    assert_all_inside(r, "2.72")


def test_tiny_value_is_not_zero():
    t = parse_number("1e-300")
    assert not t.exact and t.tol_re == Fraction(1, 2 * 10**300)
    r = recognize("1e-300", max_K=13)
    assert "(exact)" not in r.target
    with mpmath.workdps(60):
        assert all(abs(value(c.expr)) > mpmath.mpf(10) ** -301 for c in r)
    assert_all_inside(r, "1e-300")


@pytest.mark.parametrize("digits", [3, 6, 10, 15, 20])
def test_rounded_e_is_found_and_a_unit_off_is_not(digits):
    with mpmath.workdps(digits + 10):
        text = mpmath.nstr(mpmath.e, digits, strip_zeros=False)
    r = recognize(text, max_K=5)
    assert r.found and str(r.best.expr) == "eml(1, 1)" and r.best.digits == digits
    last = int(text[-1])
    off = text[:-1] + str(last + 1 if last < 9 else last - 1)  # one unit away: outside
    assert not any(str(c.expr) == "eml(1, 1)" for c in recognize(off, max_K=5))


def test_only_integers_are_exact_unless_asked():
    assert parse_number("2").exact and parse_number("-1+2i").exact
    assert not parse_number("0.5").exact and not parse_number("2e3").exact
    assert parse_number("0.5", exact=True).exact
    assert parse_number("7", exact=False).tol_re == Fraction(1, 2)
    assert not to_target(0.5).exact and to_target(0.5, exact=True).exact


@pytest.mark.parametrize("arg", ["1e400", "-1e400", "1e-400", "2e400j", "1.5e308",
                                 10**400, Fraction(1, 10**400), 5e-324])
def test_out_of_range_magnitudes_are_a_domain_error(arg):
    with pytest.raises(DomainError, match="out of range"):
        recognize(arg, max_K=3)


def test_cli_out_of_range_is_one_line_status_2(capsys):
    from emlkit.cli import main

    assert main(["recognize", "1e400", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "out of range" in err and "internal error" not in err
