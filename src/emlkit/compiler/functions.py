"""EML forms of the elementary functions, written with the plane-valid primitives.

Every form here is correct for all complex arguments where the function is defined, except
where a step says "strip" and then only through the generic ``add``/``sub`` of the lowering,
which picks a strip form when the operand is proven to stay in ``Im ∈ (−π, π]`` and a
plane form otherwise. Identities (principal branches, DLMF chapter 4):

* sin z = (e^{2iz} − 1) / (2i·e^{iz}),  cos z = (e^{2iz} + 1) / (2·e^{iz}),
  tan z = −i(e^{2iz} − 1)/(e^{2iz} + 1)
* sinh, cosh, tanh likewise with e^{2z}; σ(z) = 1/(1 + e^{−z})
* arctan z = (i/2)(ln(1 − iz) − ln(1 + iz))
* arcsin z = 2·arctan(z / (1 + √(1−z)·√(1+z))),  arccos z = π/2 − arcsin z
* arsinh z = ln(z + √(z² + 1)),  arcosh z = ln(z + √(z+1)·√(z−1)),  artanh z = ½(ln(1+z) − ln(1−z))
* hypot(x, y) = √((x + iy)(x − iy))

>>> from emlkit.compiler.info import Info
>>> from emlkit.compiler.lowering_steps import Lowering
>>> from emlkit.expr import Var
>>> L = Lowering("strip")
>>> sigmoid(L, Var("x"), Info(3.0)).K      # |Im x| < 3: the strip form of −x
47
"""

from __future__ import annotations

from ..errors import DomainError
from ..expr import ONE, Expr
from . import primitives as P
from .info import INF, MP, Info, log_of
from .lowering_steps import Lowering
from .registry import functions

__all__ = ["FUNCTIONS"]

_I = MP.mpc(0, 1)
_HALF = MP.mpf(1) / 2
_ANY = Info(INF)
_NONZERO = Info(INF, nonzero=True)


def _half_log(L: Lowering, neg_log: Expr) -> Expr:
    """½·ln q given −ln q, as (−½)·(−ln q).

    Scaling ``ln q`` itself would go through ``ln(ln 0) = +∞ + iπ`` at q = 0, whose direction
    ``exp ∘ ln`` does not keep; ``−ln 0 = +∞`` has none to lose, so ½·ln 0 comes out as −∞.
    """
    return L.scale(neg_log, -_HALF)


def sin(L: Lowering, x: Expr, ix: Info) -> Expr:
    num = P.exp_minus_one(L.scale(x, 2 * _I))  # e^{2ix} − 1
    return _over_two_exp(L, num, x, 2 * _I)


def cos(L: Lowering, x: Expr, ix: Info) -> Expr:
    num = P.exp_plus_one(L.scale(x, 2 * _I))  # e^{2ix} + 1
    return _over_two_exp(L, num, x, 2)


def _over_two_exp(L: Lowering, num: Expr, x: Expr, c: complex) -> Expr:
    """num / (c·e^{ix}) — either as num / exp(ix + ln c) or as exp(ln num − ln c − ix)."""
    ix = L.scale(x, _I)
    den = P.exp(P.E(P.ln(ix), L.const(1 / MP.mpc(c))))  # exp(ix + ln c)
    a = L.div(num, _ANY, den, _NONZERO)[0]
    b = P.exp(P.E(P.ln(P.E(P.ln(P.ln(num)), L.const(c))), P.exp(ix)))
    return min(a, b, key=lambda e: e.K)


def tan(L: Lowering, x: Expr, ix: Info) -> Expr:
    w = L.scale(x, 2 * _I)
    num, den = P.exp_minus_one(w), P.exp_plus_one(w)
    a = L.scale(L.div(num, _ANY, den, _NONZERO)[0], -_I)
    b = L.div(num, _ANY, L.scale(den, _I), _NONZERO)[0]
    return min(a, b, key=lambda e: e.K)


def sinh(L: Lowering, x: Expr, ix: Info) -> Expr:
    num = P.exp_minus_one(L.scale(x, 2))  # e^{2x} − 1
    den = P.exp(P.E(P.ln(x), L.const(_HALF)))  # exp(x + ln 2)
    return L.div(num, _ANY, den, _NONZERO)[0]


def cosh(L: Lowering, x: Expr, ix: Info) -> Expr:
    num = P.exp_plus_one(L.scale(x, 2))
    den = P.exp(P.E(P.ln(x), L.const(_HALF)))
    return L.div(num, _ANY, den, _NONZERO)[0]


def tanh(L: Lowering, x: Expr, ix: Info) -> Expr:
    w = L.scale(x, 2)
    return L.div(P.exp_minus_one(w), _ANY, P.exp_plus_one(w), _NONZERO)[0]


def sigmoid(L: Lowering, x: Expr, ix: Info) -> Expr:
    """σ(x) = 1 / (1 + e^(−x)): right over the whole float64 range (exp(x − ln(e^x + 1)),
    shorter, gives 0 instead of 1 once e^x overflows, x > 709.78)."""
    neg, _ = L.neg(x, ix)
    return P.inv(P.exp_plus_one(neg))


def _atan_log_diff(L: Lowering, x: Expr) -> Expr:
    """ln(1 − ix) − ln(1 + ix)."""
    one_minus = L.shift(L.scale(x, -_I), 1)
    one_plus = L.shift(L.scale(x, _I), 1)
    return P.sub_ln(P.ln(one_minus), one_plus)


def atan(L: Lowering, x: Expr, ix: Info) -> Expr:
    return L.scale(_atan_log_diff(L, x), _I / 2)


