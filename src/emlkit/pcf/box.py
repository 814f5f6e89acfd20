"""Many PCFs at once: every pair of coefficient rows evaluated to about 30 verified digits.

What "verified" means here: for each PCF the value is p_n/q_n computed with 150-bit integer
limbs whose truncation error is bounded along the recurrence (so the rounding part is
proven), and the truncation of the fraction at depth n is bounded in one of two ways:

* **proven** (``proven[i]`` True): b(k) > 0 and a(k) of one sign for every k > n (checked
  exactly per polynomial), so the limit lies between the last two convergents and
  |L - x_n| ≤ |x_n - x_{n-1}| = ∏|b(k)| / |q_n q_{n-1}| (the determinant identity);
* **checked** (``proven[i]`` False): 10 · d_n · r/(1 - r), with d_n the exact difference of
  consecutive convergents and r its per-step ratio over the last 16 depths, as in
  :func:`emlkit.pcf.limit.limit` (an estimate that assumes geometric or faster convergence).

``digits[i]`` significant digits are claimed: the value printed to that many digits differs
from the limit by less than one unit in its last digit (under the assumption above when not
proven). A PCF that does not reach ``digits`` within ``max_depth`` gets a status instead
(numba compiles the per-PCF loop when installed; otherwise a NumPy version vectorised over the
rows gives the same results, about 10x slower; the loop also gives up early once the observed
rate puts the target beyond twice ``max_depth``, and a row whose terms a(k), b(k) outgrow 2^31
ends there as inconclusive).

>>> res = evaluate_box([[1, 2], [1, 1]], [[0, 0, 1], [-1, 1, 0]], digits=30)
>>> res.decimal(0), res.status_of(1)
('1.27323954473516268615107010698', 'terminating')
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import DomainError

__all__ = ["STATUS", "BoxResult", "coefficient_box", "evaluate_box"]

#: Status names by code (``BoxResult.status`` holds the codes).
STATUS = ("converged", "divergent", "oscillating", "terminating", "inconclusive")
_MAX_DEPTH = 100_000


@dataclass(frozen=True, eq=False)
class BoxResult:
    """Values, verified digits and statuses of a batch of PCFs (row i = PCF(a[i], b[i])).

    Attributes
    ----------
    a, b : numpy.ndarray
        Integer coefficient rows, lowest degree first.
    hi, lo : numpy.ndarray
        The value as a double-double hi + lo (NaN without a value).
    digits : numpy.ndarray
        Verified significant digits (0 without a value).
    status : numpy.ndarray
        Status codes, names in :data:`STATUS`.
    depth : numpy.ndarray
        The depth reached.
    proven : numpy.ndarray
        True where the digits are proven (see the module docstring).
    seconds : float
        Wall time of the evaluation.

    Examples
    --------
    >>> r = evaluate_box([[3, 1]], [[0, -1]], digits=20)
    >>> r.pcf(0), r.decimal(0), r.counts()
    (PCF('n + 3', '-n'), '2.7182818284590452354', {'converged': 1})
    """

    a: Any
    b: Any
    hi: Any
    lo: Any
    digits: Any
    status: Any
    depth: Any
    proven: Any
    seconds: float

    def __len__(self) -> int:
        return int(self.hi.shape[0])

    def pcf(self, i: int) -> Any:
        """Row i as a :class:`~emlkit.pcf.PCF`."""
        from .pcf import PCF

        return PCF([int(c) for c in self.a[i]], [int(c) for c in self.b[i]])

    def status_of(self, i: int) -> str:
        """The status name of row i."""
        return STATUS[int(self.status[i])]

    def decimal(self, i: int) -> str:
        """Row i's value to exactly its verified digits ("" without a value)."""
        d = int(self.digits[i])
        if d <= 0:
            return ""
        import mpmath
        from mpmath import libmp

        with mpmath.workdps(40):
            v = mpmath.mpf(float(self.hi[i])) + mpmath.mpf(float(self.lo[i]))
            return libmp.to_str(v._mpf_, d, strip_zeros=False, min_fixed=-20, max_fixed=40)

    def counts(self) -> dict[str, int]:
        """How many rows have each status."""
        c = Counter(int(s) for s in self.status)
        return {STATUS[k]: c[k] for k in sorted(c)}


def coefficient_box(deg_a: int = 2, deg_b: int = 2, low: int = -2,
                    high: int = 2) -> tuple[Any, Any]:
    """Every pair (a, b) with deg a ≤ deg_a, deg b ≤ deg_b, coefficients in [low, high],
    neither polynomial zero, as two coefficient arrays (lowest degree first).

    >>> a, b = coefficient_box()
    >>> a.shape, b.shape
    ((15376, 3), (15376, 3))
    """
    for name, v in (("deg_a", deg_a), ("deg_b", deg_b)):
        if not isinstance(v, int) or not 0 <= v <= 10:
            raise DomainError(f"{name} {v!r} is not a degree from 0 to 10")
    if not isinstance(low, int) or not isinstance(high, int) or low > high:
        raise DomainError(f"coefficient range [{low}, {high}] is empty or not integral")
    values = range(low, high + 1)
    pa = np.array([r for r in itertools.product(values, repeat=deg_a + 1) if any(r)],
                  dtype=np.int64).reshape(-1, deg_a + 1)
    pb = np.array([r for r in itertools.product(values, repeat=deg_b + 1) if any(r)],
                  dtype=np.int64).reshape(-1, deg_b + 1)
    ia, ib = np.meshgrid(np.arange(len(pa)), np.arange(len(pb)), indexing="ij")
    return pa[ia.ravel()], pb[ib.ravel()]


