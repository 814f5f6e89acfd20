"""The per-PCF loop of :func:`emlkit.pcf.box.evaluate_box`: 150-bit integer limbs and error bounds.

p_{n-1}, p_n (and q_{n-1}, q_n) are held as five signed 30-bit limbs of int64 with a shared
power-of-2^30 exponent. Each step p_n = a(n) p_{n-1} + b(n) p_{n-2} is exact integer
arithmetic; only when the top limb outgrows 2^30 are both numbers shifted right by 30 bits,
each shift truncating by less than one unit of the new lowest limb. A float64 bound on the
accumulated truncation error follows the same recurrence with absolute values (rounded up),
so the computed p_n, q_n carry proven error bounds. The module runs under numba when it is
installed (compiled once, cached on disk); :mod:`emlkit.pcf._box_numpy` is the same loop
vectorised with NumPy, used without numba (this module then still runs, as slow plain Python).

>>> import numpy as np
>>> out = run(np.array([[1, 2]]), np.array([[0, 0, 1]]), 30, 200, np.array([2]))
>>> int(out[2][0]), int(out[3][0]), bool(out[5][0])         # 30 digits, converged, proven
(30, 0, True)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["HAVE_NUMBA", "run"]

_BITS = 30
_MASK = (1 << _BITS) - 1
_TOP = 1 << _BITS
_LOG2_10 = math.log2(10.0)


def _norm(x: Any) -> None:
    """Carry the four low limbs into [0, 2^30); the top limb keeps the sign."""
    for j in range(4):
        c = x[j] >> _BITS
        x[j] -= c << _BITS
        x[j + 1] += c


def _shift(x: Any) -> None:
    """x // 2^30 (floor), limbs renormalised."""
    for j in range(4):
        x[j] = x[j + 1]
    x[4] = 0
    c = x[3] >> _BITS
    x[3] -= c << _BITS
    x[4] = c


def _tofloat(x: Any) -> float:
    v = 0.0
    for j in range(4, -1, -1):
        v = v * 1073741824.0 + float(x[j])
    return v


def _todd(x: Any) -> tuple[float, float]:
    """The limbs as a double-double (hi, lo), relative error below 2^-104."""
    hi, lo = float(x[4]), 0.0
    for j in range(3, -1, -1):
        hi, lo = hi * 1073741824.0, lo * 1073741824.0
        s = hi + float(x[j])  # two-sum of hi and the limb
        bb = s - hi
        err = (hi - (s - bb)) + (float(x[j]) - bb)
        hi, lo = s, lo + err
        s = hi + lo  # renormalise
        lo = lo - (s - hi)
        hi = s
    return hi, lo


def _split(a: float) -> tuple[float, float]:
    t = 134217729.0 * a
    hi = t - (t - a)
    return hi, a - hi


def _two_prod(a: float, b: float) -> tuple[float, float]:
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _dd_div(ph: float, pl: float, qh: float, ql: float) -> tuple[float, float]:
    q1 = ph / qh
    t, te = _two_prod(q1, qh)  # r = p - q1 * q
    r = ((ph - t) - te + pl) - q1 * ql
    q2 = r / qh
    s = q1 + q2
    return s, q2 - (s - q1)


def _pow2(e: float) -> float:
    """2**e, saturating to inf or 0 instead of raising (plain Python) or overflowing."""
    if e > 1023.0:
        return np.inf
    if e < -1074.0:
        return 0.0
    return 2.0**e


def _safe_depth(c: Any) -> int:
    """The largest n ≥ 0 with Σ |c_i| n^i < 2^31 (so every a(k), k ≤ n, fits the limbs)."""
    lo, hi = 0, 1 << 31
    while hi - lo > 1:
        mid = (lo + hi) // 2
        acc = 0.0
        for j in range(c.shape[0] - 1, -1, -1):
            acc = acc * mid + abs(float(c[j]))
        if acc < 2147483648.0:
            lo = mid
        else:
            hi = mid
    return lo


def _horner(c: Any, n: int) -> int:
    acc = 0
    for j in range(c.shape[0] - 1, -1, -1):
        acc = acc * n + c[j]
    return acc


