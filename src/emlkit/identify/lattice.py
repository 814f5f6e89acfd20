"""Integer relations among real numbers: one LLL reduction (python-flint), PSLQ as a fallback.

For values v_1..v_n known to D digits, the lattice spanned by the rows [e_i | round(v_i·2^P)]
(values scaled so the largest is about 1, 2^P ≈ 10^(D-2)) has a short vector
(c, Σ c_i v_i 10^P) exactly when Σ c_i v_i ≈ 0 with small c; LLL finds it in microseconds for
n ≤ 10.

>>> import mpmath
>>> mpmath.mp.dps = 30
>>> find_relation([mpmath.pi / 4 - 1, mpmath.mpf(1), mpmath.pi], 30, needed=0)
(4, 4, -1)
>>> mpmath.mp.dps = 15
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["find_relation", "scaled"]


def scaled(values: Sequence[Any], digits: int) -> list[int] | None:
    """The values scaled so the largest is about 1, times 2^b (b ≈ digits − 2 decimal digits).

    Exact integer shifts of the binary mantissas (no rounding of the scale itself); None when
    every value is zero.

    >>> import mpmath
    >>> scaled([mpmath.mpf(1), mpmath.mpf(0.5), 3], 5)
    [512, 256, 1536]
    """
    import mpmath

    parts = []
    for v in values:
        if isinstance(v, int):
            parts.append((v, 0))
        else:
            v = v if isinstance(v, mpmath.mpf) else mpmath.mpf(v)  # (mpf(mpf) would round)
            sign, man, exp, _ = v._mpf_
            parts.append((-int(man) if sign else int(man), int(exp)))
    top = max((e + abs(m).bit_length() for m, e in parts if m), default=None)
    if top is None:
        return None
    bits = int((digits - 2) * 3.321928094887362)
    out = []
    for m, e in parts:
        shift = e - top + bits + 2
        out.append(m << shift if shift >= 0 else -((-m) >> -shift) if m < 0 else m >> -shift)
    return out


def find_relation(values: Sequence[Any], digits: int,
                  needed: int | Sequence[int] = 0) -> tuple[int, ...] | None:
    """A small integer vector c with Σ c_i·values_i ≈ 0 at ``digits`` digits, or None.

    The first reduced vector whose entry ``needed`` is nonzero is returned (so a relation that
    leaves out the target is skipped), with a positive first nonzero entry among the target
    terms; None when no reduced vector has ``needed`` nonzero.

    Parameters
    ----------
    values : sequence of mpf
    digits : int
        Significant digits the values are known to.
    needed : int or sequence of int
        Index (or indices, any of which may be nonzero) that the relation must use.

    Examples
    --------
    >>> import mpmath
    >>> find_relation([mpmath.mpf(1) / 3, mpmath.mpf(1)], 20)
    (3, -1)
    """
    ints = scaled(values, digits)
    if ints is None:
        return None
    need = (needed,) if isinstance(needed, int) else tuple(needed)
    n = len(ints)
    try:
        import flint
    except ImportError:  # pragma: no cover - python-flint is in the 'arb' extra
        return _pslq(values, digits, need)
    rows = [[0] * i + [1] + [0] * (n - 1 - i) + [ints[i]] for i in range(n)]
    flat = flint.fmpz_mat(rows).lll().entries()
    for r in range(n):
        vec = [int(c) for c in flat[r * (n + 1): r * (n + 1) + n]]
        if any(vec[k] for k in need):
            return _normalise(vec, need)
    return None


def _normalise(vec: list[int], need: tuple[int, ...]) -> tuple[int, ...]:
    from math import gcd

    g = 0
    for c in vec:
        g = gcd(g, c)
    lead = next(vec[k] for k in need if vec[k])
    s = (1 if lead > 0 else -1) * (g or 1)
    return tuple(c // s for c in vec)


def _pslq(values: Sequence[Any], digits: int, need: tuple[int, ...]) -> tuple[int, ...] | None:
    import mpmath

    with mpmath.workdps(digits):
        rel = mpmath.pslq(list(values), maxcoeff=10 ** max(2, digits // 2), maxsteps=2000)
    if rel is None or not any(rel[k] for k in need):
        return None
    return _normalise(list(rel), need)
