"""Known forms on every backend against the functions they denote, on grids that touch the cuts.

References are independent of the evaluators: C99 functions and plain complex arithmetic
(NumPy ufuncs, Python's complex type) for the floating backends, mpmath at 50 digits for
mpmath and arb, SymPy for a few exact constants.
"""

from __future__ import annotations

import cmath
import math

import numpy as np
import pytest
import sympy
from eval_forms import (
    I_REF,
    MINUS_ONE,
    NEG_INF,
    PI_REF,
    TWO,
    ZERO,
    E,
    X,
    Y,
    add,
    div,
    exp_,
    inv,
    inv_short,
    ln_,
    mul,
    naive_numpy,
    neg,
    neg_ln,
    sub,
)
from mpmath import mp

import emlkit as ek
from emlkit.expr import fold

torch = pytest.importorskip("torch")

inf = math.inf
NEG_REALS = [-2.0, -0.5, -1.0, -3.7, -1e-3, -1e10]
REALS = [2.0, 0.5, 1.0, 3.7, 1e-3, 1e10, *NEG_REALS]
ON_CUT_BELOW = [complex(x, -0.0) for x in NEG_REALS]
COMPLEX = [1 + 1j, -1 + 1j, -1 - 1j, 0.3 - 2j, 2j, -2j, -3 + 1e-9j]
SPECIAL = [0.0, -0.0, complex(0.0, -0.0), inf, -inf]
GRID = REALS + ON_CUT_BELOW + COMPLEX


def same(a: complex, b: complex, rtol: float = 1e-12) -> bool:
    """Equal part by part: infinities of the same sign, NaN with NaN, else close."""
    a, b = complex(a), complex(b)
    for p, q in ((a.real, b.real), (a.imag, b.imag)):
        if math.isnan(p) or math.isnan(q) or math.isinf(p) or math.isinf(q):
            if not (p == q or (math.isnan(p) and math.isnan(q))):
                return False
        elif abs(p - q) > rtol * max(1.0, abs(a), abs(b)):
            return False
    return True


def mp_side(f, x: complex):
    """An mpmath function at x, taken from the side of x's signed zero (mpmath has none)."""
    z = mp.mpc(x.real, x.imag)
    if x.imag == 0 and math.copysign(1, x.imag) < 0:
        return mp.conj(f(mp.conj(z)))
    return f(z)


def values(expr, **point):
    """The value on every backend, as (numpy, torch, mpmath at 50 digits)."""
    n = complex(ek.evaluate(expr, **point))
    t = complex(ek.evaluate(expr, backend="torch", **point))
    m = ek.evaluate(expr, backend="mpmath", dps=50, **point)
    return n, t, m


# -- one-variable forms -------------------------------------------------------------------------


@pytest.mark.parametrize("x", GRID + SPECIAL, ids=repr)
def test_exp_form(x):
    n, t, m = values(exp_(X), x=x)
    with np.errstate(all="ignore"):
        ref = np.exp(np.complex128(x))
    assert same(n, ref) and same(t, ref)
    if math.isfinite(complex(x).real):
        with mp.workdps(50):
            assert abs(m - mp.exp(mp.mpc(complex(x)))) <= mp.mpf(10) ** -45 * abs(m)


@pytest.mark.parametrize("x", GRID, ids=repr)
def test_ln_form_is_the_principal_log_on_the_side_of_the_zero(x):
    n, t, m = values(ln_(X), x=x)
    with np.errstate(all="ignore"):
        ref = np.log(np.complex128(x))  # C99: the sign of a zero imaginary part picks the side
    assert same(n, ref, 1e-9) and same(t, ref, 1e-9)
    assert same(n, cmath.log(x), 1e-9)
    with mp.workdps(50):
        assert abs(m - mp_side(mp.log, complex(x))) <= mp.mpf(10) ** -45 * max(1, abs(m))


@pytest.mark.parametrize("x", [-2.0, complex(-2.0, -0.0)], ids=repr)
def test_ln_form_on_the_cut_both_sides_exactly(x):
    s = math.copysign(1, complex(x).imag)
    for v in values(ln_(X), x=x)[:2]:
        assert abs(v - complex(math.log(2), s * math.pi)) < 1e-15
    with mp.workdps(50):
        m = ek.evaluate(ln_(X), x=x, backend="mpmath", dps=50)
        assert abs(m - mp.mpc(mp.log(2), s * mp.pi)) < mp.mpf(10) ** -49
        assert m.imag * s > 0


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.0, complex(-inf, 0.0)),
        (-0.0, complex(-inf, math.pi)),  # C99: ln(−0 + 0i) = −∞ + iπ
        (complex(0.0, -0.0), complex(-inf, -0.0)),
        (inf, complex(inf, 0.0)),
        (-inf, complex(inf, math.pi)),  # ln(−∞) = +∞ + iπ, through the 7-node form
    ],
    ids=repr,
)
def test_ln_form_at_extended_points(x, expected):
    for v in values(ln_(X), x=x):
        assert same(complex(v), expected)


