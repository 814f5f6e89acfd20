"""From a recurring pattern of partial quotients to polynomial continued-fraction coefficients.

A signed continued fraction whose partial quotients ``a_n`` follow a linear recurrence is, in
the cases ESMA meets, *quasi-polynomial*: after a short preamble of ``n0`` terms, every residue
class ``n = n0 + r + k j`` is a polynomial in ``j``. Contracting ``K`` steps (``K`` a common
multiple of ``k`` and the sign period) turns the interleaved fraction into one polynomial
continued fraction ``PCF(A, B)`` whose value ``V`` is related to the expanded number ``x`` by
an exact Möbius map ``x = (α V + β) / (γ V + δ)`` found from the convergents.

Polynomials here are tuples of ``Fraction`` coefficients, lowest degree first.

>>> seq = [1, 2, 3, 2, 5, 2, 7, 2, 9, 2, 11, 2, 13, 2, 15, 2, 17, 2, 19, 2]
>>> quasi_polynomial(seq)
(0, 2, ((Fraction(1, 1), Fraction(2, 1)), (Fraction(2, 1),)))
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from fractions import Fraction
from math import gcd, lcm

__all__ = ["contract", "extend", "quasi_polynomial"]

Poly = tuple[Fraction, ...]


def extend(terms: Sequence[int], conn: Sequence[int], count: int) -> list[int] | None:
    """Continue ``terms`` to ``count`` terms with the recurrence ``conn`` (None if not integral).

    >>> extend([1, 3], [1, -2, 1], 5)
    [1, 3, 5, 7, 9]
    """
    out = list(terms)
    c0 = conn[0]
    order = len(conn) - 1
    while len(out) < count:
        n = len(out)
        s = -sum(conn[i] * out[n - i] for i in range(1, order + 1))
        if s % c0:
            return None
        out.append(s // c0)
    return out[:count]


def _trim(p: Sequence[Fraction]) -> Poly:
    q = list(p)
    while q and q[-1] == 0:
        q.pop()
    return tuple(q)


def _fit(values: Sequence[int], max_degree: int, spare: int = 3) -> Poly | None:
    """The polynomial P of degree ≤ max_degree with P(j) = values[j], confirmed on all values."""
    row = [int(v) for v in values[: max_degree + 2 + spare]]
    heads: list[int] = []
    for _ in range(max_degree + 2):
        if len(row) <= spare:
            return None
        if not any(row):
            break
        heads.append(row[0])
        row = [b - a for a, b in itertools.pairwise(row)]
    else:
        return None
    # P(j) = sum_i heads[i] * C(j, i); expand the binomials into monomials
    coeffs = [Fraction(0)] * max(1, len(heads))
    fact = 1
    for i, h in enumerate(heads):
        if i:
            fact *= i
        basis = [Fraction(1)]                     # j (j-1) ... (j-i+1)
        for t in range(i):
            basis = [Fraction(0), *basis]
            for d in range(len(basis) - 1):
                basis[d] -= t * basis[d + 1]
        for d, c in enumerate(basis):
            coeffs[d] += h * c / fact
    poly = _trim(coeffs)
    # confirm on every value (integer arithmetic: P has denominator dividing deg!)
    den = lcm(1, *(c.denominator for c in poly))
    ints = [int(c * den) for c in poly]
    for j, v in enumerate(values):
        acc = 0
        for k in reversed(ints):
            acc = acc * j + k
        if acc != v * den:
            return None
    return poly


def quasi_polynomial(seq: Sequence[int], length: int | None = None, max_preamble: int = 4
                     ) -> tuple[int, int, tuple[Poly, ...]] | None:
    """Preamble ``n0``, period ``k`` and residue polynomials of a quasi-polynomial sequence.

    ``seq[n0 + r + k j] = pieces[r](j)`` for every index in ``seq``; the smallest period is
    chosen, then the shortest preamble. ``length`` (the length L of the sequence's recurrence)
    limits the search to periods up to 3 L + 2 and degrees up to max(1, L // k); by default
    L is a quarter of the sequence. None when nothing fits.

    Examples
    --------
    >>> e2 = [7, 2, 1, 1, 3, 18, 5, 1, 1, 6, 30, 8, 1, 1, 9, 42, 11, 1, 1, 12, 54, 14, 1, 1, 15,
    ...       66, 17, 1, 1, 18, 78]
    >>> quasi_polynomial(e2, length=11)[:2]
    (1, 5)
    """
    n = len(seq)
    bound = length if length is not None else n // 4
    for k in range(1, min(3 * bound + 2, n // 6) + 1):
        for n0 in range(min(max_preamble, bound) + 1):
            pieces = []
            for r in range(k):
                sub = list(seq[n0 + r::k])
                fit = _fit(sub, max(1, bound // k)) if len(sub) >= 5 else None
                if fit is None:
                    break
                pieces.append(fit)
            else:
                return n0, k, tuple(pieces)
    return None


# -- polynomial arithmetic in the block index m ---------------------------------------------


def _add(p: Poly, q: Poly) -> Poly:
    n = max(len(p), len(q))
    zero = Fraction(0)
    return _trim([(p[i] if i < len(p) else zero) + (q[i] if i < len(q) else zero)
                  for i in range(n)])


def _mul(p: Poly, q: Poly) -> Poly:
    if not p or not q:
        return ()
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += a * b
    return _trim(out)


def _affine(p: Poly, c0: Fraction, c1: Fraction) -> Poly:
    """p(c0 + c1 m) as a polynomial in m (Horner)."""
    out: Poly = ()
    for c in reversed(p):
        out = _add(_mul(out, (c0, c1)), (c,))
    return out


def _shift(p: Poly, d: int) -> Poly:
    """p(m + d)."""
    return _affine(p, Fraction(d), Fraction(1))


def _value(p: Poly, m: int) -> Fraction:
    v = Fraction(0)
    for c in reversed(p):
        v = v * m + c
    return v


def _integral(p: Poly, q: Poly) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Scale the pair (A, B) to integers: A by d, B by d^2 (an equivalence transform)."""
    den = lcm(1, *(c.denominator for c in p), *(c.denominator for c in q))
    a = tuple(int(c * den) for c in p)
    b = tuple(int(c * den * den) for c in q)
    # remove a common content g from A with g^2 from B
    g = 0
    for c in a:
        g = gcd(g, c)
    while g > 1:
        if all(c % (g * g) == 0 for c in b):
            return tuple(c // g for c in a), tuple(c // (g * g) for c in b)
        g = max(d for d in range(1, g) if g % d == 0)
    return a, b


def _divide_root(p: list[Fraction], r: Fraction) -> list[Fraction] | None:
    """p(m) / (m - r) by synthetic division (lowest degree first), None if not exact."""
    out = [Fraction(0)] * (len(p) - 1)
    acc = Fraction(0)
    for i in range(len(p) - 1, 0, -1):
        acc = acc * r + p[i]
        out[i - 1] = acc
    return out if acc * r + p[0] == 0 else None


def _strip_common(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Divide out linear factors (m - r) of A with (m - r)(m - 1 - r) dividing B.

    That is the equivalence transform with r_m = 1/(m - r); the rational roots r are found
    from floating-point roots of A, then checked exactly.
    """
    import numpy as np

    pa = [Fraction(c) for c in a]
    pb = [Fraction(c) for c in b]
    changed = True
    while changed and len(pa) > 1 and len(pb) > 2:
        changed = False
        for z in np.roots([float(c) for c in reversed(pa)]):
            if abs(z.imag) > 1e-9 * max(1.0, abs(z)):
                continue
            r = Fraction(float(z.real)).limit_denominator(1000)
            qa = _divide_root(pa, r)
            if qa is None:
                continue
            qb = _divide_root(pb, r)
            qb = _divide_root(qb, r + 1) if qb is not None and len(qb) > 1 else None
            if qb is None:
                continue
            pa, pb, changed = qa, qb, True
            break
    den = lcm(1, *(c.denominator for c in pa), *(c.denominator for c in pb))
    a2 = tuple(int(c * den) for c in pa)
    b2 = tuple(int(c * den * den) for c in pb)
    return _integral(tuple(map(Fraction, a2)), tuple(map(Fraction, b2)))


def contract(terms: Sequence[int], pattern: Sequence[int], n0: int, k: int,
             pieces: Sequence[Poly]) -> tuple[tuple[int, ...], tuple[int, ...],
                                              tuple[int, int, int, int]] | None:
    """Polynomial coefficients ``(A, B)`` and Möbius ``(α, β, γ, δ)`` for the pattern.

    ``terms`` must hold enough exact partial quotients (at least ``n0 + 12 K``). The Möbius
    map relates the value ``V`` of ``PCF(A, B)`` to the expanded number:
    ``x = (α V + β) / (γ V + δ)``; it is found from three blocks of convergents and
    confirmed on six more. Every tail start within two periods is tried and the simplest
    result kept (lowest degrees, then smallest coefficients, then smallest Möbius entries).
    None when no tail start makes the contraction regular.

    Examples
    --------
    >>> seq = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33]  # coth 1
    >>> contract(seq, (1,), 0, 1, quasi_polynomial(seq)[2])
    ((1, 2), (1,), (1, 0, 0, 1))
    """
    per = len(pattern)
    big = lcm(k, per)
    best, best_score = None, None
    for t in range(max(0, n0 - 1), n0 + 2 * big + 1):
        res = _contract_at(terms, pattern, n0, k, pieces, big, t)
        if res is None:
            continue
        a, b, mob = res
        # the simplest form: lowest degrees, then smallest coefficients and Möbius entries
        score = (len(a) + len(b), max(abs(c) for c in (*a, *b)).bit_length(),
                 max(abs(c) for c in mob).bit_length(), t)
        if best_score is None or score < best_score:
            best, best_score = res, score
    return best


def _block(pattern: Sequence[int], n0: int, k: int, pieces: Sequence[Poly], big: int,
           t: int) -> tuple[Poly, Poly, Poly, Poly, int]:
    """Entries (α, β, γ, δ) of the product of the K matrices of block m, and its determinant."""
    one, zero = (Fraction(1),), ()
    mat: tuple[Poly, Poly, Poly, Poly] = (one, zero, zero, one)
    det = 1
    per = len(pattern)
    for i in range(1, big + 1):
        n_rel = t - big + i - n0                      # n - n0 at m = 0
        r = n_rel % k
        j0 = Fraction(n_rel - r, k)
        a_n = _affine(pieces[r], j0, Fraction(big, k))
        s = pattern[(t + i - 1) % per]
        # row-vector convention: [x, u] -> [x, u] @ [[0, s], [1, a_n]]
        al, be, ga, de = mat
        mat = (be, _add(_mul(al, (Fraction(s),)), _mul(be, a_n)),
               de, _add(_mul(ga, (Fraction(s),)), _mul(de, a_n)))
        det *= -s
    return (*mat, det)


@functools.lru_cache(maxsize=4096)
def _pcf_at(pattern: tuple[int, ...], n0: int, k: int, pieces: tuple[Poly, ...], big: int,
            t: int) -> tuple[tuple[int, ...], tuple[int, ...], list[int], list[int]] | None:
    """(A, B) of the contraction from tail start t, with p_m, q_m of PCF(A, B) for m < 9.

    Depends on the pattern only, not on the preamble, so it is shared by every transform
    whose expansion ends in the same pattern.
    """
    al, be, _ga, de, det = _block(pattern, n0, k, pieces, big, t)
    if not be:
        return None
    # beta(m-1) u_m = (beta(m-1) delta(m) + beta(m) alpha(m-1)) u_{m-1} - beta(m) det u_{m-2};
    # the monic form after the equivalence transform r_m = beta(m-1)
    a_poly = _add(_mul(_shift(be, -1), de), _mul(be, _shift(al, -1)))
    b_poly = _mul(_mul(_shift(be, -2), be), (Fraction(-det),))
    if any(_value(be, m) == 0 for m in range(1, 12)) or not a_poly:
        return None
    a_int, b_int = _integral(a_poly, b_poly)
    a_int, b_int = _strip_common(a_int, b_int)
    if a_int[-1] < 0:                                  # r_m = -1: A -> -A, V -> -V
        a_int = tuple(-c for c in a_int)

    def ev(cs: tuple[int, ...], m: int) -> int:
        out = 0
        for c in reversed(cs):
            out = out * m + c
        return out

    pa = [ev(a_int, m) for m in range(10)]
    pb = [ev(b_int, m) for m in range(10)]
    if pb[1] == 0:
        return None
    pp: list[int] = [1, pa[0]]
    qq: list[int] = [0, 1]
    for m in range(1, 10):
        pp.append(pa[m] * pp[-1] + pb[m] * pp[-2])
        qq.append(pa[m] * qq[-1] + pb[m] * qq[-2])
    return a_int, b_int, pp[1:], qq[1:]


def _contract_at(terms: Sequence[int], pattern: Sequence[int], n0: int, k: int,
                 pieces: Sequence[Poly], big: int, t: int
                 ) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, int, int, int]] | None:
    if len(terms) < t + big * 8 + 1:
        return None
    got = _pcf_at(tuple(pattern), n0, k, tuple(pieces), big, t)
    if got is None:
        return None
    a_int, b_int, pp, qq = got
    # convergents of the expanded number at the block ends t + K m, m = 0..8, in one pass
    per = len(pattern)
    ends = {t + big * m for m in range(9)}
    xs: list[tuple[int, int]] = []
    p0, p1, q0, q1 = 1, terms[0], 0, 1
    if 0 in ends:
        xs.append((p1, q1))
    for n in range(1, t + big * 8 + 1):
        s = pattern[(n - 1) % per]
        p0, p1 = p1, terms[n] * p1 + s * p0
        q0, q1 = q1, terms[n] * q1 + s * q0
        if n in ends:
            xs.append((p1, q1))
    mob = _solve_mobius(pp, qq, xs)
    if mob is None:
        return None
    return a_int, b_int, mob


def _solve(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """Exact Gaussian elimination for a square system (None if singular)."""
    n = len(rows)
    m = [list(r) + [b] for r, b in zip(rows, rhs)]
    for col in range(n):
        piv = next((r for r in range(col, n) if m[r][col] != 0), None)
        if piv is None:
            return None
        m[col], m[piv] = m[piv], m[col]
        inv = 1 / m[col][col]
        m[col] = [v * inv for v in m[col]]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col]
                m[r] = [a - f * b for a, b in zip(m[r], m[col])]
    return [m[r][n] for r in range(n)]


def _solve_mobius(pp: list[int], qq: list[int], xs: list[tuple[int, int]]
                  ) -> tuple[int, int, int, int] | None:
    """Integer (α, β, γ, δ) with x_m ∝ (α p_m + β q_m, γ p_m + δ q_m) for all given m.

    Block 0 fixes the scale (R_0 = 1); blocks 1 and 2 give two equations with the unknown
    scale eliminated by cross-multiplication; the other blocks confirm.
    """
    px0, qx0 = xs[0]
    rows: list[list[Fraction]] = [
        [Fraction(pp[0]), Fraction(qq[0]), Fraction(0), Fraction(0)],
        [Fraction(0), Fraction(0), Fraction(pp[0]), Fraction(qq[0])],
    ]
    rhs = [Fraction(px0), Fraction(qx0)]
    for m in (1, 2):
        px, qx = xs[m]
        rows.append([Fraction(pp[m] * qx), Fraction(qq[m] * qx),
                     Fraction(-pp[m] * px), Fraction(-qq[m] * px)])
        rhs.append(Fraction(0))
    sol = _solve(rows, rhs)
    if sol is None:
        return None
    den = lcm(1, *(v.denominator for v in sol))
    ints = [int(v * den) for v in sol]
    g = 0
    for v in ints:
        g = gcd(g, v)
    if g == 0:
        return None
    al, be, ga, de = (v // g for v in ints)
    if al * de - be * ga == 0:
        return None
    for m in range(3, len(xs)):
        px, qx = xs[m]
        if (al * pp[m] + be * qq[m]) * qx != (ga * pp[m] + de * qq[m]) * px:
            return None
    if ga < 0 or (ga == 0 and de < 0):
        al, be, ga, de = -al, -be, -ga, -de
    return al, be, ga, de
