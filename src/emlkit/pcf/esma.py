"""ESMA: signed continued fractions of a constant's transforms, patterns by Berlekamp–Massey.

For every transform ``T(c) = P(c)/Q(c)`` (integer polynomials of degree ≤ ``degree``,
coefficients ``|·| ≤ coefficients``) and every sign cycle of length ≤ ``cycle``, the signed
continued fraction of ``T(c)`` is expanded from an exact enclosure of the constant (only the
partial quotients shared by the whole enclosure are kept: they are proven for any value in
it). Berlekamp–Massey over GF(199) looks for a short linear recurrence of the partial
quotients; a second prime cross-checks it, and the recurrence is recomputed over the
rationals and confirmed on every proven term. A quasi-polynomial pattern is turned into an
explicit :class:`~emlkit.pcf.PCF` by contracting whole periods, with an exact Möbius relation
to ``T(c)``, and the formula is checked against mpmath at ``digits`` digits.

>>> r = esma("tan(1)", degree=0, cycle=1, digits=60)[0]      # the constant itself
>>> r.pattern, r.lfsr, str(r.pcf), r.mobius, r.digits
('[+]', (1, 0, -2, 0, 1), 'PCF(2n + 1, -1)', (0, 1, 1, 0), 60)
>>> print(r.relation())
tan(1) = 1/V,  V = PCF(2n + 1, -1)
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

from ..errors import DomainError
from ._bm import bm_mod, bm_rational, satisfies
from ._contract import contract, extend, quasi_polynomial
from ._esma_result import ESMAResult, ESMARun
from ._esma_values import (
    Constant,
    apply_transform,
    check_terms,
    enclosure,
    resolve,
    target_value,
    transform_text,
    verify_pcf,
)
from ._signed_cf import signed_cf_terms

__all__ = ["ESMAResult", "ESMARun", "esma", "expand", "sign_patterns", "transforms"]

PRIMES = (199, 2_147_483_647)

# -- enumeration ------------------------------------------------------------------------------


def sign_patterns(cycle: int) -> list[tuple[int, ...]]:
    """Every primitive sign cycle of length ≤ ``cycle`` (no repetition of a shorter one).

    >>> sign_patterns(2)
    [(1,), (-1,), (1, -1), (-1, 1)]
    """
    out = []
    for k in range(1, cycle + 1):
        for pat in itertools.product((1, -1), repeat=k):
            if not any(k % d == 0 and pat == pat[:d] * (k // d) for d in range(1, k)):
                out.append(pat)
    return out


def transforms(degree: int, coefficients: int) -> Iterator[tuple[tuple[int, ...], ...]]:
    """Pairs (P, Q) of integer coefficient tuples, up to scaling, neither zero, not constant.

    Q's highest non-zero coefficient is positive and the coefficients of P and Q are coprime
    (transforms equal as rational functions, e.g. (2c)/(2) and c/1, appear once).
    Transforms that are equal only at the constant are removed later, by value.

    >>> sorted(transforms(1, 1))[:3]
    [((-1, -1), (-1, 1)), ((-1, -1), (0, 1)), ((-1, -1), (1, 0))]
    """
    rng = range(-coefficients, coefficients + 1)
    for p in itertools.product(rng, repeat=degree + 1):
        if not any(p):
            continue
        for q in itertools.product(rng, repeat=degree + 1):
            if not any(q) or [c for c in q if c][-1] < 0:
                continue
            if math.gcd(*p, *q) != 1:
                continue
            # proportional P and Q give a constant transform
            if all(p[i] * q[j] == p[j] * q[i] for i in range(degree + 1)
                   for j in range(degree + 1)):
                continue
            yield p, q


def expand(lo: Fraction, hi: Fraction, pattern: tuple[int, ...], limit: int) -> list[int]:
    """Proven signed-CF terms of any real in ``[lo, hi]`` (see ``_signed_cf``).

    >>> expand(Fraction(15819767068, 10**10), Fraction(15819767069, 10**10), (1, -1), 8)
    [1, 2, 3, 2, 5, 2, 7, 2]
    """
    return signed_cf_terms(lo, hi, pattern, limit)


def _find_lfsr(terms: list[int], max_length: int, margin: int) -> tuple[int, ...] | None:
    """Integer recurrence of ``terms`` shorter than ``max_length``, confirmed on all terms."""
    length, _ = bm_mod(terms, PRIMES[0])
    if length >= max_length or 2 * length + margin > len(terms):
        return None
    length2, conn2 = bm_mod(terms, PRIMES[1])
    if length2 != length:
        return None
    # lift the recurrence mod the large prime to small integers and confirm it on every term
    # over Z; the shortest recurrence over Q is unique (len(terms) >= 2 L) and no shorter than
    # mod p, so a lift that holds is it. Otherwise compute it over Q from the first 2 L terms.
    half = PRIMES[1] // 2
    conn = [c - PRIMES[1] if c > half else c for c in conn2]
    if not satisfies(terms, conn):
        q_length, conn = bm_rational(terms[: 2 * length + 2])
        if q_length != length or not satisfies(terms, conn):
            return None
    return tuple(conn)


def esma(constant: str, degree: int = 1, coefficients: int = 2, cycle: int = 2, *,
         max_length: int = 25, digits: int = 100, terms: int = 80,
         progress: Callable[[int, int, int], None] | None = None) -> ESMARun:
    """Run ESMA on a constant: transforms × sign cycles, patterns, PCFs, verification.

    Parameters
    ----------
    constant : str
        A name from the constants table (``"E"``, ``"pi"``, ``"Catalan"``) or SymPy text
        evaluated by mpmath (``"tan(1)"``, ``"exp(2)"``, ``"E**2"``, ``"besseli(1, 2)"``).
    degree : int
        Highest degree of P and Q in ``T(c) = P(c)/Q(c)`` (default 1); 0 expands the
        constant itself only.
    coefficients : int
        Bound on the absolute value of their integer coefficients (default 2).
    cycle : int
        Longest sign cycle (default 2: ``[+]``, ``[-]``, ``[+, -]``, ``[-, +]``).
    max_length : int
        Only recurrences shorter than this are reported (default 25, as in the paper).
    digits : int
        Digits of the final check of every formula against mpmath (default 100).
    terms : int
        Proven partial quotients wanted per expansion (at least ``2 * max_length + 10``; the
        working precision grows until they are proven or the expansion is known to end).
    progress : callable, optional
        Called as ``progress(done, total, found)`` after each transform.

    Returns
    -------
    ESMARun
        The results, sorted by recurrence length, then transform.

    Raises
    ------
    DomainError
        A constant that cannot be read, is rational, or bounds out of range.

    Examples
    --------
    >>> run = esma("(E**2 + 1)/(E**2 - 1)", degree=0, coefficients=1, cycle=1, digits=60)
    >>> r = run[0]
    >>> r.pattern, r.lfsr, str(r.pcf), r.mobius, r.digits >= 60
    ('[+]', (1, -2, 1), 'PCF(2n + 1, 1)', (1, 0, 0, 1), True)
    """
    for name, val, lo, hi in (("degree", degree, 0, 4), ("coefficients", coefficients, 1, 20),
                              ("cycle", cycle, 1, 8), ("max_length", max_length, 2, 200),
                              ("digits", digits, 15, 5000), ("terms", terms, 20, 5000)):
        if not isinstance(val, int) or isinstance(val, bool) or not lo <= val <= hi:
            raise DomainError(f"{name} must be a whole number from {lo} to {hi}, got {val!r}")
    start = time.perf_counter()
    const = resolve(constant)
    want = max(terms, 2 * max_length + 10)
    margin = 10
    pats = sign_patterns(cycle)
    pairs = list(transforms(degree, coefficients)) if degree else [((0, 1), (1,))]
    enclosures: dict[int, tuple[Fraction, Fraction]] = {}

    def encl(dps: int) -> tuple[Fraction, Fraction]:
        if dps not in enclosures:
            enclosures[dps] = enclosure(const, dps)
        return enclosures[dps]

    seen: set[Fraction] = set()
    found: list[ESMAResult] = []
    for done, (p, q) in enumerate(pairs, start=1):
        res = apply_transform(p, q, *encl(120))
        if res is not None:
            key = round((res[0] + res[1]) / 2, 60)
            if key in seen:
                res = None
            seen.add(key)
        if res is not None:
            for pat in pats:
                hit = _one(p, q, pat, const, encl, want, max_length, margin, digits)
                if hit is not None:
                    found.append(hit)
        if progress is not None:
            progress(done, len(pairs), len(found))
    found.sort(key=lambda r: (r.length, len(r.transform), r.transform, r.signs))
    return ESMARun(const.name, degree, coefficients, cycle, tuple(_distinct(found)), len(pairs),
                   tuple(pats), tuple(found), time.perf_counter() - start)


def _one(p: tuple[int, ...], q: tuple[int, ...], pat: tuple[int, ...], const: Constant,
         encl: Callable[[int], tuple[Fraction, Fraction]], want: int, max_length: int,
         margin: int, digits: int) -> ESMAResult | None:
    """Expand one transform with one sign cycle; the result if a pattern is found."""
    dps, before = 120, -1
    while True:
        box = apply_transform(p, q, *encl(dps))
        if box is None:
            return None
        got = expand(box[0], box[1], pat, want)
        # stop when enough terms are proven, or more precision proves no more (a rational)
        if len(got) >= want or len(got) == before or dps >= 4000:
            break
        before = len(got)
        dps *= 2
    if len(got) < 2 * 2 + margin:
        return None
    conn = _find_lfsr(got, max_length, margin)
    if conn is None:
        return None
    target = target_value(p, q, const, digits)
    checked = check_terms(conn, tuple(got), pat, target, digits)
    if checked < digits:
        return None                       # the recurrence fits the proven terms only
    transform = transform_text(p, q, const.expr)
    res = ESMAResult(const.name, transform, p, q, pat, tuple(got), conn, digits=checked, dps=dps)
    ext = extend(got[: len(conn) - 1], conn, 12 * len(conn) + 24 * max(1, len(pat)) + 60)
    if ext is None or ext[: len(got)] != got:
        return res
    qp = quasi_polynomial(ext, len(conn) - 1, max_preamble=min(12, len(conn) - 1))
    if qp is None:
        return res
    n0, k, pieces = qp
    res = _replace(res, preamble=n0, period=k, pieces=pieces)
    con = contract(ext, pat, n0, k, pieces)
    if con is None:
        return res
    a, b, mob = con
    from .pcf import PCF

    checked = min(checked, verify_pcf(a, b, mob, target, digits))
    return _replace(res, pcf=PCF(list(a), list(b)), mobius=mob, digits=checked)


def _windows(r: ESMAResult, start: int = 8, width: int = 16) -> set[tuple[Any, ...]]:
    """Tail windows (sign phase and partial quotients) of a result, for equivalence."""
    k = len(r.signs)
    out = set()
    for j in range(start, min(start + 12, len(r.terms) - width)):
        phase = tuple(r.signs[(j + i) % k] for i in range(k))
        out.add((phase, tuple(r.terms[j:j + width])))
    return out


def _distinct(results: list[ESMAResult]) -> list[ESMAResult]:
    """Keep one result per tail class: expansions that end in the same partial quotients and
    signs (Möbius-equivalent transforms, as for regular continued fractions, Serret) are
    listed under ``equivalent`` of the first (shortest recurrence, simplest transform)."""
    kept: list[tuple[ESMAResult, set[tuple[Any, ...]], list[str]]] = []
    for r in results:
        w = _windows(r)
        for _, wk, eq in kept:
            if w & wk:
                eq.append(r.transform + " " + r.pattern)
                break
        else:
            kept.append((r, w, []))
    return [_replace(r, equivalent=tuple(eq)) for r, _, eq in kept]


def _replace(r: ESMAResult, **kw: Any) -> ESMAResult:
    return dataclasses.replace(r, **kw)
