"""Queries of an :class:`~emlkit.search.enumeration.Enumeration` by value.

:class:`MatchMixin` holds the lookups: :meth:`~MatchMixin.find_values` and
:meth:`~MatchMixin.match` (every representative equal to a target vector at chosen test points)
and :meth:`~MatchMixin.match_roots` (meet in the middle: forms ``eml(a, b)`` whose children are
both representatives). The hashing, the tolerant check and the inversion are
:mod:`emlkit.search.value_index`'s; the tolerances are :mod:`emlkit.tolerances`' (``MATCH_RTOL``,
the lookup grids).

>>> from emlkit.search import enumerate_forms
>>> en = enumerate_forms(5, variables=("x",))
>>> en.rpn(en.find_values(np.exp(en.points["x"]))[0])
'x 1 E'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..expr import Eml  # noqa: F401 - used by the doctests
from ..tolerances import LOOKUP_BITS, LOOKUP_BITS_CONSTANT, MATCH_RTOL
from .arithmetic import eml_arrays
from .value_index import KeyIndex, close_rows, match_tolerance, needed_right_rows, row_keys

if TYPE_CHECKING:
    from .enumeration import Level

__all__ = ["MatchMixin"]


class MatchMixin:
    """Value lookups of :class:`~emlkit.search.enumeration.Enumeration` (see the module notes)."""

    if TYPE_CHECKING:  # what this uses of Enumeration, the one class it is mixed into
        P: int
        _levels: dict[int, Level]
        _gid0s: list[int]

        def values(self, K: int, start: int = 0, stop: int | None = None) -> np.ndarray: ...

        def size_of(self, gid: int) -> int: ...

        def _exp_rows(self, K: int, start: int, stop: int) -> np.ndarray: ...

    def find_values(
        self,
        target: np.ndarray,
        mask: np.ndarray | None = None,
        *,
        rtol: float = MATCH_RTOL,
        max_K: int | None = None,
    ) -> list[int]:
        """Ids (in K order) of representatives equal to ``target`` at the test points in ``mask``.

        ``target`` has one value per test point (a scalar broadcasts); infinite target values
        must match exactly. Closeness: ``|v - t| <= rtol * (|t| + 1)`` at every masked point.

        >>> from emlkit.search import enumerate_forms
        >>> en = enumerate_forms(11, variables=())
        >>> [en.size_of(g) for g in en.find_values(-np.inf)]
        [11]
        """
        return self.match([(target, mask)], rtol=rtol, max_K=max_K)[0]

    def match(
        self,
        targets: Sequence[tuple[np.ndarray, np.ndarray | None]],
        *,
        rtol: float = MATCH_RTOL,
        max_K: int | None = None,
        chunk: int = 1 << 19,
        min_K: int | None = None,
    ) -> list[list[int]]:
        """:meth:`find_values` for many ``(target, mask)`` pairs in one pass over the levels.

        Only levels with ``min_K <= K <= max_K`` are searched (every level by default).

        >>> from emlkit.search import enumerate_forms
        >>> en = enumerate_forms(7, variables=("x",))
        >>> x = en.points["x"]
        >>> [[en.rpn(g) for g in ids] for ids in en.match([(np.exp(x), None), (np.log(x), None)])]
        [['x 1 E'], ['1 1 x E 1 E E']]
        """
        prepared = []
        for target, mask in targets:
            t = np.broadcast_to(np.asarray(target, dtype=np.complex128), (self.P,))
            m = np.ones(self.P, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
            cols = np.flatnonzero(m)
            t = t[cols]
            prepared.append((cols, t, match_tolerance(t, rtol)))
        found: list[list[int]] = [[] for _ in targets]
        for K in sorted(self._levels):
            if max_K is not None and K > max_K:
                break
            if min_K is not None and K < min_K:
                continue
            lv = self._levels[K]
            for s in range(0, lv.n, chunk):
                v = self.values(K, s, s + chunk)
                for out, (cols, t, tol) in zip(found, prepared):
                    if len(cols) == 0:
                        continue
                    out.extend(int(i) + lv.gid0 + s for i in close_rows(v, t, tol, cols))
        return found

    def _lookup_bits(self) -> int:
        # functions (P > 1) have values spread over the plane: a coarse grid is sparse and
        # tolerant of rounding; constants crowd the real line, so they need a finer grid
        return LOOKUP_BITS if self.P > 1 else LOOKUP_BITS_CONSTANT

    def _column_index(self, cols: tuple[int, ...]) -> KeyIndex:
        """Every representative by the coarse key of its values at the test points ``cols``."""
        cache = self.__dict__.setdefault("_col_index", {})
        if cols not in cache:
            sel = list(cols)
            keys, gids = [], []
            for K in sorted(self._levels):
                lv = self._levels[K]
                for s in range(0, lv.n, 1 << 20):
                    v = self.values(K, s, s + (1 << 20))[:, sel]
                    h, _ = row_keys(v, self._lookup_bits())
                    keys.append(h)
                    gids.append(np.arange(lv.gid0 + s, lv.gid0 + s + len(v), dtype=np.int64))
            cache[cols] = KeyIndex(np.concatenate(keys), np.concatenate(gids))
        index: KeyIndex = cache[cols]
        return index

    def match_roots(
        self,
        target: np.ndarray,
        mask: np.ndarray | None = None,
        *,
        rtol: float = MATCH_RTOL,
        min_K: int = 0,
        max_pairs: int = 1 << 22,
        chunk: int = 1 << 20,
    ) -> list[tuple[int, int, int]]:
        """Forms ``eml(a, b)`` equal to ``target`` with *both* children among the representatives.

        Meet in the middle: for every representative ``a`` the right child must satisfy
        ``ln b = exp(a) - target``, so ``b = exp(exp(a) - target)`` (the principal guard of
        :func:`~emlkit.search.value_index.needed_right_rows`) is looked up (on a coarse grid,
        at the test points in ``mask``) among all representatives, and each hit is checked
        exactly. This covers every form of size up to ``max_K + 2`` (both
        children of such a form have size at most ``max_K``) and many larger ones.

        Returns ``(K, a, b)`` sorted by K (then a, b), only for ``K >= min_K``.

        >>> from emlkit.search import enumerate_forms
        >>> en = enumerate_forms(11, variables=("x",))
        >>> roots = en.match_roots(-en.points["x"], en.strip, min_K=12)   # -x, beyond K = 11
        >>> K, a, b = roots[0]
        >>> K, str(Eml(en.expr(a), en.expr(b)))
        (15, 'eml(eml(1, eml(1, eml(1, eml(eml(1, 1), 1)))), eml(x, 1))')
        """
        t = np.broadcast_to(np.asarray(target, dtype=np.complex128), (self.P,))
        m = np.ones(self.P, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        cols = np.flatnonzero(m)
        if len(cols) == 0 or not np.isfinite(t[cols]).all():
            return []
        index = self._column_index(tuple(int(c) for c in cols))
        tt = t[cols]
        tol = match_tolerance(tt, rtol)
        out: list[tuple[int, int, int]] = []
        sizes = np.array([self.size_of(g) for g in self._gid0s], dtype=np.int64)
        gid0s = np.asarray(self._gid0s)
        for Ka in sorted(self._levels):
            lv = self._levels[Ka]
            for s in range(0, lv.n, chunk):
                E = self._exp_rows(Ka, s, s + chunk)[:, cols]
                ia, bstar = needed_right_rows(E, tt)
                if len(ia) == 0:
                    continue
                h, _ = row_keys(bstar, self._lookup_bits())
                hit, lo, n = index.ranges(h)
                if len(hit) == 0:
                    continue
                ia = ia[hit]
                # split the rows so that one step expands to at most max_pairs pairs
                cum = np.cumsum(n)
                r0 = 0
                while r0 < len(n):
                    base = cum[r0 - 1] if r0 else 0
                    r1 = max(r0 + 1, int(np.searchsorted(cum, base + max_pairs, "right")))
                    out.extend(self._root_step(
                        ia[r0:r1] + s + lv.gid0, lo[r0:r1], n[r0:r1], Ka, index.ids, sizes, gid0s,
                        min_K, cols, tt, tol,
                    ))
                    r0 = r1
        out.sort()
        return out

    def _root_step(self, ia, lo, n, Ka, gids, sizes, gid0s, min_K, cols, tt, tol):
        total = int(n.sum())
        if total == 0:
            return []
        a_ids = np.repeat(ia, n)
        starts = np.repeat(lo - np.cumsum(n) + n, n)
        b_ids = gids[np.arange(total) + starts]
        Kr = 1 + Ka + sizes[np.searchsorted(gid0s, b_ids, side="right") - 1]
        keep = Kr >= min_K
        a_ids, b_ids, Kr = a_ids[keep], b_ids[keep], Kr[keep]
        if len(a_ids) == 0:
            return []
        v = eml_arrays(self._gather("expv", a_ids), self._gather("logv", b_ids))[:, cols]
        good = close_rows(v, tt, tol)
        return [
            (int(k), int(a), int(b)) for k, a, b in zip(Kr[good], a_ids[good], b_ids[good])
        ]

