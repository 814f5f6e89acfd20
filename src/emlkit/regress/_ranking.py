"""Choosing the model of a fit: ranking candidates, the constant fallback, readable forms.

Exact candidates come first (smallest tree), then the smallest error; the fallback model is
the mean of ``y`` (the value itself for constant data) written in pure EML.

>>> import numpy as np
>>> x = np.linspace(0, 1, 5)[:, None]
>>> c = constant_candidate(x, np.full(5, 0.5), ("x",))
>>> c.formula, c.exact
('1/2', True)
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from ..expr import Expr, Var, postorder
from ._candidate import Candidate

__all__ = ["RESERVED", "constant_candidate", "free_names", "origin", "rank", "readable", "rmse"]

RESERVED = frozenset({"E", "I", "pi", "e", "exp", "ln", "log", "eml", "sin", "cos", "sqrt"})


def free_names(expr: Expr) -> set[str]:
    """Names of the variables that occur in ``expr``.

    >>> from emlkit.expr import eml
    >>> sorted(free_names(eml("x", eml("y", 1))))
    ['x', 'y']
    """
    return {n.name for n in postorder(expr) if isinstance(n, Var)}


_DECOMPILE_MAX_K = 300  # larger trees are shown by the candidate's own readable text


def readable(c: Candidate) -> Any:
    """SymPy form of a candidate: decompiled when small, else parsed from its ``formula``.

    >>> import emlkit as ek
    >>> readable(Candidate(ek.parse("eml(x, 1)"), "exp(x)", 0.0, True, "search"))
    exp(x)
    """
    import sympy

    if c.source == "constant":  # a fraction: no parser needed (loading it takes up to a second)
        with contextlib.suppress(ValueError, ZeroDivisionError):
            q = Fraction(c.formula)
            return sympy.Rational(q.numerator, q.denominator)
    if c.source not in ("constant", "vocabulary") and c.K <= _DECOMPILE_MAX_K:
        from ..decompiler import decompile

        with contextlib.suppress(Exception):  # fall back to the candidate's own text
            return decompile(c.expr)
    try:
        return sympy.sympify(c.formula, rational=c.source == "constant")
    except Exception:  # noqa: BLE001 - a readable form is a courtesy, never fatal
        return c.formula


def rank(cands: list[Candidate]) -> list[Candidate]:
    """Distinct candidates, best first: exact ones by size, then the others by error.

    >>> import emlkit as ek
    >>> a = Candidate(ek.parse("eml(x, 1)"), "exp(x)", 0.1, False, "search")
    >>> b = Candidate(ek.parse("eml(1, 1)"), "e", 0.0, True, "constant")
    >>> [c.formula for c in rank([a, b, a])]
    ['e', 'exp(x)']
    """
    def key(c: Candidate):
        r = c.rmse if math.isfinite(c.rmse) else math.inf
        return (0, c.K, r) if c.exact else (1, r, c.K)

    seen: dict[Expr, Candidate] = {}
    for c in sorted(cands, key=key):
        seen.setdefault(c.expr, c)
    return list(seen.values())


def rmse(expr: Expr, X: np.ndarray, y: np.ndarray, variables: Sequence[str]) -> float:
    """Root-mean-square error of ``expr`` on the samples (``inf`` where it is not finite).

    >>> import emlkit as ek
    >>> x = np.array([[0.0], [1.0]])
    >>> rmse(ek.parse("eml(x, 1)"), x, np.exp(x[:, 0]), ("x",))
    0.0
    """
    from ..backends import evaluate

    used = free_names(expr)
    env = {v: X[:, j].astype(np.complex128) for j, v in enumerate(variables) if v in used}
    with np.errstate(all="ignore"):
        f = np.broadcast_to(np.asarray(evaluate(expr, env, backend="numpy", on_nan="ignore")),
                            y.shape)
        r = float(np.sqrt(np.mean(np.abs(f - y) ** 2)))
    return r if math.isfinite(r) else math.inf


def constant_candidate(X: np.ndarray, y: np.ndarray, variables: Sequence[str]) -> Candidate:
    """The mean of ``y`` (4 significant digits) in pure EML: the fallback model.

    Constant data give the value itself, exact when it reproduces every sample.
    """
    from ..compiler import compile as compile_formula
    from ..errors import EMLError

    m = float(np.mean(y))
    q0 = Fraction(f"{m:.4g}") if math.isfinite(m) else Fraction(0)
    if np.ptp(y) == 0 and math.isfinite(m):  # constant data: the value itself, not 4 digits
        q0 = Fraction(m).limit_denominator(10**6)
        if abs(float(q0) - m) > 1e-15 * max(abs(m), 1.0):
            q0 = Fraction(f"{m:.4g}")
    expr: Expr | None = None
    text = "1"
    # the compiler builds most rationals; fall back to coarser ones where it has no construction
    for q in (q0, q0.limit_denominator(1000), q0.limit_denominator(100),
              q0.limit_denominator(10), Fraction(round(q0))):
        text = str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
        try:
            expr = compile_formula(text)
            break
        except EMLError:
            continue
    if expr is None:
        text, expr = "1", compile_formula("1")
    err = rmse(expr, X, y, variables)
    # constant data: exact when the constant, evaluated in EML, reproduces every sample
    exact = bool(err <= 1e-12 * max(abs(m), 1.0)) and bool(np.ptp(y) <= 1e-12 * max(abs(m), 1))
    return Candidate(expr, text, err, exact, "constant", None, {"mean": m})


def origin(c: Candidate) -> str:
    """Which search step produced ``c`` (``eml``, a vocabulary name, ``gradient``, ...).

    >>> import emlkit as ek
    >>> origin(Candidate(ek.parse("x"), "x", 0.0, True, "search"))
    'eml'
    """
    if c.source == "search":
        return "eml"
    if c.source == "vocabulary":
        return str(c.info.get("vocabulary", "vocabulary"))
    return c.source
