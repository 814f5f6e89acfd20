"""Derive the float64 range of a compiled basis function from measured errors (accuracy_map).

Input: the points (a tuple of complex128 arrays, one per argument) and, per point, the worst
error over the float64 targets relative to the natural scale (``inf`` where a target is wrong,
NaN where the reference has no finite value and no target is wrong: such points are neutral).
A point is *good* at error ≤ ``tol``. Every bound below is a measured good point, rounded
inwards to two significant digits, so a stated range only ever contains measured good points
between measured good points.

* unary, real axis: the maximal runs of good values along the real line (both signed zeros of
  the imaginary part at a value must be good), at least three values long, or the value 0;
* unary, non-real points: the longest run of good points in the order of ``|z|``, as a box
  ``abs_min ≤ |z| ≤ abs_max``, ``|Im z| ≤ im_max``;
* binary: per argument a magnitude interval of bins (a decade wide within 1e-20…1e20, ten
  decades outside) and a lower bound on ``max(|x|, |y|)``, chosen to cover the most points with
  no bad one; separately for real pairs and for pairs of non-real values.
"""

from __future__ import annotations

import itertools
import math

import numpy as np


def round_in(v: float, up: bool) -> float:
    """``v`` rounded to two significant digits, upwards (``up``) or downwards."""
    if v == 0 or math.isinf(v) or abs(v) < 1e-290:
        return float(v)
    e = math.floor(math.log10(abs(v)))
    q = v / 10.0 ** e * 10
    k = math.ceil(q - 1e-9) if up else math.floor(q + 1e-9)
    out = float(f"{k}e{e - 1}")  # decimal, so the bound prints as it is (1.6e-05)
    # never outside the measured point
    return float(max(out, v) if up else min(out, v))


