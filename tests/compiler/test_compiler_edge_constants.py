"""Edge constants in compiled formulas: huge and tiny constants, exact zeros, ln 0, x·0, x⁰.

References are independent of the compiler: NumPy's and mpmath's values of the original
formula, written again as a Python function.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

import emlkit as ek

POINTS = [-2.3, -0.7, 0.4, 1.0, 1.9]


def _check(src, ref_np, ref_mp, points=POINTS, rel=1e-9):
    f = ek.compile(src)
    for x in points:
        want = complex(ref_np(np.complex128(x)))
        got = complex(ek.evaluate(f, x=x))
        assert abs(got - want) <= rel * max(1.0, abs(want)), (src, x, got, want)
        with mpmath.workdps(50):
            want_mp = mpmath.mpc(ref_mp(mpmath.mpf(x)))
            got_mp = ek.evaluate(f, backend="mpmath", dps=50, x=x)
            assert abs(got_mp - want_mp) <= mpmath.mpf(10) ** -40 * max(1, abs(want_mp)), (src, x)
    return f


# x + c needs e^(−c): it must not be taken for 0 when tiny, nor overflow float64 when huge
SHIFTS = [92, 100, 250, 700, 710, 1000, 10**10, -100, -1000]


@pytest.mark.parametrize("c", SHIFTS)
def test_adding_a_large_constant_matches_numpy_and_mpmath(c):
    _check(f"x + {c}", lambda x: x + c, lambda x: x + c)
    _check(f"{c} + x", lambda x: x + c, lambda x: x + c)


@pytest.mark.parametrize("c", SHIFTS)
def test_subtracting_a_large_constant_matches_numpy_and_mpmath(c):
    _check(f"x - ({c})", lambda x: x - c, lambda x: x - c)


@pytest.mark.parametrize("src,ref_np,ref_mp", [
    ("x*exp(-100)", lambda x: x * np.exp(-100), lambda x: x * mpmath.exp(-100)),
    ("x + exp(-100)", lambda x: x + np.exp(-100), lambda x: x + mpmath.exp(-100)),
    ("x*exp(-1000)", lambda x: 0 * x, lambda x: x * mpmath.exp(-1000)),  # underflows float64
    ("x*1e50", lambda x: x * 1e50, lambda x: x * mpmath.mpf(10) ** 50),
    ("x*1e-50", lambda x: x * 1e-50, lambda x: x * mpmath.mpf(10) ** -50),
    ("x/1e50", lambda x: x / 1e50, lambda x: x / mpmath.mpf(10) ** 50),
    ("x*10^50", lambda x: x * 1e50, lambda x: x * mpmath.mpf(10) ** 50),
])
def test_tiny_and_huge_constants_keep_their_value(src, ref_np, ref_mp):
    _check(src, ref_np, ref_mp)


@pytest.mark.parametrize("src", ["exp(-100)", "exp(-300)", "1e-60"])
def test_tiny_constant_is_not_zero(src):
    f = ek.compile(src)
    with mpmath.workdps(50):
        want = {"exp(-100)": mpmath.exp(-100), "exp(-300)": mpmath.exp(-300),
                "1e-60": mpmath.mpf(10) ** -60}[src]
        got = ek.evaluate(f, backend="mpmath", dps=50)
        assert abs(got - want) <= mpmath.mpf(10) ** -40 * abs(want)


@pytest.mark.parametrize("src", ["ln(1)", "log(1)", "sqrt(0)", "0^(1/2)", "x*log(1)", "x*0", "0*x",
                                 "x*0.0", "sqrt(x)*0", "0/x", "x*(1 - 1)", "x*ln(1)"])
def test_exact_zero_compiles_to_the_zero_tree(src):
    f = ek.compile(src)
    assert f.is_constant and f.K == 7, (f.K, src)  # ln 1, the shortest 0
    assert complex(ek.evaluate(f)) == 0
    assert ek.evaluate(f, backend="mpmath", dps=50) == 0


@pytest.mark.parametrize("src", ["x**0", "x^0", "sin(x)**0", "x**0.0", "0^0"])
def test_power_zero_is_one(src):
    # SymPy's rule: x**0 = 1 for every x, 0**0 included
    f = ek.compile(src)
    assert f.K == 1 and complex(ek.evaluate(f)) == 1


@pytest.mark.parametrize("src", ["ln(0)", "log(log(1))", "log(0)"])
def test_log_of_zero_is_minus_infinity(src):
    f = ek.compile(src)
    assert f.is_constant and f.K <= 11, f.K
    assert complex(ek.evaluate(f)) == complex(-math.inf, 0)
    assert ek.evaluate(f, backend="mpmath", dps=50) == mpmath.mpf("-inf")


@pytest.mark.parametrize("src", ["x/0", "1/0", "x/(1 - 1)", "0/0"])
def test_division_by_an_exact_zero_is_a_domain_error(src):
    with pytest.raises(ek.DomainError, match="division by zero"):
        ek.compile(src)


_INF = mpmath.mpf("inf")
# Edge inputs and their values at x, written again with mpmath (the references), or the error
# they must raise. ±∞ follow the EML convention ln 0 = −∞ (so 0^(−1) = exp(−ln 0) = +∞).
EDGES = {
    "x + 1e300": lambda x: x + mpmath.mpf(10) ** 300,
    "x*1e-300": lambda x: x * mpmath.mpf(10) ** -300,
    "exp(1000)": lambda x: mpmath.exp(1000),
    "x - 1000": lambda x: x - 1000,
    "x*exp(-1000)": lambda x: x * mpmath.exp(-1000),
    "10^50*x": lambda x: mpmath.mpf(10) ** 50 * x,
    "0^(-1)": lambda x: _INF,
    "(-8)^(1/3)": ek.UnsupportedError,  # 1 + i√3: no construction of that constant is known
    "0**x": lambda x: 0,  # at x > 0
    "log(0, 2)": lambda x: -_INF,
    "log(2, 1)": ek.DomainError,
    "log(2, 0)": lambda x: 0,
    "x + 1e-300": lambda x: x + mpmath.mpf(10) ** -300,
    "exp(exp(10))": lambda x: mpmath.exp(mpmath.exp(10)),
    "x^(10^30)": lambda x: mpmath.power(x, mpmath.mpf(10) ** 30),
    "ln(0)*x": ek.UnsupportedError,  # −∞ for x > 0, +∞ for x < 0: no EML form gives both
    "x + ln(0)": lambda x: -_INF,
    "exp(ln(0))*x": lambda x: 0,
    "1/ln(1)": ek.DomainError,
    "x^(-1/2)*0": lambda x: 0,
    "sqrt(-4)": lambda x: mpmath.mpc(0, 2),
    "asin(2)": ek.UnsupportedError,  # π/2 + 1.317i: no construction of that constant is known
    "atanh(1)": lambda x: _INF,
    "tan(pi/2)": ek.UnsupportedError,  # a pole
    "sin(pi)": lambda x: 0,
    "x*sin(pi)": lambda x: 0,
    "x + sin(pi)": lambda x: x,
    "cos(pi/2)*x": lambda x: 0,
    "exp(I*pi) + 1": lambda x: 0,
    "x^1e-30": lambda x: mpmath.power(x, mpmath.mpf(10) ** -30),
    "2^2000": lambda x: mpmath.mpf(2) ** 2000,
    # a real multiple of ln 0 = −∞ keeps its sign (complex arithmetic gives ±∞ + NaN·i)
    "2*ln(0)": lambda x: -_INF,
    "ln(0)/2": lambda x: -_INF,
    "-2*ln(0)": lambda x: _INF,
    "ln(0)/ln(2)": lambda x: -_INF,
    "log(0, 1/2)": lambda x: _INF,
    "0^(-2)": lambda x: _INF,  # exp(−2·ln 0)
}


def _same(got, want) -> bool:
    got, want = mpmath.mpc(got), mpmath.mpc(want)
    if mpmath.isinf(want.real):
        return got.real == want.real and got.imag == 0
    return abs(got - want) <= mpmath.mpf(10) ** -40 * max(1, abs(want))


@pytest.mark.parametrize("src", list(EDGES))
def test_edge_inputs_compile_to_their_value_or_raise_an_emlkit_error(src):
    ref = EDGES[src]
    if isinstance(ref, type):
        with pytest.raises(ref) as err:
            ek.compile(src)
        assert str(err.value)
        return
    f = ek.compile(src)
    assert f.K < 20_000, f.K
    with mpmath.workdps(60):
        for x in (0.7, 1.9):
            got = ek.evaluate(f, backend="mpmath", dps=50, **({"x": x} if f.free_vars else {}))
            assert _same(got, ref(mpmath.mpf(x))), (src, x, got)


# Infinite constants. References: mpmath limits (t → 0⁺ of t^b, x + c·ln t as t → 0⁺) and the
# rule ln 0 = −∞ of docs/semantics.md; a form that exists must give the value in both backends.
_T = mpmath.mpf(10) ** -(10**50)  # so close to 0 that even 1/ln t is below 10^-50


def _limit_at_zero(fn):
    """fn(t) at t = 10^(-10^50): ±∞ when it is beyond 10^40 along the real axis, else itself."""
    with mpmath.workdps(50):
        v = mpmath.mpc(fn(_T))
    if abs(v) > mpmath.mpf(10) ** 40:
        assert abs(v.imag) <= mpmath.mpf(10) ** -30 * abs(v)
        return _INF if v.real > 0 else -_INF
    return v


@pytest.mark.parametrize("src,fn", [
    ("0^(-2)", lambda t: t**-2),
    ("0^(-1/2)", lambda t: mpmath.power(t, mpmath.mpf(-1) / 2)),
    ("0^(-3)", lambda t: t**-3),
    ("0^(-1)", lambda t: 1 / t),
    ("0^(-0.25)", lambda t: mpmath.power(t, -0.25)),
    ("0^(1/2)", lambda t: mpmath.sqrt(t)),
    ("0^(1 + I)", lambda t: mpmath.power(t, mpmath.mpc(1, 1))),
    ("x + ln(0)", lambda t: mpmath.mpf("0.7") + mpmath.log(t)),
    ("ln(0) - x", lambda t: mpmath.log(t) - mpmath.mpf("0.7")),
    ("x - ln(0)", lambda t: mpmath.mpf("0.7") - mpmath.log(t)),
    ("x/ln(0)", lambda t: mpmath.mpf("0.7") / mpmath.log(t)),
    ("-3*ln(0)", lambda t: -3 * mpmath.log(t)),
    ("ln(0)*ln(0)", lambda t: mpmath.log(t) ** 2),
])
def test_infinite_constants_are_the_limits_at_zero(src, fn):
    want = _limit_at_zero(fn)
    f = ek.compile(src)
    for x in (0.7, -0.7):  # a form of an infinity must hold for inputs of either sign
        kw = {"x": x} if f.free_vars else {}
        got = ek.evaluate(f, backend="mpmath", dps=50, **kw)
        got_np = complex(ek.evaluate(f, **kw))
        if mpmath.isinf(want):
            assert got.real == want and got.imag == 0, (src, x, got)
            assert got_np == complex(float(want), 0), (src, x, got_np)
        else:
            assert abs(got - want) <= mpmath.mpf(10) ** -40 * max(1, abs(want)), (src, got)
            assert abs(got_np - complex(want)) <= 1e-12 * max(1, abs(want)), (src, got_np)


@pytest.mark.parametrize("src,why", [
    ("ln(0)*x", "varying value"),   # −∞ for x > 0, +∞ for x < 0
    ("x*ln(0)", "varying value"),
    ("ln(0)/x", "varying value"),
    ("x^ln(0)", "varying value"),   # 0 for |x| > 1, ∞ for |x| < 1
    ("ln(0)*I", "-inf\\*i has no EML form"),  # −∞·i: an infinity off the real axis
    ("I*ln(0)", "-inf\\*i has no EML form"),
    ("ln(0) - ln(0)", "no value"),  # ∞ − ∞
    ("sin(ln(0))", "no value"),
    ("0^(-1 + I)", "turns without end"),  # |t^b| → ∞ while its angle turns: no limit
    ("0^I", "turns without end"),
])
def test_infinities_without_an_eml_form_are_refused_clearly(src, why):
    with pytest.raises(ek.UnsupportedError, match=why):
        ek.compile(src)


def test_the_limit_that_refuses_ln0_times_x_has_both_signs():
    # the reason for the refusal, checked with mpmath: (ln t)·x changes sign with x
    with mpmath.workdps(30):
        t = mpmath.mpf(10) ** -400
        assert mpmath.log(t) * 0.7 < -600 and mpmath.log(t) * -0.7 > 600
        assert mpmath.log(t**2) * 0.7 < 2 * mpmath.log(t) * 0.7 + 1  # and grows without bound


def test_log_of_minus_infinity_keeps_its_angle():
    # ln(ln 0) = ln(−∞) = +∞ + iπ (C99: clog(−∞ + 0i) = +∞ + iπ); a finite angle is kept
    f = ek.compile("ln(ln(0))")
    got = ek.evaluate(f, backend="mpmath", dps=50)
    # (the mpmath backend gives π to double precision only here: 1e-15, not 1e-40)
    assert got.real == _INF and abs(got.imag - mpmath.pi) < 1e-15
    assert complex(ek.evaluate(f)) == complex(math.inf, math.pi)
