"""PCF search over a coefficient box: sharded sieve, Möbius meet in the middle, exact checks.

:func:`search` splits a :class:`~emlkit.pcf.sieve.CoefficientBox` into shards, runs each
(:func:`emlkit.pcf._discover.run_shard`) on an executor (a local process pool by default,
Ray when asked), and collects the formulas found, with canonical forms so that equivalent
formulas are counted once. With a catalog every shard is stored as it finishes (one
transaction), and the same call after an interruption (even ``kill -9``) resumes.

>>> r = search((1, 2, (0, 2)), constants=["pi"], executor="serial")
>>> print(r.find((1, 2), (0, 0, 1)))
PCF(2n + 1, n^2) = 4/pi  (40 digits checked)
"""

from __future__ import annotations

import concurrent.futures as cf
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ._discover import DEFAULT_CONSTANTS, ShardParams, run_shard
from ._results import Formula, SearchResult, poly_text
from .sieve import STATUS_NAMES, CoefficientBox

__all__ = ["DEFAULT_CONSTANTS", "Formula", "SearchResult", "as_box", "poly_text", "search"]

RUN_KIND = "pcf-search"


def as_box(box: Any) -> CoefficientBox:
    """A :class:`CoefficientBox` from itself, a dict of its fields, or ``(deg_a, deg_b, range)``.

    >>> as_box((2, 2, (-5, 5))).size
    1768900
    """
    if isinstance(box, CoefficientBox):
        return box
    if isinstance(box, dict):
        return CoefficientBox(**box)
    if isinstance(box, (tuple, list)) and len(box) in (3, 4):
        return CoefficientBox(int(box[0]), int(box[1]), tuple(box[2]),
                              tuple(box[3]) if len(box) == 4 and box[3] else None)
    raise ValueError(f"cannot read a box from {box!r} (use CoefficientBox(deg_a, deg_b, "
                     "(low, high)))")


def open_catalog(catalog: Any) -> tuple[Any, bool]:
    from ..catalog import Catalog

    if catalog is None:
        return None, False
    if isinstance(catalog, Catalog):
        return catalog, False
    return Catalog(catalog), True


def _merge(shards: dict[str, dict]) -> tuple[dict, int]:
    counts = dict.fromkeys(STATUS_NAMES, 0)
    cand = 0
    for s in shards.values():
        for k, v in s["counts"].items():
            counts[k] = counts.get(k, 0) + int(v)
        cand += int(s["candidates"])
    return counts, cand


