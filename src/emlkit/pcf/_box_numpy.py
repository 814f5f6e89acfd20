"""The box loop of :mod:`emlkit.pcf._box_kernel` vectorised over all rows with NumPy (no numba).

Same limbs, same error bounds, same tests in the same order, one depth at a time for every
row still running; used by :func:`emlkit.pcf.box.evaluate_box` when numba is not installed.

>>> import numpy as np
>>> out = run(np.array([[1, 2]]), np.array([[0, 0, 1]]), 30, 200, np.array([2]))
>>> int(out[2][0]), int(out[3][0]), bool(out[5][0])
(30, 0, True)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["run"]

_BITS = 30
_TOP = 1 << _BITS
_LOG2_10 = math.log2(10.0)


def _norm(x: Any) -> None:
    for j in range(4):
        c = x[:, j] >> _BITS
        x[:, j] -= c << _BITS
        x[:, j + 1] += c


def _tofloat(x: Any) -> Any:
    v = np.zeros(x.shape[0])
    for j in range(4, -1, -1):
        v = v * 1073741824.0 + x[:, j].astype(np.float64)
    return v


def _todd(x: Any) -> tuple[Any, Any]:
    hi, lo = x[:, 4].astype(np.float64), np.zeros(x.shape[0])
    for j in range(3, -1, -1):
        hi, lo = hi * 1073741824.0, lo * 1073741824.0
        xj = x[:, j].astype(np.float64)
        s = hi + xj
        bb = s - hi
        err = (hi - (s - bb)) + (xj - bb)
        hi, lo = s, lo + err
        s = hi + lo
        lo = lo - (s - hi)
        hi = s
    return hi, lo


def _split(a: Any) -> tuple[Any, Any]:
    t = 134217729.0 * a
    hi = t - (t - a)
    return hi, a - hi


def _dd_div(ph: Any, pl: Any, qh: Any, ql: Any) -> tuple[Any, Any]:
    q1 = ph / qh
    t = q1 * qh
    ah, al = _split(q1)
    bh, bl = _split(qh)
    te = ((ah * bh - t) + ah * bl + al * bh) + al * bl
    r = ((ph - t) - te + pl) - q1 * ql
    q2 = r / qh
    s = q1 + q2
    return s, q2 - (s - q1)


def _pow2(e: Any) -> Any:
    with np.errstate(over="ignore", under="ignore"):
        return np.where(e > 1023.0, np.inf, np.where(e < -1074.0, 0.0,
                                                      np.exp2(np.clip(e, -1074.0, 1023.0))))


def _horner(c: Any, n: int) -> Any:
    acc = np.zeros(c.shape[0], np.int64)
    for j in range(c.shape[1] - 1, -1, -1):
        acc = acc * n + c[:, j]
    return acc


def _safe_depth(c: Any) -> Any:
    lo = np.zeros(c.shape[0], np.int64)
    hi = np.full(c.shape[0], 1 << 31, np.int64)
    absc = np.abs(c).astype(np.float64)
    while np.any(hi - lo > 1):
        mid = (lo + hi) // 2
        acc = np.zeros(c.shape[0])
        for j in range(c.shape[1] - 1, -1, -1):
            acc = acc * mid + absc[:, j]
        ok = acc < 2147483648.0
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    return lo


def _step(X1: Any, X: Any, E1: Any, E: Any, an: Any, bn: Any, up: float) -> tuple[Any, ...]:
    T = an[:, None] * X + bn[:, None] * X1
    _norm(T)
    with np.errstate(over="ignore", invalid="ignore"):  # inf once hopeless: no digits
        enew = (np.abs(an).astype(np.float64) * E + np.abs(bn).astype(np.float64) * E1) * up
    X1, X = X, T
    E1, E = E, enew
    shifts = np.zeros(X.shape[0], np.int64)
    need = (np.abs(X[:, 4]) >= _TOP) | (np.abs(X1[:, 4]) >= _TOP)
    while need.any():
        for Y in (X, X1):
            Z = Y[need]
            Z[:, :4] = Z[:, 1:]
            Z[:, 4] = 0
            c = Z[:, 3] >> _BITS
            Z[:, 3] -= c << _BITS
            Z[:, 4] = c
            Y[need] = Z
        E = np.where(need, E / 1073741824.0 + 1.0, E)
        E1 = np.where(need, E1 / 1073741824.0 + 1.0, E1)
        shifts += need
        need = (np.abs(X[:, 4]) >= _TOP) | (np.abs(X1[:, 4]) >= _TOP)
    return X1, X, E1, E, shifts


def run(A: Any, B: Any, target: int, max_depth: int, k0: Any) -> tuple[Any, ...]:
    """Evaluate the rows of A, B: (hi, lo, digits, status, depth, proven) arrays."""
    A = np.ascontiguousarray(A, np.int64)
    B = np.ascontiguousarray(B, np.int64)
    m = A.shape[0]
    hi_o, lo_o = np.full(m, np.nan), np.full(m, np.nan)
    dg_o, st_o = np.zeros(m, np.int16), np.full(m, 4, np.int8)
    dp_o, pv_o = np.zeros(m, np.int32), np.zeros(m, np.bool_)
    ids = np.arange(m)
    k0 = np.asarray(k0, np.int64)
    P1, P = np.zeros((m, 5), np.int64), np.zeros((m, 5), np.int64)
    Q1, Q = np.zeros((m, 5), np.int64), np.zeros((m, 5), np.int64)
    P1[:, 0] = 1
    P[:, 0] = A[:, 0]
    _norm(P)
    Q[:, 0] = 1
    z = np.zeros(m)
    EP1, EP, EQ1, EQ, logb = z.copy(), z.copy(), z.copy(), z.copy(), z.copy()
    ep, eq = np.zeros(m, np.int64), np.zeros(m, np.int64)
    hist = np.full((m, 17), np.nan)
    x_last, x_before = np.full(m, np.nan), np.full(m, np.nan)
    last = np.zeros(m, np.int64)
    digits = np.zeros(m, np.int64)
    safe = np.minimum(_safe_depth(A), _safe_depth(B))
    up = 1.0 + 2.0**-50
    state = [A, B, k0, safe, P1, P, Q1, Q, EP1, EP, EQ1, EQ, logb, ep, eq, hist, x_last,
             x_before, last, digits, ids]

    def finish(done: Any) -> None:
        """Rows in ``done`` leave the loop (their outputs are already written)."""
        nonlocal state
        keep = ~done
        state = [s[keep] for s in state]

    for n in range(1, max_depth + 1):
        if state[0].shape[0] == 0:
            break
        A, B, k0, safe = state[0], state[1], state[2], state[3]
        over = n > safe
        if over.any():
            idx = state[-1][over]
            st_o[idx], dp_o[idx] = 4, n - 1
            finish(over)
            A, B, k0 = state[0], state[1], state[2]
            if A.shape[0] == 0:
                break
        an, bn = _horner(A, n), _horner(B, n)
        zero = bn == 0
        if zero.any():
            idx = state[-1][zero]
            st_o[idx], dp_o[idx] = 3, n - 1
            finish(zero)
            A, B, k0 = state[0], state[1], state[2]
            an, bn = an[~zero], bn[~zero]
            if A.shape[0] == 0:
                break
        (_, _, _, _, P1, P, Q1, Q, EP1, EP, EQ1, EQ, logb, ep, eq, hist, x_last, x_before,
         last, digits, ids) = state
        P1, P, EP1, EP, sp = _step(P1, P, EP1, EP, an, bn, up)
        Q1, Q, EQ1, EQ, sq = _step(Q1, Q, EQ1, EQ, an, bn, up)
        ep, eq = ep + sp, eq + sq
        logb = logb + np.log2(np.abs(bn).astype(np.float64))
        state = [A, B, k0, state[3], P1, P, Q1, Q, EP1, EP, EQ1, EQ, logb, ep, eq, hist,
                 x_last, x_before, last, digits, ids]
        if n & 1 or n < 4:
            continue
        last[:] = n
        h0, h16 = n % 17, (n + 1) % 17
        qf, pf, q1f = _tofloat(Q), _tofloat(P), _tofloat(Q1)
        x_before[:] = x_last
        bad = (qf == 0.0) | (pf == 0.0) | (q1f == 0.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            lq = np.log2(np.abs(qf)) + _BITS * eq
            lp = np.log2(np.abs(pf)) + _BITS * ep
            lq1 = np.log2(np.abs(q1f)) + _BITS * eq
            hist[:, h0] = np.where(bad, np.nan, logb - lq - lq1)
            lx = lp - lq
            x_last[:] = np.where(bad, np.where(qf == 0.0, np.nan, 0.0),
                                 pf / qf * _pow2(_BITS * (ep - eq).astype(np.float64)))
            rel = EP / np.abs(pf) + EQ / np.abs(qf) + 2.0**-102
            kk = np.abs(k0)
            sign = np.where(k0 > 0, 1.0, -1.0)
            proven = (kk > 0) & (n + 1 >= kk) & (sign * qf * q1f > 0.0)
            h0v, h16v = hist[:, h0], hist[:, h16]
            slope = (h0v - h16v) / 16.0
            r = _pow2(slope)
            checked = ~np.isnan(h16v) & (h0v < h16v - 0.1)
            ltail = np.where(proven, h0v + 1e-9, np.where(
                checked, h0v + np.log2(r / (1.0 - r)) + _LOG2_10, np.inf))
            err = np.where(ltail < 1e300, _pow2(ltail - lx) + rel, np.inf)
            good = (err > 0) & (err < 1.0) & ~bad
            e10 = np.floor(lx / _LOG2_10)
            dd = e10 + 1 - np.ceil((np.log2(2.0 * err) + lx) / _LOG2_10 + 1e-9)
            digits[:] = np.where(bad, digits, np.where(good, dd, 0)).astype(np.int64)
        conv = ~bad & (digits >= target)
        if conv.any():
            ph, pl = _todd(P[conv])
            qh, ql = _todd(Q[conv])
            hv, lv = _dd_div(ph, pl, qh, ql)
            scale = _pow2(_BITS * (ep[conv] - eq[conv]).astype(np.float64))
            idx = ids[conv]
            hi_o[idx], lo_o[idx] = hv * scale, lv * scale
            dg_o[idx], st_o[idx], dp_o[idx], pv_o[idx] = target, 0, n, proven[conv]
        with np.errstate(divide="ignore", invalid="ignore"):
            stop = ~bad & ~conv & (digits > 0) & (ltail - lx < np.log2(rel) - 10.0)
            if n >= 48 and n % 16 == 0:
                need = n + (h0v - lx + target * _LOG2_10) / -slope
                late = ~bad & ~conv & ~np.isnan(h16v) & ((slope >= -1e-3) | (need > 2 * max_depth))
                stop |= late
        if stop.any() or conv.any():
            (A, B, k0, safe, P1, P, Q1, Q, EP1, EP, EQ1, EQ, logb, ep, eq, hist, x_last,
             x_before, last, digits, ids) = state
            if stop.any():
                _classify(stop, P1, Q1, ep, eq, hist, x_last, x_before, last, digits, ids,
                          hi_o, lo_o, dg_o, st_o, dp_o)
            keep = ~(stop | conv)
            state = [s[keep] for s in state]
    if state[0].shape[0]:
        (A, B, k0, safe, P1, P, Q1, Q, EP1, EP, EQ1, EQ, logb, ep, eq, hist, x_last, x_before,
         last, digits, ids) = state
        _classify(np.ones(A.shape[0], np.bool_), P1, Q1, ep, eq, hist, x_last, x_before, last,
                  digits, ids, hi_o, lo_o, dg_o, st_o, dp_o)
    return hi_o, lo_o, dg_o, st_o, dp_o, pv_o


def _classify(sel: Any, P1: Any, Q1: Any, ep: Any, eq: Any, hist: Any, x_last: Any,
              x_before: Any, last: Any, digits: Any, ids: Any, hi_o: Any, lo_o: Any, dg_o: Any,
              st_o: Any, dp_o: Any) -> None:
    """The end-of-loop statuses of the kernel, for the selected rows."""
    rows = np.nonzero(sel)[0]
    n = last[rows]
    q1f = _tofloat(Q1[rows])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x1 = _tofloat(P1[rows]) / q1f * _pow2(_BITS * (ep[rows] - eq[rows]).astype(np.float64))
        xl, xb = x_last[rows], x_before[rows]
        scale = 1.0 + np.abs(xl)
        osc = ((n > 0) & ~np.isnan(xl) & ~np.isnan(xb) & (q1f != 0.0)
               & (np.abs(xl - xb) < 1e-10 * scale) & (np.abs(xl - x1) > 1e-4 * scale))
        h0v = hist[rows, n % 17]
        h16v = hist[rows, (n + 1) % 17]
        div = ~osc & ~np.isnan(h0v) & ~np.isnan(h16v) & (h0v >= h16v - 1e-3)
    part = ~osc & ~div & (digits[rows] > 0)
    idx = ids[rows]
    st_o[idx] = np.where(osc, 2, np.where(div, 1, 4))
    dp_o[idx] = n
    hi_o[idx] = np.where(part, xl, np.nan)
    lo_o[idx] = np.where(part, 0.0, np.nan)
    dg_o[idx] = np.where(part, digits[rows], 0)
