"""Convergent samples of a PCF and the arb balls proven around them (for :mod:`.limit`).

A sample holds p_{n-1}, p_n, q_{n-1}, q_n at one depth with log10 |x_n - x_{n-1}| and
log10 |x_n|; :func:`proven_digits` turns it and a tail certificate into proven significant digits,
:func:`proven_zero` into a proven bound |L| < 10^-k for a limit 0.

>>> digits_from(-30.0, 0.1)
30
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pcf import PCF

__all__ = ["MAX_DIGITS", "Sample", "digits_from", "log10_abs", "log_b_sum", "proven_digits",
           "proven_zero", "sample"]

MAX_DIGITS = 1_000_000
LOG10_2 = math.log10(2)


def log10_abs(x: Any) -> float:
    """log10 |x| of a (big) integer, accurate to about 1e-15 relative; -inf for 0."""
    x = abs(int(x))
    if x == 0:
        return -math.inf
    shift = max(0, x.bit_length() - 60)
    return math.log10(x >> shift) + shift * LOG10_2


@dataclass
class Sample:
    depth: int
    p1: Any
    p: Any
    q1: Any
    q: Any
    log_d: float  # log10 |x_n - x_{n-1}| (-inf when equal, nan when q is 0)
    x: float  # log10 |x_n|
    dps: int = 30
    _approx: Any = None

    @property
    def approx(self) -> Any:
        """x_n as an mpf at ``dps`` digits (None when q_n = 0), computed on first use."""
        if self._approx is None and self.q != 0:
            import mpmath

            with mpmath.workdps(self.dps):
                self._approx = mpmath.mpf(int(self.p)) / int(self.q)
        return self._approx


def sample(n: int, m: tuple[Any, Any, Any, Any], dps: int, log_det: float) -> Sample:
    """The convergents at depth n; ``log_det`` is log10 |p_n q_{n-1} - p_{n-1} q_n|."""
    p1, p, q1, q = m
    if q == 0 or q1 == 0:
        return Sample(n, p1, p, q1, q, math.nan, math.nan, dps)
    log_d = log_det - log10_abs(q) - log10_abs(q1)
    return Sample(n, p1, p, q1, q, log_d, log10_abs(p) - log10_abs(q), dps)


def log_b_sum(pcf: PCF, start: int, stop: int) -> float:
    """Σ log10 |b(k)| for k in [start, stop) (an estimate: floats, b has no zero there)."""
    import numpy as np

    if stop <= start:
        return 0.0
    coeffs = [float(c) for c in reversed(pcf.b.coeffs)]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        vals = np.abs(np.polyval(coeffs, np.arange(start, stop, dtype=np.float64)))
        total = float(np.sum(np.log10(vals)))
    if math.isfinite(total):
        return total
    return sum(log10_abs(int(abs(pcf.b(k)) * pcf.b.denominator)) - math.log10(pcf.b.denominator)
               for k in range(start, stop))


def digits_from(log_err: float, log_x: float) -> int:
    """Significant digits d with 2·err ≤ 10^(E - d + 1), E the decimal exponent of x."""
    if math.isnan(log_err) or log_err == math.inf:
        return 0
    if log_err == -math.inf:
        return MAX_DIGITS
    e = math.floor(log_x)
    return max(0, int(e + 1 - math.ceil(log_err + LOG10_2 + 1e-9)))


def arb_ball(s: Sample, cert: Any) -> Any:
    """An arb ball proven to hold the limit, from the sample at depth n, or None."""
    from flint import arb, fmpz

    if cert is None or s.depth + 1 < cert.k0 or math.isnan(s.log_d):
        return None
    p, q, p1, q1 = (fmpz(int(v)) for v in (s.p, s.q, s.p1, s.q1))
    det = abs(p * q1 - p1 * q)
    if cert.kind == "positive":
        if cert.sign * q * q1 <= 0:
            return None
        bound = arb(det) / (arb(abs(q)) * arb(abs(q1)))
    else:
        r = cert.radius(s.depth)
        rq1 = arb(abs(q1)) * r.numerator / r.denominator
        gap = arb(abs(q)) - rq1
        if not gap > 0:
            return None
        bound = arb(det) * r.numerator / r.denominator / (arb(abs(q)) * gap)
    return arb(p) / arb(q) + arb(0, bound.abs_upper())


def log10_arf(x: Any) -> float:
    """log10 of a non-negative arf (-inf for 0)."""
    man, exp = x.man_exp()
    return log10_abs(man) + int(exp) * LOG10_2 if man != 0 else -math.inf


def proven_digits(s: Sample, cert: Any, target: int) -> tuple[int, Any]:
    """(digits, mpf value) proven by an arb ball at this sample, or (0, None)."""
    from flint import ctx

    if cert is None or s.p == 0:
        return 0, None
    old = ctx.prec
    ctx.prec = int((target + 20) / LOG10_2)
    try:
        ball = arb_ball(s, cert)
        if ball is None or ball.contains(0):
            return 0, None
        man, exp = ball.mid().man_exp()
        digits = digits_from(log10_arf(ball.rad()) + 1e-12,
                              log10_abs(man) + int(exp) * LOG10_2)
    finally:
        ctx.prec = old
    import mpmath

    with mpmath.workdps(target + 15):
        return digits, mpmath.mpf((int(man), int(exp)))


def proven_zero(s: Sample, cert: Any, target: int) -> bool:
    """True when an arb ball at this sample proves |L| < 10^-target."""
    from flint import arb, ctx

    if cert is None:
        return False
    old = ctx.prec
    ctx.prec = 64 + int(-min(s.x, 0) / LOG10_2) if math.isfinite(s.x) else 64
    try:
        ball = arb_ball(s, cert)
        return ball is not None and bool(abs(ball) < arb(10) ** (-target))
    finally:
        ctx.prec = old
