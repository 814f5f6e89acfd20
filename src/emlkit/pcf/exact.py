"""Exact convergents p_n, q_n of a PCF by a balanced product of 2x2 integer matrices.

The convergent matrices follow the convention of :mod:`emlkit.pcf.pcf`::

    [[p_{n-1}, p_n], [q_{n-1}, q_n]] = [[1, a(0)], [0, 1]] · M_1 · M_2 ⋯ M_n,
    M_k = [[0, b(k)], [1, a(k)]],

so p_n = a(n) p_{n-1} + b(n) p_{n-2}. The product of many matrices is formed as a balanced
tree (binary splitting) with python-flint ``fmpz`` integers when python-flint is installed
(plain Python ints otherwise), never as a left fold. Rational coefficients are cleared by an
equivalence transform (every a(k), k ≥ 1, times D, b(1) times D, b(k), k ≥ 2, times D², a(0)
over its denominator), which changes p_n and q_n by a common factor only.

>>> from emlkit.pcf import PCF
>>> pq(PCF("2n+1", "n^2"), 3)
(24, 204, 19, 160)
>>> [str(x) for x in convergents(PCF("1", "1"), [1, 2, 10])]
['2', '3/2', '144/89']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction
from math import gcd
from typing import TYPE_CHECKING, Any

from ..errors import DomainError

if TYPE_CHECKING:
    from .pcf import PCF

__all__ = [
    "MAX_EXACT_DEPTH",
    "convergents",
    "integer_terms",
    "matrix_product",
    "pq",
    "pq_sequence",
]

#: The deepest convergent computed exactly (memory grows with the depth times the digits).
MAX_EXACT_DEPTH = 10_000_000
_NUMPY_BELOW = 2**62
_LEAF_CHUNK = 16

Matrix = tuple[Any, Any, Any, Any]  # (m00, m01, m10, m11)


def _flint_int() -> Any:
    try:
        from flint import fmpz
    except ImportError:  # pragma: no cover - depends on the optional extra
        return int
    return fmpz


def integer_terms(pcf: PCF) -> tuple[int, int, int]:
    """(D, a0 numerator, a0 denominator) of the equivalence transform that clears denominators.

    D is the least common denominator of the coefficients of a and b; an integer PCF has
    D = 1 and a0 = a(0) over 1.

    >>> from emlkit.pcf import PCF
    >>> integer_terms(PCF("n/2 + 1/3", "n"))
    (6, 1, 3)
    """
    from math import lcm

    d = lcm(pcf.a.denominator, pcf.b.denominator)
    a0 = Fraction(pcf.a(0))
    return d, a0.numerator, a0.denominator


def _values(poly: Any, start: int, stop: int, scale: int) -> list[int]:
    """scale·poly(k) for k in [start, stop), as Python ints (NumPy when it cannot overflow)."""
    count = stop - start
    if count <= 0:
        return []
    coeffs = [c * scale for c in poly.coeffs]
    if not all(isinstance(c, int) or c.denominator == 1 for c in coeffs):
        raise DomainError("internal: the equivalence transform left a fraction")  # pragma: no cover
    coeffs = [int(c) for c in coeffs]
    if not coeffs:
        return [0] * count
    top = max(abs(start), abs(stop))
    bound = sum(abs(c) * top**i for i, c in enumerate(coeffs))
    if bound < _NUMPY_BELOW and count > 32:
        import numpy as np

        ks = np.arange(start, stop, dtype=np.int64)
        vec = np.zeros(count, dtype=np.int64)
        for c in reversed(coeffs):
            vec = vec * ks + c
        return [int(v) for v in vec.tolist()]
    out = []
    for k in range(start, stop):
        acc = 0
        for c in reversed(coeffs):
            acc = acc * k + c
        out.append(acc)
    return out


def _mul(x: Matrix, y: Matrix) -> Matrix:
    a, b, c, d = x
    e, f, g, h = y
    return (a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h)


def matrix_product(mats: list[Matrix]) -> Matrix:
    """The product of the matrices in order, as a balanced tree (pairs, then pairs of pairs).

    >>> matrix_product([(0, 1, 1, 1)] * 10)   # Fibonacci numbers
    (34, 55, 55, 89)
    >>> matrix_product([])
    (1, 0, 0, 1)
    """
    if not mats:
        return (1, 0, 0, 1)
    level = list(mats)
    while len(level) > 1:
        nxt = [_mul(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


_POLY_CHUNK = 32
_chunk_cache: dict[Any, Matrix] = {}


def _chunk_polys(pcf: PCF) -> Matrix:
    """The product M(s) M(s+1) ⋯ M(s+31) as a 2x2 matrix of flint polynomials in s (cached)."""
    hit = _chunk_cache.get(pcf)
    if hit is not None:
        return hit
    from flint import fmpz_poly

    x = fmpz_poly([0, 1])
    a = fmpz_poly([int(c) for c in pcf.a.coeffs])
    b = fmpz_poly([int(c) for c in pcf.b.coeffs])
    m: Matrix = (fmpz_poly([1]), fmpz_poly([0]), fmpz_poly([0]), fmpz_poly([1]))
    for j in range(_POLY_CHUNK):
        aj, bj = a(x + j), b(x + j)
        m0, m1, m2, m3 = m
        m = (m1, m0 * bj + m1 * aj, m3, m2 * bj + m3 * aj)
    if len(_chunk_cache) > 256:
        _chunk_cache.clear()
    _chunk_cache[pcf] = m
    return m


def _segment(pcf: PCF, start: int, stop: int, scale: int) -> Matrix:
    """The product M_start ⋯ M_{stop-1} of the integer (transformed) matrices."""
    if stop <= start:
        return (1, 0, 0, 1)
    fz = _flint_int()
    worth = 128 * max(1, pcf.a.degree, pcf.b.degree)  # the polynomial product must pay off
    if scale == 1 and fz is not int and stop - start >= worth:
        # runs of 32 terms from the polynomial product of 32 matrices (evaluated in C)
        polys = _chunk_polys(pcf)
        full = start + (stop - start) // _POLY_CHUNK * _POLY_CHUNK
        leaves = [tuple(e(s) for e in polys) for s in range(start, full, _POLY_CHUNK)]
        if full < stop:
            leaves.append(_segment_small(pcf, full, stop, scale))
        return matrix_product(leaves)
    return _segment_small(pcf, start, stop, scale)


def _segment_small(pcf: PCF, start: int, stop: int, scale: int) -> Matrix:
    """_segment by Python ints for the small products (any coefficients)."""
    if stop <= start:
        return (1, 0, 0, 1)
    avals = _values(pcf.a, start, stop, scale)
    bvals = _values(pcf.b, start, stop, scale * scale)
    if start == 1 and scale != 1:  # b(1) is scaled by D only (c_0 = 1)
        bvals[0] //= scale
    # small products with Python ints (cheap for small numbers), then flint above
    leaves: list[Matrix] = []
    for i in range(0, len(avals), _LEAF_CHUNK):
        m: Matrix = (0, bvals[i], 1, avals[i])
        for j in range(i + 1, min(i + _LEAF_CHUNK, len(avals))):
            a, b, c, d = m
            bj, aj = bvals[j], avals[j]
            m = (b, a * bj + b * aj, d, c * bj + d * aj)  # m · [[0, bj], [1, aj]]
        leaves.append(m)
    fz = _flint_int()
    if fz is not int and len(leaves) > 1:
        leaves = [(fz(a), fz(b), fz(c), fz(d)) for a, b, c, d in leaves]
    return matrix_product(leaves)


def _check_depth(depth: Any) -> int:
    if isinstance(depth, bool) or not isinstance(depth, int):
        raise DomainError(f"depth {depth!r} is not an integer")
    if depth < 0:
        raise DomainError(f"depth {depth} is negative")
    if depth > MAX_EXACT_DEPTH:
        raise DomainError(f"depth {depth} is above the limit {MAX_EXACT_DEPTH}")
    return depth


def start_matrix(pcf: PCF) -> tuple[Matrix, int]:
    scale, num, den = integer_terms(pcf)
    return (den, num, 0, den), scale


def advance(pcf: PCF, m: Matrix, start: int, stop: int, scale: int) -> Matrix:
    """m · M_start ⋯ M_{stop-1}."""
    if stop <= start:
        return m
    return _mul(m, _segment(pcf, start, stop, scale))


def pq(pcf: PCF, depth: int, reduce: bool = False) -> tuple[Any, Any, Any, Any]:
    """(p_{n-1}, p_n, q_{n-1}, q_n) at depth n, exactly (flint ``fmpz`` or Python ints).

    For an integer PCF these are the convergent numerators and denominators of the convention;
    for rational coefficients all four carry the common factor of the equivalence transform
    (the ratios and the determinant identity up to that factor are unchanged).
    ``reduce=True`` divides (p_n, q_n) and (p_{n-1}, q_{n-1}) by their gcds.

    Examples
    --------
    >>> from emlkit.pcf import PCF
    >>> p1, p, q1, q = pq(PCF("34n^3+51n^2+27n+5", "-n^6"), 2)
    >>> (int(p), int(q)), int(p * q1 - p1 * q)      # (-1)^(n+1) b(1) b(2) = -(-1)(-64)
    ((312120, 62531), -64)
    """
    n = _check_depth(depth)
    m, scale = start_matrix(pcf)
    p1, p, q1, q = advance(pcf, m, 1, n + 1, scale)
    if reduce:
        g1, g = gcd(int(p1), int(q1)) or 1, gcd(int(p), int(q)) or 1
        p1, q1, p, q = p1 // g1, q1 // g1, p // g, q // g
    return p1, p, q1, q


def pq_sequence(pcf: PCF, depth: int, start: int = 0) -> Iterator[tuple[int, int, int, int]]:
    """Yield (p_{n-1}, p_n, q_{n-1}, q_n) for n = start, ..., depth, one step at a time.

    Python ints, each from the previous one by p_n = a(n) p_{n-1} + b(n) p_{n-2} (same common
    factor as :func:`pq` for rational coefficients). The first one is formed by :func:`pq`.

    Examples
    --------
    >>> from emlkit.pcf import PCF
    >>> [(p, q) for _, p, _, q in pq_sequence(PCF("1", "1"), 5)]
    [(1, 1), (2, 1), (3, 2), (5, 3), (8, 5), (13, 8)]
    """
    n = _check_depth(depth)
    s = _check_depth(start)
    if s > n:
        return
    p1, p, q1, q = (int(x) for x in pq(pcf, s))
    yield p1, p, q1, q
    scale = integer_terms(pcf)[0]
    for k in range(s + 1, n + 1):
        a = pcf.a(k) * scale
        b = pcf.b(k) * (scale if k == 1 else scale * scale)
        a, b = int(a), int(b)
        p1, p = p, a * p + b * p1
        q1, q = q, a * q + b * q1
        yield p1, p, q1, q


def convergents(pcf: PCF, depths: int | Iterable[int]) -> list[Fraction | None]:
    """The convergents p_n/q_n at the given depths, as exact Fractions (None where q_n = 0).

    The depths may come in any order; the product is extended from one depth to the next.

    Examples
    --------
    >>> from emlkit.pcf import PCF
    >>> convergents(PCF("2n+1", "n^2"), [3, 0, 1])
    [Fraction(51, 40), Fraction(1, 1), Fraction(4, 3)]
    >>> convergents(PCF("0", "1"), 1)
    [None]
    """
    wanted = [depths] if isinstance(depths, int) else list(depths)
    for d in wanted:
        _check_depth(d)
    m, scale = start_matrix(pcf)
    done = 0
    found: dict[int, Fraction | None] = {}
    for d in sorted(set(wanted)):
        m = advance(pcf, m, done + 1, d + 1, scale)
        done = d
        p, q = int(m[1]), int(m[3])
        found[d] = None if q == 0 else Fraction(p, q)
    return [found[d] for d in wanted]
