"""The mpmath backend (and the mpmath code generated for it) at every magnitude: the working
precision grows with the point's magnitudes, and values at infinite and zero inputs are the
one-sided limits. References: mpmath's own functions at 200 digits (the inputs are exact
doubles, so they are the exact values), one-sided limits written out by hand."""

from __future__ import annotations

import math
import warnings

import mpmath
import pytest

import emlkit as ek
from emlkit.backends._mppoint import guard_digits, input_value
from emlkit.backends.codegen import to_code

inf = math.inf
DPS = 30

# (formula, inputs, mpmath reference at the exact inputs)
CASES = [
    ("sin(x)", (-2.3885232092915413e-227,), lambda x: mpmath.sin(x)),   # was 0: cancellation
    ("sin(x)", (-1.7377752125028915e71,), lambda x: mpmath.sin(x)),     # 71-digit phase
    ("tan(x)", (1.4360219959001536e-169,), lambda x: mpmath.tan(x)),
    ("asin(x)", (-3.322146118804386e116,), lambda x: mpmath.asin(x)),   # was inf + inf·i
    ("asinh(x)", (-3.051166409286977e71,), lambda x: mpmath.asinh(x)),  # was NaN
    ("atanh(x)", (-2.249321270721059e-106,), lambda x: mpmath.atanh(x)),  # was half of it
    ("-x", (-2.249321270721059e-106,), lambda x: -x),
    ("x + y", (0.0, -3.7148065404271825e-213), lambda x, y: x + y),
    ("x - y", (-1.268738698575597, -3.296585714470133e87), lambda x, y: x - y),
    ("hypot(x, y)", (0.0, -3.7148065404271825e-213), lambda x, y: mpmath.hypot(x, y)),
    ("x * y", (1e-100, 1e100), lambda x, y: x * y),
]


def _close(got, want, digits=DPS - 3) -> bool:
    with mpmath.workdps(200):
        return abs(mpmath.mpc(got) - want) <= mpmath.mpf(10) ** -digits * abs(want)


def _reference(fn, args):
    with mpmath.workdps(200):
        return mpmath.mpc(fn(*[mpmath.mpf(a) for a in args]))


def _generated(expr):
    ns: dict = {}
    exec(compile(to_code(expr, "mpmath", name="f"), "<generated>", "exec"), ns)  # noqa: S102
    return ns["f"]


@pytest.mark.parametrize("formula, args, fn", CASES, ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_huge_and_tiny_magnitudes_keep_every_digit(formula, args, fn):
    expr = ek.compile(formula)
    names = sorted(expr.free_vars)
    want = _reference(fn, args)
    got = ek.evaluate(expr, dict(zip(names, args)), backend="mpmath", dps=DPS)
    assert _close(got, want), (got, want)
    with mpmath.workdps(DPS):
        gen = _generated(expr)(*args)
    assert _close(gen, want), (gen, want)


with mpmath.workdps(60):
    _HALF_PI = mpmath.pi / 2
    _MINUS_HALF_PI = -_HALF_PI

# the values at infinite inputs are the limits along the axis (C99's ∞ − ∞ gave NaN)
LIMITS = [
    ("sinh(x)", complex(inf, -0.0), (inf, None)),
    ("cosh(x)", complex(inf, 0.0), (inf, None)),
    ("tanh(x)", complex(inf, 0.0), (1, 0)),
    ("sqrt(x)", complex(inf, -0.0), (inf, None)),
    ("atan(x)", complex(inf, 0.0), (_HALF_PI, 0)),
    ("asin(x)", complex(inf, -0.0), (_HALF_PI, -inf)),  # the lower side: −i·∞
    ("acosh(x)", complex(-0.0, -0.0), (0, _MINUS_HALF_PI)),  # C99: cacosh(−0 − 0i) = −iπ/2
    ("log(x, y)", (0j, complex(-1.2462309012950468e-250, 0.0)), (inf, inf)),  # −∞/(ln|y|+iπ)
]


@pytest.mark.parametrize("formula, z, want", LIMITS, ids=[c[0] for c in LIMITS])
def test_limits_at_infinite_and_zero_inputs(formula, z, want):
    expr = ek.compile(formula)
    args = z if isinstance(z, tuple) else (z,)
    point = dict(zip(sorted(expr.free_vars), args))
    with mpmath.workdps(DPS):
        gen = _generated(expr)(*args)
    for got in (ek.evaluate(expr, point, backend="mpmath", dps=DPS), gen):
        for part, expected in zip((got.real, got.imag), want):
            if expected is None:
                continue
            if mpmath.isinf(expected):
                assert part == expected, (got, want)
            else:
                with mpmath.workdps(40):
                    assert abs(part - expected) < 1e-25, (got, want)


def test_c99_poles_at_exact_zeros_stay():
    # 1/0 = ∞ (C99), not the limit −i∞ from the upper side; 0^y at a tiny y is 0 (the limit
    # there is not uniform), and the undefined sin(∞) stays NaN
    assert ek.evaluate(ek.compile("1/x"), x=0.0, backend="mpmath").real == mpmath.inf
    v = ek.evaluate(ek.compile("x^y"), x=complex(-0.0, 0.0), y=3.2e-88, backend="mpmath")
    assert v == 0
    s = ek.evaluate(ek.compile("sin(x)"), x=inf, backend="mpmath", on_nan="ignore")
    assert mpmath.isnan(s.real) or mpmath.isnan(s.imag)


def test_guard_follows_the_inputs_magnitudes():
    with mpmath.workdps(60):
        assert guard_digits({"x": input_value(0.5)}) == 0
        assert 300 <= guard_digits({"x": input_value(1e300)}) <= 302
        assert 40 <= guard_digits({"x": input_value(complex(1.0, 1e-40))}) <= 42
        assert 300 <= guard_digits({"x": input_value(0.5), "y": input_value(-1e-300)}) <= 302


def test_precision_limit_is_reported(monkeypatch):
    import emlkit.backends._mppoint as point

    monkeypatch.setattr(point, "MAX_GUARD_DIGITS", 10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # asinh at −3e71 cancels 143 digits: more than its inputs ask for, past the limit
        ek.evaluate(ek.compile("asinh(x)"), x=-3.051166409286977e71, backend="mpmath", dps=30)
    assert any("did not reach 30 digits" in str(w.message) for w in caught)


def test_generated_mpmath_code_is_standalone():
    src = to_code(ek.compile("asinh(x)"), "mpmath", name="g")
    code = [ln for ln in src.splitlines() if not ln.startswith("#")]
    assert not any("emlkit" in ln for ln in code)  # no import of the library
    ns: dict = {}
    exec(compile(src, "<generated>", "exec"), ns)  # noqa: S102
    with mpmath.workdps(40):
        assert abs(ns["g"](0.5) - mpmath.asinh(0.5)) < mpmath.mpf(10) ** -38
    helpers = {n for n in ns if not n.startswith("__")} - {"g", "math", "mp", "warnings"}
    assert all(n.startswith("_") for n in helpers)  # nothing clashes with a function name
