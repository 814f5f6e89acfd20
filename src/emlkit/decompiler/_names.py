"""A shipped table of the closed forms (or none) of the constants that compiled formulas contain.

Naming a constant with SymPy's ``nsimplify`` takes about half a second when there is no short
form; the compiled basis functions hold dozens of such constants, so the first
:func:`emlkit.decompile` of a session paused for seconds. ``data/constant_names.json`` (made by
``scripts/constant_names.py``) holds the answers for the constants of every compiled basis
element; a name from it is re-checked numerically before use, so a stale table can only cost
time, never a wrong name.

>>> table = shipped()
>>> len(table) > 50
True
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["DATA_FILE", "checked", "key_of", "shipped"]

DATA_FILE = "constant_names.json"


def key_of(z: complex, exact: bool) -> tuple[float, float, bool]:
    """The lookup key of a value: rounded to 12 decimals, and whether it is known exactly.

    >>> key_of(complex(0.1 + 0.2, -1.0), True)
    (0.3, -1.0, True)
    """
    return (round(z.real, 12), round(z.imag, 12), bool(exact))


@lru_cache(maxsize=1)
def shipped() -> dict[tuple[float, float, bool], str | None]:
    """The table: key → SymPy ``srepr`` of the name, or None (no short name exists)."""
    try:
        text = resources.files("emlkit.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return {}
    return {key_of(complex(re, im), exact): name for re, im, exact, name in json.loads(text)}


def checked(name: str, approx: Any, tol: Any) -> Any:
    """The SymPy expression of ``name`` when it equals ``approx`` within ``tol``, else None."""
    import sympy as sp

    guess = sp.sympify(name)
    if abs(sp.N(guess - approx, 50)) <= tol * max(1, abs(approx)):
        return guess
    return None
