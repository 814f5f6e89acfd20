"""The limit of a PCF with the number of correct digits, or the reason there is none.

How the digits are established (``Limit.method``):

* ``"arb"`` (proven): a tail certificate (:mod:`emlkit.pcf._tails`) proves an interval for
  the tail after depth n, hence for L; the bound on |L - p_n/q_n| uses the exact determinant
  p_n q_{n-1} - p_{n-1} q_n = ±∏ b(k), and p_n/q_n plus that bound is an arb ball.
* ``"consecutive convergents"`` (checked, not proven): no certificate; the error is estimated
  from the exact differences d_n = |p_n/q_n - p_{n-1}/q_{n-1}| = |det| / |q_n q_{n-1}| as
  10 · d_n · r/(1 - r), with r the per-step ratio of d between two depths, and the value at
  the earlier depth must agree with the later one within the earlier estimate.

``digits`` counts significant digits such that the value printed to that many digits differs
from the limit by less than one unit in its last digit.

>>> lim = limit(PCF("2n+1", "n^2"), digits=40)
>>> lim.status, lim.digits, lim.method
('converged', 40, 'arb')
>>> print(limit(PCF("n", "n^2 - 3n + 2"), digits=10))
terminating: b(1) = 0: the fraction stops at depth 0 (value 0, a rational number)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import DomainError
from .pcf import PCF

__all__ = ["MAX_DIGITS", "STATUSES", "Limit", "limit"]

STATUSES = ("converged", "divergent", "oscillating", "terminating", "inconclusive")
MAX_DIGITS = 1_000_000
_LOG10_2 = math.log10(2)


@dataclass(frozen=True)
class Limit:
    """The outcome of :func:`limit`: a value with its correct digits, or a status and reason.

    Attributes
    ----------
    value : mpmath.mpf or None
        The limit at a few digits beyond ``digits`` (None unless the status is "converged",
        or "inconclusive" with some digits reached).
    digits : int
        Significant digits claimed correct (0 when there is no value).
    depth : int
        The depth n of the convergent p_n/q_n used.
    status : str
        "converged", "divergent", "oscillating", "terminating" or "inconclusive".
    method : str
        "arb" (digits proven) or "consecutive convergents" (digits checked).
    reason : str
        One line saying why, for every status other than "converged".
    pcf : PCF or None
        The fraction.

    Examples
    --------
    >>> lim = PCF("n+3", "-n").limit(digits=25)
    >>> print(lim)
    2.718281828459045235360287 (25 digits, proven by an arb ball, depth 32)
    >>> lim.proven, float(lim.value)
    (True, 2.718281828459045)
    """

    value: Any
    digits: int
    depth: int
    status: str
    method: str
    reason: str = ""
    pcf: PCF | None = field(default=None, compare=False)

    @property
    def proven(self) -> bool:
        """True when the digits are proven (an arb ball), False when only checked."""
        return self.method == "arb" and self.digits > 0

    def as_decimal(self) -> str:
        """The value to exactly ``digits`` significant digits ("" without a value).

        >>> PCF(1, 1).limit(digits=12).as_decimal()
        '1.61803398875'
        """
        if self.value is None or self.digits <= 0:
            return ""
        from mpmath import libmp

        return libmp.to_str(self.value._mpf_, self.digits, strip_zeros=False,
                            min_fixed=-20, max_fixed=max(30, self.digits + 2))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the value as decimal text).

        >>> sorted(PCF(1, 1).limit(digits=5).to_dict())
        ['depth', 'digits', 'method', 'pcf', 'proven', 'reason', 'status', 'value']
        """
        return {"pcf": str(self.pcf) if self.pcf else None, "status": self.status,
                "value": self.as_decimal() or None, "digits": self.digits, "depth": self.depth,
                "method": self.method, "proven": self.proven, "reason": self.reason}

    def __str__(self) -> str:
        if self.value is None or self.digits <= 0:
            return f"{self.status}: {self.reason}"
        how = "proven by an arb ball" if self.proven else "checked by consecutive convergents"
        text = f"{self.as_decimal()} ({self.digits} digits, {how}, depth {self.depth})"
        return text if self.status == "converged" else f"{self.status}: {text}; {self.reason}"


