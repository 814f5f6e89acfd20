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
from dataclasses import dataclass, field
from typing import Any

from ._discover import DEFAULT_CONSTANTS, ShardParams, run_shard
from .sieve import STATUS_NAMES, CoefficientBox

__all__ = ["DEFAULT_CONSTANTS", "Formula", "SearchResult", "as_box", "poly_text", "search"]

RUN_KIND = "pcf-search"


def poly_text(c: Sequence[int]) -> str:
    """A polynomial in n from coefficients (lowest first), highest degree first.

    >>> poly_text((1, 2)), poly_text((0, 0, 1)), poly_text((0, -1, -2)), poly_text((0,))
    ('2n + 1', 'n^2', '-2n^2 - n', '0')
    """
    parts = []
    for k in range(len(c) - 1, -1, -1):
        x = int(c[k])
        if x == 0:
            continue
        mono = "" if k == 0 else ("n" if k == 1 else f"n^{k}")
        mag = abs(x)
        body = f"{mag}{mono}" if (mag != 1 or not mono) else mono
        sign = "-" if x < 0 else "+"
        parts.append((sign, body))
    if not parts:
        return "0"
    first = ("-" if parts[0][0] == "-" else "") + parts[0][1]
    return " ".join([first] + [f"{s} {b}" for s, b in parts[1:]])


