"""Exact constants as the lowering sees them: comparison, and the kind of a constant's value.

:func:`classify` tells which construction can build a constant (a rational, a rational
multiple of π or i, ln of a rational, ...); the builders themselves are in
:mod:`emlkit.compiler.lowering_steps`.

>>> classify(MP.mpc(MP.pi) / 4)
('pi', Fraction(1, 4))
>>> close(MP.mpf(1) / 3, MP.mpf(1) / 3 + MP.mpf(10) ** -50)
True
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .info import MP

__all__ = ["BIG", "REL", "as_fraction", "classify", "close", "in_strip", "integer_steps", "rat",
           "to_mp"]

# Tolerances are relative: a constant matches a value when they agree to 40 significant digits,
# and 0 matches only an exact 0 (e^(−100) ≈ 4e−44 is a value, not a zero).
REL = MP.mpf(10) ** -40
# Constants at least this large are neither looked up nor registered in the table: at the
# working precision, 40 digits cannot tell an integer n from n ± 1 beyond about 10⁴⁰.
BIG = MP.mpf(10) ** 30
_MAX_DENOMINATOR = 10**12


def integer_steps(n: int) -> list[int]:
    """The integers the binary method builds n from: n − 1 (odd or small n) and n/2 (even n).

    >>> integer_steps(7), integer_steps(40)
    ([6], [20])
    """
    steps = []
    if n % 2 == 1 or n <= 16:
        steps.append(n - 1)
    if n % 2 == 0 and n > 2:
        steps.append(n // 2)
    return steps


def close(a: Any, b: Any) -> bool:
    """``a`` and ``b`` agree to 40 significant digits (infinities: same sign of the real part).

    >>> close(1, MP.mpf(1) + MP.mpf(10) ** -45), close(0, MP.mpf(10) ** -45)
    (True, False)
    """
    a, b = MP.mpc(a), MP.mpc(b)
    if MP.isinf(a.real) or MP.isinf(b.real):
        return a.real == b.real
    return abs(a - b) <= REL * max(abs(a), abs(b))


def in_strip(c: Any) -> bool:
    """Im c ∈ (−π, π]: then ln(exp c) = c.

    >>> in_strip(MP.mpc(0, MP.pi)), in_strip(MP.mpc(0, -MP.pi))
    (True, False)
    """
    im = MP.mpc(c).imag
    return -MP.pi < im <= MP.pi


def rat(q: Fraction) -> Any:
    """A fraction as an mpf of the working context.

    >>> rat(Fraction(1, 2))
    mpf('0.5')
    """
    return MP.mpf(q.numerator) / q.denominator


def as_fraction(x: Any) -> Fraction | None:
    """x as a fraction with a denominator up to 10¹², if it is one (to 40 digits).

    Up to 10¹² a chance match of an irrational to 40 digits is vanishingly unlikely (about
    10⁻¹⁶), and decimals such as 0.4457 = 4457/10⁴ that arise by folding are still recognised.

    >>> as_fraction(MP.mpf(2) / 7), as_fraction(MP.pi)
    (Fraction(2, 7), None)
    """
    if x == 0:
        return Fraction(0)
    if abs(x) >= BIG:  # 40 digits cannot pin down an integer this large (see BIG) ...
        # ... unless the value is an integer in binary: up to 10⁵⁰ it still has 37 bits below
        # the units, so a computed (inexact) value is an integer only by a 10⁻¹¹ chance
        return Fraction(int(x)) if abs(x) <= MP.mpf(10) ** 50 and MP.isint(x) else None
    frac = Fraction(str(MP.nstr(x, 45))).limit_denominator(_MAX_DENOMINATOR)
    if abs(rat(frac) - x) <= REL * abs(x):
        return frac
    short = Fraction(str(MP.nstr(x, 15)))  # a short decimal such as 1e−30 = 1/10³⁰
    return short if abs(rat(short) - x) <= REL * abs(x) else None


def classify(v: Any) -> tuple[str, Any]:
    """Classify a constant: rat q, q·π, q·i, q·iπ, a + bi of those, a negative, or exp of one."""
    if v.imag == 0:
        q = as_fraction(v.real)
        if q is not None:
            return "rat", q
        q = as_fraction(v.real / MP.pi)
        if q is not None:
            return "pi", q
        q = as_fraction(v.real * MP.pi)
        if q is not None:
            return "invpi", q
        q = as_fraction(MP.exp(v.real)) if abs(v.real) < 50 else None
        if q is not None and q > 0 and q != 1:
            return "lnrat", q
        if abs(v.real) > 0.02:
            q = as_fraction(MP.exp(1 / v.real))
            if q is not None and q > 0:
                return "invln", q
        if v.real < 0:
            return "neg", None
        if v.real > 0 and classify(MP.mpc(MP.log(v.real)))[0] in ("rat", "pi"):
            return "exp", MP.log(v.real)
        return "unknown", None
    if v.real == 0:
        q = as_fraction(v.imag)
        if q is not None:
            return "i", q
        q = as_fraction(v.imag / MP.pi)
        if q is not None:
            return "ipi", q
        return "unknown", None
    if classify(MP.mpc(v.real))[0] != "unknown" and classify(MP.mpc(0, v.imag))[0] != "unknown":
        return "complex", (v.real, v.imag)
    return "unknown", None


def to_mp(c: Any) -> Any:
    """``c`` as an mpc of the working context (a Fraction exactly to the working digits).

    >>> to_mp(Fraction(1, 4))
    mpc(real='0.25', imag='0.0')
    """
    if isinstance(c, Fraction):
        return MP.mpc(rat(c))
    return MP.mpc(c)
