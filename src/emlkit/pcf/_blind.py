"""Blind δ of many PCFs from exact integer convergents (one exact pass over the survivors).

For a converging integer PCF the blind δ at depth N is
−1 − ln|L − p_N/q_N| / ln(q_N / gcd(p_N, q_N)), with L taken as p_{2N}/q_{2N}. Everything is
exact integers: |L − p_N/q_N| = |p_{2N} q_N − p_N q_{2N}| / |q_{2N} q_N|, and the logarithms
of the huge integers are taken by :func:`math.log` (which accepts any Python int).

>>> round(blind_delta((1, 2), (0, 0, 1), 100), 3)      # 4/pi (ramanujantools: -0.161)
-0.161
>>> round(blind_delta((1,), (1,), 100), 3)              # golden ratio: δ -> 1
1.017
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["blind_delta", "blind_deltas"]


def blind_delta(a: Sequence[int], b: Sequence[int], depth: int) -> float:
    """The blind δ of PCF(a, b) at ``depth`` (NaN when it cannot be measured).

    NaN when q_N or q_{2N} is zero, the two convergents are equal, or the reduced q_N is ±1.
    """
    from .exact import pq
    from .pcf import PCF

    pcf = PCF(list(a), list(b))
    _, p, _, q = (int(x) for x in pq(pcf, depth))
    _, p2, _, q2 = (int(x) for x in pq(pcf, 2 * depth))
    if q == 0 or q2 == 0:
        return math.nan
    num = abs(p2 * q - p * q2)
    qr = abs(q) // math.gcd(p, q)
    if num == 0 or qr <= 1:
        return math.nan
    log_err = math.log(num) - math.log(abs(q2)) - math.log(abs(q))
    return -1.0 - log_err / math.log(qr)


def blind_deltas(pairs: Sequence[tuple[Sequence[int], Sequence[int]]], depth: int) -> np.ndarray:
    """:func:`blind_delta` of each (a, b), as a float array.

    >>> blind_deltas([((1,), (1,)), ((0,), (1,))], 32).round(2).tolist()   # PCF(0, 1): q_N = 0
    [1.05, nan]
    """
    return np.array([blind_delta(a, b, depth) for a, b in pairs], dtype=np.float64)
