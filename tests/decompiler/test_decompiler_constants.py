"""Decompiling formulas with integer, rational and decimal constants (issue 16: x*y + 523 took
7.8 s and came back as x*y + zoo). The reference is SymPy's own reading of the formula, with
decimals as exact rationals; the speed itself is measured in benchmarks/decompile_speed.py."""

from __future__ import annotations

import mpmath
import pytest
import sympy

import emlkit as ek
from emlkit.decompiler import subforms as rec

x, y = sympy.symbols("x y")

FORMULAS = ["x*y+523", "3.25*x-17", "x/7+2/3", "sin(2*x)+1e3", "x*y + 123456", "1000*x - 1/1000",
            "x + pi/7", "x*10^40", "x + log(3)", "x*y + 10^6"]


def _reference(src: str):
    return sympy.sympify(src.replace("^", "**"), rational=True)


@pytest.mark.parametrize("src", FORMULAS)
def test_constants_come_back_exactly(src):
    back = ek.decompile(ek.compile(src))
    assert sympy.simplify(back - _reference(src)) == 0, back
    assert not back.has(sympy.Float, sympy.zoo, sympy.nan), back


@pytest.fixture
def spy(monkeypatch):
    """Count SymPy nsimplify runs (the search that made naming slow), with an empty name cache."""
    monkeypatch.setattr(rec, "_NAMES", {})
    calls = []
    real = sympy.nsimplify

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(sympy, "nsimplify", counting)
    return calls


@pytest.mark.parametrize("src", ["x*y+523", "3.25*x-17", "x/7+2/3"])
def test_no_search_per_step_of_a_constant(spy, src):
    # every step of the construction of 523 used to be named by nsimplify (53 runs, 7.8 s);
    # now only constants that are read are named, and exact rationals without a search
    ek.decompile(ek.compile(src))
    assert len(spy) <= 3, spy


@pytest.mark.parametrize("src,value", [
    ("x*exp(-523)", mpmath.exp(-523)), ("x*1e-40", mpmath.mpf(10) ** -40)])
def test_tiny_constants_are_not_named_zero(src, value):
    # nsimplify's tolerance is absolute: 7.3e-228 was named 0 (and ln of it, zoo)
    back = ek.decompile(ek.compile(src))
    assert not back.has(sympy.zoo, sympy.nan)
    got = complex(back.subs(x, sympy.Rational(7, 10)).evalf(30))
    want = complex(mpmath.mpf("0.7") * value)
    assert abs(got - want) <= 1e-12 * abs(want), (back, got, want)


def test_exact_names_of_classified_constants():
    from emlkit.compiler.info import MP
    from emlkit.decompiler._names import exact_name

    assert exact_name(MP.mpc(13) / 4) == sympy.Rational(13, 4)
    assert exact_name(MP.mpc(MP.pi) * 2 / 3) == 2 * sympy.pi / 3
    assert exact_name(MP.mpc(0, -1) / 7) == -sympy.I / 7
    assert exact_name(MP.mpc(MP.log(3))) == sympy.log(3)
    assert exact_name(MP.exp(-523)) == sympy.exp(-523)
    assert exact_name(MP.mpc(2, 5)) == 2 + 5 * sympy.I
    assert exact_name(MP.mpc(MP.euler)) is None  # no short form known: left to the search
    assert exact_name(MP.mpc(MP.inf)) is None