def _rows(x: Any, name: str) -> Any:
    arr = np.asarray(x)
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise DomainError(f"{name} must be a 2-D array of coefficient rows, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        try:
            f = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise DomainError(f"{name} has coefficients that are not numbers") from None
        if not (np.all(np.isfinite(f)) and np.all(f == np.round(f))):
            raise DomainError(f"{name} has non-integer coefficients (the box is for integer PCFs)")
        arr = f
    if np.any(np.abs(arr) > 2**20):
        raise DomainError(f"{name} has coefficients above 2^20 in size")
    return arr.astype(np.int64)


def _sign_table(rows: Any) -> tuple[Any, Any]:
    """(s, k0) per row: s·p(k) > 0 for every integer k ≥ k0 (s = 0: p is the zero polynomial).

    Beyond Cauchy's bound 1 + max|c_i / c_lead| the leading term decides; below it the values
    are checked integer by integer (a row with a bound above 10^5 gets s = 0: not certified).
    """
    m, w = rows.shape
    nz = rows != 0
    deg = np.where(nz.any(axis=1), w - 1 - np.argmax(nz[:, ::-1], axis=1), -1)
    lead = rows[np.arange(m), np.maximum(deg, 0)]
    sign = np.where(deg >= 0, np.sign(lead), 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(rows).max(axis=1) / np.maximum(np.abs(lead), 1)
    bound = (2 + np.floor(ratio)).astype(np.int64)
    sign = np.where(bound > 100_000, 0, sign)
    kmax = int(bound[sign != 0].max(initial=1))
    k = np.arange(1, kmax + 1, dtype=np.float64)
    vals = np.zeros((m, kmax))
    for j in range(w - 1, -1, -1):
        vals = vals * k + rows[:, j : j + 1]
    bad = (vals * sign[:, None] <= 0) & (k[None, :] < bound[:, None])
    last = np.where(bad.any(axis=1), kmax - np.argmax(bad[:, ::-1], axis=1), 0)
    return sign, last + 1


def _unique_rows(rows: Any) -> tuple[Any, Any]:
    """(unique rows, inverse index); an int64 key per row when the width allows (fast)."""
    if rows.shape[1] <= 3:  # coefficients below 2^20 in size: 21 bits each
        key = np.zeros(rows.shape[0], np.int64)
        for j in range(rows.shape[1]):
            key = key * (1 << 21) + (rows[:, j] + (1 << 20))
        _, first, inv = np.unique(key, return_index=True, return_inverse=True)
        return rows[first], inv.ravel()
    uniq, inv = np.unique(rows, axis=0, return_inverse=True)
    return uniq, inv.ravel()


def _positive_tails(A: Any, B: Any) -> Any:
    """Signed k0 per row: b(k) > 0 and sign(k0)·a(k) > 0 for k ≥ |k0| (0 when not proven)."""
    ua, ia = _unique_rows(A)
    ub, ib = _unique_rows(B)
    sa, ka = _sign_table(ua)
    sb, kb = _sign_table(ub)
    sa, ka, sb, kb = sa[ia.ravel()], ka[ia.ravel()], sb[ib.ravel()], kb[ib.ravel()]
    ok = (sa != 0) & (sb > 0)
    return np.where(ok, sa * np.maximum(2, np.maximum(ka, kb)), 0).astype(np.int64)


def evaluate_box(a: Any, b: Any, digits: int = 30, max_depth: int = 300) -> BoxResult:
    """Evaluate PCF(a[i], b[i]) for every row i to ``digits`` verified digits (see module doc).

    Parameters
    ----------
    a, b : array_like of int, shape (m, deg + 1)
        Coefficient rows, lowest degree first (pad with zeros); row i of each is one PCF.
    digits : int, default 30
        Verified significant digits wanted, 1 to 30.
    max_depth : int, default 300
        The deepest convergent tried per PCF.

    Returns
    -------
    BoxResult

    Examples
    --------
    >>> a, b = coefficient_box(1, 1, -1, 1)
    >>> r = evaluate_box(a, b, digits=25)
    >>> len(r), sum(r.counts().values())
    (64, 64)
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 30:
        raise DomainError(f"digits {digits!r} is not a whole number from 1 to 30")
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or \
            not 1 <= max_depth <= _MAX_DEPTH:
        raise DomainError(f"max_depth {max_depth!r} is not a whole number from 1 to {_MAX_DEPTH}")
    A, B = _rows(a, "a"), _rows(b, "b")
    if A.shape[0] != B.shape[0]:
        raise DomainError(f"a has {A.shape[0]} rows and b has {B.shape[0]}: one row each per PCF")
    if A.shape[0] and np.any(~A.any(axis=1) & ~B.any(axis=1)):
        raise DomainError("a row pair with both polynomials zero")
    from ._box_kernel import HAVE_NUMBA
    from ._box_kernel import run as run_numba

    if HAVE_NUMBA:
        run = run_numba
    else:  # pragma: no cover - exercised by a test that hides numba
        from ._box_numpy import run

    t0 = time.perf_counter()
    k0 = _positive_tails(A, B) if A.shape[0] else np.zeros(0, np.int64)
    hi, lo, dg, st, dp, pv = run(A, B, digits, max_depth, k0)
    return BoxResult(A, B, hi, lo, dg, st, dp, pv, time.perf_counter() - t0)