def _log10(x: Any) -> float:
    """log10 |x| of a (big) integer, accurate to about 1e-15 relative; -inf for 0."""
    x = abs(int(x))
    if x == 0:
        return -math.inf
    shift = max(0, x.bit_length() - 60)
    return math.log10(x >> shift) + shift * _LOG10_2


@dataclass
class _Sample:
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


def _sample(n: int, m: tuple[Any, Any, Any, Any], dps: int, log_det: float) -> _Sample:
    """The convergents at depth n; ``log_det`` is log10 |p_n q_{n-1} - p_{n-1} q_n|."""
    p1, p, q1, q = m
    if q == 0 or q1 == 0:
        return _Sample(n, p1, p, q1, q, math.nan, math.nan, dps)
    log_d = log_det - _log10(q) - _log10(q1)
    return _Sample(n, p1, p, q1, q, log_d, _log10(p) - _log10(q), dps)


def _log_b(pcf: PCF, start: int, stop: int) -> float:
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
    return sum(_log10(int(abs(pcf.b(k)) * pcf.b.denominator)) - math.log10(pcf.b.denominator)
               for k in range(start, stop))


def _digits_from(log_err: float, log_x: float) -> int:
    """Significant digits d with 2·err ≤ 10^(E - d + 1), E the decimal exponent of x."""
    if math.isnan(log_err) or log_err == math.inf:
        return 0
    if log_err == -math.inf:
        return MAX_DIGITS
    e = math.floor(log_x)
    return max(0, int(e + 1 - math.ceil(log_err + _LOG10_2 + 1e-9)))


def _proven(s: _Sample, cert: Any, target: int) -> tuple[int, Any]:
    """(digits, mpf value) proven by an arb ball at this sample, or (0, None)."""
    from flint import arb, ctx, fmpz

    if cert is None or s.depth + 1 < cert.k0 or math.isnan(s.log_d) or s.p == 0:
        return 0, None
    p, q, p1, q1 = (fmpz(int(v)) for v in (s.p, s.q, s.p1, s.q1))
    old = ctx.prec
    ctx.prec = int((target + 20) / _LOG10_2)
    try:
        det = abs(p * q1 - p1 * q)
        if cert.kind == "positive":
            if cert.sign * q * q1 <= 0:
                return 0, None
            bound = arb(det) / (arb(abs(q)) * arb(abs(q1)))
        else:
            r = cert.radius(s.depth)
            rq1 = arb(abs(q1)) * r.numerator / r.denominator
            gap = arb(abs(q)) - rq1
            if not gap > 0:
                return 0, None
            bound = arb(det) * r.numerator / r.denominator / (arb(abs(q)) * gap)
        ball = arb(p) / arb(q) + arb(0, bound.abs_upper())
        if ball.contains(0):
            return 0, None
        man, exp = ball.mid().man_exp()
        rad = ball.rad()
        rman, rexp = rad.man_exp()
        log_rad = _log10(rman) + int(rexp) * _LOG10_2 if rman != 0 else -math.inf
        digits = _digits_from(log_rad + 1e-12, _log10(man) + int(exp) * _LOG10_2)
    finally:
        ctx.prec = old
    import mpmath

    with mpmath.workdps(target + 15):
        return digits, mpmath.mpf((int(man), int(exp)))


def _first_zero_of_b(pcf: PCF, max_depth: int) -> int | None:
    if pcf.b.is_zero:
        return 1
    roots = [k for k in pcf.b.integer_roots(1) if k <= max_depth]
    return roots[0] if roots else None


