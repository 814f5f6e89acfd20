"""The value index: rounded hashing of value vectors, tolerant lookup, meet in the middle.

Every search that finds formulas from values (the recognizer's enumeration tables, the
regression tables of :mod:`emlkit.regress.tables`, the vocabulary regression) keys a form by
its *value vector*, its values at a few sample points. This module holds the three operations
they share:

* :func:`row_keys` - a hash of each vector rounded to a relative grid (``mant_bits`` bits of
  mantissa per part), the key of observational-equivalence dedup; :class:`KeyIndex` - ids
  sorted by that hash, for exact-key lookup;
* :class:`ValueIndex` - vectors sorted by a point's real part, queried with a tolerance per
  point (a window of the sort, then a check at every point); :func:`close_rows` - the same
  check over a block of vectors, and :func:`match_tolerance` the tolerance per point of a
  relative ``rtol``;
* :func:`needed_right` - the meet-in-the-middle inversion: ``y = eml(A, B)`` holds exactly when
  ``ln B = exp(A) - y``, so the right child that ``A`` needs is ``B = exp(exp(A) - y)``, which
  is then looked up. Two guard policies: ``"search"`` (the search arithmetic's guarded
  ``exp``; the regression searches) and ``"principal"`` (only where ``exp(A) - y`` can be a
  principal logarithm, ``|Im| <= pi``; :func:`needed_right_rows` keeps the rows where it is
  defined at every point, for :meth:`emlkit.search.Enumeration.match_roots`, which looks them
  up in a :class:`KeyIndex`).

>>> ix = ValueIndex(np.array([[1, 2], [1, 3], [2, 2]], dtype=complex))
>>> ix.lookup(np.array([[2, 2.0001]]), np.full((1, 2), 1e-3))
(array([0]), array([2]))
>>> h, _ = row_keys(np.array([[1.0, 2.0], [1.0 + 1e-15, 2.0]], dtype=complex))
>>> bool(h[0] == h[1])
True
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .arithmetic import exp_guarded, row_keys

__all__ = [
    "Guard", "KeyIndex", "ValueIndex", "close_rows", "match_tolerance", "needed_right",
    "needed_right_rows", "row_keys",
]

_HITS = 1 << 21  # candidate rows checked at once by ValueIndex.lookup
_UNKNOWN = 0.5  # relative tolerance past which a needed value is unknown at that point

#: The guard policy of :func:`needed_right`.
Guard = Literal["search", "principal"]


def needed_right(exp_a: np.ndarray, y: np.ndarray, *, guard: Guard = "search") -> np.ndarray:
    """The right child ``B = exp(exp(A) - y)`` that makes ``eml(A, B) = y``, given ``exp(A)``.

    Rows of ``exp_a`` broadcast against ``y``. ``guard="search"``: the search arithmetic's
    guarded ``exp`` of ``w = exp(A) - y`` (non-finite where it overflows or is undefined).
    ``guard="principal"``: plain ``exp(w)``, NaN where ``w`` is not finite, ``|Im w| > pi``
    (no principal logarithm is ``w``), or ``exp(w)`` overflows or underflows to 0; so each
    value is finite and non-zero, or NaN.

    >>> a, y = np.array([0.5, 1.0]), np.array([1.0, 2.0])
    >>> b = needed_right(np.exp(a)[None, :], y)
    >>> np.allclose(np.exp(a) - np.log(b[0]), y)
    True
    >>> needed_right(np.array([4j, 1j]), np.zeros(2), guard="principal")
    array([       nan+0.j        , 0.54030231+0.84147098j])
    """
    with np.errstate(all="ignore"):
        w = exp_a - y
        if guard == "search":
            return exp_guarded(w)
        if guard != "principal":
            raise ValueError(f"needed_right: guard must be 'search' or 'principal', not {guard!r}")
        b = np.exp(w)
        bad = ~(np.isfinite(w) & (np.abs(w.imag) <= np.pi) & np.isfinite(b) & (b != 0))
    b[bad] = np.nan
    return b


def needed_right_rows(exp_a: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, B)``: the rows of ``exp_a`` (one column per point) whose principal-guard
    :func:`needed_right` is defined (finite) at every point, and those rows of it.

    Rows that fail the cheap guard on ``exp(A) - y`` are dropped before any ``exp``.

    >>> rows, b = needed_right_rows(np.array([[1, 2], [1, 4j]]), np.array([1, 2]))
    >>> rows.tolist(), b.tolist()
    ([0], [[(1+0j), (1+0j)]])
    """
    with np.errstate(all="ignore"):
        w = exp_a - y
        pre = np.flatnonzero((np.isfinite(w) & (np.abs(w.imag) <= np.pi)).all(axis=1))
    b = needed_right(exp_a[pre], y, guard="principal")
    ok = np.isfinite(b).all(axis=1)
    return pre[ok], b[ok]