def search(
    box: Any,
    constants: Sequence[str] = DEFAULT_CONSTANTS,
    *,
    depth: int = 256,
    min_digits: float = 10.0,
    bound: int = 8,
    verify_digits: int = 30,
    rationals: bool = True,
    executor: Any = None,
    workers: int | None = None,
    shard_size: int = 32768,
    catalog: Any = None,
    progress: bool = False,
) -> SearchResult:
    """Search every PCF of a box for formulas of the given constants.

    Parameters
    ----------
    box : CoefficientBox, dict or (deg_a, deg_b, (low, high))
    constants : sequence of str
        SymPy names of the constants whose Möbius transforms are looked up.
    depth : int
        Depth of the float sieve.
    min_digits : float
        Float digits a limit needs before it is looked up (at most 14).
    bound : int
        Möbius coefficient bound (|α|, |β|, |γ|, |δ| ≤ bound; also r·c, r/c).
    verify_digits : int
        Digits the exact convergents must reach and match the closed form to.
    rationals : bool
        Also class small rational limits (denominator ≤ 10⁴, checked exactly).
    executor : None, "local", "serial", "ray", "ray:ADDRESS" or an executor
        Where shards run (default: a local process pool of ``workers`` processes).
    workers : int, optional
    shard_size : int
        PCFs per shard (the unit of work, of storing and of redoing).
    catalog : path or Catalog, optional
        Store the run there and resume it when called again with the same arguments.
    progress : bool
        A progress line on standard error (PCFs per second, formulas so far).

    Returns
    -------
    SearchResult

    Examples
    --------
    >>> r = search((1, 1, (-2, 3)), constants=["E"], executor="serial")
    >>> print(r.find((3, 1), (0, -1)))
    PCF(n + 3, -n) = E  (40 digits checked)
    """
    from ..progress import Progress
    from ..runtime import get_executor, is_restartable

    bx = as_box(box)
    p = ShardParams(constants=tuple(constants), depth=depth, min_digits=float(min_digits),
                    bound=bound, verify_digits=verify_digits, rationals=rationals)
    if not 16 <= depth <= 100_000:
        raise ValueError(f"depth must be from 16 to 100000, got {depth}")
    if not 1 <= min_digits <= 14:
        raise ValueError(f"min_digits must be from 1 to 14 (float64), got {min_digits}")
    if not 10 <= verify_digits <= 2000:
        raise ValueError(f"verify_digits must be from 10 to 2000, got {verify_digits}")
    if shard_size < 1:
        raise ValueError(f"shard_size must be at least 1, got {shard_size}")
    from ._mobius import mobius_table

    mobius_table(p.constants, p.bound, p.scaled)  # bad constants fail here, before any work
    t0 = time.perf_counter()
    cat, own_cat = open_catalog(catalog)
    run = None
    done: dict[str, dict] = {}
    records: list[dict] = []
    try:
        if cat is not None:
            run = cat.start_run(RUN_KIND, {"box": bx.as_dict(), "params": p.as_dict(),
                                           "shard_size": int(shard_size)})
            done = dict((run.checkpoint() or {}).get("shards", {}))
        resumed = len(done)
        pending = [(s, e) for s, e in bx.shards(shard_size) if str(s) not in done]
        todo_pcfs = sum(e - s for s, e in pending)
        bar = Progress("pcf search", total=todo_pcfs, enabled=progress and bool(pending),
                       unit="PCFs")
        hits = 0
        if pending:
            ex = get_executor(executor, workers)
            own_ex = ex is not executor
            lock = run.lock() if run is not None else None
            ok = False
            try:
                if lock is not None:
                    lock.__enter__()
                hits = _drive(ex, bx, p, pending, run, done, records, bar, is_restartable(ex))
                ok = True
            finally:
                if lock is not None:
                    lock.__exit__(None, None, None)
                if own_ex:
                    _stop(ex, wait=ok)
        bar.close(f"{todo_pcfs:,} PCFs, {hits} formulas this call")
        if run is not None:
            from ..catalog.pcf_store import pcf_formulas

            records = pcf_formulas(cat, run_id=run.id)
            counts, cand = _merge(done)
            if not run.finished:
                run.finish({"total": bx.size, "formulas": len(records), "counts": counts})
        else:
            counts, cand = _merge(done)
        records.sort(key=lambda r: r["index"])
        return SearchResult(bx, p, tuple(Formula.from_record(r) for r in records), counts,
                            cand, time.perf_counter() - t0,
                            run.id if run is not None else None, resumed, todo_pcfs)
    finally:
        if own_cat:
            cat.close()


def _stop(ex: Any, wait: bool) -> None:
    """Shut an executor down; after an error or Ctrl-C without waiting for running work."""
    try:
        ex.shutdown(wait=wait)
    except TypeError:  # executors whose shutdown takes no argument
        ex.shutdown()


def _drive(ex: Any, bx: CoefficientBox, p: ShardParams, pending: list[tuple[int, int]],
           run: Any, done: dict[str, dict], records: list[dict], bar: Any,
           restartable: bool) -> int:
    """Keep a window of shards in flight, store each as it finishes, redo lost ones.

    At most twice the executor's workers are submitted at a time (a serial executor: one),
    so finished shards reach the catalog while the rest still runs.
    """
    box_d, params_d = bx.as_dict(), p.as_dict()
    window = max(1, 2 * int(getattr(ex, "max_workers", 1) or 1))
    tries: Counter = Counter()
    hits = 0
    queue = list(reversed(pending))
    futs: dict[cf.Future, tuple[int, int]] = {}
    try:
        while queue or futs:
            while queue and len(futs) < window:
                s, e = queue.pop()
                futs[ex.submit(run_shard, box_d, s, e, params_d)] = (s, e)
            finished, _ = cf.wait(futs, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                s, e = futs.pop(fut)
                try:
                    out = fut.result()
                except cf.process.BrokenProcessPool:
                    if not restartable:
                        raise RuntimeError("a worker died and the executor cannot be "
                                           "restarted") from None
                    tries[(s, e)] += 1
                    if tries[(s, e)] > 3:
                        raise RuntimeError(f"shard {s}..{e} failed 3 times (its worker died)"
                                           ) from None
                    # the pool is broken: every shard in flight is lost; redo them all
                    lost = [(s, e), *futs.values()]
                    futs.clear()
                    ex.restart()
                    queue.extend(reversed(lost))
                    break
                done[str(s)] = {"counts": out["counts"], "candidates": out["candidates"],
                                "seconds": out["seconds"]}
                if run is not None:
                    from ..catalog.pcf_store import save_shard

                    save_shard(run, out["records"], {"shards": done})
                else:
                    records.extend(out["records"])
                hits += len(out["records"])
                bar.advance(e - s, formulas=hits)
    except BaseException:
        for f in futs:
            f.cancel()
        raise
    return hits
