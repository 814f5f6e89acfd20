"""Bottom-up enumeration of EML forms by K with observational-equivalence dedup.

Every candidate ``eml(a, b)`` is evaluated on a few fixed, generic complex test points
(vectorised over all pairs of representatives at once, complex128) and kept only when its
*value vector* differs from every vector seen at a smaller or equal K. What survives is one
representative (the first found, so one of smallest K) per distinct function *as seen at the
test points*; the representative's children are stored as indices so its tree can be rebuilt.

Arithmetic: the :data:`emlkit.semantics.SEARCH` policy (its departures from the backends'
arithmetic are stated once, in :mod:`emlkit.semantics`), vectorised in
:mod:`emlkit.search.arithmetic`: principal ``ln``, ``ln 0 = -inf``, ``exp(-inf) = 0``; a value
float64 cannot carry faithfully (``exp`` overflow or underflow from a finite argument,
``ln(-inf)``, complex infinities) is undefined; every difference is snapped so that exactly real
(or zero) values stay exactly real (or zero). A candidate undefined at any test point is
dropped, together with everything built on it.

Dedup: each finite value is quantised on a relative grid (``DEDUP_BITS = 30`` bits of mantissa
relative to ``max(|Re|, |Im|)``, ``DEDUP_BITS_CONSTANT = 44`` with a single test point, where
distinct constants crowd the real line); the quantised vector is hashed to 64 bits and checked
with a second, independent 32-bit hash, so two different vectors are merged only if both hashes
collide. Equal functions computed by different routes merge; a value that falls on a grid
boundary can leave a rare duplicate, which only costs memory.

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

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..progress import Progress
from .arithmetic import (
    SNAP_TOL,
    U64,
    default_points,
    eml_arrays,
    exp_guarded,
    log_guarded,
    maxabs,
    pair_block,
    resolve_points,
)
from .enumeration import Enumeration

# SNAP_TOL, eml_arrays, exp_guarded and log_guarded stay importable from here, where they lived
# first (their home is :mod:`emlkit.search.arithmetic`).
__all__ = [
    "SNAP_TOL",
    "Enumeration",
    "default_points",
    "eml_arrays",
    "enumerate_forms",
    "exp_guarded",
    "log_guarded",
]


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
    progress: bool | Progress = False,
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
    progress : bool or Progress
        Write one line per level to standard error (or through the given
        :class:`~emlkit.progress.Progress`).
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
    pts = resolve_points(variables, points)
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
        en._add_leaves()
        if on_level is not None:
            on_level(en, 1)

    bar = progress if isinstance(progress, Progress) else Progress(
        "enumerate", enabled=bool(progress))
    with executor_scope(executor, workers) as ex:
        for K in range(en.max_K + 2, max_K + 1, 2):
            full, lazy_need = _memory_needed(en, K, chunk_elements)
            if lazy_need > memory_limit_bytes:
                en.complete = False
                en.stop_reason = _stop_message(K, lazy_need, memory_limit_bytes)
                bar.write(en.stop_reason)
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
            bar.write(
                f"K={K:3d} new={en.counts[K]:>11,d} pairs={en.pairs[K]:>14,d} "
                f"total={en.total:>11,d} {en.seconds[K]:8.2f}s "
                f"mem={en.stored_bytes() / 2**20:9.1f} MiB"
            )
            if on_level is not None:
                on_level(en, K)
    if not isinstance(progress, Progress):
        bar.close()
    return en




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
            aLb = maxabs(Lb)
            for a0 in range(0, A.n, rows_a):
                a1 = min(A.n, a0 + rows_a)
                Ea = A.expv[a0:a1]
                aEa = maxabs(Ea)
                done += (a1 - a0) * (b1 - b0)
                idx, hh, cc = pair_block(Ea, Lb, aEa, aLb)
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
        u = np.zeros(0, dtype=U64)
        cc = np.zeros(0, dtype=np.uint32)
        la = rb = np.zeros(0, dtype=np.int64)
    en._add_level(K, la, rb, lazy=lazy, chunk=max(1, chunk_elements // P))
    en._merge_keys(u, cc, is_sorted=True)
