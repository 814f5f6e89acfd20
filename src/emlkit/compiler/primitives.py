"""Building blocks of compiled EML, each one line with its identity and its validity.

``E(a, b) = exp(a) − ln(b)``. The two facts everything rests on:

* ``exp(ln z) = z`` for every z (and ``exp(w + 2πik) = exp(w)``), so a sum or difference that
  is only ever used *inside an exponential* may be formed with any branch of the logarithm;
* ``ln(exp w) = w`` only when ``Im w ∈ (−π, π]``, so forms that read a value back out of an
  exponential are valid on a strip only. Those are marked "strip" below.

Smart constructor :func:`E` applies the two always-valid rewrites ``E(ln t, 1) → t`` and
``E(ln(exp u), y) → E(u, y)`` (both are ``exp(ln z) = z``), so compositions never carry the
needless detours of textual macros.

>>> from emlkit.expr import Var
>>> x = Var("x")
>>> ln(x).K, inv(x).K, div(x, Var("y")).K
(7, 15, 17)
>>> exp(ln(x)) is x
True
"""

from __future__ import annotations

from ..expr import ONE, Eml, Expr

__all__ = [
    "E_CONST",
    "INV_E",
    "MINUS_ONE",
    "NEG_INF",
    "ZERO",
    "E",
    "add_ln",
    "add_strip",
    "as_ln",
    "div",
    "exp",
    "exp_minus_one",
    "exp_plus_one",
    "inv",
    "ln",
    "mul",
    "neg_ln",
    "neg_strip",
    "sub_ln",
    "sub_strip",
]


def as_ln(node: Expr) -> Expr | None:
    """If ``node`` is ``ln(t)`` in the 7-token form ``E(1, E(E(1, t), 1))``, return ``t``.

    >>> from emlkit.expr import Var
    >>> as_ln(ln(Var("x")))
    Var('x')
    """
    if isinstance(node, Eml) and node.left is ONE:
        mid = node.right
        if isinstance(mid, Eml) and mid.right is ONE:
            inner = mid.left
            if isinstance(inner, Eml) and inner.left is ONE:
                return inner.right
    return None


def E(a: Expr, b: Expr) -> Expr:
    """``eml(a, b)`` with the always-valid rewrites ``exp(ln t) = t``.

    >>> from emlkit.expr import Var
    >>> E(ln(Var("x")), ONE)     # exp(ln x) = x
    Var('x')
    """
    while True:
        t = as_ln(a)
        if t is None:
            return Eml(a, b)
        if b is ONE:
            return t  # exp(ln t) − ln 1 = t
        if isinstance(t, Eml) and t.right is ONE:
            a = t.left  # exp(ln(exp u)) = exp(u)
            continue
        return Eml(a, b)


def exp(a: Expr) -> Expr:
    """``exp(a) = E(a, 1)``. Valid everywhere."""
    return E(a, ONE)


def ln(a: Expr) -> Expr:
    """``ln a = E(1, E(E(1, a), 1))``: e − ln(e^e / a). Valid everywhere, both sides of the cut."""
    return Eml(ONE, Eml(Eml(ONE, a), ONE))


E_CONST = Eml(ONE, ONE)  # e = exp(1) − ln 1
ZERO = ln(ONE)  # ln 1 = 0, K 7 (shortest)
NEG_INF = Eml(ONE, Eml(ONE, ZERO))  # e − ln(e − ln 0) = e − ln(+∞) = −∞, K 11
MINUS_ONE = Eml(NEG_INF, E_CONST)  # exp(−∞) − ln e = −1, K 15 (shortest)
INV_E = Eml(MINUS_ONE, ONE)  # exp(−1), K 17


def neg_ln(b: Expr) -> Expr:
    """``−ln b = E(−∞, b)``. Valid everywhere."""
    return Eml(NEG_INF, b)


def inv(b: Expr) -> Expr:
    """``1/b = exp(−ln b)``. Valid everywhere (``1/0 = ∞``)."""
    return exp(neg_ln(b))


def sub_ln(a: Expr, b: Expr) -> Expr:
    """``a − ln b = E(ln a, b)``. Valid everywhere."""
    return E(ln(a), b)


def add_ln(a: Expr, b: Expr) -> Expr:
    """``a + ln b = E(ln a, 1/b)``: ln(1/b) = −ln b off the cut, and at a cut point the two sides
    swap together."""
    return E(ln(a), inv(b))


def mul(a: Expr, b: Expr) -> Expr:
    """``a·b = exp(ln a + ln b)``. Valid everywhere (the sum is only exponentiated)."""
    return exp(add_ln(ln(a), b))


def div(a: Expr, b: Expr) -> Expr:
    """``a/b = exp(ln a − ln b)``. Valid everywhere."""
    return exp(sub_ln(ln(a), b))


def exp_minus_one(w: Expr) -> Expr:
    """``exp(w) − 1 = E(w, e)``. Valid everywhere."""
    return Eml(w, E_CONST)


def exp_plus_one(w: Expr) -> Expr:
    """``exp(w) + 1 = E(w, 1/e)``. Valid everywhere."""
    return Eml(w, INV_E)


def sub_strip(a: Expr, b: Expr) -> Expr:
    """``a − b = E(ln a, exp b)``. Strip: needs ``Im b ∈ (−π, π]``."""
    return E(ln(a), exp(b))


def add_strip(a: Expr, b: Expr) -> Expr:
    """``a + b = a + ln(exp b) = E(ln a, exp(−ln exp b))``. Strip: needs ``Im b ∈ (−π, π]``."""
    return add_ln(a, exp(b))


def neg_strip(b: Expr) -> Expr:
    """``−b = 0 − ln(exp b) = E(−∞, exp b)``. Strip: needs ``Im b ∈ (−π, π]``."""
    return neg_ln(exp(b))