def limit(pcf: PCF, digits: int = 50, max_depth: int | None = None) -> Limit:
    """The limit of ``pcf`` to ``digits`` significant digits, with how they are known.

    The depth grows adaptively: a probe, then steps sized from the observed rate of
    convergence (digits per term), until the digits are reached or ``max_depth`` is.
    Terminating fractions (b(k) = 0 for some k ≥ 1), oscillating ones (even and odd
    convergents settle apart), divergent ones and those whose digits are not reached within
    ``max_depth`` are reported with their status, never as a converged number.

    Parameters
    ----------
    pcf : PCF
        The fraction.
    digits : int, default 50
        Significant digits wanted (1 to 1,000,000).
    max_depth : int, optional
        The deepest convergent tried (default 20·digits + 2,000).

    Returns
    -------
    Limit

    Examples
    --------
    >>> print(limit(PCF("34n^3+51n^2+27n+5", "-n^6"), digits=30))
    4.99144423548424481209875767293 (30 digits, proven by an arb ball, depth 16)
    >>> print(limit(PCF("1", "n"), digits=30, max_depth=200))    # doctest: +ELLIPSIS
    inconclusive: ...
    >>> limit(PCF("1", "n^10"), digits=10, max_depth=1000).status
    'oscillating'
    """
    from ._tails import tail_certificate
    from .exact import MAX_EXACT_DEPTH, _advance, _start

    if not isinstance(pcf, PCF):
        raise DomainError(f"limit needs a PCF, not {type(pcf).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise DomainError(f"digits {digits!r} is not a whole number from 1 to {MAX_DIGITS}")
    if max_depth is None:
        max_depth = min(MAX_EXACT_DEPTH, 20 * digits + 2000)
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1:
        raise DomainError(f"max_depth {max_depth!r} is not a positive whole number")
    if max_depth > MAX_EXACT_DEPTH:
        raise DomainError(f"max_depth {max_depth} is above the limit {MAX_EXACT_DEPTH}")
    zero = _first_zero_of_b(pcf, max_depth)
    if zero is not None:
        value = pcf.convergents(zero - 1)[0]
        what = "∞ (q = 0)" if value is None else f"{value}, a rational number"
        return Limit(None, 0, zero - 1, "terminating",
                     "consecutive convergents", f"b({zero}) = 0: the fraction stops at depth "
                     f"{zero - 1} (value {what})", pcf)

    try:
        import flint  # noqa: F401  (the arb balls need python-flint)
    except ImportError:  # pragma: no cover - depends on the optional extra
        cert = None
    else:
        cert = tail_certificate(pcf)
    dps = digits + 15
    want = -(digits + 1.0)  # log10 of the relative error aimed at (one guard digit)
    m, scale = _start(pcf)
    log_scale = math.log10(scale)
    log_det = 2 * _log10(m[0])  # the start matrix [[d0, a0 d0], [0, d0]]
    done = 0
    samples: list[_Sample] = []
    n = min(max_depth, 16)
    while True:
        m = _advance(pcf, m, done + 1, n + 1, scale)
        # det M'_k = -D² b(k) (k ≥ 2), -D b(1): the exact determinant only in _proven
        log_det += _log_b(pcf, done + 1, n + 1) + log_scale * (2 * (n - done) - (done == 0))
        done = n
        s = _sample(n, m, dps, log_det)
        samples.append(s)
        est = _estimate(samples)
        near = s.log_d - s.x <= -digits + 1 or n >= max_depth or est >= digits
        got, value = _proven(s, cert, digits) if cert is not None and near else (0, None)
        if got >= digits:  # an arb ball is tried only near the goal (it costs a division)
            return Limit(value, digits, n, "converged", "arb", "", pcf)
        if est >= digits:
            return Limit(s.approx, digits, n, "converged", "consecutive convergents", "", pcf)
        if n < max_depth and min(_log10(s.q), _log10(s.p1)) > 200 * digits + 10**6:
            return Limit(None, 0, n, "inconclusive", "consecutive convergents",
                         f"p_n and q_n passed {200 * digits + 10**6} digits by depth {n} "
                         f"without {digits} digits of the limit", pcf)
        if n >= max_depth:
            return _classify(pcf, samples, max(got, est), value if got >= est else s.approx,
                             "arb" if got >= est and got > 0 else "consecutive convergents",
                             digits, max_depth)
        n = min(max_depth, _next_depth(samples, want))


def _estimate(samples: list[_Sample]) -> int:
    """Checked digits at the last sample from the rate between the last two samples."""
    if len(samples) < 2:
        return 0
    s, prev = samples[-1], samples[-2]
    if any(math.isnan(v) for v in (s.log_d, prev.log_d)):
        return 0
    if s.log_d == -math.inf:  # equal consecutive convergents: no rate to judge by
        return 0
    steps = s.depth - prev.depth
    slope = (s.log_d - prev.log_d) / steps  # log10 of the per-step ratio r
    if not slope < -1e-3:
        return 0
    r = 10.0**slope
    log_err = 1 + s.log_d + math.log10(r / (1 - r))
    prev_err = 1 + prev.log_d + math.log10(r / (1 - r))
    # cross-check: the earlier convergent must be within its estimated error of the later one
    import mpmath

    with mpmath.workdps(20):
        diff = abs(s.approx - prev.approx)
        agree = diff == 0 or mpmath.log10(diff) <= prev_err + 1
    if not agree:
        return 0
    return _digits_from(log_err, s.x)


def _next_depth(samples: list[_Sample], want: float) -> int:
    s = samples[-1]
    n = s.depth
    grow = 2 * n
    if len(samples) >= 2 and not math.isnan(s.log_d) and not math.isnan(samples[-2].log_d):
        prev = samples[-2]
        rate = (prev.log_d - s.log_d) / (n - prev.depth)  # digits gained per term
        if rate > 1e-3 and s.log_d != -math.inf:
            need = (s.log_d - s.x - want) / rate
            grow = int(n + 1.03 * need + 4)
    grow = max(grow, n + max(4, n // 4))
    grow = min(grow, 4 * n + 8)
    return grow + (grow - n) % 2  # keep the parity, so even and odd convergents are compared


def _classify(pcf: PCF, samples: list[_Sample], got: int, value: Any, method: str,
              digits: int, max_depth: int) -> Limit:
    import mpmath

    s = samples[-1]
    n = s.depth
    if got > 0:
        return Limit(value, got, n, "inconclusive", method,
                     f"only {got} of {digits} digits reached by depth {max_depth}", pcf)
    zeros = sum(1 for t in samples[-3:] if math.isnan(t.log_d))
    if zeros and math.isnan(s.log_d):
        return Limit(None, 0, n, "divergent", method, f"q_{n} or q_{n - 1} is 0 at the last "
                     "depth tried, the convergent is infinite", pcf)
    same_parity = [t for t in samples[:-1] if (n - t.depth) % 2 == 0 and t.approx is not None]
    if same_parity and s.approx is not None:
        t = same_parity[-1]
        with mpmath.workdps(30):
            x1, x0 = mpmath.mpf(int(s.p1)) / int(s.q1), mpmath.mpf(int(t.p1)) / int(t.q1)
            scale = 1 + abs(s.approx)
            even = abs(s.approx - t.approx) / scale
            odd = abs(x1 - x0) / scale
            gap = abs(s.approx - x1) / scale
        if even < 1e-8 and odd < 1e-8 and gap > 1e-4:
            return Limit(None, 0, n, "oscillating", method,
                         f"convergents alternate between about {mpmath.nstr(s.approx, 8)} and "
                         f"{mpmath.nstr(x1, 8)} up to depth {n}", pcf)
    if (len(samples) >= 2 and not math.isnan(s.log_d) and not math.isnan(samples[-2].log_d)
            and s.log_d >= samples[-2].log_d - 1e-9):
            return Limit(None, 0, n, "divergent", method, f"consecutive convergents do not "
                         f"get closer (|x_n - x_(n-1)| ≈ 1e{s.log_d:.0f} at depth {n})", pcf)
    return Limit(None, 0, n, "inconclusive", method, f"no correct digit established by depth "
                 f"{max_depth} (convergence too slow or not seen)", pcf)

