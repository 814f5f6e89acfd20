"""ESMA: signed continued fractions, Berlekamp–Massey, patterns turned into PCFs.

References are independent of the code: mpmath's values of the constants at high precision,
the classical continued fractions of e, e², tan 1 and coth 1 (Euler, Lambert), and the
figures of the ESMA paper (patterns and recurrence lengths).
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import pytest

from emlkit.errors import DomainError
from emlkit.pcf._bm import bm_mod, bm_rational, satisfies
from emlkit.pcf._contract import quasi_polynomial
from emlkit.pcf._signed_cf import convergents, signed_cf_terms
from emlkit.pcf.esma import esma, sign_patterns, transforms


def _pcf_value(pcf, depth=3000, dps=140):
    """Value of a PCF from its polynomials by a plain loop, independent of the library."""
    a = [pcf.a(n) for n in range(depth + 1)]
    b = [pcf.b(n) for n in range(depth + 1)]
    p0, p1, q0, q1 = 1, a[0], 0, 1
    for n in range(1, depth + 1):
        p0, p1 = p1, a[n] * p1 + b[n] * p0
        q0, q1 = q1, a[n] * q1 + b[n] * q0
    with mpmath.workdps(dps):
        return mpmath.mpf(Fraction(p1, q1).numerator) / Fraction(p1, q1).denominator


def _check_relation(r, target, digits=100):
    al, be, ga, de = r.mobius
    with mpmath.workdps(digits + 30):
        v = _pcf_value(r.pcf, dps=digits + 30)
        x = (al * v + be) / (ga * v + de)
        assert abs(x - target) < abs(target) * mpmath.mpf(10) ** (-digits)


# -- Berlekamp–Massey ------------------------------------------------------------------------


def test_bm_finds_known_recurrences():
    fib = [0, 1]
    for _ in range(30):
        fib.append(fib[-1] + fib[-2])
    assert bm_rational(fib) == (2, [1, -1, -1])
    assert bm_mod(fib, 199)[0] == 2
    squares = [n * n for n in range(20)]               # (1 - x)^3
    assert bm_rational(squares) == (3, [1, -3, 3, -1])
    assert bm_rational([5] * 10) == (1, [1, -1])


def test_bm_random_sequence_has_no_short_recurrence():
    rng = random.Random(7)
    seq = [rng.randint(1, 1000) for _ in range(60)]
    assert bm_mod(seq, 199)[0] >= 25
    assert bm_rational(seq)[0] >= 25


def test_bm_modular_false_positive_is_caught_over_the_rationals():
    # 0, 0, ..., 199: zero mod 199 everywhere, so GF(199) sees length 0; Q does not
    seq = [0] * 10 + [199] + [0] * 10
    assert bm_mod(seq, 199)[0] == 0
    assert bm_rational(seq)[0] == 11
    assert not satisfies(seq, [1])


# -- signed continued fractions --------------------------------------------------------------


def _enclose(x, dps):
    man, exp = x.man_exp
    mid = Fraction(int(man)) * Fraction(2) ** int(exp)
    rad = abs(mid) * Fraction(1, 10 ** dps)
    return mid - rad, mid + rad


def test_signed_cf_of_e_regular_and_convergents_approach_e():
    with mpmath.workdps(250):
        lo, hi = _enclose(+mpmath.e, 230)
    terms = signed_cf_terms(lo, hi, (1,))
    # e = [2; 1, 2, 1, 1, 4, 1, 1, 6, ...] (Euler)
    expect = [2] + [v for k in range(1, 40) for v in (1, 2 * k, 1)]
    assert terms[:60] == expect[:60]
    _, p, _, q = convergents(terms, (1,))
    with mpmath.workdps(250):
        assert abs(mpmath.mpf(p) / q - mpmath.e) < mpmath.mpf(10) ** -200


def test_terms_are_only_those_the_enclosure_proves():
    with mpmath.workdps(60):
        lo, hi = _enclose(+mpmath.e, 40)
    short = signed_cf_terms(lo, hi, (1, -1))
    with mpmath.workdps(300):
        lo2, hi2 = _enclose(+mpmath.e, 280)
    long = signed_cf_terms(lo2, hi2, (1, -1))
    assert len(short) < len(long) and long[: len(short)] == short


def test_signed_cf_rejects_bad_patterns():
    with pytest.raises(ValueError, match="sign pattern"):
        signed_cf_terms(Fraction(1), Fraction(2), (1, 0))
    with pytest.raises(ValueError, match="sign pattern"):
        signed_cf_terms(Fraction(1), Fraction(2), ())


def test_quasi_polynomial_of_tan1():
    seq = [1 if n % 2 == 0 else n for n in range(60)]          # tan 1 = [1; 1, 1, 3, 1, 5, ...]
    n0, k, pieces = quasi_polynomial(seq, length=4)
    assert (n0, k) == (0, 2)
    assert pieces == ((Fraction(1),), (Fraction(1), Fraction(2)))


# -- enumeration -----------------------------------------------------------------------------


def test_sign_patterns_are_primitive_cycles():
    assert sign_patterns(1) == [(1,), (-1,)]
    three = sign_patterns(3)
    assert (1, 1) not in three and (1, 1, 1) not in three and len(three) == 2 + 2 + 6


def test_transforms_up_to_scaling():
    pairs = list(transforms(1, 2))
    assert ((0, 1), (1, 0)) in pairs and ((0, 2), (2, 0)) not in pairs   # c and 2c/2
    assert all(any(p) and any(q) for p, q in pairs)
    assert ((1, 1), (1, 1)) not in pairs and ((2, 2), (1, 1)) not in pairs  # constants


# -- the paper's results ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def e_run():
    return esma("E", degree=1, coefficients=2, cycle=2)


@pytest.mark.parametrize("transform, pattern, lfsr, value", [
    ("E/(E - 1)", "[+, -]", (1, 0, -2, 0, 1), lambda: mpmath.e / (mpmath.e - 1)),
    ("E - 1", "[-, +]", (1, 0, -2, 0, 1), lambda: mpmath.e - 1),
    ("E/(E - 2)", "[+]", (1, 0, 0, -1, 0, 0, -1, 0, 0, 1), lambda: mpmath.e / (mpmath.e - 2)),
])
def test_e_degree_one(e_run, transform, pattern, lfsr, value):
    r = e_run.find(transform, pattern)
    assert r is not None, f"{transform} {pattern} not found"
    assert r.lfsr == lfsr and r.digits >= 100
    with mpmath.workdps(140):
        target = value()
    _check_relation(r, target)
    # the signed fraction's first convergents come from the same terms
    _, p, _, q = convergents(r.terms, r.signs)
    with mpmath.workdps(140):
        assert abs(mpmath.mpf(p) / q - target) < mpmath.mpf(10) ** -60


def test_e_run_counts(e_run):
    assert e_run.transforms == len(list(transforms(1, 2)))
    assert len(e_run.patterns) == 4
    assert len(e_run.results) <= len(e_run.hits)
    assert all(r.length < 25 for r in e_run.hits)
    assert all(r.digits >= 100 for r in e_run.hits if r.pcf is not None)


def test_e_over_e_minus_1_pattern_is_interleaved_polynomials(e_run):
    r = e_run.find("E/(E - 1)", "[+, -]")
    assert r.terms[:9] == (1, 2, 3, 2, 5, 2, 7, 2, 9)
    assert r.rule() == "a(n) = n + 1 for n even, 2 for n odd; signs [+, -]"


@pytest.mark.parametrize("constant, pattern, value", [
    ("(E**2 + 1)/(E**2 - 1)", "[+]", lambda: mpmath.coth(1)),
    ("cot(1)", "[-]", lambda: mpmath.cot(1)),
])
def test_odd_numbers_pattern(constant, pattern, value):
    run = esma(constant, degree=0, cycle=1)
    r = next(r for r in run if r.pattern == pattern)
    assert r.lfsr == (1, -2, 1)                            # a_n = 2n + 1
    assert r.terms[:6] == (1, 3, 5, 7, 9, 11)
    assert r.mobius == (1, 0, 0, 1)
    assert (r.pcf.a(0), r.pcf.a(1), r.pcf.a(2)) == (1, 3, 5)
    with mpmath.workdps(140):
        target = value()
    _check_relation(r, target)


def test_tan1_and_e_squared():
    r = esma("tan(1)", degree=0, cycle=1).results[0]
    assert r.pattern == "[+]" and r.lfsr == (1, 0, -2, 0, 1)
    with mpmath.workdps(140):
        _check_relation(r, mpmath.tan(1))
    e2 = esma("exp(2)", degree=0, cycle=1)
    r = next(r for r in e2 if r.pattern == "[+]")
    assert r.length == 11                                   # as in the paper
    assert r.terms[:11] == (7, 2, 1, 1, 3, 18, 5, 1, 1, 6, 30)
    with mpmath.workdps(140):
        _check_relation(r, mpmath.e ** 2)


def test_pi_has_no_short_pattern():
    # the regular continued fraction of pi has no known pattern: nothing may be reported
    run = esma("pi", degree=0, cycle=2)
    assert len(run) == 0


def test_record_prints_and_serialises(e_run):
    import json

    r = e_run.results[0]
    text = str(r)
    assert "LFSR" in text and "digits checked" in text
    d = json.loads(json.dumps(e_run.as_dict()))
    assert d["results"][0]["lfsr"] == list(r.lfsr)
    assert d["results"][0]["digits_verified"] >= 100


@pytest.mark.parametrize("bad, message", [
    ("", "non-empty"), ("x + 1", "free symbols"), ("3/7", "rational"), ("(((", "cannot read"),
    ("I + 1", "not real"), ("oo", "'oo' is not a finite number"),
    ("1/0", "'1/0' is not a finite number"), ("nan", "'nan' is not a finite number"),
    ("exp(zoo)", "'exp\\(zoo\\)' is not a finite number"), ("-oo + 1", "not a finite number"),
])
def test_bad_constants(bad, message):
    with pytest.raises(DomainError, match=message):
        esma(bad, degree=0)


@pytest.mark.parametrize("kw", [{"degree": -1}, {"coefficients": 0}, {"cycle": 0},
                                {"digits": 3}, {"degree": 1.5}, {"cycle": True}])
def test_bad_bounds(kw):
    with pytest.raises(DomainError, match="whole number"):
        esma("E", **kw)


def test_huge_and_tiny_constants():
    # e + 10^50 and 1/(e + 10^50): only the first terms change, the pattern of e persists
    big = esma("E + 10**50", degree=0, cycle=1)
    r = next(r for r in big if r.pattern == "[+]")
    assert r.terms[:4] == (10 ** 50 + 2, 1, 2, 1)
    with mpmath.workdps(200):
        _check_relation(r, mpmath.e + mpmath.mpf(10) ** 50)
    tiny = esma("1/(E + 10**50)", degree=0, cycle=1)
    r = next(r for r in tiny if r.pattern == "[+]")
    assert r.terms[:3] == (0, 10 ** 50 + 2, 1)
    with mpmath.workdps(200):
        _check_relation(r, 1 / (mpmath.e + mpmath.mpf(10) ** 50))


def test_bessel_ratio_is_pcf_n_1():
    # I1(2)/I0(2) = [0; 1, 2, 3, ...]: the known PCF(n, 1)
    r = esma("besseli(1, 2)/besseli(0, 2)", degree=0, cycle=1).results[0]
    assert r.pattern == "[+]" and r.terms[:6] == (0, 1, 2, 3, 4, 5)
    assert str(r.pcf) == "PCF(n, 1)" and r.mobius == (1, 0, 0, 1)
    with mpmath.workdps(140):
        _check_relation(r, mpmath.besseli(1, 2) / mpmath.besseli(0, 2))


def test_table_constant_without_sympy_form():
    pytest.importorskip("emlkit.identify.constants")
    run = esma("Glaisher", degree=0, cycle=1)
    assert run.constant == "Glaisher" and len(run) == 0     # no known pattern