def _runs(good: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each maximal run of True."""
    out, start = [], None
    for i, g in enumerate(good.tolist() + [False]):
        if g and start is None:
            start = i
        elif not g and start is not None:
            out.append((start, i - 1))
            start = None
    return out


def _bad(err: np.ndarray, tol: float) -> np.ndarray:
    return np.nan_to_num(err, nan=0.0) > tol


def unary(z: np.ndarray, err: np.ndarray, tol: float) -> dict:
    """The range of one argument from its points and errors (module notes)."""
    bad = _bad(err, tol)
    real = (z.imag == 0) & ~np.isnan(z.real)
    vals, inv = np.unique(z.real[real], return_inverse=True)
    vbad = np.bincount(inv, weights=bad[real], minlength=len(vals)) > 0
    measured = np.bincount(inv, weights=~np.isnan(err[real]), minlength=len(vals)) > 0
    intervals = []
    for a, b in _runs(~vbad):
        lo, hi = float(vals[a]), float(vals[b])
        n_measured = int(measured[a:b + 1].sum())
        if n_measured < 3 and not (lo == 0 == hi and n_measured):
            continue  # too few values, or only values that are not finite
        if lo * hi > 0 and max(abs(lo), abs(hi)) < 10 * min(abs(lo), abs(hi)):
            continue  # a short run between bad values (tan at 1e277): not a range to state
        lo, hi = round_in(lo, up=True), round_in(hi, up=False)
        if lo <= hi:
            intervals.append([lo, hi])
    out: dict = {"real": intervals}
    cplx = (z.imag != 0) & np.isfinite(z)
    if cplx.any():
        mags, cinv = np.unique(np.abs(z[cplx]), return_inverse=True)
        mbad = np.bincount(cinv, weights=bad[cplx], minlength=len(mags)) > 0
        counts = np.bincount(cinv, minlength=len(mags))
        best = max(_runs(~mbad), key=lambda r: counts[r[0]:r[1] + 1].sum(), default=None)
        if best is not None and counts[best[0]:best[1] + 1].sum() >= 20:
            lo, hi = float(mags[best[0]]), float(mags[best[1]])
            inside = cplx & (np.abs(z) >= lo) & (np.abs(z) <= hi)
            out["complex"] = {"abs_min": round_in(lo, True), "abs_max": round_in(hi, False),
                              "im_max": round_in(float(np.abs(z.imag[inside]).max()), False)}
    return out


# ten-decade bins, one-decade bins for 1e-20…1e20 (where the limits of the forms lie)
_EDGES = np.concatenate([10.0 ** np.arange(-320, -20, 10), 10.0 ** np.arange(-20, 20),
                         10.0 ** np.arange(20, 310, 10)])
#: the lower bound on max(|x|, |y|) is looked for below this magnitude only
_SCALE_MAX = 1e4


def _bin(m: np.ndarray) -> np.ndarray:
    b = np.searchsorted(_EDGES, m, side="right") + 1
    return np.where(m == 0, 0, np.where(np.isinf(m), len(_EDGES) + 2, b))


def _rect(p: np.ndarray, i1, i2, j1, j2):
    """Sum over cells [i1..i2] × [j1..j2] from the 2-D prefix sums ``p`` (j vectorised)."""
    return p[i2 + 1, j2 + 1] - p[i1, j2 + 1] - p[i2 + 1, j1] + p[i1, j1]


def _best_box(mx: np.ndarray, my: np.ndarray, bad: np.ndarray):
    """Bins (i1, i2, j1, j2, k) covering the most points with no bad one: |x| in bins i1..i2,
    |y| in j1..j2, and max bin ≥ k. Returns None when no point is good."""
    bx, by = _bin(mx), _bin(my)
    axis = np.unique(np.concatenate([bx, by]))
    ix, iy = np.searchsorted(axis, bx), np.searchsorted(axis, by)
    n = len(axis)
    tot = np.zeros((n + 1, n + 1))
    nbad = np.zeros((n + 1, n + 1))
    np.add.at(tot, (ix + 1, iy + 1), 1)
    np.add.at(nbad, (ix + 1, iy + 1), bad.astype(float))
    pt, pb = tot.cumsum(0).cumsum(1), nbad.cumsum(0).cumsum(1)
    jj = np.array(list(itertools.combinations_with_replacement(range(n), 2)))
    j1, j2 = jj[:, 0], jj[:, 1]
    best, best_cov = None, 0.0
    k_max = int(np.searchsorted(axis, _bin(np.array([_SCALE_MAX]))[0]))
    for k in range(min(n, k_max + 1)):
        for i1, i2 in itertools.combinations_with_replacement(range(n), 2):
            cov = _rect(pt, i1, i2, j1, j2)
            nb = _rect(pb, i1, i2, j1, j2)
            if k > 0 and i1 < k:  # drop the cells with both bins below k
                a2, b2 = min(i2, k - 1), np.minimum(j2, k - 1)
                sub = j1 < k
                cov = cov - np.where(sub, _rect(pt, i1, a2, j1, b2), 0)
                nb = nb - np.where(sub, _rect(pb, i1, a2, j1, b2), 0)
            ok = np.flatnonzero(nb == 0)
            if ok.size:
                m = ok[np.argmax(cov[ok])]
                if cov[m] > best_cov:
                    best_cov, best = cov[m], (i1, i2, int(j1[m]), int(j2[m]), k)
    if best is None:
        return None
    i1, i2, j1_, j2_, k = best
    return (ix >= i1) & (ix <= i2) & (iy >= j1_) & (iy <= j2_) & (np.maximum(ix, iy) >= k), k > 0


def _magnitude_range(m: np.ndarray) -> tuple[float, float]:
    return round_in(float(m.min()), True), round_in(float(m.max()), False)


def binary(x: np.ndarray, y: np.ndarray, err: np.ndarray, tol: float) -> dict:
    """The range of a binary function (module notes): two argument ranges and min_scale."""
    bad = _bad(err, tol)
    real = (x.imag == 0) & (y.imag == 0) & ~np.isnan(x.real) & ~np.isnan(y.real)
    cplx = (x.imag != 0) & (y.imag != 0) & np.isfinite(x) & np.isfinite(y)
    args: list[dict] = [{"real": []}, {"real": []}]
    scales = {"min_scale": 0.0, "min_scale_complex": 0.0}
    for key, cls in (("min_scale", real), ("min_scale_complex", cplx)):
        if not cls.any():
            continue
        mx, my = np.abs(x[cls]), np.abs(y[cls])
        found = _best_box(mx, my, bad[cls])
        if found is None:
            continue
        inside, scaled = found
        if scaled:
            scales[key] = round_in(float(np.maximum(mx, my)[inside].min()), True)
        for a, (m, v) in enumerate(((mx, x[cls]), (my, y[cls]))):
            lo, hi = _magnitude_range(m[inside])
            if cls is real:
                args[a]["real"] = [[-hi, hi]] if lo == 0 else [[-hi, -lo], [lo, hi]]
            else:
                im = round_in(float(np.abs(v.imag[inside]).max()), False)
                args[a]["complex"] = {"abs_min": lo, "abs_max": hi, "im_max": im}
    return {"args": args, **scales}


def sample(fit: dict, n: int, seed: int) -> tuple:
    """``n`` fresh points per kind (real, non-real) inside a fitted range, log-uniform in
    magnitude: :func:`refine` measures them and fits again where one is bad."""
    from emlkit.compiler.ranges import Float64Range, _arg

    rng = np.random.default_rng(seed)
    ranges = [_arg(a) for a in fit["args"]]
    whole = Float64Range("", "", tuple(ranges), 0.0, fit.get("min_scale", 0.0),
                         fit.get("min_scale_complex", 0.0))
    cols: list[list] = [[] for _ in ranges]
    for real in (True, False):
        drawn = [_draw(a, real, n, rng) for a in ranges]
        m = min(len(d) for d in drawn)
        for p in zip(*(d[:m] for d in drawn)):
            if whole.contains(*p):
                for c, v in zip(cols, p):
                    c.append(v)
    return tuple(np.array(c, complex) for c in cols)


def _draw(a, real: bool, n: int, rng: np.random.Generator) -> np.ndarray:
    big = 1.7e308
    if real:
        pieces = []
        for lo, hi in a.real:
            for s, (p, q) in ((1.0, (max(lo, 0.0), hi)), (-1.0, (max(-hi, 0.0), -lo))):
                if q > 0 and q >= p:
                    pieces.append((s, max(p, 1e-300), min(q, big)))
        if not pieces:
            return np.zeros(0, complex)
        pick = [pieces[j] for j in rng.integers(len(pieces), size=n)]
        s, p, q = (np.array([pc[i] for pc in pick]) for i in range(3))
        mag = np.clip(np.exp(rng.uniform(np.log(p), np.log(np.maximum(p, q)))), p, q)
        imag = np.where(rng.random(n) < 0.5, 0.0, -0.0)
        return np.array([complex(v, w) for v, w in zip(s * mag, imag)])
    if a.abs_min > a.abs_max:
        return np.zeros(0, complex)
    r = np.exp(rng.uniform(np.log(a.abs_min), np.log(min(a.abs_max, big)), n))
    # both parts spread over many magnitudes: Im = ±r·10^(−u), u up to 300
    im = np.minimum(r * 10.0 ** -rng.uniform(0, 300, n), a.im_max) * rng.choice([-1, 1], n)
    re = r * np.sqrt(np.maximum(1 - (im / r) ** 2, 0.0)) * rng.choice([-1, 1], n)  # no r²
    z = re + 1j * im
    return z[(im != 0) & np.isfinite(z)]
