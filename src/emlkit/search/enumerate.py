"""Bottom-up enumeration of EML forms by K with observational-equivalence dedup.

Every candidate ``eml(a, b)`` is evaluated on a few fixed, generic complex test points
(vectorised over all pairs of representatives at once, complex128) and kept only when its
*value vector* differs from every vector seen at a smaller or equal K. What survives is one
representative (the first found, so one of smallest K) per distinct function *as seen at the
test points*; the representative's children are stored as indices so its tree can be rebuilt.

Arithmetic (shared with :mod:`emlkit.search.verify`, which repeats it in mpmath):

* principal ``ln``; ``ln 0 = -inf``, ``ln(+inf + i c) = +inf``; ``ln(-inf)`` is undefined;
* ``exp(-inf + i c) = 0``, ``exp(+inf) = +inf``; ``exp(+inf + i c)`` with ``c != 0`` is undefined
  (the direction of a complex infinity depends on the evaluator, so no form may rely on it);
* an ``exp`` that overflows or underflows to zero from a finite argument is undefined (the true
  value is finite and non-zero: a float artefact must not become ``+-inf`` or ``ln 0``);
* the result ``r = exp(a) - ln(b)`` is snapped: a part below ``2**-40`` times the operands'
  magnitude is set to exactly 0, so values that are exactly real (or zero) in exact arithmetic
  are exactly real (or zero) here, and ``ln`` of an exactly negative real has ``Arg = +pi``.
  Negative zeros are replaced by ``+0``.

A candidate undefined at any test point is dropped, together with everything built on it.

Dedup: each finite value is quantised on a relative grid (30 bits of mantissa relative to
``max(|Re|, |Im|)``); the quantised vector is hashed to 64 bits and checked with a second,
independent 32-bit hash, so two different vectors are merged only if both hashes collide.
Two values within about ``1e-9`` relative are merged (equal functions computed by different
routes must merge); a value that falls on a grid boundary can leave a rare duplicate, which
only costs memory.

Memory: a level stores ``exp`` and ``ln`` of its values (``32 * P`` bytes per form) so the
next levels can be built; the last level is kept "lazily" (children ids only, values
recomputed on demand) when storing it would pass ``memory_limit_bytes``, and a level whose
estimated peak would pass the limit is not started: the enumeration stops cleanly with
``complete = False`` and a ``stop_reason``. Resumable work: :meth:`Enumeration.save` writes
the levels (children ids only) to a folder, :meth:`Enumeration.load` rebuilds them
identically, and ``enumerate_forms(..., resume_from=...)`` goes on from there.

>>> en = enumerate_forms(7, variables=())
>>> en.counts
{1: 1, 3: 1, 5: 2, 7: 5}
>>> [en.rpn(g) for g in en.ids(7)][:2]
['1 1 1 1 E E E', '1 1 1 E 1 E E']
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..expr import ONE, Eml, Expr, Var, rpn_string
from .arithmetic import (  # noqa: F401 - also importable from here, where they lived first
    _U,
    SNAP_TOL,
    _maxabs,
    _pair_block,
    _row_keys,
    _snap,
    default_points,
    eml_arrays,
    exp_guarded,
    log_guarded,
)

_COARSE_BITS = 20  # grid of the meet-in-the-middle lookup (hits are re-checked exactly)
_CONST_BITS = 40  # the same for constants (one test point)
_FORMAT = 1  # of the files written by Enumeration.save
_MANIFEST = "manifest.json"

__all__ = [
    "Enumeration",
    "enumerate_forms",
    "default_points",
    "eml_arrays",
    "exp_guarded",
    "log_guarded",
    "SNAP_TOL",
]


@dataclass
class _Level:
    gid0: int
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


class Enumeration:
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
        self._levels: dict[int, _Level] = {}
        self._gid0s: list[int] = []
        self._level_of: list[int] = []
        self._hash = np.zeros(0, dtype=_U)
        self._check = np.zeros(0, dtype=np.uint32)
        self._leaves: list[Expr] = []
        self._leaf_values: np.ndarray | None = None
        self._expr_cache: dict[int, Expr] = {}

    # ---------------------------------------------------------------- access
    @property
    def total(self) -> int:
        """Number of representatives over all levels.

        >>> enumerate_forms(5, variables=()).total
        4
        """
        return sum(self.counts.values())

    def ids(self, K: int) -> range:
        """Global ids of the representatives of size ``K`` (empty for even or unknown K).

        >>> list(enumerate_forms(3, variables=()).ids(3))
        [1]
        """
        lv = self._levels.get(K)
        return range(lv.gid0, lv.gid0 + lv.n) if lv is not None else range(0)

    def size_of(self, gid: int) -> int:
        """K of the representative ``gid``.

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

        >>> enumerate_forms(3, variables=()).rpn(1)
        '1 1 E'
        """
        return rpn_string(self.expr(gid))

    def find_values(
        self,
        target: np.ndarray,
        mask: np.ndarray | None = None,
        *,
        rtol: float = 1e-8,
        max_K: int | None = None,
    ) -> list[int]:
        """Ids (in K order) of representatives equal to ``target`` at the test points in ``mask``.

        ``target`` has one value per test point (a scalar broadcasts); infinite target values
        must match exactly. Closeness: ``|v - t| <= rtol * (|t| + 1)`` at every masked point.

        >>> en = enumerate_forms(11, variables=())
        >>> [en.size_of(g) for g in en.find_values(-np.inf)]
        [11]
        """
        return self.match([(target, mask)], rtol=rtol, max_K=max_K)[0]

    def match(
        self,
        targets: Sequence[tuple[np.ndarray, np.ndarray | None]],
        *,
        rtol: float = 1e-8,
        max_K: int | None = None,
        chunk: int = 1 << 19,
        min_K: int | None = None,
    ) -> list[list[int]]:
        """:meth:`find_values` for many ``(target, mask)`` pairs in one pass over the levels.

        Only levels with ``min_K <= K <= max_K`` are searched (every level by default).

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
            tfin = np.isfinite(t)
            tol = rtol * (np.abs(np.where(tfin, t, 0)) + 1.0)
            prepared.append((cols, t, tfin, tol))
        found: list[list[int]] = [[] for _ in targets]
        for K in sorted(self._levels):
            if max_K is not None and K > max_K:
                break
            if min_K is not None and K < min_K:
                continue
            lv = self._levels[K]
            for s in range(0, lv.n, chunk):
                v = self.values(K, s, s + chunk)
                for out, (cols, t, tfin, tol) in zip(found, prepared):
                    if len(cols) == 0:
                        continue
                    c0 = cols[0]
                    with np.errstate(all="ignore"):
                        if tfin[0]:
                            pre = np.flatnonzero(np.abs(v[:, c0] - t[0]) <= tol[0])
                        else:
                            pre = np.flatnonzero(v[:, c0] == t[0])
                        if len(pre) == 0:
                            continue
                        w = v[pre][:, cols]
                        ok = np.where(tfin, np.abs(w - t) <= tol, w == t).all(axis=1)
                    out.extend(int(i) + lv.gid0 + s for i in pre[ok])
        return found

    def _lookup_bits(self) -> int:
        # functions (P > 1) have values spread over the plane: a coarse grid is sparse and
        # tolerant of rounding; constants crowd the real line, so they need a finer grid
        return _COARSE_BITS if self.P > 1 else _CONST_BITS

    def _column_index(self, cols: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Sorted coarse keys of every representative's values at the test points ``cols``."""
        cache = self.__dict__.setdefault("_col_index", {})
        if cols not in cache:
            sel = list(cols)
            keys, gids = [], []
            for K in sorted(self._levels):
                lv = self._levels[K]
                for s in range(0, lv.n, 1 << 20):
                    v = self.values(K, s, s + (1 << 20))[:, sel]
                    h, _ = _row_keys(v, self._lookup_bits())
                    keys.append(h)
                    gids.append(np.arange(lv.gid0 + s, lv.gid0 + s + len(v), dtype=np.int64))
            k = np.concatenate(keys)
            g = np.concatenate(gids)
            order = np.argsort(k, kind="stable")
            cache[cols] = (k[order], g[order])
        return cache[cols]

    def match_roots(
        self,
        target: np.ndarray,
        mask: np.ndarray | None = None,
        *,
        rtol: float = 1e-8,
        min_K: int = 0,
        max_pairs: int = 1 << 22,
        chunk: int = 1 << 20,
    ) -> list[tuple[int, int, int]]:
        """Forms ``eml(a, b)`` equal to ``target`` with *both* children among the representatives.

        Meet in the middle: for every representative ``a`` the right child must satisfy
        ``ln b = exp(a) - target``, so ``b = exp(exp(a) - target)`` is looked up (on a coarse
        grid, at the test points in ``mask``) among all representatives, and each hit is
        checked exactly. This covers every form of size up to ``max_K + 2`` (both
        children of such a form have size at most ``max_K``) and many larger ones.

        Returns ``(K, a, b)`` sorted by K (then a, b), only for ``K >= min_K``.

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
        keys, gids = self._column_index(tuple(int(c) for c in cols))
        tt = t[cols]
        tol = rtol * (np.abs(tt) + 1.0)
        out: list[tuple[int, int, int]] = []
        sizes = np.array([self.size_of(g) for g in self._gid0s], dtype=np.int64)
        gid0s = np.asarray(self._gid0s)
        for Ka in sorted(self._levels):
            lv = self._levels[Ka]
            for s in range(0, lv.n, chunk):
                E = self._exp_rows(Ka, s, s + chunk)[:, cols]
                with np.errstate(all="ignore"):
                    w = E - tt
                    ok = (np.isfinite(w) & (np.abs(w.imag) <= np.pi)).all(axis=1)
                    ia = np.flatnonzero(ok)
                    bstar = np.exp(w[ia])
                fin = (np.isfinite(bstar) & (bstar != 0)).all(axis=1)
                ia, bstar = ia[fin], bstar[fin]
                if len(ia) == 0:
                    continue
                h, _ = _row_keys(bstar, self._lookup_bits())
                # sorted needles keep the binary searches cache friendly; only hits need 'right'
                order = np.argsort(h)
                lo_sorted = np.searchsorted(keys, h[order], "left")
                lo = np.empty_like(lo_sorted)
                lo[order] = lo_sorted
                safe = np.minimum(lo, len(keys) - 1)
                hit = np.flatnonzero(keys[safe] == h)
                if len(hit) == 0:
                    continue
                ia, h, lo = ia[hit], h[hit], lo[hit]
                n = np.searchsorted(keys, h, "right") - lo
                # split the rows so that one step expands to at most max_pairs pairs
                cum = np.cumsum(n)
                r0 = 0
                while r0 < len(n):
                    base = cum[r0 - 1] if r0 else 0
                    r1 = max(r0 + 1, int(np.searchsorted(cum, base + max_pairs, "right")))
                    out.extend(self._root_step(
                        ia[r0:r1] + s + lv.gid0, lo[r0:r1], n[r0:r1], Ka, gids, sizes, gid0s,
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
        with np.errstate(all="ignore"):
            good = (np.abs(v - tt) <= tol).all(axis=1)
        return [
            (int(k), int(a), int(b)) for k, a, b in zip(Kr[good], a_ids[good], b_ids[good])
        ]

    # ---------------------------------------------------------------- persistence
    def fingerprints(self, K: int, start: int = 0, stop: int | None = None) -> list[str]:
        """The dedup keys of the representatives of size ``K`` (rows start:stop) as text.

        Two representatives of the same enumeration never share a fingerprint; the text is
        ``<64-bit hash>-<32-bit check>`` in hex, a function of the value vector only.

        >>> fp = enumerate_forms(7, variables=()).fingerprints(7)
        >>> len(fp), len(set(fp)), len(fp[0])
        (5, 5, 25)
        """
        h, c = _row_keys(self.values(K, start, stop))
        return [f"{int(a):016x}-{int(b):08x}" for a, b in zip(h, c)]

    def save(self, directory: str | os.PathLike) -> list[Path]:
        """Write the levels not yet in ``directory`` (children ids only) and a manifest.

        Each file is written to a temporary name and renamed, and the manifest (listing the
        complete levels) last, so a process killed at any moment leaves a folder that
        :meth:`load` reads up to the last level listed. Returns the files written.

        >>> import tempfile
        >>> d = tempfile.mkdtemp()
        >>> en = enumerate_forms(9, variables=("x",))
        >>> [p.name for p in en.save(d)][-2:]
        ['level-009.npy', 'manifest.json']
        >>> Enumeration.load(d).counts == en.counts
        True
        """
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        manifest = d / _MANIFEST
        saved: set[int] = set()
        if manifest.exists():
            try:
                old = json.loads(manifest.read_text())
                if self._same_identity(old):
                    saved = {int(k) for k in old["counts"]}
            except (OSError, ValueError, KeyError):
                saved = set()
        written = []
        big = self.total >= 2**31
        for K in sorted(self._levels):
            if K in saved:
                continue
            lv = self._levels[K]
            ids = np.stack([lv.left, lv.right]).astype(np.int64 if big else np.int32)
            written.append(_atomic_write(d / f"level-{K:03d}.npy", lambda fh: np.save(fh, ids)))
        info = {
            "format": _FORMAT,
            "variables": list(self.variables),
            "points": {v: [[z.real, z.imag] for z in self.points[v].tolist()]
                       for v in self.variables},
            "leaves": [str(leaf) for leaf in self._leaves],
            "counts": {str(k): n for k, n in self.counts.items()},
            "seconds": {str(k): t for k, t in self.seconds.items()},
            "pairs": {str(k): n for k, n in self.pairs.items()},
            "collisions": self.collisions,
        }
        text = json.dumps(info)
        written.append(_atomic_write(manifest, lambda fh: fh.write(text.encode())))
        return written

    def _same_identity(self, info: dict) -> bool:
        if info.get("format") != _FORMAT or tuple(info["variables"]) != self.variables:
            return False
        for v in self.variables:
            pts = np.array([complex(a, b) for a, b in info["points"][v]], dtype=np.complex128)
            if not np.array_equal(pts, self.points[v]):
                return False
        return True

    @classmethod
    def load(cls, directory: str | os.PathLike, *, max_K: int | None = None) -> Enumeration:
        """Rebuild an enumeration saved by :meth:`save` (levels up to ``max_K``).

        Values are recomputed from the children ids with the same arithmetic, so the result
        is identical to the enumeration that was saved; it can be continued with
        ``enumerate_forms(..., resume_from=...)``.

        Raises
        ------
        ValueError
            When the folder holds no complete manifest, a level file is missing or does
            not match (the message names the file).

        >>> import tempfile
        >>> d = tempfile.mkdtemp()
        >>> _ = enumerate_forms(13, variables=()).save(d)
        >>> en = Enumeration.load(d, max_K=9)
        >>> en.counts
        {1: 1, 3: 1, 5: 2, 7: 5, 9: 11}
        >>> enumerate_forms(15, variables=(), resume_from=en).counts[15]
        228
        """
        d = Path(directory)
        manifest = d / _MANIFEST
        try:
            info = json.loads(manifest.read_text())
            variables = tuple(info["variables"])
            pts = {
                v: np.array([complex(a, b) for a, b in info["points"][v]], dtype=np.complex128)
                for v in variables
            }
            counts = {int(k): int(n) for k, n in info["counts"].items()}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{manifest}: no saved enumeration here ({exc})") from None
        if info.get("format") != _FORMAT:
            raise ValueError(f"{manifest}: unknown format {info.get('format')!r}")
        en = cls(variables, pts)
        _add_leaves(en)
        if [str(leaf) for leaf in en._leaves] != info["leaves"] or en.counts[1] != counts[1]:
            raise ValueError(f"{manifest}: the leaves do not match")
        seconds = {int(k): float(t) for k, t in info["seconds"].items()}
        pairs = {int(k): int(n) for k, n in info["pairs"].items()}
        chunk = max(1, (1 << 22) // en.P)
        for K in sorted(counts):
            if K == 1 or (max_K is not None and K > max_K):
                continue
            path = d / f"level-{K:03d}.npy"
            try:
                ids = np.load(path)
            except (OSError, ValueError) as exc:
                raise ValueError(f"{path}: cannot read the saved level ({exc})") from None
            if ids.ndim != 2 or ids.shape != (2, counts[K]) or (
                ids.size and (ids.min() < 0 or ids.max() >= en.total)
            ):
                raise ValueError(f"{path}: saved level does not match the manifest")
            left, right = ids[0].astype(np.int64), ids[1].astype(np.int64)
            en._add_level(K, left, right, chunk=chunk)
            hs, cs = [], []
            for s in range(0, len(left), chunk):
                h, c = _row_keys(en.values(K, s, s + chunk))
                hs.append(h)
                cs.append(c)
            h = np.concatenate(hs) if hs else np.zeros(0, dtype=_U)
            c = np.concatenate(cs) if cs else np.zeros(0, dtype=np.uint32)
            if en._known(h, c).any() or len(np.unique(h)) != len(h):
                raise ValueError(f"{path}: saved level repeats known forms (corrupt?)")
            en._merge_keys(h, c)
            en.seconds[K] = seconds.get(K, 0.0)
            en.pairs[K] = pairs.get(K, 0)
        en.collisions = int(info.get("collisions", 0))
        return en

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
        lv = _Level(gid0, None, None, left, right)
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

        >>> enumerate_forms(3, variables=()).stored_bytes() > 0
        True
        """
        return (
            sum(lv.nbytes() for lv in self._levels.values())
            + self._hash.nbytes
            + self._check.nbytes
        )

def _pairs(en: Enumeration, K: int) -> int:
    return sum(en.counts[Ka] * en.counts[K - 1 - Ka] for Ka in range(1, K - 1, 2))


def _memory_needed(en: Enumeration, K: int, chunk_elements: int) -> tuple[int, int]:
    """Estimated peak bytes to build level ``K``: (stored with values, kept lazily)."""
    P = en.P
    pairs = _pairs(en, K)
    # survivors: the fraction that survived at the previous level (nearly constant), +20 %
    prev = K - 2
    rate = en.counts[prev] / en.pairs[prev] if en.pairs.get(prev) else 1.0
    new = int(min(pairs, pairs * min(1.0, rate * 1.2)) + 1)
    base = en.stored_bytes() + (200 << 20)  # arrays held + interpreter and NumPy
    base += sum(lv.n * P * 32 for k, lv in en._levels.items() if lv.lazy and k < K)
    # one vectorised step: values, thresholds, masks and keys, ~160 bytes per complex value
    work = min(chunk_elements, pairs * P) * 160
    # candidate bookkeeping (hash, check, two ids), twice while concatenating; new index keys
    cand = new * 28 * 2 + (en.total + new) * 12 * 2
    ids = new * 28
    lazy = base + max(work, cand) + ids
    full = lazy + new * P * 32
    return full, lazy


def _stop_message(K: int, need: int, limit: int) -> str:
    return (
        f"stopping before K={K}: would need ~{need / 2**30:.1f} GiB, "
        f"limit {limit / 2**30:.1f} GiB"
    )


def enumerate_forms(
    max_K: int,
    variables: Sequence[str] = ("x",),
    *,
    points: Mapping[str, Sequence[complex]] | None = None,
    memory_limit_bytes: int = 8 << 30,
    chunk_elements: int = 1 << 22,
    progress: bool = False,
    store_last: bool | None = None,
    resume_from: Enumeration | None = None,
    on_level: Callable[[Enumeration, int], None] | None = None,
    on_step: Callable[[int, int, int], None] | None = None,
    executor: Any = None,
    workers: int | None = None,
) -> Enumeration:
    """Enumerate distinct EML functions of the leaves ``1`` and ``variables`` up to size ``max_K``.

    Bottom-up by K (odd K only: K = 1 leaves, K = 1 + Ka + Kb), keeping one representative per
    distinct value vector at the test points (see the module docstring for the arithmetic and
    the dedup). Iterative and vectorised: every level pair ``(Ka, Kb)`` is combined by
    broadcasting ``exp(A)[:, None] - ln(B)[None, :]`` in chunks of about ``chunk_elements``
    complex values.

    Parameters
    ----------
    max_K : int
        Largest size to enumerate.
    variables : sequence of str
        Variable names; ``()`` enumerates constants (then one test point suffices).
    points : mapping, optional
        ``{name: values}``, the same number of complex test points for every variable
        (default :func:`default_points`).
    memory_limit_bytes : int
        Stop before a level whose (estimated) peak memory would exceed this: the result
        then has ``complete = False`` and ``stop_reason`` says why.
    chunk_elements : int
        Working-set size of one vectorised step.
    progress : bool
        Print one line per level.
    store_last : bool, optional
        Store ``exp`` and ``ln`` of the last level's values (``32 * P`` bytes per form) for
        fast queries. ``None`` (default): only when that fits in ``memory_limit_bytes``;
        otherwise the last level keeps only its children's ids and its values are recomputed
        on demand (the same results, more slowly). See :meth:`Enumeration.materialize`.
    resume_from : Enumeration, optional
        Go on from this enumeration (e.g. :meth:`Enumeration.load`): levels it holds are kept,
        the next ones are added to it (it is modified and returned). Its variables and test
        points must be the ones asked for.
    on_level : callable, optional
        ``on_level(enumeration, K)`` after each completed level (including the leaves), e.g.
        to save a checkpoint.
    on_step : callable, optional
        ``on_step(K, pairs_done, pairs_total)`` after each vectorised step, for progress.
    executor : None, "local", "serial", "ray", "ray:ADDRESS" or an executor
        Where the pair blocks of each level run (:mod:`emlkit.search._sharded`); ``None``
        (default): in this process. The forms found, and their order, are the same.
    workers : int, optional
        Processes of a local pool made from a spec (with ``executor`` only).

    Returns
    -------
    Enumeration

    Examples
    --------
    The published shortest constants: e at K = 3, 0 at K = 7, -1 at K = 15, 2 at K = 19.

    >>> en = enumerate_forms(19, variables=())
    >>> [en.size_of(en.find_values(v)[0]) for v in (np.e, 0, -1, 2)]
    [3, 7, 15, 19]
    >>> en.rpn(en.find_values(-1)[0])
    '1 1 1 1 1 E 1 E E E E 1 1 E E'

    Going on from a smaller enumeration gives the same levels:

    >>> part = enumerate_forms(11, variables=())
    >>> enumerate_forms(15, variables=(), resume_from=part).counts == enumerate_forms(
    ...     15, variables=()).counts
    True

    The memory guard stops cleanly, before the level that would not fit:

    >>> small = enumerate_forms(25, variables=("x",), memory_limit_bytes=300 << 20)
    >>> small.complete, small.stop_reason.startswith(f"stopping before K={small.max_K + 2}")
    (False, True)

    The same forms from a local pool of worker processes:

    >>> enumerate_forms(11, variables=(), executor="local", workers=2).counts == (
    ...     enumerate_forms(11, variables=()).counts)
    True
    """
    from ._sharded import executor_scope

    variables = tuple(variables)
    if isinstance(max_K, bool) or not isinstance(max_K, (int, np.integer)) or max_K < 1:
        raise ValueError(f"max_K must be a whole number >= 1, got {max_K!r}")
    if len(set(variables)) != len(variables):
        raise ValueError(f"repeated variable names in {variables!r}")
    if points is None:
        pts = default_points(variables)
    else:
        missing = [v for v in variables if v not in points]
        if missing:
            raise ValueError(f"no test points given for variable {missing[0]!r}")
        pts = {v: np.asarray(points[v], dtype=np.complex128).ravel() for v in variables}
        lens = {len(a) for a in pts.values()}
        if len(lens) > 1:
            raise ValueError("every variable needs the same number of test points")
    if resume_from is not None:
        en = resume_from
        same = en.variables == variables and all(
            np.array_equal(en.points[v], pts[v]) for v in variables
        )
        if not same:
            raise ValueError(
                "resume_from holds another enumeration (different variables or test points)"
            )
        en.complete, en.stop_reason = True, None
    else:
        en = Enumeration(variables, pts)
        _add_leaves(en)
        if on_level is not None:
            on_level(en, 1)

    with executor_scope(executor, workers) as ex:
        for K in range(en.max_K + 2, max_K + 1, 2):
            full, lazy_need = _memory_needed(en, K, chunk_elements)
            if lazy_need > memory_limit_bytes:
                en.complete = False
                en.stop_reason = _stop_message(K, lazy_need, memory_limit_bytes)
                if progress:
                    print(en.stop_reason, flush=True)
                break
            if K < max_K:
                lazy = full > memory_limit_bytes  # then this is the last level that fits
            elif store_last is None:
                lazy = full > memory_limit_bytes
            else:
                lazy = not store_last
            for k in sorted(en._levels):
                if en._levels[k].lazy:  # a child level kept lazily: store its values now
                    en.materialize()
                    break
            t0 = time.perf_counter()
            _build_level(en, K, lazy=lazy, chunk_elements=chunk_elements,
                         on_step=on_step, executor=ex)
            en.seconds[K] = time.perf_counter() - t0
            if progress:
                print(
                    f"K={K:3d} new={en.counts[K]:>11,d} pairs={en.pairs[K]:>14,d} "
                    f"total={en.total:>11,d} {en.seconds[K]:8.2f}s "
                    f"mem={en.stored_bytes() / 2**20:9.1f} MiB",
                    flush=True,
                )
            if on_level is not None:
                on_level(en, K)
    return en


def _add_leaves(en: Enumeration) -> None:
    """K = 1: the leaves (1 and each variable), deduplicated like everything else."""
    leaves: list[Expr] = [ONE] + [Var(v) for v in en.variables]
    vals = np.ones((len(leaves), en.P), dtype=np.complex128)
    for i, v in enumerate(en.variables, start=1):
        vals[i] = en.points[v]
    h, c = _row_keys(vals)
    _, first = np.unique(h, return_index=True)
    first.sort()
    en._leaves = [leaves[i] for i in first]
    en._leaf_values = vals[first]
    neg = np.full(len(first), -1, dtype=np.int64)
    en._add_level(1, neg, neg.copy(), vals=vals[first])
    en._merge_keys(h[first], c[first])
    en.seconds[1] = 0.0
    en.pairs[1] = len(leaves)


def _build_level(
    en: Enumeration,
    K: int,
    *,
    lazy: bool,
    chunk_elements: int,
    on_step: Callable[[int, int, int], None] | None,
    executor: Any = None,
) -> None:
    """Combine every level pair ``(Ka, K - 1 - Ka)`` and append the new distinct forms."""
    P = en.P
    pairs = _pairs(en, K)
    done = 0
    hs: list[np.ndarray] = []
    cs: list[np.ndarray] = []
    ls: list[np.ndarray] = []
    rs: list[np.ndarray] = []
    if executor is not None:
        from ._sharded import sharded_candidates

        hs, cs, ls, rs = sharded_candidates(en, K, executor, chunk_elements, on_step)
    for Ka in range(1, K - 1, 2) if executor is None else ():
        A = en._levels[Ka]
        B = en._levels[K - 1 - Ka]
        assert A.expv is not None and B.logv is not None
        nb = B.n
        rows_b = max(1, min(nb, chunk_elements // P))
        rows_a = max(1, chunk_elements // (P * rows_b))
        for b0 in range(0, nb, rows_b):
            b1 = min(nb, b0 + rows_b)
            Lb = B.logv[b0:b1]
            aLb = _maxabs(Lb)
            for a0 in range(0, A.n, rows_a):
                a1 = min(A.n, a0 + rows_a)
                Ea = A.expv[a0:a1]
                aEa = _maxabs(Ea)
                done += (a1 - a0) * (b1 - b0)
                idx, hh, cc = _pair_block(Ea, Lb, aEa, aLb)
                if len(idx):
                    new = ~en._known(hh, cc)
                    idx, hh, cc = idx[new], hh[new], cc[new]
                    if len(idx):
                        # repeats within the level are dropped once, at the end
                        hs.append(hh)
                        cs.append(cc)
                        ls.append(idx // (b1 - b0) + a0 + A.gid0)
                        rs.append(idx % (b1 - b0) + b0 + B.gid0)
                if on_step is not None:
                    on_step(K, done, pairs)
    en.pairs[K] = pairs
    if hs:
        hh = np.concatenate(hs)
        cc = np.concatenate(cs)
        la = np.concatenate(ls).astype(np.int64)
        rb = np.concatenate(rs).astype(np.int64)
        del hs, cs, ls, rs
        # first occurrence of each key (the first found is the representative); u is sorted
        u, f = np.unique(hh, return_index=True)
        cc = cc[f]
        del hh
        keep = np.sort(f)
        la, rb = la[keep], rb[keep]
    else:
        u = np.zeros(0, dtype=_U)
        cc = np.zeros(0, dtype=np.uint32)
        la = rb = np.zeros(0, dtype=np.int64)
    en._add_level(K, la, rb, lazy=lazy, chunk=max(1, chunk_elements // P))
    en._merge_keys(u, cc, is_sorted=True)


def _atomic_write(path: Path, write: Callable[[Any], Any]) -> Path:
    """Write a file under a temporary name, then rename it over ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        write(fh)
    os.replace(tmp, path)
    return path
