"""Tests of the recognizer (emlkit.search.recognizer): every form found is re-evaluated
independently (mpmath at 50 digits, or NumPy) and compared with the true value."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest

import emlkit as ek
from emlkit.errors import ParseError
from emlkit.search.recognizer import recognize
from emlkit.search.targets import parse_number, to_target


def mp_value(expr, dps=50, **env):
    """Independent evaluation: the public mpmath backend at ``dps`` digits."""
    with mpmath.workdps(dps):
        return mpmath.mpc(ek.evaluate(expr, env, backend="mpmath", dps=dps))


@pytest.mark.parametrize(
    "text, K, truth",
    [
        ("2.718281828459045", 3, lambda: mpmath.e),
        ("0", 7, lambda: 0),
        ("-1", 15, lambda: -1),
        ("2", 19, lambda: 2),
        ("0.6931471805599453", 25, lambda: mpmath.log(2)),
    ],
)
def test_known_constants(text, K, truth):
    r = recognize(text, max_K=25)
    assert r.found and r.best.K == K
    assert r.best.expr.K == K
    with mpmath.workdps(50):
        assert abs(mp_value(r.best.expr) - truth()) < mpmath.mpf(10) ** -45
    assert r.best.certified


def test_exact_constant_gets_full_digits():
    r = recognize(-1, max_K=15)
    assert r.best.digits >= 49 and r.digits == 50


def test_forty_digit_string_is_matched_to_forty_digits():
    # e - 1 = eml(1, eml(1, 1)) at K = 5
    e_minus_1 = "1.718281828459045235360287471352662497757"  # 40 significant digits
    r = recognize(e_minus_1, max_K=9)
    assert r.found and r.best.K == 5 and r.best.digits >= 39
    with mpmath.workdps(60):
        assert abs(mp_value(r.best.expr, 60) - (mpmath.e - 1)) < mpmath.mpf(10) ** -55
    # the same digits with the 40th changed: e - 1 is now 2 units away, nothing matches
    wrong = e_minus_1[:-1] + "9"
    r = recognize(wrong, max_K=9)
    assert not r.found
    assert "no form with K ≤ 9 matches" in r.message and "to 40 digits" in r.message


def test_fifteen_digits_match_at_fifteen_digits():
    t = to_target("2.71828182845905")  # e rounded: e is 4.7e-15 below it, within 5e-15
    assert float(t.tol_re) == 5e-15
    r = recognize("2.71828182845905", max_K=5)
    assert r.best.K == 3 and r.best.digits == 15
    assert not recognize("2.71828182845904", max_K=5).found  # truncated: 5.3e-15 off
    assert not recognize("2.71828182845906", max_K=5).found  # 1.5e-14 off


def test_not_found_reports_the_bound():
    r = recognize("0.1", max_K=13, exact=True)
    assert not r.found and r.searched_K == 13
    assert r.message == "no form with K ≤ 13 matches 0.1 (exact) to 50 digits"
    assert "no form with K ≤ 13" in str(r)
    d = r.to_dict()
    assert d["found"] is False and d["candidates"] == [] and d["searched_K"] == 13


def test_pi_over_a_vocabulary():
    r = recognize("3.14159265358979", vocabulary="plus,times,pi")
    assert r.best.K == 1 and r.best.formula == "pi"
    with mpmath.workdps(50):
        assert abs(mp_value(r.best.expr) - mpmath.pi) < mpmath.mpf(10) ** -40
    r = recognize("6.283185307179586", vocabulary=["pi", "plus"], max_K=5)
    assert r.best.K == 3 and "pi" in r.best.formula
    with mpmath.workdps(50):
        assert abs(mp_value(r.best.expr) - 2 * mpmath.pi) < mpmath.mpf(10) ** -40


def test_vocabulary_without_eml_and_sqrt():
    r = recognize("1.4142135623730950488", vocabulary="-eml,2,sqrt,plus", max_K=4)
    assert r.language == "1, 2, sqrt, plus" and r.best.formula == "sqrt(2)" and r.best.K == 2
    with mpmath.workdps(50):
        assert abs(mp_value(r.best.expr) - mpmath.sqrt(2)) < mpmath.mpf(10) ** -40


@pytest.mark.parametrize(
    "fn, mp_fn, K",
    [(np.log, mpmath.log, 7), (lambda x: np.e - x, lambda v: mpmath.e - v, 5),
     (lambda x: np.exp(np.exp(x)), lambda v: mpmath.exp(mpmath.exp(v)), 5),
     (lambda x: -x, lambda v: -v, 15)],
)
def test_unary_functions_from_samples(fn, mp_fn, K):
    x = np.linspace(-1.7, 2.3, 15) if K != 7 else np.linspace(0.2, 4.0, 15)
    r = recognize((x, fn(x)), max_K=15)
    assert r.best.K == K
    # independent check: NumPy at fresh points and mpmath at 50 digits
    z = np.linspace(0.3, 1.9, 7)
    got = ek.evaluate(r.best.expr, x=z)
    assert np.allclose(got, fn(z.astype(complex)), rtol=1e-12, atol=1e-12)
    for v in (0.7, 1.3):
        with mpmath.workdps(50):
            val = mp_value(r.best.expr, x=mpmath.mpf(v))
            assert abs(val - mp_fn(mpmath.mpf(v))) < mpmath.mpf(10) ** -45
    assert r.best.digits >= 14


def test_binary_function_from_samples():
    rng = np.random.default_rng(7)
    X = rng.uniform(-2, 2, (25, 2))
    r = recognize((X, X[:, 0] - X[:, 1]), max_K=13)
    assert r.variables == ("x", "y") and r.best.K == 11 and r.best.formula == "x - y"
    with mpmath.workdps(50):
        val = mp_value(r.best.expr, x=mpmath.mpf("0.3"), y=mpmath.mpf("-1.1"))
        assert abs(val - mpmath.mpf("1.4")) < mpmath.mpf(10) ** -45


def test_samples_with_names_and_not_found():
    t = np.linspace(0.5, 2, 9)
    r = recognize((t, np.sin(t)), variables=["t"], max_K=9)
    assert not r.found and "no form with K ≤ 9 matches 9 samples of f(t)" in r.message


def test_long_decimal_strings_are_exact():
    digits = "1." + "0" * 200 + "1"
    t = parse_number(digits)
    assert t.re == 1 + Fraction(1, 10**201) and t.digits == 202
    assert t.tol_re == Fraction(1, 2 * 10**201)
    # a 5000-digit string: more than Python's int-from-str limit
    big = "3." + "1" * 5000
    assert parse_number(big).digits == 5001
    assert to_target(0.1).re == Fraction(1, 10)  # the decimal typed, not the binary double


@pytest.mark.parametrize(
    "text, column",
    [("3.14x", 5), ("1..2", 3), ("", 1), ("1e", 3), ("1+2", 4), ("inf", 1), ("--1", 2)],
)
def test_bad_numbers_name_the_position(text, column):
    with pytest.raises(ParseError) as info:
        recognize(text)
    assert info.value.column == column


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((float("nan"),), {}, "not a finite number"),
        (([1.0, 2.0], [1.0, np.nan]), {}, "non-finite value"),
        (([1.0, 2.0, 3.0], [1.0, 2.0]), {}, "3 rows but y has 2"),
        (("1",), {"dps": 5}, "dps must be"),
        (("1",), {"max_K": 0}, "max_K must be"),
        (("1",), {"vocabulary": "pii"}, "did you mean 'pi'"),
        (("1",), {"variables": ["x"]}, "variables= is for samples"),
    ],
)
def test_bad_inputs(args, kwargs, match):
    arg = args[0] if len(args) == 1 else args
    with pytest.raises(ValueError, match=match):
        recognize(arg, **kwargs)


def test_time_limit_reports_partial_search():
    r = recognize("2.5", max_K=41, time_limit=0.5, exact=True)  # K = 39 would take many minutes
    assert r.searched_K < 41 and r.seconds < 5
    assert any("time limit" in n for n in r.notes)


def test_complex_constant_minus_i_pi():
    r = recognize("-3.14159265358979323846264338327950288j", max_K=23)
    assert r.best.K == 21 and r.best.digits >= 35
    with mpmath.workdps(50):
        assert abs(mp_value(r.best.expr) + 1j * mpmath.pi) < mpmath.mpf(10) ** -45
    # its conjugate needs a much longer form: nothing up to K = 23
    assert not recognize("3.14159265358979323846264338327950288j", max_K=23).found
