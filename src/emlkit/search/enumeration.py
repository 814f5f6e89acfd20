"""The result of :func:`~emlkit.search.enumerate_forms`: representatives by K with their values.

An :class:`Enumeration` keeps, per level K, the children ids of its representatives and (unless
the level is kept lazily) ``exp`` and ``ln`` of their value vectors at the test points, in the
search arithmetic (:mod:`emlkit.search.arithmetic`); a sorted index of the value keys is the
dedup. Lookups by value are in :mod:`emlkit.search._enum_match`, saving and loading in
:mod:`emlkit.search._enum_store`.

>>> from emlkit.search import enumerate_forms
>>> en = enumerate_forms(7, variables=())
>>> en.counts, en.rpn(en.ids(7)[0])
({1: 1, 3: 1, 5: 2, 7: 5}, '1 1 1 1 E E E')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..expr import ONE, Eml, Expr, Var, rpn_string
from ._enum_match import MatchMixin
from ._enum_store import StoreMixin
from .arithmetic import U64, dedup_bits, eml_arrays, exp_guarded, log_guarded, row_keys

__all__ = ["Enumeration"]


@dataclass
class Level:
    """One level (one K) of an :class:`Enumeration`: its representatives' children and values."""

    gid0: int  # global id of its first representative
    # (n, P) exp_guarded / log_guarded of the representatives' values; None for a level kept
    # "lazily" (only its children's ids; values recomputed on demand), e.g. the last level
    expv: np.ndarray | None
    logv: np.ndarray | None
    left: np.ndarray  # (n,) int64 global ids of the children (-1 for leaves)
    right: np.ndarray

    @property
    def n(self) -> int:
        return len(self.left)

    @property
    def lazy(self) -> bool:
        return self.expv is None

    def nbytes(self) -> int:
        return sum(
            a.nbytes
            for a in (self.expv, self.logv, self.left, self.right)
            if a is not None
        )



