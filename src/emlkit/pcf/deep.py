"""Deep identification: the identify engine on limits the Möbius stage left unidentified.

After :func:`emlkit.pcf.search`, the converging PCFs whose canonical class has no formula are
taken simplest first (smallest coefficients), evaluated exactly to ``digits`` digits and given
to :func:`emlkit.identify.identify` (integer relations over its table of named constants, with
its significance test), so formulas beyond Möbius transforms of the searched constants are
found too. Each call costs about 0.05–1 s, so only ``classes`` classes are tried. With a
catalog the formulas are stored (a run of kind ``pcf-deep`` per search run and settings, one
transaction per class tried), so a second call, or one after a kill, redoes nothing.

>>> from emlkit.pcf.search import search
>>> r = search((1, 0, (0, 2)), constants=["E"], executor="serial")   # e only: I1/I0 missed
>>> [str(f) for f in deep_identify(r, classes=3, timeout=5)][:1]
['PCF(n, 1) = besseli(1, 2)/besseli(0, 2)  (60 digits checked)']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .canonical import canonical
from .search import Formula, SearchResult
from .sieve import CONVERGED, sieve

__all__ = ["DEEP_RUN_KIND", "deep_identify"]

#: Catalog run kind of deep identifications (their formulas are in the PCF formula table).
DEEP_RUN_KIND = "pcf-deep"


def _constants_of(expr: Any) -> str | None:
    """The named constants in a SymPy formula, as text (``"besseli(0, 2),besseli(1, 2)"``)."""
    import sympy

    e = sympy.sympify(expr)
    atoms = e.atoms(sympy.NumberSymbol) | e.atoms(sympy.Function) | e.atoms(sympy.exp)
    names = sorted(str(a) for a in atoms if not a.free_symbols)
    return ",".join(names) or None


def _kind(k: str) -> str:
    return k if k in ("rational", "algebraic") else "identified"


def deep_identify(result: SearchResult, *, classes: int = 20, digits: int = 60,
                  min_float_digits: float = 12.0, timeout: float = 5.0,
                  catalog: Any = None) -> tuple[Formula, ...]:
    """Try the identify engine on up to ``classes`` unidentified canonical classes.

    Parameters
    ----------
    result : SearchResult
    classes : int
        Canonical classes tried (simplest first: smallest largest |coefficient|, then sum).
    digits : int
        Digits of the exact limit handed to the engine (and of the check).
    min_float_digits : float
        Float digits a PCF needs in the sieve to be tried.
    timeout : float
        Seconds per identify call.
    catalog : path or Catalog, optional
        Store the formulas there (run kind :data:`DEEP_RUN_KIND`, the search's run id, box
        and these settings as its parameters); classes already tried by that run are not
        tried again and their stored formulas are returned.

    Returns
    -------
    tuple of Formula
        New formulas (``kind`` identified/algebraic/rational, ``constant`` the basis names of
        the relation joined by commas), one per class, simplest member.
    """
    if classes < 0 or digits < 20:
        raise ValueError("classes must be >= 0 and digits >= 20")
    from .search import open_catalog

    cat, own_cat = open_catalog(catalog)
    try:
        run, tried, stored = None, [], {}
        if cat is not None:
            from ..catalog.pcf_store import pcf_formulas

            run = cat.start_run(DEEP_RUN_KIND, {
                "search_run": result.run_id, "box": result.box.as_dict(),
                "params": result.params.as_dict(), "classes": int(classes),
                "digits": int(digits), "min_float_digits": float(min_float_digits),
                "timeout": float(timeout)})
            tried = [tuple(map(tuple, k)) for k in (run.checkpoint() or {}).get("tried", [])]
            stored = {(tuple(r["a"]), tuple(r["b"])): Formula.from_record(r)
                      for r in pcf_formulas(cat, run_id=run.id)}
        out = _deep(result, classes, digits, min_float_digits, timeout, run, tried, stored)
        if run is not None and not run.finished:
            run.finish({"classes": len(tried), "formulas": len(out)})
        return out
    finally:
        if own_cat:
            cat.close()


def _order(result: SearchResult, depth: int, min_float_digits: float) -> tuple[Any, Any]:
    """Box indices of the converging PCFs, simplest first."""
    box = result.box
    s = sieve(box, depth=depth)
    s = s.select((s.status == CONVERGED) & (s.digits >= min_float_digits))
    if box.size > 2_000_000:  # pragma: no cover - very large boxes: box order
        return s.index, np.arange(len(s))
    a, b = box.arrays(0, box.size)
    co = np.abs(np.concatenate([a[s.index], b[s.index]], axis=1))
    return s.index, np.lexsort((s.index, co.sum(axis=1), co.max(axis=1)))


def _deep(result: SearchResult, classes: int, digits: int, min_float_digits: float,
          timeout: float, run: Any, tried: list, stored: dict) -> tuple[Formula, ...]:
    import mpmath

    from ..identify import identify
    from ._evaluate import exact_limit

    box = result.box
    known = {f.canonical for f in result.formulas}
    index, order = _order(result, result.params.depth, min_float_digits)
    before = set(tried)
    seen: set = set()
    out: list[Formula] = []
    for k in order:
        if len(seen) >= classes:
            break
        i = int(index[k])
        pa, pb = box.pcf_at(i)
        c = canonical(pa, pb)
        if c.key in known or c.key in seen:
            continue
        seen.add(c.key)
        if c.key in before:  # tried by an earlier call: its stored formula, if any
            if (tuple(pa), tuple(pb)) in stored:
                out.append(stored[(tuple(pa), tuple(pb))])
            continue
        rec = _try(pa, pb, c, i, digits, timeout, mpmath, identify, exact_limit)
        if rec is not None:
            out.append(Formula.from_record(rec))
        tried.append(c.key)
        if run is not None:
            from ..catalog.pcf_store import save_shard

            save_shard(run, [rec] if rec is not None else [],
                       {"tried": [[list(x) for x in key] for key in tried]})
    return tuple(out)


def _try(pa: Any, pb: Any, c: Any, i: int, digits: int, timeout: float, mpmath: Any,
         identify: Any, exact_limit: Any) -> dict | None:
    """The record of one PCF identified by the engine (None: no formula)."""
    ex = exact_limit(pa, pb, digits=digits, start=32)
    if ex.value is None or ex.digits < digits:
        return None
    with mpmath.workdps(digits + 10):
        items = list(identify(ex, timeout=timeout, limit=1))
    if not items:
        return None
    best: Any = items[0]
    return {
        "index": i, "a": list(pa), "b": list(pb), "kind": _kind(best.kind),
        "formula": str(best.formula), "constant": _constants_of(best.formula), "mobius": None,
        "value": mpmath.nstr(ex.value, ex.digits, strip_zeros=False),
        "digits": int(min(ex.digits, digits)), "proof": "identify engine", "stage": "deep",
        "canonical_a": list(c.key[0]), "canonical_b": list(c.key[1]),
        "blind_delta": ex.blind_delta, "depth": ex.depth, "features": {},
    }
