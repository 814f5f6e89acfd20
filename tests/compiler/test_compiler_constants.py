"""Constants in compiled formulas: exact rational literals and the memoised constant values.

References are independent of the compiler: NumPy's and mpmath's values of the original
formula (written again as a Python function), never an earlier compiled tree.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest

import emlkit as ek
from emlkit.compiler import constants
from emlkit.compiler.constants import constant_value
from emlkit.compiler.formula import parse_formula
from emlkit.expr import ONE, Eml, Var

POINTS = [-2.3, -0.7, 0.4, 1.0, 1.9]

# formula → (NumPy reference in x, y); checked on a grid of real points
FORMULAS = {
    "x**3 + x**2 + x": lambda x, y: x**3 + x**2 + x,
    "sin(x**2)*cos(x) - 1": lambda x, y: np.sin(x**2) * np.cos(x) - 1,
    "log(x+1) + log(x**2+1)": lambda x, y: np.log(x + 1) + np.log(x**2 + 1),
    "2*sin(x)*cos(y)": lambda x, y: 2 * np.sin(x) * np.cos(y),
    "x**4 - x**3 + y**2/2 - y": lambda x, y: x**4 - x**3 + y**2 / 2 - y,
    "x**y": lambda x, y: x**y,
    "3.25*x": lambda x, y: 3.25 * x,
    "0.4457*x - 2737/5000": lambda x, y: 0.4457 * x - 0.5474,
    "x/0.125 + 0.5*y": lambda x, y: x / 0.125 + 0.5 * y,
    "-0.25*x**2 + 1.5": lambda x, y: -0.25 * x**2 + 1.5,
    "2.5e-3*x + 12.5": lambda x, y: 2.5e-3 * x + 12.5,
}

# formula → its exact rational value
RATIONALS = {
    "0.4457": Fraction(4457, 10000),
    "-2737/5000": Fraction(-2737, 5000),
    "3.25": Fraction(13, 4),
    "-0.125": Fraction(-1, 8),
    "1e-5": Fraction(1, 100000),
    "1.5e3": Fraction(1500),
    "0.4457 * 2": Fraction(4457, 5000),
    "-2737/5000 + 1/3": Fraction(-2737, 5000) + Fraction(1, 3),
    "1/3": Fraction(1, 3),
    "-7": Fraction(-7),
    "123456.789": Fraction(123456789, 1000),
}


def _complex_or_nan(value: complex) -> complex:
    return complex(value) if np.isfinite(value) else complex(np.nan, np.nan)


@pytest.mark.parametrize("src", sorted(FORMULAS))
def test_compiled_formula_matches_numpy(src):
    f, ref = ek.compile(src), FORMULAS[src]
    bad = []
    for x in POINTS:
        for y in (0.6, 1.7):
            with np.errstate(all="ignore"):
                want = complex(ref(np.complex128(x), np.complex128(y)))
            env = {k: v for k, v in (("x", x), ("y", y)) if k in f.free_vars}
            got = complex(ek.evaluate(f, **env))
            if not abs(got - want) <= 1e-9 * max(1.0, abs(want)):
                bad.append((x, y, got, want))
    assert not bad, bad[:4]


@pytest.mark.parametrize("src", sorted(RATIONALS))
def test_rational_constants_are_exact(src):
    q = RATIONALS[src]
    f = ek.compile(src)
    assert f.is_constant
    with mpmath.workdps(60):
        want = mpmath.mpf(q.numerator) / q.denominator
        got = ek.evaluate(f, backend="mpmath", dps=60)
        assert abs(got - want) <= mpmath.mpf(10) ** -45 * max(1, abs(want))


@pytest.mark.parametrize(("decimal", "fraction"), [
    ("3.25*x", "13/4*x"), ("0.4457", "4457/10000"), ("-0.5474", "-2737/5000"), ("1e-3*y", "y/1000"),
])
def test_decimal_literal_is_the_exact_rational(decimal, fraction):
    assert ek.compile(decimal) is ek.compile(fraction)


def test_adding_a_large_constant():
    # x + c uses the constant e^(−c) ≈ 4e−44: a value, not a zero (tolerances are relative)
    f = ek.compile("x + 100")
    assert abs(complex(ek.evaluate(f, x=0.4)) - 100.4) < 1e-9
    with mpmath.workdps(50):
        want = mpmath.mpf("0.4") + 100
        got = ek.evaluate(f, backend="mpmath", dps=50, x=mpmath.mpf("0.4"))
        assert abs(got - want) < mpmath.mpf(10) ** -40


def test_decimal_literal_parses_to_a_fraction():
    assert parse_formula("0.4457") == ("num", Fraction(4457, 10000))


def test_decimal_trees_stay_small():
    # the binary method for 4457 and 10⁴ and one division: a few hundred nodes in the DAG
    assert ek.compile("0.4457").dag_size < 300
    assert ek.compile("-2737/5000").dag_size < 300


def test_constant_fold_through_log_of_zero_compiles_to_pi():
    # log(log 1) = log 0 = −∞, exp(−∞) = 0, so the value is 2·i·(0 − iπ/2) = π
    f = ek.compile("2*(I*(exp(log(log(1))) - log(I)))")
    with mpmath.workdps(50):
        want = 2 * (1j * (mpmath.exp(mpmath.log(mpmath.log(1))) - mpmath.log(1j)))
        assert abs(ek.evaluate(f, backend="mpmath", dps=50) - want) < mpmath.mpf(10) ** -40
    assert abs(complex(ek.evaluate(f)) - np.pi) < 1e-12


def test_memoised_values_equal_a_fresh_evaluation():
    trees = [ek.compile(src) for src in ("0.4457", "-2737/5000", "pi", "I", "exp(2*I)", "1/3")]
    cached = [constant_value(t) for t in trees]
    constants._VALUES.clear()
    fresh = [constant_value(t) for t in trees]
    assert all(a == b for a, b in zip(cached, fresh))
    with mpmath.workdps(60):
        assert abs(cached[2] - mpmath.pi) < mpmath.mpf(10) ** -50


def test_constant_value_rejects_variables_and_caches_nothing_for_them():
    tree = Eml(Eml(ONE, ONE), Eml(Var("x"), ONE))
    with pytest.raises(ValueError, match="variable 'x'"):
        constant_value(tree)
    assert tree not in constants._VALUES
    assert tree.right not in constants._VALUES
    assert constants._VALUES[tree.left] == constant_value(Eml(ONE, ONE))


def test_constant_value_of_a_deep_chain_needs_no_recursion():
    node = ONE
    for _ in range(5000):  # e − ln(exp v) = e − v: the values alternate between 1 and e − 1
        node = Eml(ONE, Eml(node, ONE))
    assert node.depth >= 10000
    with mpmath.workdps(60):
        assert abs(constant_value(node) - 1) < mpmath.mpf(10) ** -50
