"""The arb ops: exp, ln and subtraction on balls that follow the semantics structurally.

A value is ``(ball, k, d)``: the ``acb`` ball, the integer ``k`` when its imaginary part is
*exactly* ``kπ`` (``None`` otherwise), and its first-order ``ε``-term (a ball, ``None`` for
none). Constants are the exact values of the mpmath backend, as balls (see
:mod:`emlkit.backends.arb` for the rules and what is reported).

>>> from emlkit import eml
>>> with Precision(precision_bits(15)):
...     ops = ArbOps(15)
...     v = ops.eml(eml("x", "y"), (acb(0), 0, None), (acb(-2), 0, acb(0, 1)), False, False)
>>> v[1], v[0].imag.overlaps(-arb.pi())         # exp(0) − ln(−2 + i0): imaginary part −π
(-1, True)
"""

from __future__ import annotations

import functools
import math
from typing import Any

import flint
from flint import acb, arb

from ...expr import ONE, Eml, Expr
from ...semantics import working_dps

__all__ = [
    "DEFAULT_DPS", "MAX_DOUBLINGS", "ArbOps", "Infinity", "Precision", "precision_bits", "to_arb",
]

#: Digits of an arb result (and of certification) when ``dps`` is not given.
DEFAULT_DPS = 30
#: How often certification doubles the precision of a ball that is still wide.
MAX_DOUBLINGS = 3


def precision_bits(dps: int) -> int:
    """Binary precision of the walk for ``dps`` digits (``working_dps`` plus 8 bits)."""
    return math.ceil(working_dps(dps) * math.log2(10)) + 8


class Precision:
    """Set python-flint's global working precision for a block, and restore it."""

    def __init__(self, bits: int) -> None:
        self.bits = bits

    def __enter__(self) -> None:
        self.saved = flint.ctx.prec
        flint.ctx.prec = self.bits

    def __exit__(self, *exc: object) -> None:
        flint.ctx.prec = self.saved


class ArbOps:
    """``exp``, ``ln`` and subtraction on ``(ball, k, d)``; ``failures`` lists ``(node, why)``.

    ``k`` is the integer with ``Im = kπ`` exactly, or ``None``; ``d`` the first-order term
    (``None`` for none). Call inside a block with the intended flint precision.
    """

    def __init__(self, dps: int = DEFAULT_DPS) -> None:
        self.dps = dps
        self.failures: list[tuple[Expr, str]] = []
        self.e = acb(1).exp()
        self.zero = acb(0)
        self.pi = arb.pi()

    def fail(self, node: Expr, reason: str) -> None:
        self.failures.append((node, reason))

    def one(self) -> tuple[acb, int, None]:
        return acb(1), 0, None

    def constant(self, node: Expr) -> Any:
        infinite = _infinite_constant(node)
        if infinite is not None:  # a constant whose exact value is ±∞ (semantics)
            return infinite, None, None
        ball, k = _constant_ball(node, self.dps)
        return ball, k, None

    def ln(self, node: Eml, z: acb, k: int | None, d: acb | None) -> tuple[acb, int | None]:
        arg = node.right  # reports name the ball's node, the argument of this ln
        re, im = z.real, z.imag
        if not z.is_finite():
            self.fail(arg, "non-finite ball under ln")
        elif re.contains(0) and im.contains(0):
            self.fail(arg, "ball contains 0 under ln")
        elif k == 0 and re < 0:  # exactly on the cut: the first-order term picks the side
            side = 1
            if d is not None and not d.imag.is_zero():
                if d.imag > 0:
                    side = 1
                elif d.imag < 0:
                    side = -1
                else:
                    self.fail(arg, "side of the cut undecided (the first-order term's ball "
                              "meets the real axis) under ln")
            return acb((-re).log(), side * self.pi), side
        elif k == 0:
            return acb(re.log()), 0
        elif im.contains(0) and re.lower() < 0:
            self.fail(arg, "ball straddles the branch cut (negative real axis) under ln")
        return z.log(), None

    def eml(self, node: Eml, a: Any, b: Any, free_a: bool, free_b: bool) -> tuple:
        az, ak, ad = a
        bz, bk, bd = b
        if isinstance(az, Infinity) or isinstance(bz, Infinity):
            return self._eml_infinite(node, az, b)
        lk: int | None
        if node.right is ONE:
            lb, lk, dl = self.zero, 0, None
        else:
            lb, lk = self.ln(node, bz, bk, bd)
            dl = None if bd is None else _over(bd, bz)
        if node.left is ONE:
            ea, ek, de = self.e, 0, None
        else:
            if ak is not None:  # exp(c + ikπ) = (−1)^k e^c exactly
                real = az.real.exp()
                ea, ek = acb(-real if ak % 2 else real), 0
            else:
                ea, ek = az.exp(), None
            de = None if ad is None else ea * ad
        r = ea - lb
        k = None if ek is None or lk is None else ek - lk
        if k is not None:  # the imaginary part is exactly kπ: drop the balls' radii there
            r = acb(r.real, k * self.pi if k else 0)
        if dl is None:
            return r, k, de
        return r, k, (-dl if de is None else de - dl)

    def _eml_infinite(self, node: Eml, a: Any, b: Any) -> tuple:
        """exp(−∞) = 0 exactly; any other use of an infinite constant is reported, not guessed."""
        if isinstance(b[0], Infinity) or a.sign > 0:
            self.fail(node, "an infinite constant where the result would be infinite")
            return acb(arb("nan"), arb("nan")), None, None
        if node.right is ONE:
            return self.zero, 0, None
        lb, lk = self.ln(node, *b)
        dl = None if b[2] is None else _over(b[2], b[0])
        return -lb, (None if lk is None else -lk), (None if dl is None else -dl)


