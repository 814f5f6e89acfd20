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

A limit of 0 has no significant digits, so for it ``digits`` counts decimal places instead:
when the convergents shrink towards 0 and |L| < 10^-digits is proven (an arb ball around 0)
or checked, the status is "converged", ``value`` is 0, ``is_zero`` is True and ``digits``
means |L| < 10^-digits (absolute, not relative; that L is exactly 0 is not proven).

>>> lim = limit(PCF("2n+1", "n^2"), digits=40)
>>> lim.status, lim.digits, lim.method
('converged', 40, 'arb')
>>> print(limit(PCF("n", "n^2 - 3n + 2"), digits=10))
terminating: b(1) = 0: the fraction stops at depth 0 (exact value 0, a rational number)
>>> print(limit(PCF("3n+1", "-2n^2"), digits=10))    # doctest: +ELLIPSIS
0 (|L| < 1e-10, proven by an arb ball, depth ...)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..errors import DomainError
from ._samples import (
    MAX_DIGITS,
    Sample,
    digits_from,
    log10_abs,
    log_b_sum,
    proven_digits,
    proven_zero,
    sample,
)
from .pcf import PCF

__all__ = ["MAX_DIGITS", "STATUSES", "Limit", "limit"]

STATUSES = ("converged", "divergent", "oscillating", "terminating", "inconclusive")


