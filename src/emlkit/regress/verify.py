"""Verification of regression candidates: against a known target at high precision, or on
held-out samples of user data.

:func:`verify_exact` evaluates the candidate and the target with mpmath (the search semantics
of :func:`emlkit.search.verify.evaluate_mp`) at fresh points the search never saw and returns
the digits of agreement, or ``None`` when they differ. :func:`verify_on_data` is the check
available when only data exist: the worst relative error on held-out samples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..expr import Expr

__all__ = ["verify_exact", "verify_on_data", "holdout_points"]


def holdout_points(variables: Sequence[str], n: int = 6, seed: int = 7) -> list[dict[str, Any]]:
    """Fresh real points in ``[0.5, 3]`` (a different stream from the sample points).

    >>> [round(p["x"], 3) for p in holdout_points(("x",), 2)]
    [2.063, 2.743]
    """
    rng = np.random.default_rng(seed)
    return [{v: float(rng.uniform(0.5, 3.0)) for v in variables} for _ in range(n)]


def verify_exact(
    candidate: Expr,
    target: Expr | Callable[..., Any],
    variables: Sequence[str] = ("x",),
    *,
    dps: int = 50,
    points: Sequence[dict[str, Any]] | None = None,
) -> int | None:
    """Digits of agreement of ``candidate`` with ``target`` at held-out points, or ``None``.

    ``target`` is an EML expression or a callable taking the variables as keyword arguments
    (mpmath numbers) and returning a number. Both are evaluated with mpmath at ``dps``
    digits; the result is the smallest number of agreeing significant digits over the points,
    or ``None`` when that is below ``dps - 15`` (not equal) or either side is undefined.

    >>> import emlkit as ek, mpmath
    >>> verify_exact(ek.parse("eml(x, 1)"), lambda x: mpmath.exp(x)) >= 45
    True
    >>> verify_exact(ek.parse("eml(x, 1)"), ek.parse("eml(1, x)")) is None
    True
    """
    import mpmath

    from ..search.verify import evaluate_mp

    variables = tuple(variables)
    pts = list(points) if points is not None else holdout_points(variables)
    if not pts:
        raise ValueError("verify_exact needs at least one point")
    worst = math.inf
    with mpmath.workdps(dps):
        for p in pts:
            env = {v: mpmath.mpc(p[v]) for v in variables}
            a = evaluate_mp(candidate, env, dps=dps)
            if isinstance(target, Expr):
                b = evaluate_mp(target, env, dps=dps)
            else:
                b = mpmath.mpc(target(**env))
            if a is None or b is None or not (mpmath.isfinite(a) and mpmath.isfinite(b)):
                return None
            diff = abs(a - b)
            if diff == 0:
                continue
            scale = max(abs(b), mpmath.mpf(10) ** (-dps // 2))
            worst = min(worst, float(-mpmath.log10(diff / scale)))
    digits = dps if worst == math.inf else int(math.floor(worst))
    return min(digits, dps) if digits >= dps - 15 else None


def verify_on_data(
    expr: Expr, X_holdout: Any, y_holdout: Any, rtol: float, variables: Sequence[str] | None = None
) -> int | None:
    """Digits of agreement of ``expr`` with held-out data, or ``None`` if worse than ``rtol``.

    The error at each sample is ``|f(x) - y| / max(|y|, 1e-300)``; the worst over the samples
    must be at most ``rtol``. ``X_holdout`` has one column per variable (``variables``, default
    ``x0, x1, ...`` or ``x`` / ``x, y`` as in :func:`emlkit.regress.exact.search_exact`).

    >>> import emlkit as ek
    >>> X = np.array([[0.5], [2.0]]); y = np.exp(X[:, 0]) * (1 + 1e-7)
    >>> verify_on_data(ek.parse("eml(x, 1)"), X, y, 1e-6)
    7
    >>> verify_on_data(ek.parse("eml(x, 1)"), X, y + 1, 1e-6) is None
    True
    """
    from .targets import target_values

    X = np.asarray(X_holdout)
    if X.ndim == 1:
        X = X[:, None]
    y = np.asarray(y_holdout, dtype=np.complex128).ravel()
    if X.shape[0] != y.shape[0] or X.shape[0] == 0:
        raise ValueError(f"X_holdout has {X.shape[0]} rows but y_holdout has {y.shape[0]}")
    if variables is None:
        variables = _default_names(X.shape[1])
    pts = {v: X[:, j].astype(np.complex128) for j, v in enumerate(variables)}
    f = target_values(expr, pts)
    if f is None:
        return None
    err = float(np.max(np.abs(f - y) / np.maximum(np.abs(y), 1e-300)))
    if not err <= rtol:
        return None
    return 16 if err == 0 else int(min(16, math.floor(-math.log10(err))))


def _default_names(n: int) -> tuple[str, ...]:
    if n == 1:
        return ("x",)
    if n == 2:
        return ("x", "y")
    return tuple(f"x{j}" for j in range(n))