def match_tolerance(target: np.ndarray, rtol: float) -> np.ndarray:
    """The tolerance ``rtol * (|t| + 1)`` at each value ``t`` of ``target`` (``rtol`` at inf).

    >>> match_tolerance(np.array([0, -3, np.inf]), 1e-3)
    array([0.001, 0.004, 0.001])
    """
    t = np.asarray(target)
    return rtol * (np.abs(np.where(np.isfinite(t), t, 0)) + 1.0)


def close_rows(vals: np.ndarray, target: np.ndarray, tol: np.ndarray,
               cols: np.ndarray | None = None) -> np.ndarray:
    """Indices of the rows ``v`` of ``vals`` with ``|v - target| <= tol`` at every column.

    ``cols`` selects the columns of ``vals`` compared (all by default; ``target`` and ``tol``
    have one value per selected column); an infinite target value must be matched exactly.

    >>> v = np.array([[1, 2], [1, np.inf], [1.1, 2]], dtype=complex)
    >>> close_rows(v, np.array([1, 2]), np.full(2, 0.2)), close_rows(v, np.array([np.inf]),
    ...     np.zeros(1), cols=np.array([1]))
    (array([0, 2]), array([1]))
    """
    t = np.asarray(target)
    tfin = np.isfinite(t)
    c = np.arange(vals.shape[1]) if cols is None else np.asarray(cols)
    c0 = c[0]
    with np.errstate(all="ignore"):
        # a first pass on one column keeps the full check to the few rows near the target
        if tfin[0]:
            pre = np.flatnonzero(np.abs(vals[:, c0] - t[0]) <= tol[0])
        else:
            pre = np.flatnonzero(vals[:, c0] == t[0])
        if len(pre) == 0:
            return pre
        w = vals[pre][:, c]
        ok = np.where(tfin, np.abs(w - t) <= tol, w == t).all(axis=1)
    return pre[ok]