@pytest.mark.parametrize("x", GRID + SPECIAL, ids=repr)
@pytest.mark.parametrize("form", [inv, inv_short], ids=["inv", "inv_short"])
def test_reciprocal_forms(form, x):
    n, t, m = values(form(X), x=x)
    z = complex(x)
    if z == 0:  # 1/(+0) = +∞; other zeros give an infinity in their direction
        assert all(cmath.isinf(complex(v)) for v in (n, t, m))
        if math.copysign(1, z.real) > 0 and math.copysign(1, z.imag) > 0:
            assert all(same(complex(v), complex(inf, 0)) for v in (n, t, m))
        return
    ref = 0j if cmath.isinf(z) else 1 / z
    for v in (n, t, m):
        assert abs(complex(v) - ref) <= 1e-12 * max(1, abs(ref))


def test_neg_ln_and_negative_infinity():
    for v in values(NEG_INF):
        assert same(complex(v), complex(-inf, 0))
    for v in values(ZERO):
        assert complex(v) == 0
    for v in values(neg_ln(X), x=0.25):
        assert abs(complex(v) - math.log(4)) < 1e-15


# -- two-variable forms -------------------------------------------------------------------------

PAIRS = [
    (2.0, 3.0), (-2.0, 3.0), (2.0, -3.0), (-2.0, -3.0), (0.0, 2.0), (2.0, 0.0), (0.5, 0.5),
    (complex(-2, -0.0), 3.0), (complex(-2, -0.0), -3.0), (1 + 1j, -1 - 2j), (-1.5 + 0.5j, 2j),
]  # fmt: skip


@pytest.mark.parametrize(("x", "y"), PAIRS, ids=repr)
@pytest.mark.parametrize(
    ("form", "op"),
    [
        (sub, lambda x, y: x - y),
        (add, lambda x, y: x + y),
        (mul, lambda x, y: x * y),
        (div, lambda x, y: x / y if y else complex(inf, 0)),
    ],
    ids=["sub", "add", "mul", "div"],
)
def test_arithmetic_forms(form, op, x, y):
    ref = op(complex(x), complex(y))
    if form is div and y == 0:
        ref = complex(inf, 0) if complex(x).real > 0 else None
    for v in values(form(X, Y), x=x, y=y):
        if ref is None:
            assert cmath.isinf(complex(v))
        elif cmath.isinf(ref):
            assert same(complex(v), ref)
        else:
            assert abs(complex(v) - ref) <= 1e-12 * max(1, abs(ref))


def test_product_with_zero_goes_through_minus_infinity():
    """x·0 = exp(ln x + ln 0) = exp(ln x − ∞) = 0 needs ln(−∞) = +∞ + iπ in the 7-node form,
    i.e. ln(exp(−∞ − iπ)) = −∞ − iπ: C99 signed zeros, carried by hand in mpmath."""
    for point in ({"x": 0.0, "y": 2.5}, {"x": -3.0, "y": 0.0}, {"x": 0.0, "y": -0.0}):
        for v in values(mul(X, Y), **point):
            assert complex(v) == 0


# -- constants: exact landings on the cut -------------------------------------------------------


def _sympy_value(expr):
    """Exact arithmetic with the principal log (SymPy), with ln 0 = −∞."""

    def node(a, b):
        return sympy.exp(a) - (-sympy.oo if b == 0 else sympy.log(b))

    return fold(expr, lambda n: sympy.Integer(1), node)


CONSTANTS = {
    "e": E,
    "2": TWO,
    "-1": MINUS_ONE,
    "1/2": inv(TWO),
    "-4": mul(TWO, neg(TWO)),
    "ln(-1)": ln_(MINUS_ONE),  # exp(e − iπ) lands exactly on the cut
    "i": I_REF,  # the toolkit's exp(ln(−1)/2)
    "pi": PI_REF,
    "ln(-1-(-1))": ln_(sub(MINUS_ONE, MINUS_ONE)),  # exactly ln 0
}


def test_zero_over_two_needs_c99_extended_values():
    """0/2 = exp(ln 0 + ln ½) goes through ln(−∞) = ∞ + iπ; SymPy's log(−oo) = oo drops the
    iπ and gets ∞, so C99 (NumPy) is the reference here."""
    assert _sympy_value(div(ZERO, TWO)) == sympy.oo
    for v in values(div(ZERO, TWO)):
        assert complex(v) == 0


