"""ESMA's numbers: the constant and its enclosure, transforms of it, and the final checks.

The constant comes from the identify table (its mpmath value) or from SymPy text; an
enclosure is an exact rational interval around it. The checks compare continued fractions
(the signed fraction continued by its recurrence, or a PCF through a Möbius map) with
mpmath's value of the transform at a stated number of digits.

>>> c = resolve("tan(1)")
>>> lo, hi = enclosure(c, 30)
>>> float(hi - lo) < 1e-29, round(float(lo), 12)
(True, 1.557407724655)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import DomainError

__all__ = ["Constant", "apply_transform", "check_terms", "enclosure", "pcf_value", "resolve",
           "target_value", "transform_text", "verify_pcf"]


@dataclass(frozen=True)
class Constant:
    """A constant to expand: its name, a SymPy expression for printing, and its value."""

    name: str
    expr: Any
    table: Any = None          # an entry of emlkit.identify.constants, when it came from there

    def value(self, dps: int) -> Any:
        """mpmath value with ``dps`` correct digits (the table's, else SymPy's evaluation)."""
        import mpmath
        import sympy

        if self.table is not None:
            with mpmath.workdps(dps):
                return +self.table.value(dps)
        return sympy.N(self.expr, dps)._to_mpmath(mpmath.mp.prec)


def resolve(constant: str) -> Constant:
    """The constant given by a table name (``emlkit.identify.constants``) or SymPy text."""
    import sympy

    if not isinstance(constant, str) or not constant.strip():
        raise DomainError(f"a constant must be non-empty text, got {constant!r}")
    try:
        from ..identify import constants as table

        const = table.get(constant)
        expr = const.sympy_expr()
        if expr.free_symbols:          # no closed form in SymPy (Glaisher, Khinchin, ...)
            return Constant(const.name, sympy.Symbol(const.name), const)
        return Constant(const.name, expr)
    except (ImportError, ValueError, AttributeError, TypeError):
        pass
    names = {"e": sympy.E, "E": sympy.E, "pi": sympy.pi, "phi": sympy.GoldenRatio,
             "catalan": sympy.Catalan, "gamma": sympy.EulerGamma}
    try:
        expr = sympy.sympify(constant.strip(), locals=names)
    except (sympy.SympifyError, SyntaxError, TypeError, ValueError):
        # SymPy's own message spans several lines and quotes its internals: say it in one line
        raise DomainError(f"cannot read the constant {constant!r}: not a name in the constants "
                          "table nor SymPy text (e.g. tan(1), exp(2), E**2)") from None
    if not isinstance(expr, sympy.Expr) or expr.free_symbols:
        raise DomainError(f"the constant {constant!r} has free symbols; give a number")
    if expr.has(sympy.nan, sympy.zoo, sympy.oo) or expr.is_finite is False:
        raise DomainError(f"the constant {constant!r} is not a finite number")
    if expr.is_rational:
        raise DomainError(f"the constant {constant!r} is rational; ESMA needs an irrational")
    if expr.is_real is False:
        raise DomainError(f"the constant {constant!r} is not real")
    return Constant(str(expr), expr)


def enclosure(const: Constant, dps: int) -> tuple[Fraction, Fraction]:
    """An exact rational interval around the value, half-width 10^-dps relative."""
    import mpmath

    with mpmath.workdps(dps + 15):
        v = mpmath.mpf(const.value(dps + 15))
    if not mpmath.isfinite(v) or v == 0:
        raise DomainError(f"the constant {const.name} has no finite non-zero value")
    man, exp = v.man_exp
    mid = Fraction(int(man)) * Fraction(2) ** int(exp)
    rad = abs(mid) * Fraction(1, 10 ** dps)
    return mid - rad, mid + rad


def apply_transform(p: tuple[int, ...], q: tuple[int, ...], lo: Fraction, hi: Fraction
           ) -> tuple[Fraction, Fraction] | None:
    """Enclosure of P(c)/Q(c) for c in [lo, hi] (None if Q vanishes nearby)."""
    def ev(cs: tuple[int, ...], x: Fraction) -> Fraction:
        out = Fraction(0)
        for c in reversed(cs):
            out = out * x + c
        return out

    vals = []
    for x in (lo, hi):
        den = ev(q, x)
        if den == 0:
            return None
        vals.append(ev(p, x) / den)
    if ev(q, lo) * ev(q, hi) <= 0:
        return None
    a, b = min(vals), max(vals)
    pad = (b - a) / 64                 # room for the curvature of P/Q across the interval
    return a - pad, b + pad


@functools.lru_cache(maxsize=4096)
def transform_text(p: tuple[int, ...], q: tuple[int, ...], expr: Any) -> str:
    import sympy

    c = sympy.Symbol("c")
    num = sum(k * c ** i for i, k in enumerate(p))
    den = sum(k * c ** i for i, k in enumerate(q))
    return str(sympy.factor_terms(sympy.cancel(num / den)).subs(c, expr))


def pcf_value(a: tuple[int, ...], b: tuple[int, ...], digits: int, max_depth: int = 20000
               ) -> Any:
    """Value of PCF(a, b) to about ``digits`` digits by plain integer convergents (or None)."""
    import mpmath

    def ev(cs: tuple[int, ...], n: int) -> int:
        out = 0
        for c in reversed(cs):
            out = out * n + c
        return out

    p0, p1, q0, q1 = 1, ev(a, 0), 0, 1
    prev = None
    with mpmath.workdps(digits + 20):
        for n in range(1, max_depth + 1):
            an, bn = ev(a, n), ev(b, n)
            p0, p1 = p1, an * p1 + bn * p0
            q0, q1 = q1, an * q1 + bn * q0
            if n % 16 == 0 and q1 != 0:
                cur = mpmath.mpf(p1) / q1
                if prev is not None and cur != 0 and abs(cur - prev) < abs(cur) * \
                        mpmath.mpf(10) ** (-digits - 12):
                    return cur
                prev = cur
    return None


def check_terms(conn: tuple[int, ...], terms: tuple[int, ...], pattern: tuple[int, ...],
                 target: Any, digits: int, max_depth: int = 4000) -> int:
    """Digits to which the signed fraction continued by the recurrence agrees with ``target``.

    Capped by how far its convergents have settled after at most ``max_depth`` terms, so a
    recurrence that only fits a finite run of terms (a long run of 2s in a ``[-]`` expansion)
    scores low.
    """
    import mpmath

    seq = list(terms[: len(conn) - 1])
    order = len(conn) - 1
    k = len(pattern)
    p0, p1, q0, q1 = 1, seq[0], 0, 1
    with mpmath.workdps(digits + 20):
        tol = abs(target) * mpmath.mpf(10) ** (-digits - 5)
        prev = None
        for n in range(1, max_depth):
            if n >= len(seq):
                s = -sum(conn[i] * seq[n - i] for i in range(1, order + 1))
                if s % conn[0]:
                    return 0
                seq.append(s // conn[0])
            an, sn = seq[n], pattern[(n - 1) % k]
            p0, p1 = p1, an * p1 + sn * p0
            q0, q1 = q1, an * q1 + sn * q0
            if n % 8 == 0 and q1:
                cur = mpmath.mpf(p1) / q1
                if prev is not None and abs(cur - prev) < tol:
                    break
                prev = cur
        if not q1:
            return 0
        cur = mpmath.mpf(p1) / q1
        err = max(abs(cur - target), abs(cur - prev) if prev is not None else abs(cur))
        if err == 0:
            return digits
        return max(0, min(digits, int(-mpmath.log10(err / abs(target)))))


def target_value(p: tuple[int, ...], q: tuple[int, ...], const: Constant, digits: int) -> Any:
    """mpmath value of P(c)/Q(c) at ``digits + 20`` digits."""
    import mpmath

    with mpmath.workdps(digits + 20):
        c = mpmath.mpf(const.value(digits + 30))
        num = sum(k * c ** i for i, k in enumerate(p))
        den = sum(k * c ** i for i, k in enumerate(q))
        return num / den


def verify_pcf(a: tuple[int, ...], b: tuple[int, ...], mob: tuple[int, int, int, int],
            target: Any, digits: int) -> int:
    """Digits to which (α V + β)/(γ V + δ) with V = PCF(a, b) agrees with ``target``."""
    import mpmath

    v = pcf_value(a, b, digits)
    if v is None:
        return 0
    al, be, ga, de = mob
    with mpmath.workdps(digits + 20):
        x = (al * v + be) / (ga * v + de)
        err = abs(x - target)
        if err == 0:
            return digits
        return max(0, min(digits, int(-mpmath.log10(err / abs(target)))))
