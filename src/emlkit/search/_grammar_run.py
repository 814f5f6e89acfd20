"""Bottom-up enumeration over a :class:`~emlkit.search.grammar.Grammar` and its result.

:func:`enumerate_grammar` (re-exported by :mod:`emlkit.search.grammar`) builds every term by
size and keeps one per distinct value vector; :class:`GrammarEnumeration` holds them.

>>> from emlkit.search.grammar import Grammar
>>> enumerate_grammar(Grammar.from_names(["1", "exp", "ln"]), 3).counts
{1: 1, 2: 2, 3: 2}
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..progress import Progress
from ..tolerances import DEDUP_BITS, GRAMMAR_DEDUP_BITS_CONSTANT, GRAMMAR_MATCH_RTOL
from ._grammar_kernel import HashSet, LevelCollector, level_jobs
from ._grammar_terms import format_term
from .arithmetic import resolve_points
from .value_index import close_rows, match_tolerance, row_keys

if TYPE_CHECKING:
    from .grammar import Grammar

__all__ = ["GrammarEnumeration", "enumerate_grammar"]


class GrammarEnumeration:
    """Result of :func:`enumerate_grammar`: representatives by size with their value vectors.

    ``gid`` numbers representatives in order of discovery (so by K). ``hits`` lists
    ``(target index, gid)`` for the ``targets`` given to :func:`enumerate_grammar`.

    >>> from emlkit.search.grammar import Grammar, enumerate_grammar
    >>> en = enumerate_grammar(Grammar.from_names(["1", "exp", "ln"]), 3)
    >>> en.counts, [en.formula(g) for g in en.ids(2)]
    ({1: 1, 2: 2, 3: 2}, ['exp(1)', 'log(1)'])
    """

    def __init__(self, grammar: Grammar, points: dict[str, np.ndarray], P: int) -> None:
        self.grammar = grammar
        self.points = points
        self.P = P
        self.counts: dict[int, int] = {}
        self.seconds: dict[int, float] = {}
        self.complete = True
        self.timed_out = False
        self.max_K = 0
        self.hits: list[tuple[int, int]] = []
        self._vals: dict[int, np.ndarray] = {}
        self._op: dict[int, np.ndarray] = {}
        self._left: dict[int, np.ndarray] = {}
        self._right: dict[int, np.ndarray] = {}
        self._gid0: dict[int, int] = {}
        self._starts: list[int] = []
        self._sizes: list[int] = []
        self._seen = HashSet()

    @property
    def total(self) -> int:
        """Number of representatives stored."""
        return sum(self.counts.values())

    def ids(self, K: int) -> range:
        """Global ids of the representatives of size ``K``."""
        if K not in self._gid0:
            return range(0)
        return range(self._gid0[K], self._gid0[K] + self.counts[K])

    def values(self, K: int) -> np.ndarray:
        """Value vectors ``(n, P)`` of the representatives of size ``K``."""
        return self._vals[K] if K in self._vals else np.zeros((0, self.P), np.complex128)

    def size_of(self, gid: int) -> int:
        """K of representative ``gid``."""
        i = int(np.searchsorted(self._starts, gid, side="right")) - 1
        return self._sizes[i]

    def _node(self, gid: int) -> tuple[int, int, int]:
        K = self.size_of(gid)
        j = gid - self._gid0[K]
        return int(self._op[K][j]), int(self._left[K][j]), int(self._right[K][j])

    def value(self, gid: int) -> np.ndarray:
        """Value vector of one representative."""
        K = self.size_of(gid)
        return self._vals[K][gid - self._gid0[K]]

    def term(self, gid: int) -> tuple:
        """The representative as nested tuples ``(name, *children)``, built iteratively.

        >>> from emlkit.search.grammar import Grammar, enumerate_grammar
        >>> en = enumerate_grammar(Grammar.from_names(["1", "plus"], ["x"]), 3)
        >>> en.term(en.ids(3)[-1])
        ('plus', ('x',), ('x',))
        """
        ops = self.grammar.all_ops
        done: dict[int, tuple] = {}
        stack = [int(gid)]
        while stack:
            g = stack[-1]
            if g in done:
                stack.pop()
                continue
            o, a, b = self._node(g)
            kids = [c for c in (a, b)[: ops[o].arity]]
            todo = [c for c in kids if c not in done]
            if todo:
                stack.extend(todo)
                continue
            done[g] = (ops[o].name, *(done[c] for c in kids))
            stack.pop()
        return done[int(gid)]

    def formula(self, gid: int) -> str:
        """The representative in calculator notation (for :func:`emlkit.compile` / SymPy).

        >>> from emlkit.search.grammar import Grammar, enumerate_grammar
        >>> en = enumerate_grammar(Grammar.from_names(["1", "eml"], ["x"]), 3)
        >>> en.formula(en.ids(3)[0])
        'exp(1) - log(1)'
        """
        return format_term(self.term(gid), {op.name: op for op in self.grammar.all_ops})

    def find_values(self, vector: Any, rtol: float = GRAMMAR_MATCH_RTOL) -> list[int]:
        """Ids whose value vector equals ``vector`` within ``rtol``, smallest K first.

        >>> from emlkit.search.grammar import Grammar, enumerate_grammar
        >>> en = enumerate_grammar(Grammar.from_names(["1", "plus"]), 5)
        >>> [en.formula(g) for g in en.find_values(3)]
        ['1 + (1 + 1)']
        """
        t = np.broadcast_to(np.asarray(vector, dtype=np.complex128), (self.P,))
        out: list[int] = []
        tol = match_tolerance(t, rtol)
        for K in sorted(self._vals):
            out.extend(int(i) + self._gid0[K] for i in close_rows(self._vals[K], t, tol))
        return out

    def __repr__(self) -> str:
        return (f"<GrammarEnumeration {self.grammar!r} P={self.P} max_K={self.max_K} "
                f"total={self.total}{'' if self.complete else ' (incomplete)'}>")



def enumerate_grammar(
    grammar: Grammar,
    max_K: int,
    *,
    points: Mapping[str, Sequence[complex]] | None = None,
    memory_limit_bytes: int = 4 << 30,
    progress: bool | Progress = False,
    targets: Any = None,
    stop_on_hit: bool = False,
    time_limit: float | None = None,
    chunk_elements: int = 1 << 19,
    mant_bits: int | None = None,
) -> GrammarEnumeration:
    """Enumerate the distinct functions of ``grammar`` up to ``max_K`` tokens.

    Parameters
    ----------
    grammar : Grammar
    max_K : int
        Largest size (tokens) to enumerate.
    points : mapping, optional
        ``{variable: test values}`` (default :func:`emlkit.search.default_points`; one point
        when there are no variables).
    memory_limit_bytes : int
        Stop cleanly (``complete = False``) before a level that could exceed this.
    progress : bool or Progress
        Show a progress line on standard error (or update the given bar).
    targets : array_like, optional
        ``(T, P)`` value vectors to watch for; matches go to ``.hits`` as ``(t, gid)``.
    stop_on_hit : bool
        Stop after the first chunk that hits a target (that level is then partial). Each
        level is first only searched for the targets, and stored only when none is there;
        the last level (``max_K``) is searched but not stored.
    time_limit : float, optional
        Seconds; stop cleanly (``complete = False``, ``timed_out = True``) after it.
    chunk_elements : int
        Complex values computed per vectorised step.
    mant_bits : int, optional
        Bits of the dedup grid (default 34 with one test point, else 30).

    Returns
    -------
    GrammarEnumeration

    Examples
    --------
    >>> from emlkit.search.grammar import Grammar
    >>> g = Grammar.from_names(["1", "plus", "times"])
    >>> en = enumerate_grammar(g, 7)          # (1 + 1)*(1 + 1) is a duplicate of 4
    >>> en.counts
    {1: 1, 2: 0, 3: 1, 4: 0, 5: 1, 6: 0, 7: 1}
    >>> [en.formula(gid) for gid in en.ids(7)]
    ['1 + (1 + (1 + 1))']
    """
    if max_K < 1:
        raise ValueError(f"max_K must be at least 1, not {max_K}")
    variables = grammar.variables
    pts = resolve_points(variables, points)
    P = len(next(iter(pts.values()))) if pts else 1
    bits = mant_bits or (GRAMMAR_DEDUP_BITS_CONSTANT if P == 1 else DEDUP_BITS)
    en = GrammarEnumeration(grammar, pts, P)
    tv = tkeys = None
    if targets is not None:
        tv = np.asarray(targets, dtype=np.complex128).reshape(-1, P)
        tkeys, _ = row_keys(tv.copy(), bits)
    bar = progress if isinstance(progress, Progress) else Progress(
        "enumerate", enabled=bool(progress), unit="cand", memory=True)
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    per_row = P * 16 + 8 + 4 + 2 + 16 + 8
    done = 0

    def stored() -> int:
        return en.total * per_row

    for K in range(1, max_K + 1):
        t0 = time.perf_counter()
        lvl = LevelCollector(en, bits, tkeys, tv)
        if K == 1:
            for i, op in enumerate(grammar.leaves):
                v = pts[op.name] if op.fn is None else np.full(P, complex(op.fn))
                lvl.emit(v[None, :], i, np.array([-1]), np.array([-1]))
            lvl.finish(1)
            en.seconds[1] = time.perf_counter() - t0
            if stop_on_hit and en.hits:
                en.complete = max_K == 1
                break
            continue
        n = en.counts
        cand = len(grammar.unary) * n.get(K - 1, 0) + sum(
            n.get(Ka, 0) * n.get(K - 1 - Ka, 0)
            for op in grammar.binary for Ka in range(1, K - 1)
            if not (op.commutative and Ka > K - 1 - Ka))
        too_big = stored() + cand * per_row > memory_limit_bytes
        # with targets to stop on, a first pass only looks for them: the level that holds a
        # hit (usually the largest) is then never deduplicated or stored (and needs no memory)
        passes = (True, False) if stop_on_hit and tkeys is not None else (False,)
        stop = memory_stop = False
        for scan_only in passes:
            if not scan_only and stop_on_hit and K == max_K:
                en.max_K = K  # searched; nothing found, and no larger level will need it
                break
            if not scan_only and too_big:
                memory_stop = True
                if passes[0]:
                    en.max_K = K  # searched for the targets, but too large to store
                bar.write(f"enumerate: stopped at K={K}: about {cand:,} candidates could "
                          f"exceed the memory limit of {memory_limit_bytes / 2**30:.1f} GiB")
                break
            for work in level_jobs(en, grammar, K, chunk_elements):
                op_i, r, left, right = work()
                done += len(left)
                hit = lvl.emit(r, op_i, left, right, scan_only)
                bar.update(done, K=K, forms=en.total)
                if (stop_on_hit and hit) or (
                        deadline is not None and time.perf_counter() > deadline):
                    stop = True
                    break
            if stop:
                break
        if memory_stop:
            en.complete = False
            break
        if not (passes[0] and not stop and K == max_K):
            lvl.finish(K)
        en.seconds[K] = time.perf_counter() - t0
        if stop:
            en.complete = False
            en.timed_out = not (stop_on_hit and en.hits)
            break
    if not isinstance(progress, Progress):
        bar.close()
    return en


