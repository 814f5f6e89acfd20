"""Canonical forms of integer PCFs: one representative for formulas that are the same.

Three moves turn PCF(a, b) into another PCF whose limit is a Möbius transform of the first,
so they are one formula:

* common factor: PCF(c·a, c²·b) = c · PCF(a, b);
* sign: PCF(−a, b) = −PCF(a, b);
* n-shift: PCF(a(n), b(n)) = a(0) + b(1) / PCF(a(n+1), b(n+1)), valid while b(n+1) ≠ 0.

:func:`canonical` applies them and returns the representative of smallest height.

>>> canonical((2, 4), (0, 0, 4)).key                         # 2·PCF(2n+1, n²)
((1, 2), (0, 0, 1))
>>> canonical((3, 2), (0, 2, 1)).key == canonical((5, 2), (3, 4, 1)).key   # shifted by 1
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Canonical", "canonical", "shift_poly"]

_WINDOW = 8


def shift_poly(c: Sequence[int], k: int) -> tuple[int, ...]:
    """Coefficients (lowest first) of f(n + k) for f with coefficients ``c``.

    >>> shift_poly((0, 0, 1), 1)                 # (n + 1)^2
    (1, 2, 1)
    """
    out = [0] * len(c)
    for j, cj in enumerate(c):
        for i in range(j + 1):
            out[i] += cj * math.comb(j, i) * k ** (j - i)
    return tuple(out)


def _trim(c: Sequence[int]) -> tuple[int, ...]:
    c = list(c)
    while len(c) > 1 and c[-1] == 0:
        c.pop()
    return tuple(int(x) for x in c)


def _eval(c: Sequence[int], n: int) -> int:
    return sum(cj * n**j for j, cj in enumerate(c))


@dataclass(frozen=True)
class Canonical:
    """The representative of a PCF's class and how the PCF relates to it.

    Attributes
    ----------
    a, b : tuple of int
        Coefficients (lowest first) of the representative.
    scale : int
        The PCF is ``scale`` times a PCF of the class (after the sign).
    sign : int
        +1, or −1 when a was negated.
    shift : int
        The representative is the PCF shifted by this many steps (n → n + shift).

    >>> canonical((-1, -2), (0, 0, 1)).sign
    -1
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    scale: int
    sign: int
    shift: int

    @property
    def key(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """``(a, b)`` of the representative: equal keys, same formula."""
        return self.a, self.b


def _height(a: tuple[int, ...], b: tuple[int, ...]) -> tuple:
    return (max(map(abs, a + b)), sum(map(abs, a + b)), len(a) + len(b))


def canonical(a: Sequence[int], b: Sequence[int], window: int = _WINDOW) -> Canonical:
    """The canonical representative of PCF(a, b) (integer coefficients, lowest degree first).

    Parameters
    ----------
    a, b : sequences of int
        Coefficients, lowest degree first; neither all zero.
    window : int
        Shifts tried in each direction.

    Examples
    --------
    >>> c = canonical((-3, -3), (0, 1, -2))      # -PCF(3n+3, -n(2n-1))
    >>> c.key, c.sign
    (((3, 3), (0, 1, -2)), -1)
    """
    if any(isinstance(x, bool) or int(x) != x for x in (*a, *b)):
        raise ValueError(f"canonical form needs integer coefficients, got {tuple(a)}, {tuple(b)}")
    a, b = _trim(a), _trim(b)
    if not any(a) or not any(b):
        raise ValueError("canonical form needs nonzero polynomials a and b")
    g = 0
    for x in a:
        g = math.gcd(g, x)
    scale = 1
    for c in range(g, 1, -1):
        if g % c == 0 and all(x % c == 0 for x in a) and all(x % (c * c) == 0 for x in b):
            scale = c
            break
    a = tuple(x // scale for x in a)
    b = tuple(x // (scale * scale) for x in b)
    sign = 1
    if a[-1] < 0:
        a, sign = tuple(-x for x in a), -1
    # shifts k with an unbroken chain to 0: b(m) != 0 for every m strictly between k and 1
    best = (_height(a, b), 0, 0, a, b)
    for direction in (1, -1):
        for step in range(1, window + 1):
            k = direction * step
            # P_j = a(j) + b(j+1)/P_{j+1}: the link (j, j+1) needs b(j+1) != 0
            if _eval(b, k if direction == 1 else k + 1) == 0:
                break
            ak, bk = shift_poly(a, k), shift_poly(b, k)
            cand = (_height(ak, bk), abs(k), -k, ak, bk)
            best = min(best, cand)
    k = -best[2]
    return Canonical(best[3], best[4], scale, sign, k)
