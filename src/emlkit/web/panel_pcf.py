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
from .limits import DEFAULT_LIMITS, Limits, check_formula
from .panel_identify import engine_results

__all__ = ["convergence_digits", "pcf_available", "pcf_panel"]

_MAX_DEPTH = 2_000
_CURVE_POINTS = 120


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


def convergence_digits(
    a: Any, b: Any, limit: Any, depth: int
) -> tuple[list[tuple[int, float]], float | None]:
    """Digits of agreement ``-log10|p_n/q_n - limit|`` along the depths, and delta at the end.

    ``a`` and ``b`` are callables giving exact a(n), b(n); ``limit`` an mpmath number. The
    convergents follow p_n = a(n) p_{n-1} + b(n) p_{n-2} from p_{-1} = 1, p_0 = a(0),
    q_{-1} = 0, q_0 = 1 (exact integers or fractions). delta is the irrationality-measure
    estimate ``-1 - log|p/q - L| / log q`` of the last convergent in lowest terms (None when
    it cannot be formed).

    Examples
    --------
    >>> from mpmath import mp, sqrt
    >>> with mp.workdps(40):
    ...     pts, delta = convergence_digits(lambda n: 1, lambda n: 1, (1 + sqrt(5)) / 2, 30)
    >>> pts[-1][0], round(pts[-1][1], 1), round(delta, 2)   # golden ratio: delta tends to 1
    (30, 12.6, 1.06)
    """
    from fractions import Fraction

    from mpmath import mp

    def mpq(x: Any) -> Any:
        return mp.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else mp.mpf(x)

    p_prev, p = 1, a(0)  # ints for integer polynomials (no gcd per step), else Fractions
    q_prev, q = 0, 1
    step = max(1, depth // _CURVE_POINTS)
    points: list[tuple[int, float]] = []
    cap = float(mp.dps)
    for n in range(1, depth + 1):
        an, bn = a(n), b(n)
        p_prev, p = p, an * p + bn * p_prev
        q_prev, q = q, an * q + bn * q_prev
        if (n % step == 0 or n == depth) and q != 0:
            err = abs(mpq(p) / mpq(q) - limit)
            points.append((n, cap if err == 0 else min(cap, float(-mp.log10(err)))))
    delta = None
    if q != 0:
        r = Fraction(p) / Fraction(q)
        err = abs(mpq(r) - limit)
        if err != 0 and r.denominator > 1:
            delta = float(-1 - mp.log(err) / mp.log(r.denominator))
    return points, delta


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
    }
    if lim.value is None or not lim.digits:
        out["engine"] = {"available": False, "results": [], "note": "no limit to identify"}
        return out
    out["limit"] = lim.as_decimal() if hasattr(lim, "as_decimal") else str(lim.value)
    with mp.workdps(int(lim.digits) + 10):
        curve, delta = convergence_digits(pcf.a, pcf.b, lim.value, depth)
    out["curve"] = [[n, round(d, 2)] for n, d in curve if math.isfinite(d)]
    out["delta"] = None if delta is None else round(delta, 4)
    out["engine"] = engine_results(lim, 5, limits.max_identify_seconds)
    return out
