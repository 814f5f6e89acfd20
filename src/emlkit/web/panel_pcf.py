"""The PCF panel: a(n), b(n) to the continued fraction's limit, digits, delta, convergence, name.

Uses the continued-fraction engine (:class:`emlkit.pcf.PCF`) when this build has it; without
it :func:`pcf_panel` raises :class:`~emlkit.errors.UnsupportedError` and the page says the
panel is unavailable.

>>> pcf_available() in (True, False)
True
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import DomainError, UnsupportedError
from ..viz.convergence import convergence_digits
from .limits import DEFAULT_LIMITS, Limits, check_formula
from .panel_identify import engine_results

__all__ = ["pcf_available", "pcf_panel"]

_MAX_DEPTH = 2_000


def pcf_available() -> bool:
    """True when this build has the continued-fraction engine (:mod:`emlkit.pcf`).

    >>> isinstance(pcf_available(), bool)
    True
    """
    try:
        from ..pcf import PCF  # noqa: F401
    except ImportError:
        return False
    return True


def pcf_panel(a: str, b: str, *, digits: int = 50, depth: int = 400,
              limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Limit of PCF(a, b) with its digits, a convergence curve, delta and identified limit.

    Parameters
    ----------
    a, b : str
        Polynomials in n, e.g. ``"2n+1"`` and ``"n^2"`` (PCF = a(0) + b(1)/(a(1) + ...)).
    digits : int
        Digits asked of the limit (at most ``limits.max_dps``).
    depth : int
        Depth of the convergence curve (at most 2,000).
    limits : Limits

    Returns
    -------
    dict
        ``pcf`` (text), ``limit`` (text to its proven or checked digits), ``digits``,
        ``status``, ``method``, ``delta``, ``curve`` (list of [n, digits]), ``engine``.

    Raises
    ------
    UnsupportedError
        This build has no continued-fraction engine.
    """
    for text, name in ((a, "a(n)"), (b, "b(n)")):
        check_formula(text, limits, what=name)
        if len(text) > 200:
            raise DomainError(f"{name} is longer than 200 characters")
    if not (isinstance(digits, int) and 5 <= digits <= limits.max_dps):
        raise DomainError(f"digits must be a whole number from 5 to {limits.max_dps}")
    if not (isinstance(depth, int) and 1 <= depth <= _MAX_DEPTH):
        raise DomainError(f"depth must be a whole number from 1 to {_MAX_DEPTH}")
    if not pcf_available():
        raise UnsupportedError("the continued-fraction engine (emlkit.pcf) is not part of "
                               "this build")
    from mpmath import mp

    from ..pcf import PCF

    pcf = PCF(a, b)
    for poly, name in ((pcf.a, "a(n)"), (pcf.b, "b(n)")):
        if getattr(poly, "degree", 0) > 12:
            raise DomainError(f"{name} has degree {poly.degree}: the playground allows 12")
    lim = pcf.limit(digits=digits)
    out: dict[str, Any] = {
        "pcf": str(pcf), "a": str(pcf.a), "b": str(pcf.b), "status": lim.status,
        "digits": int(lim.digits), "method": getattr(lim, "method", ""),
        "depth": getattr(lim, "depth", None), "limit": None, "delta": None, "curve": [],
        "proven": bool(getattr(lim, "proven", False)), "reason": str(getattr(lim, "reason", "")),
    }
    if lim.value is None or not lim.digits:
        out["engine"] = {"available": False, "results": [], "note": "no limit to identify"}
        return out
    out["limit"] = lim.as_decimal() if hasattr(lim, "as_decimal") else str(lim.value)
    with mp.workdps(int(lim.digits) + 10):
        curve, delta = convergence_digits(pcf.a, pcf.b, lim.value, depth,
                                          trusted=int(lim.digits))
    out["curve"] = [[n, round(d, 2)] for n, d in curve if math.isfinite(d)]
    out["delta"] = None if delta is None else round(delta, 4)
    out["engine"] = engine_results(lim, 5, limits.max_identify_seconds)
    return out
