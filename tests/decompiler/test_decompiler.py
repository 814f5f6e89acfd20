"""decompile(compile(f)) gives back f: checked by SymPy and numerically against f itself."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp

import emlkit as ek

x, y = sp.symbols("x y")

BASIS = {
    "exp(x)": sp.exp(x), "ln(x)": sp.log(x), "x + y": x + y, "x - y": x - y, "x * y": x * y,
    "x / y": x / y, "x ^ y": x**y, "sqrt(x)": sp.sqrt(x), "-x": -x, "1/x": 1 / x, "x^2": x**2,
    "x/2": x / 2, "pi": sp.pi, "e": sp.E, "i": sp.I, "-1": sp.Integer(-1), "2": sp.Integer(2),
    "1/2": sp.Rational(1, 2), "sin(x)": sp.sin(x), "cos(x)": sp.cos(x), "tan(x)": sp.tan(x),
    "asin(x)": sp.asin(x), "acos(x)": sp.acos(x), "atan(x)": sp.atan(x), "sinh(x)": sp.sinh(x),
    "cosh(x)": sp.cosh(x), "tanh(x)": sp.tanh(x), "asinh(x)": sp.asinh(x),
    "acosh(x)": sp.acosh(x), "atanh(x)": sp.atanh(x), "hypot(x, y)": sp.sqrt(x**2 + y**2),
    "sigmoid(x)": 1 / (1 + sp.exp(-x)), "log(y, x)": sp.log(y) / sp.log(x),
    "avg(x, y)": (x + y) / 2,
}

POINTS = [(0.31 + 0.12j, 0.57 - 0.2j), (-0.44 + 0.05j, 0.83 + 0.3j), (0.62 - 0.27j, -0.36 + 0.41j)]


def same_function(a, b) -> bool:
    if sp.simplify(a - b) == 0:
        return True
    fa, fb = (sp.lambdify((x, y), e, "numpy") for e in (a, b))
    return all(np.isclose(complex(fa(p, q)), complex(fb(p, q)), rtol=1e-9) for p, q in POINTS)


@pytest.mark.parametrize("src", sorted(BASIS))
def test_basis_round_trip(src):
    back = ek.decompile(ek.compile(src))
    assert same_function(back, BASIS[src]), back


@pytest.mark.parametrize("src", ["sin(x)", "cos(x)", "asin(x)", "atanh(x)", "x ^ y", "x / y",
                                 "pi", "i"])
def test_basis_round_trip_is_literally_the_same_expression(src):
    assert sp.simplify(ek.decompile(ek.compile(src)) - BASIS[src]) == 0


UNARY = ["exp", "log", "sqrt", "sin", "cos", "tan", "asin", "atan", "sinh", "tanh", "asinh",
         "atanh"]


@pytest.mark.parametrize("outer,inner", list(itertools.product(UNARY[:6], UNARY[6:]))[::3])
def test_compositions_of_two(outer, inner):
    src = f"{outer}({inner}(x))"
    want = getattr(sp, outer)(getattr(sp, inner)(x))
    back = ek.decompile(ek.compile(src))
    assert same_function(back, want), (src, back)


@pytest.mark.parametrize("src,want", [("sin(x) * cos(y)", sp.sin(x) * sp.cos(y)),
                                      ("exp(x) + y^2", sp.exp(x) + y**2)])
def test_binary_compositions(src, want):
    assert same_function(ek.decompile(ek.compile(src)), want)


def test_to_sympy_is_the_literal_reading():
    e = ek.parse("eml(x, eml(y, 1))")
    assert ek.to_sympy(e) == sp.exp(x) - sp.log(sp.exp(y))


def test_large_dag_decompiles():
    # (speed: benchmarks/decompile_speed.py; a test never depends on the machine's speed)
    f = ek.compile("sin(cos(tan(x))) + asinh(atan(x)) * sqrt(y)")
    back = ek.decompile(f)
    assert same_function(back, sp.sin(sp.cos(sp.tan(x))) + sp.asinh(sp.atan(x)) * sp.sqrt(y))
