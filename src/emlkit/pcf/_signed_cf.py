"""Signed continued fractions: expansion of an enclosed real with a periodic sign pattern.

``x = a_0 + s_1/(a_1 + s_2/(a_2 + ...))`` with every ``s_n = ±1`` taken from a repeating
pattern (``s_n = pattern[(n - 1) % len(pattern)]``). The partial quotient ``a_n`` is
``floor(x_n)`` when the next sign ``s_{n+1}`` is ``+1`` and ``ceil(x_n)`` when it is ``-1``;
the next complete quotient is ``x_{n+1} = s_{n+1} / (x_n - a_n) > 1``. The real is given by
an enclosing interval of two exact rationals; both ends are expanded side by side and a term
is kept only while both ends agree on it, so every returned term is proven for any real in
the interval.

>>> from fractions import Fraction
>>> signed_cf_terms(Fraction(1581976706869), Fraction(1581976706870), (1, -1), scale=10**12)
[1, 2, 3, 2, 5, 2, 7, 2, 9, 2, 11]
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

__all__ = ["convergents", "signed_cf_terms"]


def _step(num: int, den: int, sign: int) -> tuple[int, int, int] | None:
    """One term of ``num/den`` (den > 0): the quotient and the next complete quotient."""
    q, r = divmod(num, den)           # floor
    if sign < 0 and r:
        q, r = q + 1, r - den         # ceil: remainder in (-den, 0)
    if r == 0:
        return None                   # the expansion ends here (an integer)
    # next = sign / (num/den - q) = sign * den / r; sign * r > 0 by the choice of q
    return q, den * sign * (1 if r > 0 else -1), abs(r)


def signed_cf_terms(lo: Fraction, hi: Fraction, pattern: Sequence[int],
                    limit: int = 10_000, scale: int = 1) -> list[int]:
    """The partial quotients shared by every real in ``[lo/scale, hi/scale]``.

    Parameters
    ----------
    lo, hi : Fraction
        The enclosure (in either order); divided by ``scale``.
    pattern : sequence of ±1
        The sign cycle ``s_1, s_2, ...`` repeated.
    limit : int
        Most terms returned.
    scale : int
        Common divisor of both ends (lets a caller pass integers).

    Returns
    -------
    list of int
        ``a_0, a_1, ...`` up to the first term on which the two ends differ (or an end is an
        integer, where the expansion of that end stops).

    Examples
    --------
    >>> signed_cf_terms(Fraction(314159265), Fraction(314159266), (1,), scale=10**8)
    [3, 7, 15, 1]
    """
    if not pattern or any(s not in (1, -1) for s in pattern):
        raise ValueError(f"sign pattern must be a non-empty sequence of +1/-1, got {pattern!r}")
    a = Fraction(lo) / scale
    b = Fraction(hi) / scale
    an, ad = a.numerator, a.denominator
    bn, bd = b.numerator, b.denominator
    out: list[int] = []
    k = len(pattern)
    while len(out) < limit:
        sign = pattern[len(out) % k]              # s_{n+1} decides a_n
        sa = _step(an, ad, sign)
        sb = _step(bn, bd, sign)
        if sa is None or sb is None or sa[0] != sb[0]:
            break
        out.append(sa[0])
        _, an, ad = sa
        _, bn, bd = sb
    return out


def convergents(terms: Sequence[int], pattern: Sequence[int]) -> tuple[int, int, int, int]:
    """Exact ``(p_{n-1}, p_n, q_{n-1}, q_n)`` of ``a_0 + s_1/(a_1 + ... + s_n/a_n)``.

    Parameters
    ----------
    terms : sequence of int
        ``a_0, ..., a_n`` (at least one).
    pattern : sequence of ±1
        The sign cycle.

    Examples
    --------
    >>> convergents([1, 2, 3, 2], (1, -1))     # 1 + 1/(2 - 1/(3 + 1/2)) = 19/12
    (8, 19, 5, 12)
    """
    if not terms:
        raise ValueError("need at least one term")
    p0, p1, q0, q1 = 1, terms[0], 0, 1
    k = len(pattern)
    for n in range(1, len(terms)):
        s = pattern[(n - 1) % k]
        p0, p1 = p1, terms[n] * p1 + s * p0
        q0, q1 = q1, terms[n] * q1 + s * q0
    return p0, p1, q0, q1