@pytest.mark.parametrize("name", CONSTANTS)
def test_constants_are_exact_arithmetic(name):
    expr = CONSTANTS[name]
    exact = _sympy_value(expr)
    want = complex(sympy.N(exact, 40)) if exact.is_finite else complex(-inf, 0)
    n, t, m = values(expr)
    for v in (n, t):
        assert same(complex(v), want, 1e-14)
    if cmath.isfinite(want):
        with mp.workdps(60):
            ref = mp.mpmathify(sympy.N(sympy.re(exact), 60)) + 1j * mp.mpmathify(
                sympy.N(sympy.im(exact), 60)
            )
            assert abs(m - ref) < mp.mpf(10) ** -48
    else:
        assert same(complex(m), want)


def test_exact_constants_differ_from_naive_floats_where_a_landing_decides():
    """The toolkit's i is −i in exact arithmetic: its ln(−1) goes through exp(e − iπ) = −e**e,
    whose principal ln is e + iπ, so the 7-node ln(−1) is −iπ. Plain complex128 leaves a residue
    below the cut there and returns +i; the constant rule returns the exact value everywhere."""
    assert abs(naive_numpy(I_REF) - 1j) < 1e-12
    for v in values(I_REF):
        assert abs(complex(v) + 1j) < 1e-14
    # and an exact zero that floats miss: ln(−1 − (−1)) is −∞, not ln(1e-16)
    assert math.isfinite(naive_numpy(ln_(sub(MINUS_ONE, MINUS_ONE))).real)


def test_a_constant_on_the_cut_is_exact_an_input_takes_the_limit():
    """ln(−1) through the 7-node form: the constant −1 gives −iπ (exact), the input −1 + 0j
    gives +iπ (the limit from above, which the form reaches through exp(e − ln x) just below
    the cut)."""
    for backend in ("numpy", "mpmath", "torch"):
        c = complex(ek.evaluate(ln_(MINUS_ONE), backend=backend))
        v = complex(ek.evaluate(ln_(X), x=-1.0, backend=backend))
        assert abs(c + 1j * math.pi) < 1e-12 and abs(v - 1j * math.pi) < 1e-12


@pytest.mark.parametrize(
    "expr", [TWO, inv(TWO), PI_REF, mul(TWO, neg(TWO))], ids=["2", "1/2", "pi", "-4"]
)
def test_constants_on_arb(expr):
    # textbook constants go through ln 0: the exact constant −∞ makes them certifiable
    flint = pytest.importorskip("flint")
    acb = flint.acb
    want = {TWO: acb(2), inv(TWO): acb(0.5), PI_REF: acb(flint.arb.pi()),
            mul(TWO, neg(TWO)): acb(-4)}[expr]
    (c,) = ek.certify(expr)
    assert c.certified and c.value.overlaps(want)


# -- the documented difference between IEEE signs and the limit ---------------------------------


def test_real_arithmetic_landing_ieee_versus_limit():
    """ln(1 − x) at x = 3: plain IEEE 0 − 0 = +0 would give the upper side (+iπ); the limit from
    x + i0 comes from below (−iπ). The NumPy backend's first-order term (semantics) gives the
    limit, as mpmath and arb do."""
    f = ln_(sub(ek.ONE, X))
    assert abs(complex(ek.evaluate(f, x=3.0)) - complex(math.log(2), -math.pi)) < 1e-12
    m = complex(ek.evaluate(f, x=3.0, backend="mpmath"))
    assert abs(m - complex(math.log(2), -math.pi)) < 1e-12
    # arb cannot certify the 7-node ln on the cut, but e − ln(1 − x) it can: from below too
    flint = pytest.importorskip("flint")
    g = ek.eml(ek.ONE, sub(ek.ONE, X))
    def below(x):
        return flint.acb(1).exp() - (1 - x).log().conjugate()

    c = ek.certify(g, [3.0], reference=below)[0]
    assert c.certified and c.equal is True and c.value.imag > 0  # e − (ln 2 − iπ)
    # from below, all agree
    for v in values(f, x=complex(3.0, -0.0)):
        assert abs(complex(v) - complex(math.log(2), math.pi)) < 1e-12


def test_mpmath_high_precision_forms():
    with mp.workdps(80):
        m = ek.evaluate(mul(X, Y), x="1.1", y="-0.7", backend="mpmath", dps=60)
        assert abs(m - mp.mpf("1.1") * mp.mpf("-0.7")) < mp.mpf(10) ** -58
        assert m.imag == 0
