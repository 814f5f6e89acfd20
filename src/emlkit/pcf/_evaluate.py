"""Checked high-precision limits of integer PCFs from the exact convergents of ``exact.pq``.

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

__all__ = ["ExactLimit", "exact_limit", "pq_at"]


def pq_at(a: Sequence[int], b: Sequence[int], depth: int) -> tuple[int, int, int, int]:
    """(p_{N−1}, p_N, q_{N−1}, q_N) of PCF(a, b) at depth N, exactly (by :func:`exact.pq`).

    >>> pq_at((1,), (1,), 5)       # Fibonacci: 8/5, 13/8
    (8, 13, 5, 8)
    """
    from .exact import pq
    from .pcf import PCF

    p1, p, q1, q = pq(PCF(list(a), list(b)), depth)
    return int(p1), int(p), int(q1), int(q)


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
