"""Scoring a relation: its size, the chance of such a relation, digits matched, SymPy's check.

>>> round(chance_digits(4, 1.0), 2), cost((1, -1)), matched_digits(1, 1, 20)
(3.3, 0.6020599913279624, 20)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

__all__ = ["chance_digits", "cost", "formulas", "matched_digits", "readable", "sympy_digits"]


def cost(relation: Sequence[int]) -> float:
    """Description length of a relation: sum(log10(|c| + 1)) over its coefficients.

    >>> round(cost((6, -1)), 3)
    1.146
    """
    return sum(math.log10(abs(c) + 1) for c in relation if c)


def chance_digits(terms: int, cost: float) -> float:
    """log10 of the number of integer relations of ``terms`` coefficients with size ≤ ``cost``.

    The size is sum(log10(|c| + 1)); the count of positive tuples with product ≤ T is at most
    about T (ln T + n - 1)^(n-1) / (n-1)!, times 2^(n-1) for the signs.

    >>> round(chance_digits(2, 3.0), 2)                 # p/q with p·q ≲ 1000: ~10^4.2
    4.2
    """
    n = max(terms, 1)
    ln_t = cost * math.log(10)
    return (cost + (n - 1) * math.log10(ln_t + n - 1) - math.lgamma(n) / math.log(10)
            + (n - 1) * math.log10(2))


def matched_digits(x: Any, f: Any, digits: int) -> int:
    """Significant digits of ``x`` (given to ``digits``) that ``f`` reproduces.

    Within one unit in the last digit counts as all of them.

    >>> import mpmath
    >>> matched_digits(mpmath.mpf("3.14159"), mpmath.pi, 6), matched_digits(3.2, mpmath.pi, 6)
    (6, 1)
    """
    import mpmath

    if f is None or not mpmath.isfinite(f):
        return 0
    with mpmath.workdps(digits + 20):
        diff = abs(f - x)
        if x == 0:
            return 0
        ulp = mpmath.mpf(10) ** (mpmath.floor(mpmath.log10(abs(x))) - digits + 1)
        if diff <= ulp:
            return digits
        return max(0, min(digits, int(mpmath.floor(-mpmath.log10(diff / abs(x))))))


def sympy_digits(formula: Any, x: Any, digits: int) -> int:
    """Digits of ``x`` that SymPy's own evaluation of ``formula`` reproduces (an independent check).

    Symbols (constants SymPy has no closed form for) take their table values.

    >>> import mpmath, sympy
    >>> sympy_digits(sympy.pi ** 2 / 6, mpmath.zeta(2), 15), sympy_digits(sympy.pi, 3.0, 15)
    (15, 1)
    """
    import mpmath
    import sympy

    from .constants import mp_value

    dps = digits + 15
    subs = {s: sympy.Float(mpmath.nstr(mp_value(s.name, dps), dps), dps)
            for s in formula.free_symbols}
    try:
        got = formula.evalf(dps, subs=subs) if subs else sympy.N(formula, dps)
        with mpmath.workdps(dps):
            value = mpmath.mpf(str(sympy.re(got)))
    except (TypeError, ValueError, ArithmeticError):
        return 0
    return matched_digits(x, value, digits)


def formulas(f: Any) -> tuple[Any, str]:
    """(SymPy formula, its text with the table's names or SymPy's, whichever is shorter).

    >>> from emlkit.identify import strategies
    >>> from emlkit.identify.target import read_target
    >>> found = next(strategies.mobius(read_target("0.83462684167407318628142973279905"),
    ...                                ["Gauss"]))
    >>> formulas(found)
    (sqrt(2)*gamma(1/4)**2/(4*pi**(3/2)), 'Gauss')
    """
    import sympy

    from .constants import get as const

    formula = f.build(lambda n: const(n).sympy_expr())
    named = readable(str(f.build(lambda n: sympy.Symbol(n, positive=const(n).positive))))
    plain = readable(str(formula))
    return formula, (plain if len(plain) < len(named) else named)


_TENS = re.compile(r"(?<![\w.])([1-9]\d*?)(0{6,})(?![\d.])")


def readable(text: str) -> str:
    """SymPy text with integers of six or more trailing zeros written as powers of ten.

    ``m·10^k`` becomes ``10**k`` (m = 1) or ``(m*10**k)``, so the text stays SymPy-parsable
    with the same value and ``zeta(3)/10**300`` is not printed with 300 zeros.

    >>> readable("zeta(3)/1000000000"), readable("3*pi/250000000"), readable("x + 100000")
    ('zeta(3)/10**9', '3*pi/(25*10**7)', 'x + 100000')
    """
    def power(m: re.Match[str]) -> str:
        head, k = m.group(1), len(m.group(2))
        return f"10**{k}" if head == "1" else f"({head}*10**{k})"

    return _TENS.sub(power, text)
