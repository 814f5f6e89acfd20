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
        want = {"exp(-100)": mpmath.exp(-100), "exp(-300)": mpmath.exp(-300), "1e-60": mpmath.mpf(10) ** -60}[src]
        got = ek.evaluate(f, backend="mpmath", dps=50)
        assert abs(got - want) <= mpmath.mpf(10) ** -40 * abs(want)


@pytest.mark.parametrize("src", ["ln(1)", "log(1)", "sqrt(0)", "0^(1/2)", "x*log(1)", "x*0", "0*x", "x*0.0",
                                 "sqrt(x)*0", "0/x", "x*(1 - 1)", "x*ln(1)"])
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


EDGES = ["x + 1e300", "x*1e-300", "exp(1000)", "x - 1000", "x*exp(-1000)", "10^50*x", "0^(-1)", "(-8)^(1/3)",
         "0**x", "log(0, 2)", "log(2, 1)", "log(2, 0)", "x + 1e-300", "exp(exp(10))", "x^(10^30)", "ln(0)*x",
         "x + ln(0)", "exp(ln(0))*x", "1/ln(1)", "x^(-1/2)*0", "sqrt(-4)", "asin(2)", "atanh(1)", "tan(pi/2)",
         "sin(pi)", "x*sin(pi)", "x + sin(pi)", "cos(pi/2)*x", "exp(I*pi) + 1", "x^1e-30", "2^2000"]


@pytest.mark.parametrize("src", EDGES)
def test_edge_inputs_compile_or_raise_an_emlkit_error(src):
    try:
        f = ek.compile(src)
    except ek.EMLError as err:
        assert str(err)
        return
    assert f.K < 20_000, f.K
