"""Convergence dynamics of a PCF: naive and reduced δ, rates, fits, eigenvalues, predicted δ.

For the convergents ``p_n/q_n`` of a PCF with limit ``L`` the irrationality exponent δ at
depth n is defined by ``|L - p_n/q_n| = q^-(1 + δ)``; *naive* δ uses ``q = q_n`` and the
reduced (“blind”) δ uses ``q = q_n / gcd(p_n, q_n)``. A positive limit of the reduced δ
proves ``L`` irrational with irrationality measure at most ``1 + 1/δ``. ``L`` is taken from
the convergent at twice the depth (exactly, as a rational), as ramanujantools does.

Fits (least squares over sampled depths, with their root-mean-square residuals):
``ln q̃_n ≈ c n + d n ln n + e``, ``ln gcd_n ≈ c_g n + d_g n ln n + e_g`` and
``ln|L - p_n/q_n| ≈ β ln n + γ n + η n ln n + ζ``. The characteristic polynomial
``x² - a(n) x - b(n)`` gives ``ln|λ₊/λ₋|`` at large n (the error shrinks by that factor per
term) and the predicted δ ``-1 + Σ_{k ≤ n} ln|λ₊(k)/λ₋(k)| / ln q̃_n``.

>>> d = dynamics(PCF("34n^3+51n^2+27n+5", "-n^6"), depth=100)      # Apéry, 6/zeta(3)
>>> round(d.delta, 3), round(d.predicted_delta, 3), d.convergence, d.factorial_reduction
(0.122, 0.145, 'exponential', True)
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any

from ..errors import DomainError
from ._dynamics_record import Dynamics
from .pcf import PCF

__all__ = ["Dynamics", "dynamics", "eigenvalue_ratio"]

_LN10 = math.log(10)
#: Fewest checked digits of the limit for which an irrationality bound is reported: with fewer,
#: a rational limit (PCF(1, -1/4) = 1/2 after 2000 terms has 3) cannot be told from another.
MIN_BOUND_DIGITS = 10


def _lead(coeffs: tuple[Any, ...]) -> tuple[int, float]:
    deg = len(coeffs) - 1
    while deg > 0 and coeffs[deg] == 0:
        deg -= 1
    return deg, float(coeffs[deg])


def eigenvalue_ratio(a: Any, b: Any, n: float) -> float:
    """``ln|λ₊/λ₋|`` for the roots of ``x² - a x - b`` (0 when the moduli are equal).

    Examples
    --------
    >>> round(eigenvalue_ratio(34, -1, 1), 6), round(8 * math.log(1 + math.sqrt(2)), 6)
    (7.050989, 7.050989)
    >>> eigenvalue_ratio(1, -1, 1)        # complex roots of equal modulus
    0.0
    """
    a, b = float(a), float(b)
    disc = a * a + 4 * b
    if disc < 0:
        return 0.0
    if b == 0:
        return math.inf
    r = math.sqrt(disc)
    big, small = abs(a) + r, abs(abs(a) - r)
    if small == 0:
        return math.inf if disc > 0 else 0.0
    # |λ₊ / λ₋| = (|a| + r) / ||a| - r|; stable form ||a| - r| = 4|b| / (|a| + r)
    small = 4 * abs(b) / big
    return math.log(big / small) if big > small else math.log(small / big)


def _eigen_case(pcf: PCF) -> tuple[str, float | None]:
    da, la = _lead(pcf.a.coeffs) if pcf.a.coeffs else (0, 0.0)
    db, lb = _lead(pcf.b.coeffs) if pcf.b.coeffs else (0, 0.0)
    if la == 0 or db < 2 * da:
        return "a dominates", None
    if db > 2 * da:
        return "b dominates", None
    disc = la * la + 4 * lb
    if disc > 0:
        return "distinct real", eigenvalue_ratio(la, lb, 1)
    if disc == 0:
        return "double root", None
    return "complex", None


def _fit(xs: list[list[float]], ys: list[float]) -> tuple[float, ...]:
    import numpy as np

    a = np.array(xs, dtype=float)
    y = np.array(ys, dtype=float)
    scale = np.abs(a).max(axis=0)
    scale[scale == 0] = 1
    coef, *_ = np.linalg.lstsq(a / scale, y, rcond=None)
    coef = coef / scale
    rms = float(np.sqrt(np.mean((a @ coef - y) ** 2))) if len(y) else 0.0
    return (*(float(c) for c in coef), rms)


def _log_abs(x: Any) -> float:
    """ln|x| of a (big) integer, Python int or flint fmpz."""
    x = abs(x)
    bits = x.bit_length()
    if bits < 1000:
        return math.log(int(x))
    shift = bits - 64
    return math.log(int(x >> shift)) + shift * math.log(2)


def _big_int() -> Any:
    try:
        from flint import fmpz
    except ImportError:  # pragma: no cover - depends on the optional extra
        return int, math.gcd
    return fmpz, lambda x, y: x.gcd(y)


def _measure_bound(delta: float | None) -> float | None:
    """``1 + 1/δ`` for δ > 0, never below 2: every irrational number has measure at least 2.

    A measured δ slightly above 1 (finite depth) would otherwise claim a measure below 2.

    >>> _measure_bound(0.5), _measure_bound(1.004), _measure_bound(-0.2)
    (3.0, 2.0, None)
    """
    if delta is None or delta <= 0:
        return None
    return max(2.0, 1 + 1 / delta)


def dynamics(pcf: PCF, depth: int = 1000, limit: Any = None, samples: int = 48) -> Dynamics:
    """Convergence dynamics of ``pcf`` at ``depth`` (see the module docstring for definitions).

    Parameters
    ----------
    pcf : PCF
    depth : int
        Depth N of δ and the last sampled depth (default 1000, at least 8).
    limit : optional
        The limit L (mpmath mpf, Fraction, or anything with ``.value`` such as a ``Limit``);
        by default the exact convergent at depth 2N.
    samples : int
        How many depths (evenly spaced from N/10 to N) carry a gcd and enter the fits.

    Returns
    -------
    Dynamics

    Raises
    ------
    DomainError
        A depth or sample count out of range.

    Examples
    --------
    >>> d = dynamics(PCF("2n+1", "n^2"), depth=100)       # 4/pi
    >>> round(d.delta, 3), d.convergence, round(d.digits_per_term, 3), d.eigen_case
    (-0.161, 'exponential', 0.766, 'distinct real')
    >>> dynamics(PCF("n+1", "3-n"), depth=20).status       # b(3) = 0
    'terminating'
    """
    if not isinstance(pcf, PCF):
        raise DomainError(f"dynamics needs a PCF, got {type(pcf).__name__}")
    if not isinstance(depth, int) or isinstance(depth, bool) or not 8 <= depth <= 1_000_000:
        raise DomainError(f"depth must be a whole number from 8 to 1000000, got {depth!r}")
    if not isinstance(samples, int) or isinstance(samples, bool) or not 4 <= samples <= 10_000:
        raise DomainError(f"samples must be a whole number from 4 to 10000, got {samples!r}")
    from .exact import pq, pq_sequence

    big = 2 * depth
    case, ratio_limit = _eigen_case(pcf)
    if _has_zero_b(pcf, big):
        return Dynamics(pcf, depth, "terminating", eigen_case=case)
    big_int, big_gcd = _big_int()
    _, pl, _, ql = pq(pcf, big)
    pl, ql = big_int(int(pl)), big_int(int(ql))
    lo = max(1, depth // 10)
    want = sorted({lo + round(i * (depth - lo) / (samples - 1)) for i in range(samples)})
    ns: list[int] = []
    rows: list[tuple[int, int, int]] = []
    mid = None
    wanted = set(want)
    for n, (p, q) in enumerate(_steps(pcf, depth, big_int, pq_sequence)):
        if n == depth // 2:
            mid = (p, q)
        if n in wanted:
            ns.append(n)
            rows.append((p, q, big_gcd(p, q)))
    p_n, q_n = rows[-1][0], rows[-1][1]
    if ql == 0 or q_n == 0 or mid is None or mid[1] == 0:
        return Dynamics(pcf, depth, "undefined", limit_depth=big, eigen_case=case)
    import mpmath

    # how far the convergents have settled: |x_2N - x_N| against |x_N - x_{N/2}|
    step_far = _log_abs_diff(pl, ql, p_n, q_n)
    step_near = _log_abs_diff(p_n, q_n, *mid)
    prec_bits = max(64, int(-step_far / math.log(2)) + 64) if step_far > -math.inf else 4096
    with mpmath.workprec(prec_bits):
        lval = mpmath.mpf(int(pl)) / int(ql) if limit is None else _as_mpf(limit)
    log_l = math.log(abs(float(lval))) if lval != 0 else 0.0
    lim_digits = max(0, int((log_l - step_far) / _LN10)) if step_far > -math.inf else 10 ** 6
    if not step_far < step_near - math.log(1.5):
        return Dynamics(pcf, depth, "divergent", limit_depth=big, eigen_case=case)
    rational = _rational(pl, ql, step_far)
    # errors |L - p_n/q_n| exactly against the depth-2N convergent (or the given limit)
    ln_err, ln_q, ln_red, ln_g = [], [], [], []
    for p, q, g in rows:
        if limit is None:
            num = pl * q - p * ql
            e = -math.inf if num == 0 else _log_abs(num) - _log_abs(ql) - _log_abs(q)
        else:
            with mpmath.workprec(prec_bits):
                diff = abs(lval - mpmath.mpf(int(p)) / int(q))
                e = -math.inf if diff == 0 else float(mpmath.log(diff))
        ln_err.append(e)
        ln_q.append(_log_abs(q))
        ln_g.append(_log_abs(g) if g > 1 else 0.0)
        ln_red.append(ln_q[-1] - ln_g[-1])
    if not _settling(ln_err):
        return Dynamics(pcf, depth, "divergent", limit_depth=big, eigen_case=case)
    deltas = tuple(_delta(e, r) for e, r in zip(ln_err, ln_red))
    naive = tuple(_delta(e, r) for e, r in zip(ln_err, ln_q))
    finite = [i for i, e in enumerate(ln_err) if e > -math.inf]
    # fits on the sampled depths (the last one is excluded from the error fit: L is from 2N)
    basis = [[n, n * math.log(n), 1.0] for n in ns]
    q_fit = _fit(basis, ln_red)
    gcd_fit = _fit(basis, ln_g)
    eb = [[math.log(ns[i]), ns[i], ns[i] * math.log(ns[i]), 1.0] for i in finite]
    error_fit = _fit(eb, [ln_err[i] for i in finite]) if len(finite) >= 4 else (0.0,) * 5
    half = [i for i in finite if ns[i] >= ns[-1] / 2]
    dpt = None
    if len(half) >= 2:
        i, j = half[0], half[-1]
        dpt = (ln_err[i] - ln_err[j]) / (ns[j] - ns[i]) / _LN10
    convergence = _classify(error_fit, dpt)
    factorial = gcd_fit[1] >= 0.5 and gcd_fit[3] < 0.05 * max(1.0, abs(ln_g[-1]))
    ratio_n = eigenvalue_ratio(pcf.a(depth), pcf.b(depth), depth)
    # cumulative sum of ln|l+/l-| up to each sampled depth
    sums, acc, k = [], 0.0, 0
    for n in ns:
        while k < n:
            k += 1
            acc += eigenvalue_ratio(pcf.a(k), pcf.b(k), k)
        sums.append(acc)
    back = [i for i, n in enumerate(ns) if n >= ns[-1] / 2]
    preds = [-1 + sums[i] / ln_red[i] for i in back if ln_red[i] > 0 and math.isfinite(sums[i])]
    predicted = sum(preds) / len(preds) if len(preds) == len(back) else None
    tail = [deltas[i] for i in back if math.isfinite(deltas[i])]
    mean = sum(tail) / len(tail) if len(tail) == len(back) else None
    delta = deltas[-1] if math.isfinite(deltas[-1]) else None
    return Dynamics(
        pcf, depth, "converged", lval, big, lim_digits, rational,
        delta, naive[-1] if math.isfinite(naive[-1]) else None, mean, tuple(ns), deltas, naive,
        _measure_bound(delta) if lim_digits >= MIN_BOUND_DIGITS else None, dpt, convergence,
        q_fit, gcd_fit, error_fit, factorial,
        ratio_n if math.isfinite(ratio_n) else None, ratio_limit, case, predicted)


def _has_zero_b(pcf: PCF, big: int) -> bool:
    """Whether b(n) = 0 for an integer 1 ≤ n ≤ big (from the integer roots of b)."""
    coeffs = [Fraction(c) for c in pcf.b.coeffs]
    if not any(coeffs):
        return True
    if len(coeffs) == 1:
        return False
    import sympy

    n = sympy.Symbol("n")
    poly = sympy.Poly([sympy.Rational(c.numerator, c.denominator) for c in reversed(coeffs)], n)
    return any(r.is_integer and 1 <= r <= big for r in poly.ground_roots())


def _settling(ln_err: list[float]) -> bool:
    """Whether |L - x_n| trends down over the samples (not a wandering, divergent sequence):
    the last quarter lies clearly below the second quarter and at least half the steps of
    the second half go down."""
    m = len(ln_err)
    q2 = [e for e in ln_err[m // 4: m // 2] if e > -math.inf]
    q4 = [e for e in ln_err[3 * m // 4: -1] if e > -math.inf]
    if not q2 or not q4:
        return True                          # exact hits: the convergents reached the limit
    if sum(q4) / len(q4) > sum(q2) / len(q2) - math.log(1.5):
        return False
    half = ln_err[m // 2: -1]
    downs = sum(1 for x, y in itertools.pairwise(half) if y <= x)
    return downs >= (len(half) - 1) / 2


def _log_abs_diff(p1: int, q1: int, p2: int, q2: int) -> float:
    num = p1 * q2 - p2 * q1
    if num == 0:
        return -math.inf
    return _log_abs(num) - _log_abs(q1) - _log_abs(q2)


def _delta(ln_err: float, ln_q: float) -> float:
    if ln_q <= 0:
        return math.nan
    if ln_err == -math.inf:
        return math.inf
    return -1 - ln_err / ln_q


def _steps(pcf: PCF, depth: int, big_int: Any, pq_sequence: Any) -> Any:
    """(p_n, q_n) for n = 0..depth: an fmpz loop for integer PCFs, else A's pq_sequence."""
    coeffs = (*pcf.a.coeffs, *pcf.b.coeffs)
    if not all(Fraction(c).denominator == 1 for c in coeffs):
        for _, p, _, q in pq_sequence(pcf, depth):
            yield big_int(p), big_int(q)
        return
    ca = [int(c) for c in pcf.a.coeffs] or [0]
    cb = [int(c) for c in pcf.b.coeffs] or [0]

    def ev(cs: list[int], n: int) -> int:
        out = 0
        for c in reversed(cs):
            out = out * n + c
        return out

    p0, p1, q0, q1 = big_int(1), big_int(ev(ca, 0)), big_int(0), big_int(1)
    yield p1, q1
    for n in range(1, depth + 1):
        an, bn = ev(ca, n), ev(cb, n)
        p0, p1 = p1, an * p1 + bn * p0
        q0, q1 = q1, an * q1 + bn * q0
        yield p1, q1