@dataclass(frozen=True)
class Limit:
    """The outcome of :func:`limit`: a value with its correct digits, or a status and reason.

    Attributes
    ----------
    value : mpmath.mpf or None
        The limit at a few digits beyond ``digits`` (None unless the status is "converged",
        or "inconclusive" with some digits reached).
    digits : int
        Significant digits claimed correct (0 when there is no value); for a zero limit
        (``is_zero``) the decimal places: |L| < 10^-digits.
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
    exact : Fraction or None
        For a "terminating" fraction with a finite value: that value exactly (the finite
        fraction's rational value; ``value`` stays None, it is not a limit).

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
    exact: Fraction | None = None

    @property
    def is_zero(self) -> bool:
        """True for a converged limit of 0 (then ``digits`` means |L| < 10^-digits).

        >>> PCF("3n+1", "-2n^2").limit(digits=10).is_zero, PCF(1, 1).limit(digits=5).is_zero
        (True, False)
        """
        return self.status == "converged" and self.value is not None and self.value == 0

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
        if self.is_zero:
            return "0"
        from mpmath import libmp

        return libmp.to_str(self.value._mpf_, self.digits, strip_zeros=False,
                            min_fixed=-20, max_fixed=max(30, self.digits + 2))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the value as decimal text).

        ``exact`` is the terminating value as a fraction string ("3/2"), else None; ``zero``
        says ``digits`` are decimal places (|L| < 10^-digits).

        >>> sorted(PCF(1, 1).limit(digits=5).to_dict())   # doctest: +NORMALIZE_WHITESPACE
        ['depth', 'digits', 'exact', 'method', 'pcf', 'proven', 'reason', 'status', 'value',
         'zero']
        """
        return {"pcf": str(self.pcf) if self.pcf else None, "status": self.status,
                "value": self.as_decimal() or None, "digits": self.digits, "depth": self.depth,
                "method": self.method, "proven": self.proven, "reason": self.reason,
                "exact": None if self.exact is None else str(self.exact),
                "zero": self.is_zero}

    def __str__(self) -> str:
        if self.value is None or self.digits <= 0:
            return f"{self.status}: {self.reason}"
        how = "proven by an arb ball" if self.proven else "checked by consecutive convergents"
        if self.is_zero:
            return f"0 (|L| < 1e-{self.digits}, {how}, depth {self.depth})"
        text = f"{self.as_decimal()} ({self.digits} digits, {how}, depth {self.depth})"
        return text if self.status == "converged" else f"{self.status}: {text}; {self.reason}"


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
    from .exact import MAX_EXACT_DEPTH, advance, start_matrix

    if not isinstance(pcf, PCF):
        raise DomainError(f"limit needs a PCF, not {type(pcf).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise DomainError(f"digits {digits!r} is not a whole number")
    if not 1 <= digits <= MAX_DIGITS:
        raise DomainError(f"digits {digits} is outside 1 to {MAX_DIGITS}")
    if max_depth is None:
        max_depth = min(MAX_EXACT_DEPTH, 20 * digits + 2000)
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1:
        raise DomainError(f"max_depth {max_depth!r} is not a positive whole number")
    if max_depth > MAX_EXACT_DEPTH:
        raise DomainError(f"max_depth {max_depth} is above the limit {MAX_EXACT_DEPTH}")
    zero = _first_zero_of_b(pcf, max_depth)
    if zero is not None:
        value = pcf.convergents(zero - 1)[0]
        what = "value ∞ (q = 0)" if value is None else f"exact value {value}, a rational number"
        return Limit(None, 0, zero - 1, "terminating",
                     "consecutive convergents", f"b({zero}) = 0: the fraction stops at depth "
                     f"{zero - 1} ({what})", pcf, exact=value)

    try:
        import flint  # noqa: F401  (the arb balls need python-flint)
    except ImportError:  # pragma: no cover - depends on the optional extra
        cert = None
    else:
        cert = tail_certificate(pcf)
    dps = digits + 15
    want = -(digits + 1.0)  # log10 of the relative error aimed at (one guard digit)
    m, scale = start_matrix(pcf)
    log_scale = math.log10(scale)
    log_det = 2 * log10_abs(m[0])  # the start matrix [[d0, a0 d0], [0, d0]]
    done = 0
    samples: list[Sample] = []
    n = min(max_depth, 16)
    while True:
        m = advance(pcf, m, done + 1, n + 1, scale)
        # det M'_k = -D² b(k) (k ≥ 2), -D b(1): the exact determinant only in proven_digits
        log_det += log_b_sum(pcf, done + 1, n + 1) + log_scale * (2 * (n - done) - (done == 0))
        done = n
        s = sample(n, m, dps, log_det)
        samples.append(s)
        est = _estimate(samples)
        near = s.log_d - s.x <= -digits + 1 or n >= max_depth or est >= digits
        got, value = proven_digits(s, cert, digits) if cert is not None and near else (0, None)
        if got >= digits:  # an arb ball is tried only near the goal (it costs a division)
            return Limit(value, digits, n, "converged", "arb", "", pcf)
        if est >= digits:
            return Limit(s.approx, digits, n, "converged", "consecutive convergents", "", pcf)
        if s.x < -digits and s.log_d < -digits - 1:  # shrinking towards 0: decimal places
            at_zero = _zero_limit(pcf, samples, cert, digits)
            if at_zero is not None:
                return at_zero
        if n < max_depth and min(log10_abs(s.q), log10_abs(s.p1)) > 200 * digits + 10**6:
            return Limit(None, 0, n, "inconclusive", "consecutive convergents",
                         f"p_n and q_n passed {200 * digits + 10**6} digits by depth {n} "
                         f"without {digits} digits of the limit", pcf)
        if n >= max_depth:
            return _classify(pcf, samples, max(got, est), value if got >= est else s.approx,
                             "arb" if got >= est and got > 0 else "consecutive convergents",
                             digits, max_depth)
        n = min(max_depth, _next_depth(samples, want))


def _zero_limit(pcf: PCF, samples: list[Sample], cert: Any, digits: int) -> Limit | None:
    """A converged limit 0 with |L| < 10^-digits proven (arb) or checked, else None."""
    import mpmath

    s = samples[-1]
    if proven_zero(s, cert, digits):
        return Limit(mpmath.mpf(0), digits, s.depth, "converged", "arb", "", pcf)
    log_err = _log_err(samples)
    if log_err is not None and max(log_err, s.x) < -digits - 1:
        return Limit(mpmath.mpf(0), digits, s.depth, "converged", "consecutive convergents",
                     "", pcf)
    return None


def _estimate(samples: list[Sample]) -> int:
    """Checked digits at the last sample from the rate between the last two samples."""
    log_err = _log_err(samples)
    return 0 if log_err is None else digits_from(log_err, samples[-1].x)


def _log_err(samples: list[Sample]) -> float | None:
    """log10 of the checked error bound at the last sample, or None when not checked."""
    if len(samples) < 2:
        return None
    s, prev = samples[-1], samples[-2]
    if any(math.isnan(v) for v in (s.log_d, prev.log_d)):
        return None
    if s.log_d == -math.inf:  # equal consecutive convergents: no rate to judge by
        return None
    steps = s.depth - prev.depth
    slope = (s.log_d - prev.log_d) / steps  # log10 of the per-step ratio r
    if not slope < -1e-3:
        return None
    r = 10.0**slope
    log_err = 1 + s.log_d + math.log10(r / (1 - r))
    prev_err = 1 + prev.log_d + math.log10(r / (1 - r))
    # cross-check: the earlier convergent must be within its estimated error of the later one
    import mpmath

    with mpmath.workdps(20):
        diff = abs(s.approx - prev.approx)
        agree = diff == 0 or mpmath.log10(diff) <= prev_err + 1
    return log_err if agree else None


def _next_depth(samples: list[Sample], want: float) -> int:
    s = samples[-1]
    n = s.depth
    grow = 2 * n
    if len(samples) >= 2 and not math.isnan(s.log_d) and not math.isnan(samples[-2].log_d):
        prev = samples[-2]
        rate = (prev.log_d - s.log_d) / (n - prev.depth)  # digits gained per term
        if rate > 1e-3 and s.log_d != -math.inf:
            # relative goal; for convergents shrinking below 10^want, the absolute one
            aim = s.log_d - s.x if s.x > want else s.log_d - 0.5
            need = (aim - want) / rate
            grow = int(n + 1.03 * need + 4)
    grow = max(grow, n + max(4, n // 4))
    grow = min(grow, 4 * n + 8)
    return grow + (grow - n) % 2  # keep the parity, so even and odd convergents are compared


def _classify(pcf: PCF, samples: list[Sample], got: int, value: Any, method: str,
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
    if _unsettled(samples[-3:]):
        at = ", ".join(str(t.depth) for t in samples[-3:])
        return Limit(None, 0, n, "oscillating", method, "consecutive convergents still differ "
                     f"by more than 10% at each of the depths {at}: they do not settle", pcf)
    return Limit(None, 0, n, "inconclusive", method, f"no correct digit established by depth "
                 f"{max_depth} (convergence too slow or not seen)", pcf)



def _unsettled(last: list[Sample]) -> bool:
    """True when at each of three late depths n (the first ≥ 100), consecutive convergents
    differ by more than 10%: |x_n - x_(n-1)| > 0.1 (1 + |x_n|).

    A convergent sequence has |x_n - x_(n-1)| → 0; one that still jumps by order-one amounts
    at three depths spread over the run (each sample at least 1.25 times deeper) is reported
    as "oscillating" (not settling), a finite-depth observation like every status here.
    """
    if len(last) < 3 or last[0].depth < 100:
        return False
    for t in last:
        if math.isnan(t.log_d) or math.isnan(t.x):
            return False
        if t.log_d != math.inf and t.log_d <= math.log10(0.1) + max(0.0, t.x):
            return False
    return True
