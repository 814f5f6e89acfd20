"""Tables of the distinct functions of EML trees of depth at most ``d``, keyed by their values
at given sample points, with a sorted index for tolerant lookup.

A table is built level by level: depth ``k`` holds every ``eml(a, b)`` with ``a, b`` from the
table and ``max(depth a, depth b) = k - 1``, computed in the search arithmetic of
:mod:`emlkit.search.enumerate` (complex128, guarded ``exp``/``ln``, snapping), and kept only
when its value vector is finite and differs from every vector already present (quantised
30-bit hash of :func:`emlkit.search.enumerate._row_keys`). Over ``{1, x}`` depth <= 4 is about
2.1 million trees; the distinct ones at 8 real points are far fewer (see :func:`build_table`).
Tables are cached in memory per process, keyed by the points.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from ..expr import ONE, Eml, Expr, Var
from ..search.arithmetic import _row_keys, eml_arrays, exp_guarded, log_guarded

__all__ = ["Table", "ValueIndex", "build_table"]

_CACHE: dict[tuple, Table] = {}
_CHUNK = 1 << 17  # pairs per block
_HITS = 1 << 21  # candidate rows checked at once by Table.lookup
_UNKNOWN = 0.5  # relative tolerance past which a needed value is unknown at that point


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


class Table:
    """Distinct functions of depth <= ``max_depth`` at fixed points (see module doc).

    Attributes: ``vals`` (M, P) complex values, ``E`` = exp of them, ``L`` = ln of them,
    ``left``/``right`` child rows (-1 for leaves), ``depth`` and ``K`` per row, ``complete``
    (False when a level was cut by the size cap), ``index`` (a :class:`ValueIndex` of
    ``vals`` for tolerant lookup).

    >>> t = build_table({"x": np.array([0.7, 1.3, 2.2])}, ("x",), 2)
    >>> t.expr(int(np.argmax(t.depth))).depth
    2
    """

    def __init__(self, leaves: list[Expr], vals: np.ndarray) -> None:
        self.leaves = leaves
        self.vals = vals
        n = len(leaves)
        self.left = np.full(n, -1, dtype=np.int64)
        self.right = np.full(n, -1, dtype=np.int64)
        self.depth = np.zeros(n, dtype=np.int8)
        self.K = np.ones(n, dtype=np.int32)
        self.complete = True
        self.timed_out = False
        self.max_depth = 0

    def finish(self) -> None:
        self.E = exp_guarded(self.vals)
        self.L = log_guarded(self.vals)
        self.index = ValueIndex(self.vals)

    def __len__(self) -> int:
        return self.vals.shape[0]

    def expr(self, row: int) -> Expr:
        """The tree stored at ``row`` (iterative rebuild)."""
        memo: dict[int, Expr] = {}
        stack = [int(row)]
        while stack:
            r = stack[-1]
            if r in memo:
                stack.pop()
                continue
            a, b = int(self.left[r]), int(self.right[r])
            if a < 0:
                memo[r] = self.leaves[r]
                stack.pop()
                continue
            if a in memo and b in memo:
                memo[r] = Eml(memo[a], memo[b])
                stack.pop()
            else:
                stack.extend(c for c in (a, b) if c not in memo)
        return memo[int(row)]

    def lookup(self, need: np.ndarray, tol: np.ndarray, max_window: int | None = None,
               loose: float | None = None, min_sharp: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Pairs ``(i, row)`` with ``|vals[row] - need[i]| <= tol[i]`` (see :class:`ValueIndex`).

        >>> t = build_table({"x": np.array([0.7, 1.3])}, ("x",), 1)
        >>> i, r = t.lookup(np.exp(np.array([[0.7, 1.3]], dtype=complex)), np.full((1, 2), 1e-9))
        >>> str(t.expr(int(r[0])))
        'eml(x, 1)'
        """
        return self.index.lookup(need, tol, max_window, loose, min_sharp)


def _add(t: Table, vals: np.ndarray, left: np.ndarray, right: np.ndarray, depth: int,
         seen: np.ndarray) -> np.ndarray:
    fin = np.isfinite(vals).all(axis=1)
    vals, left, right = vals[fin], left[fin], right[fin]
    if len(vals) == 0:
        return seen
    h, _ = _row_keys(vals)
    h, first = np.unique(h, return_index=True)
    new = ~np.isin(h, seen, assume_unique=True)
    keep = first[new]
    t.vals = np.concatenate([t.vals, vals[keep]])
    t.left = np.concatenate([t.left, left[keep]])
    t.right = np.concatenate([t.right, right[keep]])
    t.depth = np.concatenate([t.depth, np.full(len(keep), depth, np.int8)])
    t.K = np.concatenate([t.K, t.K[left[keep]] + t.K[right[keep]] + 1])
    return np.union1d(seen, h[new])


def build_table(
    points: dict[str, np.ndarray],
    variables: Sequence[str],
    max_depth: int,
    *,
    max_pairs: int = 6_000_000,
    deadline: float | None = None,
) -> Table:
    """Table of the distinct functions of depth <= ``max_depth`` over ``{1, variables}``.

    A level whose pair count would pass ``max_pairs`` is not built, and one still being built
    at the ``deadline`` (a ``time.monotonic()`` value) is kept partial; ``complete`` is then
    False and ``max_depth`` says how deep the table is complete. A table cut by the deadline
    is not cached.

    >>> t = build_table({"x": np.array([0.7, 1.3, 2.2])}, ("x",), 3)
    >>> t.max_depth, len(t) < 1446
    (3, True)
    """
    variables = tuple(variables)
    P = len(next(iter(points.values())))
    keyid = (variables, max_depth, max_pairs,
             tuple(np.asarray(points[v], dtype=np.complex128).tobytes() for v in variables))
    if keyid in _CACHE:
        return _CACHE[keyid]
    leaves: list[Expr] = [ONE] + [Var(v) for v in variables]
    vals = np.stack([np.ones(P, np.complex128)]
                    + [np.asarray(points[v], np.complex128) + 0j for v in variables])
    t = Table(leaves, vals)
    _, seen = np.unique(_row_keys(vals)[0], return_index=True)
    seen = np.unique(_row_keys(vals)[0])
    for k in range(1, max_depth + 1):
        n = len(t)
        last = np.flatnonzero(t.depth == k - 1)
        old = np.flatnonzero(t.depth < k - 1)
        pairs = len(last) * n + len(old) * len(last)
        if pairs > max_pairs or (deadline is not None and time.monotonic() > deadline):
            t.complete = False
            break
        E = exp_guarded(t.vals)
        L = log_guarded(t.vals)
        cut = False
        # (last x all) then (old x last), block by block
        for A, B in ((last, np.arange(n)), (old, last)):
            if len(A) == 0 or len(B) == 0 or cut:
                continue
            step = max(1, _CHUNK // len(B))
            for s in range(0, len(A), step):
                if deadline is not None and time.monotonic() > deadline:
                    cut = True  # keep the rows built so far; the level is partial
                    break
                a = A[s:s + step]
                v = eml_arrays(E[a][:, None, :], L[B][None, :, :]).reshape(-1, P)
                la = np.repeat(a, len(B))
                rb = np.tile(B, len(a))
                seen = _add(t, v, la, rb, k, seen)
        if cut:
            t.complete = False
            t.timed_out = True
            break
        t.max_depth = k
    t.finish()
    if not t.timed_out:
        if len(_CACHE) > 8:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[keyid] = t
    return t