def _rational(p: Any, q: Any, log_step: float) -> Fraction | None:
    """A rational with denominator ≤ 10^6 equal to p/q within the convergence error."""
    if log_step > -30 * _LN10:
        return None
    # continued fraction of p/q until the convergent denominators pass 10^6 (no huge gcd)
    num, den = int(p), int(q)
    if den < 0:
        num, den = -num, -den
    h0, h1, k0, k1 = 0, 1, 1, 0
    best = None
    while den:
        t, r = divmod(num, den)
        h0, h1, k0, k1 = h1, t * h1 + h0, k1, t * k1 + k0
        if k1 > 10 ** 6:
            break
        best = (h1, k1)
        num, den = den, r
    if best is None:
        return None
    h, k = best
    gap = _log_abs_diff(p, q, h, k)
    return Fraction(h, k) if gap < log_step + 2 else None


def _classify(error_fit: tuple[float, ...], dpt: float | None) -> str:
    """Factorial when the n ln n term of the error fit is clearly negative, exponential when
    the digits per term stay bounded away from zero, sub-exponential otherwise."""
    _, gamma, eta, _, _ = error_fit
    if eta < -0.05:
        return "factorial"
    if dpt is not None and (dpt > 0.05 or gamma < -0.05 * _LN10):
        return "exponential"
    return "sub-exponential"


def _as_mpf(limit: Any) -> Any:
    import mpmath

    value = getattr(limit, "value", limit)
    if value is None:
        raise DomainError("the given limit has no value")
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    try:
        return mpmath.mpf(value)
    except (TypeError, ValueError):
        raise DomainError(f"cannot read the limit {limit!r} as a number") from None
