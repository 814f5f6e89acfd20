"""Tables of the distinct functions of EML trees of depth at most ``d``, keyed by their values
at given sample points, with a sorted index for tolerant lookup.

A table is built level by level: depth ``k`` holds every ``eml(a, b)`` with ``a, b`` from the
table and ``max(depth a, depth b) = k - 1``, computed in the search arithmetic of
:mod:`emlkit.search.enumerate` (complex128, guarded ``exp``/``ln``, snapping), and kept only
when its value vector is finite and differs from every vector already present (quantised
30-bit hash of :func:`emlkit.search.value_index.row_keys`). Over ``{1, x}`` depth <= 4 is about
2.1 million trees; the distinct ones at 8 real points are far fewer (see :func:`build_table`).
Tables are cached in memory per process, keyed by the points.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from ..expr import ONE, Eml, Expr, Var
from ..search.arithmetic import eml_arrays, exp_guarded, log_guarded
from ..search.value_index import ValueIndex, row_keys

__all__ = ["Table", "ValueIndex", "build_table"]

_CACHE: dict[tuple, Table] = {}
_CHUNK = 1 << 17  # pairs per block


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
    h, _ = row_keys(vals)
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
    _, seen = np.unique(row_keys(vals)[0], return_index=True)
    seen = np.unique(row_keys(vals)[0])
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
