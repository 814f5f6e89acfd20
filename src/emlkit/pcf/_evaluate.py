"""Exact convergents of integer PCFs by binary splitting, and checked high-precision limits.

>>> import mpmath
>>> v = exact_limit((1, 2), (0, 0, 1), digits=30)       # PCF(2n+1, n^2) = 4/pi
>>> v.digits >= 30, mpmath.nstr(v.value, 20)
(True, '1.2732395447351626862')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["ExactLimit", "exact_limit", "pq_at", "terminating_value"]

Matrix = tuple[int, int, int, int]


def _poly(c: Sequence[int], n: int) -> int:
    v = 0
    for x in reversed(c):
        v = v * n + x
    return v


def _mul(x: Matrix, y: Matrix) -> Matrix:
    a, b, c, d = x
    e, f, g, h = y
    return (a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h)


def _product(a: Sequence[int], b: Sequence[int], lo: int, hi: int) -> Matrix:
    """M_lo · ... · M_{hi-1}, M_n = [[0, b(n)], [1, a(n)]], as a balanced tree (no recursion)."""
    level = [(0, _poly(b, n), 1, _poly(a, n)) for n in range(lo, hi)]
    if not level:
        return (1, 0, 0, 1)
    while len(level) > 1:
        nxt = [_mul(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def pq_at(a: Sequence[int], b: Sequence[int], depth: int) -> tuple[int, int, int, int]:
    """(p_{N−1}, p_N, q_{N−1}, q_N) of PCF(a, b) at depth N, exactly.

    >>> pq_at((1,), (1,), 5)       # Fibonacci: 8/5, 13/8
    (8, 13, 5, 8)
    """
    m = _mul((1, _poly(a, 0), 0, 1), _product(a, b, 1, depth + 1))
    return m[0], m[1], m[2], m[3]


def terminating_value(a: Sequence[int], b: Sequence[int], max_n: int = 10**6) -> Any:
    """The exact rational value of a PCF whose b has a root n0 ≥ 1 (None if it has none).

    The fraction stops at n0: the value is the convergent p_{n0−1}/q_{n0−1}.

    >>> terminating_value((1, 1), (-2, 1))      # 1 + (-1)/2
    Fraction(1, 2)
    """
    from fractions import Fraction

    n0 = _first_root(b, max_n)
    if n0 is None:
        return None
    _, p, _, q = pq_at(a, b, n0 - 1)
    return Fraction(p, q) if q else None


def _first_root(b: Sequence[int], max_n: int) -> int | None:
    b = list(b)
    while len(b) > 1 and b[-1] == 0:
        b.pop()
    if len(b) == 1:
        return None
    # integer roots divide the lowest nonzero coefficient; scan its divisors
    j = next(i for i, x in enumerate(b) if x)
    if j > 0:
        b = b[j:]
        if len(b) == 1:
            return None
    c = abs(b[0])
    roots = [d for d in range(1, min(c, max_n) + 1) if c % d == 0 and _poly(b, d) == 0]
    return min(roots) if roots else None


@dataclass(frozen=True)
class ExactLimit:
    """A limit from exact convergents: value, digits on which two depths agree, depth, δ."""

    value: Any
    digits: int
    depth: int
    blind_delta: float | None


def _rel_digits(x: Any, y: Any) -> int:
    import mpmath

    if x == y:
        return 10**9
    d = abs(x - y) / max(abs(y), mpmath.mpf(10) ** (-mpmath.mp.dps))
    return max(0, int(-mpmath.log10(d))) if d else 10**9


def exact_limit(
    a: Sequence[int], b: Sequence[int], digits: int = 30, start: int = 64, max_depth: int = 4096
) -> ExactLimit:
    """The limit to ``digits`` digits, doubling the depth until two convergents agree.

    ``digits`` of the result is the agreement found (at most ``digits + 10``); it is below
    ``digits`` when ``max_depth`` was reached first. ``blind_delta`` is −1 − ln|L − p_n/q_n| /
    ln(q_n / gcd(p_n, q_n)) at the second-deepest depth n, with L the deepest value.

    >>> e = exact_limit((3, 1), (0, -1), digits=40)            # PCF(n+3, -n) = e
    >>> e.digits >= 40
    True
    """
    import mpmath

    dps = digits + 10
    with mpmath.workdps(dps):
        prev = None
        depth = max(8, start)
        while True:
            _, p, _, q = pq_at(a, b, depth)
            x = mpmath.mpf(p) / q if q else mpmath.inf
            if prev is not None and mpmath.isfinite(x) and mpmath.isfinite(prev[0]):
                agree = min(_rel_digits(prev[0], x), dps)
                if agree >= digits or depth >= max_depth:
                    pp, qq = prev[1], prev[2]
                    bd = _blind_delta(x, pp, qq)
                    return ExactLimit(+x, agree, depth, bd)
            elif depth >= max_depth:
                return ExactLimit(x if mpmath.isfinite(x) else None, 0, depth, None)
            prev = (x, p, q)
            depth *= 2


def _blind_delta(L: Any, p: int, q: int) -> float | None:
    import mpmath

    if q == 0:
        return None
    g = math.gcd(p, q)
    qr = abs(q // g)
    err = abs(L - mpmath.mpf(p) / q)
    if qr <= 1 or err == 0:
        return None
    return float(-1 - mpmath.log(err) / mpmath.log(qr))
