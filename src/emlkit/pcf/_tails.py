"""Proven intervals for the tail of a PCF: where t_{n+1} = b(n+1)/(a(n+1) + ...) must lie.

The limit is L = (p_n + t p_{n-1}) / (q_n + t q_{n-1}) with t the tail after depth n, so an
interval T proven to hold t gives a proven interval for L (the image of T under that Möbius
map, bounded when its pole -q_n/q_{n-1} is outside T). Two certificates are used, both on
the integer (equivalence-transformed) fraction with A(k) = D a(k), B(k) = D² b(k):

* ``positive``: for every k ≥ k0, B(k) > 0 and A(k) has a fixed sign s. Then s·t ≥ 0
  (t in [0, ∞] or [-∞, 0]) and L lies between x_{n-1} and x_n when s·q_n·q_{n-1} > 0.
* ``bounded``: with r_k = ρ k^m, |A(k)| ≥ |B(k)| / r_{k-1} + r_k for every k ≥ k0. The
  equivalence transform c_k = 1/r_k turns this into Śleszyński–Pringsheim's condition
  |a'_k| ≥ |b'_k| + 1, whose tails satisfy |t'| ≤ 1, so |t_{n+1}| ≤ r_n; L is within
  r_n |det| / (|q_n| (|q_n| - r_n |q_{n-1}|)) of x_n when |q_n| > r_n |q_{n-1}|.

Each "for every k ≥ k0" is a polynomial inequality checked exactly: beyond Cauchy's root bound
by the sign of the leading coefficient, below it integer by integer.

>>> from emlkit.pcf import PCF
>>> tail_certificate(PCF("2n+1", "n^2"))
TailCertificate(kind='positive', k0=2, sign=1, m=0, rho=Fraction(0, 1))
>>> tail_certificate(PCF("34n^3+51n^2+27n+5", "-n^6")).kind
'bounded'
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

from .polynomial import Poly

if TYPE_CHECKING:
    from .pcf import PCF

__all__ = ["TailCertificate", "scaled_polys", "tail_certificate"]

_MAX_SCAN = 20_000  # largest root bound scanned integer by integer


@dataclass(frozen=True)
class TailCertificate:
    """A proven interval for every tail t_{n+1} with n + 1 ≥ k0 (see the module docstring).

    Examples
    --------
    >>> c = TailCertificate("bounded", 2, 1, 1, Fraction(17))
    >>> c.radius(10)
    Fraction(170, 1)
    """

    kind: str  # "positive" or "bounded"
    k0: int
    sign: int = 1  # positive: the sign of A(k) for k >= k0
    m: int = 0  # bounded: r_k = rho * k**m
    rho: Fraction = Fraction(0)

    def radius(self, n: int) -> Fraction:
        """r_n, the bound on |t_{n+1}| of a ``bounded`` certificate."""
        return self.rho * n**self.m


def scaled_polys(pcf: PCF) -> tuple[Poly, Poly]:
    """A = D a and B = D² b, the integer polynomials of the transformed fraction (k ≥ 2).

    >>> [str(p) for p in scaled_polys(__import__("emlkit.pcf", fromlist=["PCF"]).PCF("n/2", 1))]
    ['n', '4']
    """
    from .exact import integer_terms

    d = integer_terms(pcf)[0]
    return pcf.a * d, pcf.b * (d * d)


def _taylor_shift(c: list[int], k: int) -> list[int]:
    """Coefficients of p(x + k) from those of p (lowest first), exactly."""
    out = list(c)
    d = len(out) - 1
    for i in range(d):
        for j in range(d - 1, i - 1, -1):
            out[j] += k * out[j + 1]
    return out


def _positive_from(p: Poly) -> int | None:
    """Least-ish k0 ≥ 1 with p(k) > 0 for every integer k ≥ k0, or None.

    Proof: the coefficients of p(x + k0) are all ≥ 0 with a positive constant term, so p > 0
    on [k0, ∞) (no sign change, Descartes); k0 then moves down while p(k0 - 1) > 0.
    """
    if p.is_zero or p.coeffs[-1] < 0:
        return None
    c = [int(x) for x in (p * p.denominator).coeffs]
    if len(c) == 1:
        return 1
    k0 = 1
    for _ in range(80):
        shifted = _taylor_shift(c, k0)
        if shifted[0] > 0 and all(x >= 0 for x in shifted):
            break
        k0 += k0 // 2 + 1
    else:
        return None
    if k0 > _MAX_SCAN * 50:
        return None
    steps = 0
    while k0 > 1 and p(k0 - 1) > 0 and steps < 64:
        k0 -= 1
        steps += 1
    return k0


def _sign_from(p: Poly) -> tuple[int, int] | None:
    """(s, k0): s·p(k) > 0 for every k ≥ k0."""
    for s in (1, -1):
        k0 = _positive_from(p * s)
        if k0 is not None:
            return s, k0
    return None


@lru_cache(maxsize=512)
def tail_certificate(pcf: PCF) -> TailCertificate | None:
    """The first certificate found for the tails of ``pcf`` (None when none is found).

    Cached per PCF (a PCF is interned and immutable, so the certificate never changes).

    Examples
    --------
    >>> from emlkit.pcf import PCF
    >>> tail_certificate(PCF("n+3", "-n"))
    TailCertificate(kind='bounded', k0=2, sign=1, m=0, rho=Fraction(1, 1))
    >>> tail_certificate(PCF("1", "-n")) is None
    True
    """
    A, B = scaled_polys(pcf)
    sa, sb = _sign_from(A), _sign_from(B)
    if sa is None or sb is None:
        return None
    if sb[0] > 0:
        return TailCertificate("positive", max(2, sa[1], sb[1]), sign=sa[0])
    dA, dB = A.degree, B.degree
    alpha, beta = abs(Fraction(A.coeffs[-1])), abs(Fraction(B.coeffs[-1]))
    best: TailCertificate | None = None
    absA, absB = A * sa[0], B * sb[0]
    for m in range(max(0, dB - dA), dA + 1):
        rhos = {alpha / 2, Fraction(1), 2 * beta / alpha, beta / alpha + 1}
        for rho in sorted(r for r in rhos if r > 0):
            r_prev = Poly([-1, 1]) ** m * rho  # r_{k-1} = rho (k-1)^m
            r_k = Poly([0, 1]) ** m * rho
            cond = absA * r_prev - absB - r_k * r_prev
            k0 = _positive_from(cond)
            if k0 is None:
                continue
            k0 = max(2, sa[1], sb[1], k0)
            if best is None or k0 < best.k0:
                best = TailCertificate("bounded", k0, sign=sa[0], m=m, rho=rho)
            if best.k0 == 2:  # valid from the first tail on: nothing better to find
                return best
    return best