@dataclass(frozen=True)
class Formula:
    """A formula found by a search: PCF(a, b) = closed form, with checked digits.

    Attributes
    ----------
    a, b : tuple of int
        Coefficients, lowest degree first.
    kind : str
        ``"identified"`` (Möbius transform of a transcendental constant), ``"algebraic"``
        (of an algebraic one, e.g. sqrt(5)) or ``"rational"``.
    formula : str
        The closed form, SymPy-readable.
    constant : str or None
        The constant of the Möbius transform.
    value : str
        The limit as decimal text, to ``digits`` significant digits.
    digits : int
        Digits on which the exact convergents and the closed form agree (mpmath).
    canonical : (tuple, tuple)
        Canonical form (see :mod:`emlkit.pcf.canonical`): equal for equivalent formulas.
    blind_delta : float or None
        −1 − ln|L − p_n/q_n| / ln(q_n/gcd) at the checking depth.
    features : dict
        The float sieve's dynamics features.

    >>> f = Formula((3, 1), (0, -1), "identified", "E", "E", "2.718", 4, ((3, 1), (0, -1)))
    >>> str(f)
    'PCF(n + 3, -n) = E  (4 digits checked)'
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    kind: str
    formula: str
    constant: str | None
    value: str
    digits: int
    canonical: tuple[tuple[int, ...], tuple[int, ...]]
    mobius: tuple[int, ...] | None = None
    blind_delta: float | None = None
    depth: int = 0
    index: int = -1
    features: dict = field(default_factory=dict, compare=False, hash=False)

    @staticmethod
    def from_record(r: dict) -> Formula:
        """From a search record (as stored in the catalog)."""
        return Formula(
            tuple(r["a"]), tuple(r["b"]), r["kind"], r["formula"], r.get("constant"),
            r["value"], int(r["digits"]), (tuple(r["canonical_a"]), tuple(r["canonical_b"])),
            tuple(r["mobius"]) if r.get("mobius") else None, r.get("blind_delta"),
            int(r.get("depth", 0)), int(r.get("index", -1)), dict(r.get("features") or {}))

    def __str__(self) -> str:
        return (f"PCF({poly_text(self.a)}, {poly_text(self.b)}) = {self.formula}  "
                f"({self.digits} digits checked)")

    def pcf(self) -> Any:
        """The :class:`emlkit.pcf.PCF` of this formula."""
        from .pcf import PCF

        return PCF(list(self.a), list(self.b))

    def as_dict(self) -> dict:
        """Plain dictionary (lists for tuples), for JSON.

        >>> Formula((1,), (1,), "algebraic", "GoldenRatio", "sqrt(5)", "1.618", 4,
        ...         ((1,), (1,))).as_dict()["canonical"]
        [[1], [1]]
        """
        return {"a": list(self.a), "b": list(self.b), "kind": self.kind,
                "formula": self.formula, "constant": self.constant, "value": self.value,
                "digits": self.digits, "canonical": [list(self.canonical[0]),
                                                     list(self.canonical[1])],
                "mobius": list(self.mobius) if self.mobius else None,
                "blind_delta": self.blind_delta, "depth": self.depth, "index": self.index,
                "features": self.features}


@dataclass(frozen=True)
class SearchResult:
    """What a search found: the formulas, sieve counts and timing.

    Attributes
    ----------
    box : CoefficientBox
    params : ShardParams
    formulas : tuple of Formula
        In box order.
    counts : dict
        PCFs per sieve status (``converged``, ``slow``, ``divergent``, ``oscillating``,
        ``terminating``).
    candidates : int
        Converged PCFs looked up (float digits ≥ ``min_digits``).
    seconds : float
        Wall time of this call (a resumed run counts only the rest).
    run_id : int or None
        The catalog run, if any.
    resumed_shards : int
        Shards found done in the catalog at the start.
    searched : int
        PCFs searched by this call (the rest came from the catalog).
    """

    box: CoefficientBox
    params: ShardParams
    formulas: tuple[Formula, ...]
    counts: dict
    candidates: int
    seconds: float
    run_id: int | None = None
    resumed_shards: int = 0
    searched: int = -1

    @property
    def size(self) -> int:
        """PCFs in the box."""
        return self.box.size

    def find(self, a: Sequence[int], b: Sequence[int]) -> Formula | None:
        """The formula of PCF(a, b) (coefficients lowest first, zeros padded), if found."""
        i = self.box.index_of(a, b)
        return next((f for f in self.formulas if f.index == i), None)

    def per_constant(self, kinds: Sequence[str] = ("identified", "algebraic")) -> dict[str, int]:
        """Distinct formulas (canonical classes) per constant, most first.

        >>> r = search((1, 2, (0, 2)), constants=["pi"], executor="serial")
        >>> r.per_constant()["pi"] >= 1
        True
        """
        classes: dict[str, set] = {}
        for f in self.formulas:
            if f.kind in kinds and f.constant:
                classes.setdefault(f.constant, set()).add(f.canonical)
        return dict(sorted(((k, len(v)) for k, v in classes.items()), key=lambda t: -t[1]))

    def kinds(self) -> dict[str, int]:
        """Formulas per kind (``identified``, ``algebraic``, ``rational``)."""
        return dict(Counter(f.kind for f in self.formulas))

    def summary(self) -> str:
        """A few lines: box, rate, counts, formulas per constant."""
        n = self.size if self.searched < 0 else self.searched
        if n == 0:
            timing = "all from the catalog"
        else:
            rate = n / self.seconds if self.seconds > 0 else float("inf")
            timing = (f"{n:,} searched in {self.seconds:.1f} s ({rate:,.0f} PCFs/s)"
                      if n != self.size else f"{self.seconds:.1f} s ({rate:,.0f} PCFs/s)")
        lines = [
            f"box: deg a ≤ {self.box.deg_a}, deg b ≤ {self.box.deg_b}, coefficients "
            f"{self.box.coefficients[0]}..{self.box.coefficients[1]}"
            + (f" (b: {self.box.b_coefficients[0]}..{self.box.b_coefficients[1]})"
               if self.box.b_coefficients else "")
            + f": {self.size:,} PCFs, {timing}",
            "sieve: " + ", ".join(f"{k} {v:,}" for k, v in self.counts.items()),
            f"formulas: {len(self.formulas):,} ("
            + ", ".join(f"{k} {v:,}" for k, v in sorted(self.kinds().items())) + ")",
        ]
        pc = self.per_constant()
        if pc:
            lines.append("distinct formulas per constant: "
                         + ", ".join(f"{k} {v}" for k, v in pc.items()))
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready dictionary of everything."""
        return {"box": self.box.as_dict(), "params": self.params.as_dict(), "size": self.size,
                "counts": self.counts, "candidates": self.candidates,
                "seconds": round(self.seconds, 3), "run_id": self.run_id,
                "resumed_shards": self.resumed_shards, "searched": self.searched,
                "per_constant": self.per_constant(),
                "kinds": self.kinds(), "formulas": [f.as_dict() for f in self.formulas]}


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
        return CoefficientBox(int(box[0]), int(box[1]), tuple(box[2]),  # type: ignore[arg-type]
                              tuple(box[3]) if len(box) == 4 and box[3] else None)
    raise ValueError(f"cannot read a box from {box!r} (use CoefficientBox(deg_a, deg_b, "
                     "(low, high)))")


def _open_catalog(catalog: Any) -> tuple[Any, bool]:
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
    cat, own_cat = _open_catalog(catalog)
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