def _over(d: acb, z: acb) -> acb:
    """The first-order term of ``ln z``: ``d / z`` (a NaN ball where ``z`` contains 0)."""
    if z.real.contains(0) and z.imag.contains(0):
        return acb(arb("nan"), arb("nan"))
    return d / z


class Infinity:
    """The exact value ±∞ of a constant subtree (arb balls cannot carry a signed infinity)."""

    __slots__ = ("sign",)

    def __init__(self, sign: int) -> None:
        self.sign = sign

    def is_finite(self) -> bool:
        return False


@functools.lru_cache(maxsize=4096)
def _constant_ball(node: Expr, dps: int) -> tuple[acb, int | None]:
    """The exact value of a constant subtree as a ball of radius 10^−(3·dps+20)·max(1, |v|), and
    the integer ``k`` when its imaginary part is exactly ``kπ``.

    Balls cannot decide whether an intermediate lies *exactly* on the cut; the semantics
    define constants by exact arithmetic, which the mpmath backend computes (with snapping) at
    3·dps + 30 digits. The radius covers its rounding; a part that is exactly zero stays exact,
    and an imaginary part that is ``kπ`` to all those digits is taken as exactly ``kπ``.
    """
    from mpmath import mp

    from ..mpmath import evaluate as mp_evaluate

    digits = 3 * max(dps, 15) + 30
    v = mp_evaluate(node, {}, dps=digits, on_nan="ignore")
    rad = arb(10) ** (-(digits - 10)) * max(1.0, float(abs(v)))
    re = arb(0) if v.real == 0 else arb(to_arb(v.real), rad)
    k = None
    if v.imag == 0:
        im, k = arb(0), 0
    else:
        with mp.workdps(digits):
            q = v.imag / mp.pi
            n = int(mp.nint(q))
            if n and abs(q - n) < mp.mpf(10) ** (-(digits - 20)):
                k = n
        im = arb.pi() * k if k is not None else arb(to_arb(v.imag), rad)
    return acb(re, im), k


def _infinite_constant(node: Expr) -> Infinity | None:
    """``±∞`` when the variable-free ``node``'s exact value is infinite, else ``None``."""
    from ..mpmath import constant_info

    re = constant_info(node).c.real  # the exact value, as a complex
    if math.isinf(re):
        return Infinity(1 if re > 0 else -1)
    return None



def to_arb(x: Any) -> arb:
    """A real number as an exact ``arb`` (an mpmath ``mpf`` bit for bit), strings rounded."""
    if isinstance(x, arb):
        return x
    if isinstance(x, (int, float)):
        return arb(x)
    raw = getattr(x, "_mpf_", None)  # mpmath mpf: exact as (sign, mantissa, exponent, bits)
    if raw is not None and math.isfinite(x):
        sign, man, exp, _ = raw  # (man_exp alone drops the sign)
        value = arb(flint.fmpz(int(man))) * arb(2) ** int(exp)
        return -value if sign else value
    return arb(str(x))

