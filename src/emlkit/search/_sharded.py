"""EML enumeration levels split into pair blocks that run as tasks on an executor.

A level ``K`` combines every left level ``Ka`` with the right level ``K - 1 - Ka`` in blocks
of rows (the same blocks, in the same order, as the in-process loop of
:func:`emlkit.search.enumerate_forms`). Each block is one task: it gets ``exp`` of its left
values and ``ln`` of its right values and returns the keys of its defined pairs
(:func:`emlkit.search.arithmetic.pair_block`); the parent checks them against the forms
already known and merges the blocks in their fixed order, so the representatives and their
order are those of the in-process run. A block lost with its worker is submitted again.

>>> from emlkit.runtime import SerialExecutor
>>> from emlkit.search.enumerate import enumerate_forms
>>> enumerate_forms(9, variables=(), executor=SerialExecutor()).counts
{1: 1, 3: 1, 5: 2, 7: 5, 9: 11}
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
from collections import Counter, deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .arithmetic import pair_block

if TYPE_CHECKING:
    from .enumerate import Enumeration

__all__ = ["executor_scope", "level_blocks", "sharded_candidates"]

_MAX_TRIES = 3

Block = tuple[int, int, int, int, int]  # Ka, a0, a1, b0, b1


def level_blocks(en: Enumeration, K: int, chunk_elements: int) -> Iterator[Block]:
    """The pair blocks ``(Ka, a0, a1, b0, b1)`` of level ``K``, in the in-process order.

    >>> from emlkit.search.enumerate import enumerate_forms
    >>> list(level_blocks(enumerate_forms(5, variables=()), 7, 1 << 22))
    [(1, 0, 1, 0, 2), (3, 0, 1, 0, 1), (5, 0, 2, 0, 1)]
    """
    P = en.P
    for Ka in range(1, K - 1, 2):
        na, nb = en.counts[Ka], en.counts[K - 1 - Ka]
        rows_b = max(1, min(nb, chunk_elements // P))
        rows_a = max(1, chunk_elements // (P * rows_b))
        for b0 in range(0, nb, rows_b):
            for a0 in range(0, na, rows_a):
                yield Ka, a0, min(na, a0 + rows_a), b0, min(nb, b0 + rows_b)


def _run_block(Ea: np.ndarray, Lb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The task: keys of the defined pairs of one block (run in a worker)."""
    return pair_block(Ea, Lb)


def sharded_candidates(
    en: Enumeration,
    K: int,
    executor: Any,
    chunk_elements: int,
    on_step: Callable[[int, int, int], None] | None = None,
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """New candidates of level ``K``: lists of (hash, check, left gid, right gid) per block.

    At most twice the executor's workers are in flight; blocks are merged in order. When a
    local pool breaks (a worker died), the pool is restarted and every block not yet merged is
    submitted again (at most three times each).

    >>> from emlkit.runtime import SerialExecutor
    >>> from emlkit.search.enumerate import enumerate_forms
    >>> en = enumerate_forms(5, variables=())
    >>> hs, cs, ls, rs = sharded_candidates(en, 7, SerialExecutor(), 1 << 22)
    >>> int(sum(len(h) for h in hs))
    5
    """
    from ..runtime import is_restartable

    pairs = sum(en.counts[Ka] * en.counts[K - 1 - Ka] for Ka in range(1, K - 1, 2))
    window = max(1, 2 * int(getattr(executor, "max_workers", 1) or 1))
    todo = level_blocks(en, K, chunk_elements)
    flight: deque[tuple[Block, cf.Future]] = deque()
    tries: Counter = Counter()
    out: tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray]] = (
        [], [], [], [])
    done = 0

    def submit(block: Block) -> None:
        Ka, a0, a1, b0, b1 = block
        A, B = en._levels[Ka], en._levels[K - 1 - Ka]
        assert A.expv is not None and B.logv is not None
        flight.append((block, executor.submit(_run_block, A.expv[a0:a1], B.logv[b0:b1])))

    try:
        while True:
            while len(flight) < window:
                block = next(todo, None)
                if block is None:
                    break
                submit(block)
            if not flight:
                break
            block, fut = flight[0]
            try:
                idx, hh, cc = fut.result()
            except cf.process.BrokenProcessPool:
                if not is_restartable(executor):
                    raise RuntimeError("a worker died and the executor cannot be restarted"
                                       ) from None
                tries[block] += 1
                if tries[block] >= _MAX_TRIES:
                    raise RuntimeError(f"block {block} of level K={K} failed {_MAX_TRIES} "
                                       "times (its worker died)") from None
                lost = [b for b, _ in flight]
                flight.clear()
                executor.restart()
                for b in lost:
                    submit(b)
                continue
            flight.popleft()
            Ka, a0, a1, b0, b1 = block
            new = ~en._known(hh, cc)
            idx, hh, cc = idx[new], hh[new], cc[new]
            if len(idx):
                out[0].append(hh)
                out[1].append(cc)
                out[2].append(idx // (b1 - b0) + a0 + en._levels[Ka].gid0)
                out[3].append(idx % (b1 - b0) + b0 + en._levels[K - 1 - Ka].gid0)
            done += (a1 - a0) * (b1 - b0)
            if on_step is not None:
                on_step(K, done, pairs)
    finally:
        for _, fut in flight:
            fut.cancel()
    return out


@contextlib.contextmanager
def executor_scope(spec: Any, workers: int | None = None) -> Iterator[Any]:
    """The executor for ``spec`` (``None``: none, work in process), shut down if made here.

    After an error or Ctrl-C an executor made here is stopped without waiting for its work.

    >>> with executor_scope(None) as ex:
    ...     ex is None
    True
    >>> with executor_scope("serial") as ex:
    ...     ex.submit(abs, -3).result()
    3
    """
    if spec is None:
        if workers is not None:
            raise ValueError("workers needs an executor (e.g. executor='local')")
        yield None
        return
    from ..runtime import get_executor

    ex = get_executor(spec, workers)
    if ex is spec:
        yield ex
        return
    ok = False
    try:
        yield ex
        ok = True
    finally:
        try:
            ex.shutdown(wait=ok)
        except TypeError:  # executors whose shutdown takes no argument
            ex.shutdown()