def _step(X1: Any, X: Any, E1: float, E: float, an: int, bn: int, T: Any,
          up: float) -> tuple[float, float, int]:
    """X1, X <- X, an X + bn X1 exactly, then shifted; returns the new error bounds and shifts."""
    for j in range(5):
        T[j] = an * X[j] + bn * X1[j]
    _norm(T)
    enew = (float(abs(an)) * E + float(abs(bn)) * E1) * up  # inf once hopeless: no digits
    for j in range(5):
        X1[j] = X[j]
        X[j] = T[j]
    E1, E = E, enew
    shifts = 0
    while abs(X[4]) >= _TOP or abs(X1[4]) >= _TOP:
        _shift(X)
        _shift(X1)
        E = E / 1073741824.0 + 1.0
        E1 = E1 / 1073741824.0 + 1.0
        shifts += 1
    return E1, E, shifts


def _one(a: Any, b: Any, target: int, max_depth: int, k0: int, P1: Any, P: Any, Q1: Any, Q: Any,
         T: Any, hist: Any) -> tuple[float, float, int, int, int, bool]:
    """(hi, lo, digits, status, depth, proven) for one PCF; status codes as in box.STATUS.

    The stopping tests run at even depths only (``hist`` keeps log2 d_n by depth mod 17).
    """
    for j in range(5):
        P1[j] = 0
        P[j] = 0
        Q1[j] = 0
        Q[j] = 0
    for j in range(17):
        hist[j] = np.nan
    P1[0] = 1
    P[0] = a[0]
    _norm(P)
    Q[0] = 1
    ep = 0
    eq = 0
    EP1 = 0.0
    EP = 0.0
    EQ1 = 0.0
    EQ = 0.0
    up = 1.0 + 2.0**-50
    logb = 0.0
    x_last = np.nan  # x at the last test and at the one before (two depths earlier)
    x_before = np.nan
    last = 0
    digits = 0
    kk = abs(k0)
    sign = 1.0 if k0 > 0 else -1.0
    safe = min(_safe_depth(a), _safe_depth(b))  # beyond it a term could overflow the limbs
    for n in range(1, max_depth + 1):
        if n > safe:
            return np.nan, np.nan, 0, 4, n - 1, False
        an = _horner(a, n)
        bn = _horner(b, n)
        if bn == 0:
            return np.nan, np.nan, 0, 3, n - 1, False
        EP1, EP, sp = _step(P1, P, EP1, EP, an, bn, T, up)
        EQ1, EQ, sq = _step(Q1, Q, EQ1, EQ, an, bn, T, up)
        ep += sp
        eq += sq
        logb += math.log2(abs(bn))
        if n & 1 or n < 4:
            continue
        last = n
        h0 = n % 17  # ring buffer: hist[h0] is depth n, hist[h16] depth n - 16
        h16 = (n + 1) % 17
        qf = _tofloat(Q)
        pf = _tofloat(P)
        q1f = _tofloat(Q1)
        x_before = x_last
        if qf == 0.0 or pf == 0.0 or q1f == 0.0:
            hist[h0] = np.nan
            x_last = np.nan if qf == 0.0 else 0.0
            continue
        lq = math.log2(abs(qf)) + _BITS * eq
        lp = math.log2(abs(pf)) + _BITS * ep
        lq1 = math.log2(abs(q1f)) + _BITS * eq
        hist[h0] = logb - lq - lq1  # log2 |x_n - x_{n-1}| from the exact determinant
        lx = lp - lq
        x_last = pf / qf * _pow2(_BITS * (ep - eq))
        # rounding: relative errors of p_n and q_n, plus the double-double conversions
        rel = EP / abs(pf) + EQ / abs(qf) + 2.0**-102
        proven = kk > 0 and n + 1 >= kk and sign * qf * q1f > 0.0
        if proven:
            ltail = hist[h0] + 1e-9
        elif not math.isnan(hist[h16]) and hist[h0] < hist[h16] - 0.1:
            slope = (hist[h0] - hist[h16]) / 16.0
            r = _pow2(slope)
            ltail = hist[h0] + math.log2(r / (1.0 - r)) + _LOG2_10
        else:
            ltail = np.inf
        err = _pow2(ltail - lx) + rel if ltail < 1e300 else np.inf
        if err > 0 and err < 1.0:
            e10 = math.floor(lx / _LOG2_10)
            digits = int(e10 + 1 - math.ceil((math.log2(2.0 * err) + lx) / _LOG2_10 + 1e-9))
        else:
            digits = 0
        if digits >= target:
            ph, pl = _todd(P)
            qh, ql = _todd(Q)
            hi, lo = _dd_div(ph, pl, qh, ql)
            scale = _pow2(_BITS * (ep - eq))
            return hi * scale, lo * scale, target, 0, n, proven
        if digits > 0 and ltail - lx < math.log2(rel) - 10.0:
            break  # the truncation is negligible: more depth cannot add digits
        if n >= 48 and n % 16 == 0 and not math.isnan(hist[h16]):
            slope = (hist[h0] - hist[h16]) / 16.0  # log2 of the per-step ratio
            if slope >= -1e-3:  # no longer converging
                break
            need = n + (hist[h0] - lx + target * _LOG2_10) / -slope
            if need > 2 * max_depth:
                break
    # not converged: classify at the last test depth
    n = last
    q1f = _tofloat(Q1)
    if n > 0 and not math.isnan(x_last) and not math.isnan(x_before) and q1f != 0.0:
        x1 = _tofloat(P1) / q1f * _pow2(_BITS * (ep - eq))
        scale = 1.0 + abs(x_last)
        if abs(x_last - x_before) < 1e-10 * scale and abs(x_last - x1) > 1e-4 * scale:
            return np.nan, np.nan, 0, 2, n, False
    h0, h16 = n % 17, (n + 1) % 17
    if not math.isnan(hist[h0]) and not math.isnan(hist[h16]) and hist[h0] >= hist[h16] - 1e-3:
        return np.nan, np.nan, 0, 1, n, False
    if digits > 0:
        return x_last, 0.0, digits, 4, n, False
    return np.nan, np.nan, 0, 4, n, False


