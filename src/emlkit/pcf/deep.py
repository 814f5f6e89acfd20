"""Deep identification: the identify engine on limits the Möbius stage left unidentified.

After :func:`emlkit.pcf.search`, the converging PCFs whose canonical class has no formula are
taken simplest first (smallest coefficients), evaluated exactly to ``digits`` digits and given
to :func:`emlkit.identify.identify` (integer relations over its table of named constants, with
its significance test), so formulas beyond Möbius transforms of the searched constants are
found too. Each call costs about 0.05–1 s, so only ``classes`` classes are tried.

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

__all__ = ["deep_identify"]


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
                  min_float_digits: float = 12.0, timeout: float = 5.0) -> tuple[Formula, ...]:
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

    Returns
    -------
    tuple of Formula
        New formulas (``kind`` identified/algebraic/rational, ``constant`` the basis names of
        the relation joined by commas), one per class, simplest member.
    """
    import mpmath

    from ..identify import identify
    from ._evaluate import exact_limit

    if classes < 0 or digits < 20:
        raise ValueError("classes must be >= 0 and digits >= 20")
    box = result.box
    known = {f.canonical for f in result.formulas}
    s = sieve(box, depth=result.params.depth)
    s = s.select((s.status == CONVERGED) & (s.digits >= min_float_digits))
    a, b = box.arrays(0, box.size) if box.size <= 2_000_000 else (None, None)
    if a is None:  # pragma: no cover - very large boxes: box order
        order = np.arange(len(s))
    else:
        co = np.abs(np.concatenate([a[s.index], b[s.index]], axis=1))
        order = np.lexsort((s.index, co.sum(axis=1), co.max(axis=1)))
    out: list[Formula] = []
    tried: set = set()
    for k in order:
        if len(tried) >= classes:
            break
        i = int(s.index[k])
        pa, pb = box.pcf_at(i)
        c = canonical(pa, pb)
        if c.key in known or c.key in tried:
            continue
        tried.add(c.key)
        ex = exact_limit(pa, pb, digits=digits, start=32)
        if ex.value is None or ex.digits < digits:
            continue
        with mpmath.workdps(digits + 10):
            res = identify(ex, timeout=timeout, limit=1)
        items = list(res)
        if not items:
            continue
        best: Any = items[0]
        names = _constants_of(best.formula)
        out.append(Formula(
            tuple(pa), tuple(pb), _kind(best.kind), str(best.formula), names,
            mpmath.nstr(ex.value, ex.digits, strip_zeros=False), int(min(ex.digits, digits)),
            c.key, None, ex.blind_delta, ex.depth, i, {}))
    return tuple(out)
