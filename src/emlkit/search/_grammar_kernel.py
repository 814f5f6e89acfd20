"""The grammar search's kernel: one level's candidates filtered, snapped, hashed and kept.

:class:`LevelCollector` takes the value blocks of one size, snaps and hashes them (the search
policy, :mod:`emlkit.search.arithmetic`), drops the known ones (:class:`HashSet`) and watches
for targets; :func:`level_jobs` yields the blocks of a level lazily.

>>> s = HashSet()
>>> s.insert(np.array([5, 7, 5], dtype=np.uint64)).tolist()
[True, True, False]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from ..tolerances import GRAMMAR_MATCH_RTOL
from .arithmetic import U64, row_keys, snap_own

if TYPE_CHECKING:
    from ._grammar_run import GrammarEnumeration
    from .grammar import Grammar

__all__ = ["HashSet", "LevelCollector", "level_jobs"]


class LevelCollector:
    """Candidates of one size being collected chunk by chunk."""

    def __init__(self, en: GrammarEnumeration, bits: int, tkeys: np.ndarray | None,
                 targets: np.ndarray | None) -> None:
        self.en, self.bits, self.tkeys, self.targets = en, bits, tkeys, targets
        self.parts: list[tuple] = []
        self.pending: list[tuple[int, int]] = []  # (target index, hash)

    def emit(self, r: np.ndarray, op: int, left: np.ndarray, right: np.ndarray,
             scan_only: bool = False) -> bool:
        """Filter, snap, hash and keep the new rows of one chunk; True when a target was hit.

        ``scan_only``: keep only the rows that hit a target (a first, cheap pass over a level).
        """
        P = self.en.P
        r = np.asarray(r, dtype=np.complex128).reshape(-1, P)
        with np.errstate(all="ignore"):
            bad = (np.isnan(r.real) | np.isnan(r.imag) | np.isinf(r.imag)).any(axis=1)
            idx = np.flatnonzero(~bad)
            if len(idx) == 0:
                return False
            r = r[idx]
        snap_own(r)
        h, _ = row_keys(r, self.bits)
        if scan_only:
            if self.tkeys is None:  # no targets: nothing can hit one
                return False
            sel = np.flatnonzero(np.isin(h, self.tkeys))
            if len(sel) == 0:
                return False
            h, r, idx = h[sel], r[sel], idx[sel]
        keep = np.flatnonzero(self.en._seen.insert(h))
        if len(keep) == 0:
            return False
        h, r, idx = h[keep], r[keep], idx[keep]
        self.parts.append((h, r, np.full(len(idx), op, np.int16), left[idx], right[idx]))
        if self.tkeys is None or self.targets is None:  # set together (both or neither)
            return False
        hit = False
        for j in np.flatnonzero(np.isin(h, self.tkeys)):
            for t in np.flatnonzero(self.tkeys == h[j]):
                tv = self.targets[t]
                with np.errstate(all="ignore"):
                    ok = np.where(np.isfinite(tv),
                                  np.abs(r[j] - tv) <= GRAMMAR_MATCH_RTOL * (np.abs(tv) + 1),
                                  r[j] == tv).all()
                if ok:
                    self.pending.append((int(t), int(h[j])))
                    hit = True
        return hit

    def finish(self, K: int) -> None:
        en = self.en
        if self.parts:
            h, r, o, a, b = (np.concatenate(x) for x in zip(*self.parts))
        else:
            h = np.zeros(0, U64)
            r = np.zeros((0, en.P), np.complex128)
            o = np.zeros(0, np.int16)
            a = b = np.zeros(0, np.int64)
        gid0 = en.total
        en._gid0[K], en.counts[K] = gid0, len(h)
        en._vals[K], en._op[K], en._left[K], en._right[K] = r, o, a, b
        en._starts.append(gid0)
        en._sizes.append(K)
        en.max_K = K
        for t, hv in self.pending:
            en.hits.append((t, gid0 + int(np.flatnonzero(h == hv)[0])))


class HashSet:
    """Open-addressing set of 64-bit value hashes, with vectorised insertion.

    :meth:`insert` adds a batch and tells which entries were new; of equal entries within
    one batch only the first counts as new. 0 marks an empty slot (a hash of 0 is stored as 1).
    """

    def __init__(self, bits: int = 14) -> None:
        self.table = np.zeros(1 << bits, dtype=U64)
        self.owner = np.zeros(1 << bits, dtype=np.int64)
        self.n = 0

    def nbytes(self) -> int:
        return self.table.nbytes + self.owner.nbytes

    def insert(self, h: np.ndarray) -> np.ndarray:
        h = np.where(h == 0, U64(1), h)
        if 2 * (self.n + len(h)) > len(self.table):
            self._grow(self.n + len(h))
        new = self._insert(h)
        self.n += int(new.sum())
        return new

    def _grow(self, need: int) -> None:
        size = len(self.table)
        while 2 * need > size:
            size *= 4
        old = self.table[self.table != 0]
        self.table = np.zeros(size, dtype=U64)
        self.owner = np.zeros(size, dtype=np.int64)
        self._insert(old)

    def _insert(self, h: np.ndarray) -> np.ndarray:
        table, owner = self.table, self.owner
        mask = U64(len(table) - 1)
        new = np.zeros(len(h), dtype=bool)
        active = np.arange(len(h))
        pos = (h ^ (h >> U64(29))) & mask
        while len(active):
            hv = h[active]
            cur = table[pos]
            empty = cur == 0
            if empty.any():
                # contenders for one empty slot: the last write wins it, so writing in
                # reverse order gives it to the first; the owner says who
                slots = pos[empty][::-1]
                table[slots] = hv[empty][::-1]
                owner[slots] = active[empty][::-1]
                win = empty & (owner[pos] == active) & (table[pos] == hv)
                new[active[win]] = True
                cur = table[pos]
            # done: stored now (by this entry, or it equals a stored hash: a duplicate)
            keep = cur != hv
            active, pos = active[keep], (pos[keep] + U64(1)) & mask
        return new



def level_jobs(
    en: GrammarEnumeration, grammar: Grammar, K: int, chunk: int
) -> Iterator[Callable[[], tuple]]:
    """Lazy work items ``() -> (op index, values, left ids, right ids)`` for level ``K``."""
    P = en.P
    nl = len(grammar.leaves)
    rows = max(1, chunk // P)
    if K - 1 in en._vals:
        V = en._vals[K - 1]
        ids = np.arange(en._gid0[K - 1], en._gid0[K - 1] + len(V), dtype=np.int64)
        for ui, op in enumerate(grammar.unary):
            for s in range(0, len(V), rows):
                def unary(ui=ui, op=op, s=s):
                    part = ids[s:s + rows]
                    return nl + ui, op.fn(V[s:s + rows]), part, np.full(len(part), -1)
                yield unary
    for bi, op in enumerate(grammar.binary):
        oi = nl + len(grammar.unary) + bi
        for Ka in range(1, K - 1):
            Kb = K - 1 - Ka
            if op.commutative and Ka > Kb or Ka not in en._vals or Kb not in en._vals:
                continue
            A, B = en._vals[Ka], en._vals[Kb]
            if len(A) == 0 or len(B) == 0:
                continue
            rb = max(1, min(len(B), rows))
            ra = max(1, rows // rb)
            ga, gb = en._gid0[Ka], en._gid0[Kb]
            for b0 in range(0, len(B), rb):
                for a0 in range(0, len(A), ra):
                    def work(op=op, oi=oi, a0=a0, b0=b0, A=A, B=B, ga=ga, gb=gb, ra=ra, rb=rb):
                        Ac, Bc = A[a0:a0 + ra], B[b0:b0 + rb]
                        r = op.fn(Ac[:, None, :], Bc[None, :, :])
                        r = np.broadcast_to(r, (len(Ac), len(Bc), P))
                        na, nb = len(Ac), len(Bc)
                        left = np.repeat(np.arange(ga + a0, ga + a0 + na, dtype=np.int64), nb)
                        right = np.tile(np.arange(gb + b0, gb + b0 + nb, dtype=np.int64), na)
                        return oi, r, left, right
                    yield work