def _all(A: Any, B: Any, target: int, max_depth: int, k0: Any, hi: Any, lo: Any, dg: Any,
         st: Any, dp: Any, pv: Any) -> None:
    P1 = np.zeros(5, np.int64)
    P = np.zeros(5, np.int64)
    Q1 = np.zeros(5, np.int64)
    Q = np.zeros(5, np.int64)
    T = np.zeros(5, np.int64)
    hist = np.empty(17)
    for i in range(A.shape[0]):
        h, lw, d, s, n, p = _one(A[i], B[i], target, max_depth, k0[i], P1, P, Q1, Q, T, hist)
        hi[i] = h
        lo[i] = lw
        dg[i] = d
        st[i] = s
        dp[i] = n
        pv[i] = p


try:  # compile with numba when it is there
    import numba as _nb

    for _name in ("_norm", "_shift", "_tofloat", "_todd", "_split", "_two_prod", "_dd_div",
                  "_pow2", "_safe_depth", "_horner", "_step", "_one", "_all"):
        globals()[_name] = _nb.njit(cache=True, nogil=True)(globals()[_name])
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - numba is optional
    HAVE_NUMBA = False


def run(A: Any, B: Any, target: int, max_depth: int, k0: Any) -> tuple[Any, ...]:
    """Evaluate the rows of A, B: (hi, lo, digits, status, depth, proven) arrays.

    ``k0[i]``: row i has a proven positive tail after depth |k0[i]| - 1, with a(k) of the sign
    of k0[i] (0: no certificate).
    """
    m = A.shape[0]
    hi = np.empty(m)
    lo = np.empty(m)
    dg = np.empty(m, np.int16)
    st = np.empty(m, np.int8)
    dp = np.empty(m, np.int32)
    pv = np.empty(m, np.bool_)
    _all(np.ascontiguousarray(A, np.int64), np.ascontiguousarray(B, np.int64), int(target),
         int(max_depth), np.ascontiguousarray(k0, np.int64), hi, lo, dg, st, dp, pv)
    return hi, lo, dg, st, dp, pv
