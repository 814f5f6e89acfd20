"""Berlekamp–Massey: the shortest linear recurrence of a sequence, over GF(p) or the rationals.

A sequence ``s`` satisfies the recurrence with connection polynomial
``C(x) = 1 + c_1 x + ... + c_L x^L`` when ``s[n] + c_1 s[n-1] + ... + c_L s[n-L] = 0`` for every
``n >= L``. Both functions return ``(L, C)`` with ``C`` a list ``[1, c_1, ..., c_L]`` (lowest
degree first). The answer is unique (the shortest recurrence) once ``len(s) >= 2 L``.

>>> bm_mod([1, 2, 3, 2, 5, 2, 7, 2, 9], 199)[0]
4
>>> bm_rational([1, 2, 3, 2, 5, 2, 7, 2, 9])
(4, [1, 0, -2, 0, 1])
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import gcd, lcm

__all__ = ["bm_mod", "bm_rational", "satisfies"]


def bm_mod(seq: Sequence[int], p: int) -> tuple[int, list[int]]:
    """Shortest linear recurrence of ``seq`` reduced modulo the prime ``p``.

    Parameters
    ----------
    seq : sequence of int
        The terms (any integers; they are reduced mod ``p``).
    p : int
        A prime.

    Returns
    -------
    (L, C) : int, list of int
        Length and connection polynomial ``[1, c_1, ..., c_L]`` with entries in ``[0, p)``.

    Examples
    --------
    >>> bm_mod([1, 1, 2, 3, 5, 8, 13], 199)      # Fibonacci: s[n] - s[n-1] - s[n-2] = 0
    (2, [1, 198, 198])
    """
    s = [x % p for x in seq]
    c = [1]
    b = [1]
    length, shift, last = 0, 1, 1
    for n, sn in enumerate(s):
        d = sn
        for i in range(1, min(length, len(c) - 1) + 1):
            d = (d + c[i] * s[n - i]) % p
        if d == 0:
            shift += 1
            continue
        coef = d * pow(last, p - 2, p) % p
        new = c + [0] * max(0, len(b) + shift - len(c))
        for i, bi in enumerate(b):
            new[i + shift] = (new[i + shift] - coef * bi) % p
        if 2 * length <= n:
            b, length, last, shift = c, n + 1 - length, d, 1
        else:
            shift += 1
        c = new
    c = (c + [0] * (length + 1))[: length + 1]
    return length, c


def bm_rational(seq: Sequence[int | Fraction]) -> tuple[int, list[int]]:
    """Shortest linear recurrence of ``seq`` over the rationals, scaled to coprime integers.

    Parameters
    ----------
    seq : sequence of int or Fraction

    Returns
    -------
    (L, C) : int, list of int
        Length and integer connection polynomial ``[c_0, c_1, ..., c_L]`` with ``c_0 > 0``
        and the entries coprime (``c_0 = 1`` whenever the recurrence is monic over Z).

    Examples
    --------
    >>> bm_rational([2, 3, 2, 5, 2, 7, 2, 9, 2])
    (4, [1, 0, -2, 0, 1])
    >>> bm_rational([0, 0, 0])
    (0, [1])
    """
    s = [Fraction(x) for x in seq]
    c: list[Fraction] = [Fraction(1)]
    b: list[Fraction] = [Fraction(1)]
    length, shift, last = 0, 1, Fraction(1)
    for n, sn in enumerate(s):
        d = sn
        for i in range(1, min(length, len(c) - 1) + 1):
            d += c[i] * s[n - i]
        if d == 0:
            shift += 1
            continue
        coef = d / last
        new = c + [Fraction(0)] * max(0, len(b) + shift - len(c))
        for i, bi in enumerate(b):
            new[i + shift] -= coef * bi
        if 2 * length <= n:
            b, length, last, shift = c, n + 1 - length, d, 1
        else:
            shift += 1
        c = new
    c = (c + [Fraction(0)] * (length + 1))[: length + 1]
    den = lcm(*(x.denominator for x in c))
    ints = [int(x * den) for x in c]
    g = 0
    for x in ints:
        g = gcd(g, x)
    g = g or 1
    if ints[0] < 0:
        g = -g
    return length, [x // g for x in ints]


def satisfies(seq: Sequence[int], conn: Sequence[int]) -> bool:
    """Whether every term of ``seq`` from index ``len(conn) - 1`` on obeys the recurrence.

    Examples
    --------
    >>> satisfies([1, 3, 5, 7, 9], [1, -2, 1])      # s[n] - 2 s[n-1] + s[n-2] = 0
    True
    >>> satisfies([1, 3, 5, 7, 10], [1, -2, 1])
    False
    """
    order = len(conn) - 1
    return all(sum(conn[i] * seq[n - i] for i in range(order + 1)) == 0
               for n in range(order, len(seq)))