class Enumeration(MatchMixin, StoreMixin):
    """Result of :func:`enumerate_forms`: representatives grouped by K, with their values.

    Global ids (``gid``) number the representatives in order of discovery (so by K); use
    :meth:`ids` for one level, :meth:`expr` / :meth:`rpn` to rebuild a representative and
    :meth:`values` for its value vector at the test points.

    Attributes
    ----------
    variables : tuple of str
    points : dict
        Test points, one complex array of length ``P`` per variable.
    strip : numpy.ndarray
        Boolean mask of the test points where every variable satisfies ``|Im| < pi``.
    counts : dict
        ``{K: number of new distinct functions of size K}`` (odd K only).
    max_K : int
        Largest K enumerated completely.
    complete : bool
        False when the enumeration stopped early at the memory limit.
    stop_reason : str or None
        Why it stopped early, e.g. ``'stopping before K=23: would need ~19.2 GiB, limit
        16.0 GiB'``.
    seconds : dict
        Wall time per level.
    pairs : dict
        Number of ``(a, b)`` candidate pairs evaluated per level.

    >>> from emlkit.search import enumerate_forms
    >>> en = enumerate_forms(5, variables=("x",))
    >>> en.counts
    {1: 2, 3: 4, 5: 16}
    >>> en.rpn(en.find_values(np.exp(en.points["x"]))[0])
    'x 1 E'
    """

    def __init__(self, variables: tuple[str, ...], points: dict[str, np.ndarray]) -> None:
        self.variables = variables
        self.points = points
        self.P = len(next(iter(points.values()))) if points else 1
        strip = np.ones(self.P, dtype=bool)
        for v in variables:
            strip &= np.abs(points[v].imag) < np.pi
        self.strip = strip
        self.counts: dict[int, int] = {}
        self.seconds: dict[int, float] = {}
        self.pairs: dict[int, int] = {}
        self.collisions = 0
        self.max_K = 0
        self.complete = True
        self.stop_reason: str | None = None
        self._levels: dict[int, Level] = {}
        self._gid0s: list[int] = []
        self._level_of: list[int] = []
        self._hash = np.zeros(0, dtype=U64)
        self._check = np.zeros(0, dtype=np.uint32)
        self._leaves: list[Expr] = []
        self._leaf_values: np.ndarray | None = None
        self._expr_cache: dict[int, Expr] = {}

    # ---------------------------------------------------------------- access
    @property
    def total(self) -> int:
        """Number of representatives over all levels.

        >>> from emlkit.search import enumerate_forms
        >>> enumerate_forms(5, variables=()).total
        4
        """
        return sum(self.counts.values())

    def ids(self, K: int) -> range:
        """Global ids of the representatives of size ``K`` (empty for even or unknown K).

        >>> from emlkit.search import enumerate_forms
        >>> list(enumerate_forms(3, variables=()).ids(3))
        [1]
        """
        lv = self._levels.get(K)
        return range(lv.gid0, lv.gid0 + lv.n) if lv is not None else range(0)

    def size_of(self, gid: int) -> int:
        """K of the representative ``gid``.

        >>> from emlkit.search import enumerate_forms
        >>> en = enumerate_forms(5, variables=())
        >>> [en.size_of(g) for g in range(en.total)]
        [1, 3, 5, 5]
        """
        i = int(np.searchsorted(self._gid0s, gid, side="right")) - 1
        return self._level_of[i]

    def _gather(self, name: str, gids: np.ndarray) -> np.ndarray:
        gids = np.asarray(gids, dtype=np.int64)
        out = np.empty((len(gids), self.P), dtype=np.complex128)
        which = np.searchsorted(np.asarray(self._gid0s), gids, side="right") - 1
        for i in np.unique(which):
            K = self._level_of[i]
            lv = self._levels[K]
            sel = which == i
            rows = gids[sel] - lv.gid0
            if lv.lazy:
                vals = self._rows_values(K, rows)
                out[sel] = exp_guarded(vals) if name == "expv" else log_guarded(vals)
            else:
                out[sel] = getattr(lv, name)[rows]
        return out

    def _rows_values(self, K: int, rows: np.ndarray) -> np.ndarray:
        lv = self._levels[K]
        if K == 1:
            assert self._leaf_values is not None
            return self._leaf_values[rows]
        return eml_arrays(self._gather("expv", lv.left[rows]), self._gather("logv", lv.right[rows]))

    def _exp_rows(self, K: int, start: int, stop: int) -> np.ndarray:
        lv = self._levels[K]
        if lv.lazy:
            return exp_guarded(self.values(K, start, stop))
        assert lv.expv is not None
        return lv.expv[start:stop]

    def materialize(self, chunk: int = 1 << 18) -> None:
        """Store ``exp`` and ``ln`` of every level's values (a lazily kept last level included).

        Queries (:meth:`match_roots` above all) then need no recomputation; costs
        ``32 * P`` bytes per representative.

        >>> from emlkit.search import enumerate_forms
        >>> en = enumerate_forms(7, variables=(), store_last=False)
        >>> before = en.stored_bytes(); en.materialize(); en.stored_bytes() > before
        True
        """
        for K in sorted(self._levels):
            lv = self._levels[K]
            if not lv.lazy:
                continue
            expv = np.empty((lv.n, self.P), dtype=np.complex128)
            logv = np.empty((lv.n, self.P), dtype=np.complex128)
            for s in range(0, lv.n, chunk):
                v = self.values(K, s, s + chunk)
                expv[s : s + len(v)] = exp_guarded(v)
                logv[s : s + len(v)] = log_guarded(v)
            lv.expv, lv.logv = expv, logv

    def values(self, K: int, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Value vectors ``(n, P)`` of the representatives of size ``K`` (rows start:stop).

        >>> from emlkit.search import enumerate_forms
        >>> en = enumerate_forms(3, variables=())
        >>> en.values(3)
        array([[2.71828183+0.j]])
        """
        lv = self._levels[K]
        stop = lv.n if stop is None else min(stop, lv.n)
        if K == 1:
            assert self._leaf_values is not None
            return self._leaf_values[start:stop].copy()
        E = self._gather("expv", lv.left[start:stop])
        L = self._gather("logv", lv.right[start:stop])
        return eml_arrays(E, L)

    def expr(self, gid: int) -> Expr:
        """Rebuild the representative ``gid`` as an interned :class:`~emlkit.expr.Expr`.

        >>> from emlkit.search import enumerate_forms
        >>> en = enumerate_forms(7, variables=())
        >>> str(en.expr(en.find_values(np.zeros(1))[0]))
        'eml(1, eml(eml(1, 1), 1))'
        """
        cache = self._expr_cache
        stack = [int(gid)]
        while stack:
            g = stack[-1]
            if g in cache:
                stack.pop()
                continue
            K = self.size_of(g)
            lv = self._levels[K]
            if K == 1:
                cache[g] = self._leaves[g - lv.gid0]
                stack.pop()
                continue
            a, b = int(lv.left[g - lv.gid0]), int(lv.right[g - lv.gid0])
            missing = [c for c in (a, b) if c not in cache]
            if missing:
                stack.extend(missing)
                continue
            cache[g] = Eml(cache[a], cache[b])
            stack.pop()
        return cache[int(gid)]

    def rpn(self, gid: int) -> str:
        """RPN text of the representative ``gid``.

        >>> from emlkit.search import enumerate_forms
        >>> enumerate_forms(3, variables=()).rpn(1)
        '1 1 E'
        """
        return rpn_string(self.expr(gid))

    def __repr__(self) -> str:
        return (
            f"<Enumeration variables={self.variables} P={self.P} max_K={self.max_K} "
            f"total={self.total}{'' if self.complete else ' (stopped at memory limit)'}>"
        )

    # ---------------------------------------------------------------- building
    def _add_level(
        self,
        K: int,
        left: np.ndarray,
        right: np.ndarray,
        *,
        vals: np.ndarray | None = None,
        lazy: bool = False,
        chunk: int = 1 << 18,
    ) -> None:
        """Append level ``K`` (children ids; its values from ``vals`` or from the children)."""
        gid0 = self.total
        lv = Level(gid0, None, None, left, right)
        self._levels[K] = lv
        self._gid0s.append(gid0)
        self._level_of.append(K)
        self.counts[K] = lv.n
        self.max_K = K
        if lazy:
            return
        n, P = lv.n, self.P
        expv = np.empty((n, P), dtype=np.complex128)
        logv = np.empty((n, P), dtype=np.complex128)
        for s in range(0, n, chunk):
            v = vals[s : s + chunk] if vals is not None else self.values(K, s, s + chunk)
            expv[s : s + len(v)] = exp_guarded(v)
            logv[s : s + len(v)] = log_guarded(v)
        lv.expv, lv.logv = expv, logv

    def _merge_keys(self, h: np.ndarray, c: np.ndarray, *, is_sorted: bool = False) -> None:
        """Add keys to the sorted dedup index (after equal keys already there)."""
        if not is_sorted:
            order = np.argsort(h, kind="stable")
            h, c = h[order], c[order]
        pos = np.searchsorted(self._hash, h, side="right")
        self._hash = np.insert(self._hash, pos, h)
        self._check = np.insert(self._check, pos, c)

    def _known(self, h: np.ndarray, c: np.ndarray) -> np.ndarray:
        if len(self._hash) == 0:
            return np.zeros(len(h), dtype=bool)
        idx = np.searchsorted(self._hash, h)
        idx[idx == len(self._hash)] = 0
        hit = self._hash[idx] == h
        same = hit & (self._check[idx] == c)
        self.collisions += int((hit & ~same).sum())
        return same

    def stored_bytes(self) -> int:
        """Bytes held by the stored levels and the dedup index.

        >>> from emlkit.search import enumerate_forms
        >>> enumerate_forms(3, variables=()).stored_bytes() > 0
        True
        """
        return (
            sum(lv.nbytes() for lv in self._levels.values())
            + self._hash.nbytes
            + self._check.nbytes
        )

    def _add_leaves(self) -> None:
        """K = 1: the leaves (1 and each variable), deduplicated like everything else."""
        leaves: list[Expr] = [ONE] + [Var(v) for v in self.variables]
        vals = np.ones((len(leaves), self.P), dtype=np.complex128)
        for i, v in enumerate(self.variables, start=1):
            vals[i] = self.points[v]
        h, c = row_keys(vals, dedup_bits(self.P))
        _, first = np.unique(h, return_index=True)
        first.sort()
        self._leaves = [leaves[i] for i in first]
        self._leaf_values = vals[first]
        neg = np.full(len(first), -1, dtype=np.int64)
        self._add_level(1, neg, neg.copy(), vals=vals[first])
        self._merge_keys(h[first], c[first])
        self.seconds[1] = 0.0
        self.pairs[1] = len(leaves)
