"""Textbook EML forms and an independent plain-mpmath oracle, shared by the evaluator tests.

The forms are the reference toolkit's (eml_compiler_v4), rebuilt here with ``eml``/``ONE``.
The oracle is deliberately naive: plain ``mpmath.exp``/``mpmath.log`` at a *finitely*
perturbed point ``x + i·s·1e-30`` for every input on the real axis (the limit from the side of
the signed zero; the same speed for every variable, as the semantics fixes the direction), with
no snapping; it also reports whether the path was numerically tame enough to compare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
from mpmath import mp

from emlkit import ONE, Var, eml
from emlkit.expr import Eml, Expr, One, postorder

X, Y = Var("x"), Var("y")


def exp_(z):  # exp z = eml(z, 1)
    return eml(z, ONE)


def ln_(z):  # e − ln(e^e / z) = ln z
    return eml(ONE, exp_(eml(ONE, z)))


E = exp_(ONE)  # e
ZERO = ln_(ONE)  # ln 1 = 0
NEG_INF = eml(ONE, eml(ONE, ZERO))  # e − ln(e − ln 0) = e − ln ∞ = −∞


def sub(a, b):  # exp(ln a) − ln(exp b) = a − b
    return eml(ln_(a), exp_(b))


def neg(z):  # 0 − z
    return sub(ZERO, z)


def add(a, b):  # a − (−b)
    return sub(a, neg(b))


def inv(z):  # exp(−ln z) = 1/z
    return exp_(neg(ln_(z)))


def mul(a, b):  # exp(ln a + ln b)
    return exp_(add(ln_(a), ln_(b)))


def div(a, b):
    return mul(a, inv(b))


def neg_ln(y):  # exp(−∞) − ln y = −ln y
    return eml(NEG_INF, y)


def inv_short(y):  # exp(−ln y) = 1/y, through ln 0
    return eml(neg_ln(y), ONE)


TWO = add(ONE, ONE)
MINUS_ONE = neg(ONE)
I_REF = exp_(div(ln_(MINUS_ONE), TWO))  # the toolkit's i = exp(ln(−1)/2)
PI_REF = mul(neg(I_REF), ln_(MINUS_ONE))  # π = −i·ln(−1)


def naive_numpy(expr: Expr) -> complex:
    """Plain complex128 evaluation (no constant folding): what NumPy alone gives."""
    import numpy as np

    vals: dict[int, complex] = {}
    with np.errstate(all="ignore"):
        for n in postorder(expr):
            if isinstance(n, One):
                vals[id(n)] = np.complex128(1)
            elif isinstance(n, Eml):
                vals[id(n)] = np.exp(vals[id(n.left)]) - np.log(vals[id(n.right)])
    return complex(vals[id(expr)])


@dataclass
class Oracle:
    value: complex | None  # None when the path left the finite, tame region
    tame: bool  # finite, no ln near 0, no cancellation, no float overflow on the way
    cut_distance: float  # min |Im b|/|b| over ln arguments with Re b < 0 (inf if none)
    exact: mpmath.mpc | None = None
    cancellation: float = 1.0  # min |a − b| / max(|a|, |b|) over the subtractions


def oracle(expr: Expr, point: dict, dps: int = 60) -> Oracle:
    """Plain mpmath at the perturbed point (see the module docstring)."""
    with mp.workdps(dps):
        eta = mp.mpf("1e-30")
        vals: dict[int, mpmath.mpc] = {}
        cut = math.inf
        cancel = 1.0
        for n in postorder(expr):
            if isinstance(n, One):
                vals[id(n)] = mp.mpc(1)
                continue
            if isinstance(n, Var):
                x = complex(point[n.name])
                z = mp.mpc(x.real, x.imag)
                if x.imag == 0 and math.isfinite(x.real) and x.real != 0:
                    s = math.copysign(1.0, x.imag)
                    z += mp.mpc(0, s) * eta
                vals[id(n)] = z
                continue
            a, b = vals[id(n.left)], vals[id(n.right)]
            if not (mp.isfinite(a) and mp.isfinite(b)) or a.real > 600:
                return Oracle(None, False, cut)
            if abs(b) < mp.mpf("1e-200") or abs(b) > mp.mpf("1e200"):
                return Oracle(None, False, cut)
            if b.real < 0:
                cut = min(cut, float(abs(b.imag) / abs(b)))
            ea, lb = mp.exp(a), mp.log(b)
            v = ea - lb
            if abs(v) < mp.mpf("1e-12") * max(abs(ea), abs(lb)) or abs(v) > mp.mpf("1e250"):
                return Oracle(None, False, cut)
            if ea and lb:
                cancel = min(cancel, float(abs(v) / max(abs(ea), abs(lb))))
            vals[id(n)] = v
        root = vals[id(expr)]
        return Oracle(complex(root), True, cut, root, cancel)