def _asin_halfangle(L: Lowering, x: Expr, ix: Info) -> Expr:
    """z / (1 + √(1−z)·√(1+z)), the argument of the half-angle arctan."""
    one_minus, _ = L.sub(ONE, Info(0, MP.mpc(1)), x, ix)
    one_plus = L.shift(x, 1)
    log_r = _half_log(L, P.sub_ln(P.neg_ln(one_minus), one_plus))  # ln R = ½(ln(1−z) + ln(1+z))
    one_plus_r = P.exp_plus_one(log_r)
    return L.div(x, _ANY, one_plus_r, _NONZERO)[0]


def asin(L: Lowering, x: Expr, ix: Info) -> Expr:
    w = _asin_halfangle(L, x, ix)
    return L.scale(_atan_log_diff(L, w), _I)  # 2·atan(w) = i(ln(1 − iw) − ln(1 + iw))


def acos(L: Lowering, x: Expr, ix: Info) -> Expr:
    w = _asin_halfangle(L, x, ix)
    return L.shift(L.scale(_atan_log_diff(L, w), -_I), MP.pi / 2)


def asinh(L: Lowering, x: Expr, ix: Info) -> Expr:
    q = P.exp_plus_one(P.E(P.ln(P.ln(x)), P.inv(x)))  # e^{2 ln x} + 1 = x² + 1
    root = P.exp(L.scale(P.ln(q), _HALF))
    s, _ = L.add(root, _NONZERO, x, ix)
    return P.ln(s)


def acosh(L: Lowering, x: Expr, ix: Info) -> Expr:
    # arcosh z = 2 ln(a + b), a = √((z+1)/2), b = √((z−1)/2) (Kahan). Re(b/a) ≥ 0, so
    # ln(a + b) = ln a + ln(1 + s) exactly with s = b/a, and |Arg(1 + s)| < π/2:
    # arcosh z = ln(z+1) − W,  W = ln 2 − 2 ln(1 + s),  |Im W| < π.  No log argument sits on a cut
    # for real z < −1 (the textbook ln(z + √(z+1)√(z−1)) does, and floats then pick a side at
    # random).
    plus, minus = L.shift(x, 1), L.shift(x, -1)
    h = L.scale(P.sub_ln(P.ln(plus), minus), -_HALF)  # −½(ln(z+1) − ln(z−1)) = ln s
    w = L.shift(L.scale(P.ln(P.exp_plus_one(h)), -2), MP.log(2))  # ln 2 − 2 ln(1 + s)
    return P.E(P.ln(P.ln(plus)), P.exp(w))


def atanh(L: Lowering, x: Expr, ix: Info) -> Expr:
    plus = L.shift(x, 1)
    minus, _ = L.sub(ONE, Info(0, MP.mpc(1)), x, ix)  # 1 − x: carries the side of a real x
    return L.scale(P.sub_ln(P.ln(plus), minus), _HALF)


def hypot(L: Lowering, x: Expr, ix: Info, y: Expr, iy: Info) -> Expr:
    if L.domain == "strip":
        return _hypot_strip(L, x, y)
    iy_ = L.scale(y, _I)
    miy = L.scale(y, -_I)
    p, _ = L.add(iy_, _ANY, x, ix)
    m, _ = L.add(miy, _ANY, x, ix)
    q = L.mul(p, _ANY, m, _ANY)[0]  # (x + iy)(x − iy) = x² + y²
    return P.exp(_half_log(L, P.neg_ln(q)))


def _hypot_strip(L: Lowering, x: Expr, y: Expr) -> Expr:
    """√(x² + y²) as √(((x² + c) + y²) − c) with c = e^e.

    x² + c vanishes only at x = ±i·e^(e/2) ≈ ±3.89i, outside the strip, so it can be factored
    out: (x² + c) + y² = (x² + c)·(1 + y²/(x² + c)), a product (valid with any log branch).
    """
    eee = P.exp(P.exp(P.E_CONST))  # e^(e^e), so ln of it is c = e^e
    c_neg = L.const(MP.exp(-MP.exp(MP.e)), lambda: P.inv(eee))  # e^(−c)
    xc = P.E(P.ln(L.square(x)), c_neg)  # x² + c
    ratio = P.E(P.ln(log_of(L.square(y))), xc)  # a log of y² / (x² + c)
    total = P.exp(P.E(P.ln(P.ln(xc)), P.inv(P.exp_plus_one(ratio))))  # (x² + c) + y²
    q = P.E(P.ln(total), eee)  # − c
    return P.exp(_half_log(L, P.neg_ln(q)))


def sqrt(L: Lowering, x: Expr, ix: Info) -> Expr:
    return P.exp(_half_log(L, P.neg_ln(x)))


def log(L: Lowering, x: Expr, ix: Info, b: Expr, ib: Info) -> Expr:
    if ib.const is not None:
        if ib.const == 1:
            raise DomainError("logarithm to base 1: division by ln 1 = 0")
        if ib.const == 0:
            return P.ZERO  # ln x / ln 0 = ln x / (−∞) = 0, as SymPy has it
        return L.scale(P.ln(x), 1 / MP.log(ib.const))
    return L.div(P.ln(x), Info(MP.pi), P.ln(b), Info(MP.pi))[0]


def avg(L: Lowering, x: Expr, ix: Info, y: Expr, iy: Info) -> Expr:
    s, _ = L.add(x, ix, y, iy)
    return L.scale(s, _HALF)


#: The EML form of every registry function whose form is made here (``lowering="function"``).
FUNCTIONS = {f.name: globals()[f.name] for f in functions() if f.lowering == "function"}
