"""Vectorised float64 sieve over a box of PCFs: convergence, approximate limit, cheap dynamics.

A box is every PCF(a, b) with deg a ≤ ``deg_a``, deg b ≤ ``deg_b`` and integer coefficients in
given ranges, neither polynomial zero. It is never materialised: PCF number ``i`` is found by
arithmetic (:meth:`CoefficientBox.pcf_at`), and the sieve runs over index ranges in chunks of
bounded size, so memory does not grow with the box.

>>> box = CoefficientBox(1, 2, (-1, 2))
>>> box.size
945
>>> s = sieve(box, 0, box.size, depth=64)
>>> len(s), round(float(s.value[s.index == box.index_of((1, 2), (0, 0, 1))][0]), 12)
(945, 1.273239544735)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "CONVERGED",
    "DIVERGENT",
    "FEATURES",
    "OSCILLATING",
    "SLOW",
    "STATUS_NAMES",
    "TERMINATING",
    "CoefficientBox",
    "SieveResult",
    "sieve",
]

CONVERGED, SLOW, DIVERGENT, OSCILLATING, TERMINATING = 0, 1, 2, 3, 4
STATUS_NAMES = ("converged", "slow", "divergent", "oscillating", "terminating")
FEATURES = ("c", "d", "beta", "gamma", "eta", "naive_delta", "eig_ratio", "predicted_delta")
_FLOAT_DIGITS = 14.0  # most digits float64 is trusted with after a recurrence


def _polys(deg: int, lo: int, hi: int) -> np.ndarray:
    rows = [c for c in itertools.product(range(lo, hi + 1), repeat=deg + 1) if any(c)]
    return np.array(rows, dtype=np.int64).reshape(len(rows), deg + 1)


@dataclass(frozen=True)
class CoefficientBox:
    """Every PCF(a, b) with deg a ≤ deg_a, deg b ≤ deg_b and coefficients in ranges, a, b ≠ 0.

    Parameters
    ----------
    deg_a, deg_b : int
        Largest degrees (0 to 6).
    coefficients : (int, int)
        Inclusive range of every coefficient of a (and of b unless ``b_coefficients``).
    b_coefficients : (int, int), optional
        Inclusive range of the coefficients of b.

    PCFs are numbered ``i = ia * n_b + ib`` where ``ia``, ``ib`` count the coefficient tuples
    (lowest degree first) in lexicographic order, skipping the zero polynomial.

    Examples
    --------
    >>> box = CoefficientBox(2, 2, (-5, 5))
    >>> box.size
    1768900
    >>> box.pcf_at(box.index_of((1, 2), (0, 0, 1)))
    ((1, 2, 0), (0, 0, 1))
    """

    deg_a: int
    deg_b: int
    coefficients: tuple[int, int]
    b_coefficients: tuple[int, int] | None = None
    _a: np.ndarray = field(init=False, repr=False, compare=False)
    _b: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("deg_a", "deg_b"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 6:
                raise ValueError(f"{name} must be a whole number from 0 to 6, got {v!r}")
        ranges = [("coefficients", self.coefficients)]
        if self.b_coefficients is not None:
            ranges.append(("b_coefficients", self.b_coefficients))
        for name, r in ranges:
            try:
                lo, hi = (int(x) for x in r)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be a pair (low, high), got {r!r}") from None
            if lo > hi:
                raise ValueError(f"{name}: low {lo} is above high {hi}")
            if max(abs(lo), abs(hi)) > 10**6:
                raise ValueError(f"{name}: coefficients beyond ±10^6 are not supported ({r!r})")
            object.__setattr__(self, name, (lo, hi))
        blo, bhi = self.b_coefficients or self.coefficients
        lo, hi = self.coefficients
        if (hi - lo + 1) ** (self.deg_a + 1) > 5 * 10**6 or \
                (bhi - blo + 1) ** (self.deg_b + 1) > 5 * 10**6:
            raise ValueError("box too large: more than 5 million polynomials on one side")
        a, b = _polys(self.deg_a, lo, hi), _polys(self.deg_b, blo, bhi)
        if not len(a) or not len(b):
            raise ValueError("empty box: the only polynomial in the range is zero")
        object.__setattr__(self, "_a", a)
        object.__setattr__(self, "_b", b)

    @property
    def size(self) -> int:
        """Number of PCFs in the box.

        >>> CoefficientBox(0, 0, (1, 2)).size
        4
        """
        return len(self._a) * len(self._b)

    def arrays(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients (lowest first) of PCFs ``start .. stop-1``: int64 arrays (m, deg+1).

        >>> a, b = CoefficientBox(0, 0, (1, 2)).arrays(1, 3)
        >>> a.ravel().tolist(), b.ravel().tolist()
        ([1, 2], [2, 1])
        """
        if not 0 <= start <= stop <= self.size:
            raise ValueError(f"index range {start}..{stop} is outside the box (size {self.size})")
        idx = np.arange(start, stop, dtype=np.int64)
        ia, ib = np.divmod(idx, len(self._b))
        return self._a[ia], self._b[ib]

    def pcf_at(self, index: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Coefficient tuples (a, b), lowest degree first, of PCF number ``index``.

        >>> CoefficientBox(1, 0, (0, 1)).pcf_at(0)
        ((0, 1), (1,))
        """
        a, b = self.arrays(int(index), int(index) + 1)
        return tuple(int(x) for x in a[0]), tuple(int(x) for x in b[0])

    def index_of(self, a: Sequence[int], b: Sequence[int]) -> int:
        """Number of the PCF with these coefficients (lowest first; padded with zeros).

        >>> box = CoefficientBox(1, 1, (-2, 2))
        >>> box.pcf_at(box.index_of([1, 2], [-1]))
        ((1, 2), (-1, 0))
        """
        def rank(c: Sequence[int], deg: int, lo: int, hi: int) -> int:
            c = list(c) + [0] * (deg + 1 - len(c))
            if len(c) != deg + 1 or any(not lo <= int(x) <= hi for x in c) or not any(c):
                raise ValueError(f"polynomial {tuple(c)} is not in the box")
            r = 0
            for x in c:
                r = r * (hi - lo + 1) + int(x) - lo
            zero = 0
            for _ in c:
                zero = zero * (hi - lo + 1) - lo
            return r - (1 if r > zero else 0)

        lo, hi = self.coefficients
        blo, bhi = self.b_coefficients or self.coefficients
        return rank(a, self.deg_a, lo, hi) * len(self._b) + rank(b, self.deg_b, blo, bhi)

    def shards(self, size: int) -> Iterator[tuple[int, int]]:
        """Consecutive index ranges ``(start, stop)`` of at most ``size`` PCFs covering the box.

        >>> list(CoefficientBox(0, 0, (1, 3)).shards(4))
        [(0, 4), (4, 8), (8, 9)]
        """
        if size < 1:
            raise ValueError(f"shard size must be at least 1, got {size}")
        for s in range(0, self.size, size):
            yield s, min(s + size, self.size)

    def as_dict(self) -> dict:
        """The box as plain JSON-ready parameters.

        >>> CoefficientBox(1, 2, (-3, 3)).as_dict()
        {'deg_a': 1, 'deg_b': 2, 'coefficients': [-3, 3], 'b_coefficients': None}
        """
        return {"deg_a": self.deg_a, "deg_b": self.deg_b,
                "coefficients": list(self.coefficients),
                "b_coefficients": list(self.b_coefficients) if self.b_coefficients else None}


@dataclass(frozen=True)
class SieveResult:
    """What the float sieve found for a range of a box (arrays, one entry per PCF).

    Attributes
    ----------
    index : int64 array
        PCF numbers in the box.
    value : float64 array
        p_N/q_N at the sieve depth N (NaN where undefined).
    digits : float64 array
        Estimated correct significant digits of ``value`` (|x_N − x_{N/√2}| relative, capped
        at 14: float64 after a recurrence); 0 where not converged.
    status : int8 array
        Index into :data:`STATUS_NAMES`.
    features : float64 array (m, len(FEATURES))
        Fits of ln q_n ≈ c·n + d·n ln n (+ const), ln|x_n − x_N| ≈ β ln n + γ n + η n ln n
        (+ const), the naive δ (−1 − ln|x_n − x_N| / ln|q_n| at the deepest trusted n),
        ln|λ₊/λ₋| of the characteristic roots at depth N and the δ they predict.
    depth : int
    """

    index: np.ndarray
    value: np.ndarray
    digits: np.ndarray
    status: np.ndarray
    features: np.ndarray
    depth: int

    def __len__(self) -> int:
        return len(self.index)

    def select(self, mask: np.ndarray) -> SieveResult:
        """The entries where ``mask`` is true.

        >>> s = sieve(CoefficientBox(0, 0, (1, 2)), 0, 4, depth=80)
        >>> len(s.select(s.digits > 10))
        4
        """
        return SieveResult(self.index[mask], self.value[mask], self.digits[mask],
                           self.status[mask], self.features[mask], self.depth)

    def counts(self) -> dict[str, int]:
        """How many PCFs have each status.

        >>> sieve(CoefficientBox(0, 0, (1, 2)), 0, 4, depth=40).counts()["converged"]
        4
        """
        got = np.bincount(self.status.astype(np.int64), minlength=len(STATUS_NAMES))
        return {name: int(n) for name, n in zip(STATUS_NAMES, got)}


def _horner(c: np.ndarray, n: float) -> np.ndarray:
    out = c[:, -1].copy()
    for j in range(c.shape[1] - 2, -1, -1):
        out *= n
        out += c[:, j]
    return out


def _lstsq_rows(X: np.ndarray, Y: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted least squares per row: X (s, k) design, Y, W (m, s); returns (m, k)."""
    XtW = np.einsum("sk,ms->mks", X, W)
    G = np.einsum("mks,sl->mkl", XtW, X) + 1e-9 * np.eye(X.shape[1])
    r = np.einsum("mks,ms->mk", XtW, np.where(W > 0, Y, 0.0))
    ok = W.sum(axis=1) >= X.shape[1] + 1
    out = np.full((len(Y), X.shape[1]), np.nan)
    if ok.any():
        out[ok] = np.linalg.solve(G[ok], r[ok][..., None])[..., 0]
    return out


def _sample_depths(depth: int) -> np.ndarray:
    """Depths where convergents are recorded: N, N/√2, N/2, ... down to 2 (ascending)."""
    k = np.arange(0, 2 * int(math.log2(depth)) - 1)
    return np.unique(np.rint(depth * 2.0 ** (-k / 2)).astype(int))


def _chunk(a: np.ndarray, b: np.ndarray, depth: int) -> tuple[np.ndarray, ...]:
    m = len(a)
    A, B = a.astype(np.float64), b.astype(np.float64)
    p0, p1 = np.ones(m), A[:, 0].copy()
    q0, q1 = np.zeros(m), np.ones(m)
    logscale = np.zeros(m)
    samples = _sample_depths(depth)
    xs = np.empty((m, len(samples)))
    lq = np.empty((m, len(samples)))
    lam = np.zeros(m)   # sum of ln|λ₊/λ₋|
    grow = np.zeros(m)  # sum of ln|λ₊|
    stopped = np.zeros(m, dtype=bool)  # b(n) = 0 for some 1 <= n <= depth
    k = 0
    with np.errstate(all="ignore"):
        for n in range(1, depth + 1):
            an, bn = _horner(A, float(n)), _horner(B, float(n))
            stopped |= bn == 0
            p0, p1 = p1, an * p1 + bn * p0
            q0, q1 = q1, an * q1 + bn * q0
            disc = an * an + 4.0 * bn
            root = np.sqrt(np.abs(disc))
            big = 0.5 * (np.abs(an) + root)
            small = np.where(disc >= 0, 0.5 * np.abs(np.abs(an) - root), big)
            lam += np.log(big) - np.log(small)
            grow += np.log(big)
            if n % 4 == 0 or n == samples[k]:
                s = np.maximum(np.maximum(np.abs(p1), np.abs(q1)),
                               np.maximum(np.abs(p0), np.abs(q0)))
                s = np.where((s > 0) & np.isfinite(s), s, 1.0)
                p0 /= s
                p1 /= s
                q0 /= s
                q1 /= s
                logscale += np.log(s)
            if n == samples[k]:
                xs[:, k] = p1 / q1
                lq[:, k] = np.log(np.abs(q1)) + logscale
                k += 1
    return xs, lq, samples, lam, grow, stopped, A, B


def _analyse(a: np.ndarray, b: np.ndarray, depth: int) -> tuple[np.ndarray, ...]:
    xs, lq, samples, lam, grow, stopped, A, B = _chunk(a, b, depth)
    m = len(a)
    x = xs[:, -1]
    ref, mid = xs[:, -2], xs[:, -3]  # depths N/√2 and N/2
    with np.errstate(all="ignore"):
        scale = np.maximum(np.abs(x), 1e-300)
        d1, d0 = np.abs(x - ref), np.abs(ref - mid)
        digits = np.clip(-np.log10(np.maximum(d1 / scale, 1e-300)), 0.0, _FLOAT_DIGITS)
        status = np.full(m, OSCILLATING, dtype=np.int8)
        finite = np.isfinite(x) & np.isfinite(ref) & (np.abs(x) < 1e15)
        status[finite & (d1 <= d0 / 2)] = SLOW
        conv = finite & (digits >= 6)
        status[conv] = CONVERGED
        status[~finite] = DIVERGENT
        status[stopped & finite] = TERMINATING
        digits = np.where(conv | (stopped & finite), digits, 0.0)
        digits[stopped & finite] = _FLOAT_DIGITS
        n = samples.astype(np.float64)
        # growth of q_n: ln|q_n| = c n + d n ln n + e
        G = np.stack([n, n * np.log(n), np.ones_like(n)], axis=1)
        Wg = np.isfinite(lq).astype(np.float64)
        cd = _lstsq_rows(G, np.where(np.isfinite(lq), lq, 0.0), Wg)
        # error: ln|x_n - x_N| = beta ln n + gamma n + eta n ln n + const, where trusted
        err = np.abs(xs[:, :-1] - x[:, None])
        floor = 1e-13 * scale[:, None]
        le = np.log(np.maximum(err, 1e-300))
        We = ((err > floor) & np.isfinite(le)).astype(np.float64)
        E = np.stack([np.log(n[:-1]), n[:-1], n[:-1] * np.log(n[:-1]), np.ones(len(n) - 1)],
                     axis=1)
        bge = _lstsq_rows(E, np.where(We > 0, le, 0.0), We)
        # naive delta at the deepest sample whose error is above the float floor
        last = np.where(We.any(axis=1), We.shape[1] - 1 - np.argmax(We[:, ::-1], axis=1), 0)
        rows = np.arange(m)
        nd = -1.0 - le[rows, last] / lq[rows, last]
        nd = np.where(We.any(axis=1) & (lq[rows, last] > 0), nd, np.nan)
        aN, bN = _horner(A, float(depth)), _horner(B, float(depth))
        disc = aN * aN + 4 * bN
        root = np.sqrt(np.abs(disc))
        eig = np.where(disc >= 0, np.log(0.5 * (np.abs(aN) + root))
                       - np.log(np.maximum(0.5 * np.abs(np.abs(aN) - root), 1e-300)), 0.0)
        pred = np.where(grow > 0, -1.0 + lam / grow, np.nan)
    feats = np.column_stack([cd[:, 0], cd[:, 1], bge[:, 0], bge[:, 1], bge[:, 2], nd, eig, pred])
    feats[~np.isfinite(feats)] = np.nan
    return np.where(finite, x, np.nan), digits, status, feats


def sieve(
    box: CoefficientBox,
    start: int = 0,
    stop: int | None = None,
    *,
    depth: int = 256,
    chunk: int = 32768,
) -> SieveResult:
    """Run the float64 recurrence p_n = a(n) p_{n−1} + b(n) p_{n−2} (and q) over a box range.

    Parameters
    ----------
    box : CoefficientBox
    start, stop : int
        Index range (default the whole box).
    depth : int
        Depth N of the last convergent (at least 16). Rescaled every 4 steps, so it never
        overflows.
    chunk : int
        PCFs per vectorised block (bounds memory: about 1 KiB per PCF).

    Returns
    -------
    SieveResult

    Examples
    --------
    >>> box = CoefficientBox(1, 1, (-2, 3))
    >>> i = box.index_of((3, 1), (0, -1))          # PCF(n + 3, -n) = e
    >>> s = sieve(box, i, i + 1, depth=64)
    >>> round(float(s.value[0]), 12), STATUS_NAMES[s.status[0]], bool(s.digits[0] >= 12)
    (2.718281828459, 'converged', True)
    """
    stop = box.size if stop is None else stop
    if not isinstance(depth, int) or depth < 16:
        raise ValueError(f"sieve depth must be a whole number of at least 16, got {depth!r}")
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, got {chunk}")
    parts = []
    for s in range(start, stop, chunk):
        e = min(s + chunk, stop)
        a, b = box.arrays(s, e)
        parts.append((np.arange(s, e, dtype=np.int64), *_analyse(a, b, depth)))
    if not parts:
        box.arrays(start, stop)  # validates the range
        return SieveResult(np.zeros(0, np.int64), np.zeros(0), np.zeros(0),
                           np.zeros(0, np.int8), np.zeros((0, len(FEATURES))), depth)
    cols = [np.concatenate([p[j] for p in parts]) for j in range(5)]
    return SieveResult(cols[0], cols[1], cols[2], cols[3], cols[4], depth)