class KeyIndex:
    """Ids sorted by a hash key of their vectors (:func:`row_keys`), for exact-key lookup.

    >>> vals = np.array([[1, 2], [3, 4], [1, 2]], dtype=complex)
    >>> ix = KeyIndex(row_keys(vals)[0], np.array([10, 11, 12]))
    >>> hit, lo, n = ix.ranges(row_keys(np.array([[5, 6], [1, 2]], dtype=complex))[0])
    >>> hit.tolist(), [ix.ids[a:a + k].tolist() for a, k in zip(lo, n)]
    ([1], [[10, 12]])
    """

    def __init__(self, keys: np.ndarray, ids: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.ids = ids[order]

    def ranges(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(hit, lo, n)``: the queries ``h[hit]`` with a key in the index, each one's first
        position ``lo`` in :attr:`ids` and count ``n`` of ids with that key."""
        if len(self.keys) == 0 or len(h) == 0:
            e = np.empty(0, np.int64)
            return e, e, e
        # sorted needles keep the binary searches cache friendly; only hits need 'right'
        order = np.argsort(h)
        lo_sorted = np.searchsorted(self.keys, h[order], "left")
        lo = np.empty_like(lo_sorted)
        lo[order] = lo_sorted
        safe = np.minimum(lo, len(self.keys) - 1)
        hit = np.flatnonzero(self.keys[safe] == h)
        lo = lo[hit]
        n = np.searchsorted(self.keys, h[hit], "right") - lo
        return hit, lo, n


class ValueIndex:
    """Rows of value vectors sorted by the real part at a point, for tolerant lookup.

    A query is answered from the window of rows around it in the sort by its first point; with
    ``loose`` given (see :meth:`lookup`), a query whose window there is too wide (or which has
    no usable value there) is answered from the point where its relative tolerance is smallest
    (one sort per point, built when first needed).

    >>> ix = ValueIndex(np.array([[0.5, 1.0], [0.25, 2.0]], dtype=complex))
    >>> ix.lookup(np.array([[0.25, 2.0]]), np.full((1, 2), 1e-12))
    (array([0]), array([1]))
    """

    def __init__(self, vals: np.ndarray) -> None:
        self.vals = vals
        key = vals[:, 0].real
        self.order = np.argsort(key, kind="stable")
        self.key = key[self.order]
        self._orders: np.ndarray | None = None  # (P, M): the sort by each point
        self._keys: np.ndarray | None = None

    def _all_sorts(self) -> tuple[np.ndarray, np.ndarray]:
        if self._orders is None:
            re = self.vals.real.T
            self._orders = np.argsort(re, axis=1, kind="stable")
            self._keys = np.take_along_axis(re, self._orders, axis=1)
        assert self._keys is not None
        return self._orders, self._keys

    @staticmethod
    def _window(key: np.ndarray, k: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First row and row count of each window ``[k - w, k + w]`` (0 rows where not finite)."""
        bad = ~(np.isfinite(k) & np.isfinite(w))
        k = np.where(bad, np.inf, k)
        w = np.where(bad, 0.0, w)
        lo = np.searchsorted(key, k - w, "left")
        cnt = np.searchsorted(key, k + w, "right") - lo
        cnt[bad] = 0
        return lo, cnt

    def lookup(self, need: np.ndarray, tol: np.ndarray, max_window: int | None = None,
               loose: float | None = None, min_sharp: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Pairs ``(i, row)`` with ``|vals[row] - need[i]| <= tol[i]`` at every point.

        ``max_window``: skip a query whose window holds more rows than this (its tolerance is
        too wide to identify a row cheaply; bounds the work).

        ``loose``: a point where a query's value or tolerance is not finite, or the tolerance
        is more than half the value's modulus, constrains nothing; and a query whose first
        point is so, or holds too wide a window, or has a tolerance there above ``loose`` times
        the value's modulus while another point's is below, is answered from its sharpest
        point (smallest relative tolerance): noise amplified through ``exp`` can make a needed
        value unknowable at some points and sharp at others. ``min_sharp``: skip a query with
        fewer such sharp points than this (all points, when there are fewer), which bounds the
        work on noisy data.

        >>> ix = ValueIndex(np.array([[1, 2], [1, 3], [2, 2]], dtype=complex))
        >>> ix.lookup(np.array([[1, 3.001], [2, 2]]), np.full((2, 2), 0.01))
        (array([0, 1]), array([1, 2]))
        >>> ix.lookup(np.array([[np.nan, 3.001]]), np.full((1, 2), 0.01), loose=0.1)
        (array([0]), array([1]))
        """
        need = np.asarray(need)
        tol = np.asarray(tol, dtype=float)
        Q, P = need.shape
        lo, cnt = self._window(self.key, need[:, 0].real, tol[:, 0])
        col = np.zeros(Q, dtype=np.int64)
        if loose is not None:
            with np.errstate(all="ignore"):
                rel = tol / np.abs(need)
                # a tolerance above half the value is past what a linearised error bound
                # means (an exponent known to +-3 puts the value anywhere in a factor e^3)
                free = ~(np.isfinite(need) & np.isfinite(tol)) | ~(rel <= _UNKNOWN)
                rel = np.where(free, np.inf, rel)
            need = np.where(free, 0, need)
            tol = np.where(free, np.inf, tol)
            sharp = rel <= loose
            n_sharp = sharp.sum(axis=1)
            any_sharp = n_sharp > 0
            small0 = (cnt <= max_window) if max_window is not None else True
            use0 = ~free[:, 0] & small0 & (sharp[:, 0] | ~any_sharp)
            if min_sharp:
                enough = n_sharp >= min(P, min_sharp)
                use0 &= enough
                any_sharp &= enough
            cnt[~use0] = 0
            alt = np.flatnonzero(~use0 & any_sharp)
            if len(alt):
                orders, keys = self._all_sorts()
                j = np.argmin(rel[alt], axis=1)
                for c in np.unique(j):
                    qc = alt[j == c]
                    lo[qc], cnt[qc] = self._window(keys[c], need[qc, c].real, tol[qc, c])
                    col[qc] = c
        if max_window is not None:
            cnt[cnt > max_window] = 0
        if col.any():
            orders = self._all_sorts()[0]
        else:
            orders = self.order[None, :]
        out_i, out_r = [], []
        # blocks of rows with at most _HITS candidate rows each (memory stays bounded)
        cum = np.cumsum(cnt)
        start = 0
        while start < Q:
            base_c = cum[start - 1] if start else 0
            stop = max(start + 1, int(np.searchsorted(cum, base_c + _HITS, "right")))
            c = cnt[start:stop]
            total = int(c.sum())
            if total:
                ai = np.repeat(np.arange(start, stop), c)
                base = np.repeat(lo[start:stop] - (np.cumsum(c) - c), c)
                rows = orders[col[ai], base + np.arange(total)]
                with np.errstate(all="ignore"):
                    ok = np.all(np.abs(self.vals[rows] - need[ai]) <= tol[ai], axis=1)
                out_i.append(ai[ok])
                out_r.append(rows[ok])
            start = stop
        if not out_i:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(out_i), np.concatenate(out_r)
