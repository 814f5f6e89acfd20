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

__all__ = ["DATA_FILE", "checked", "exact_name", "key_of", "shipped"]

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


def exact_name(value: Any) -> Any:
    """The SymPy form of an exact constant (60-digit mpc) the compiler can classify, or None.

    Rationals (denominator up to 10¹²), rational multiples of π, ``i`` and ``iπ``, ``ln q``,
    ``e^q`` and ``e^(qπ)``, and ``a + bi`` of those: each agrees with the value to 40 digits
    (:func:`emlkit.compiler.constant_kinds.classify`), so no search (``nsimplify``) is needed;
    these are the names ``nsimplify`` finds for them, found in microseconds instead of seconds.

    >>> from emlkit.compiler.info import MP
    >>> exact_name(MP.mpc(13) / 4), exact_name(MP.mpc(0, MP.pi) / 2), exact_name(MP.exp(-523))
    (13/4, I*pi/2, exp(-523))
    >>> exact_name(MP.mpc(MP.euler)) is None
    True
    """
    import sympy as sp

    from ..compiler.constant_kinds import classify
    from ..compiler.info import MP

    v = MP.mpc(value)
    if not (MP.isfinite(v.real) and MP.isfinite(v.imag)):
        return None
    kind, q = classify(v)
    if kind == "complex":
        re, im = (exact_name(MP.mpc(p)) for p in (q[0], MP.mpc(0, q[1])))
        return None if re is None or im is None else re + im
    if kind == "exp":
        power = exact_name(MP.mpc(q))
        return None if power is None else sp.exp(power)
    if kind not in ("rat", "pi", "i", "ipi", "lnrat"):
        return None
    r = sp.Rational(q.numerator, q.denominator)
    return {"rat": r, "pi": r * sp.pi, "i": r * sp.I, "ipi": r * sp.I * sp.pi,
            "lnrat": sp.log(r)}[kind]
