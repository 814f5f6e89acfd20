"""Checks of regression candidates at points the search never saw: against a known target at
high precision, or on held-out samples of user data.

:func:`verify_exact` evaluates the candidate and the target with mpmath (the search semantics
of :func:`emlkit.search.verify.evaluate_mp`) at fresh points the search never saw and returns
the digits of agreement, or ``None`` when they differ. :func:`verify_on_data` is the check
available when only data exist: the worst relative error on held-out samples.
:func:`rounding_digits` is what ``exact`` means for noise-free data: the formula's value at 50
digits matches every sample to within what float64 rounding can explain, and
:func:`confirm_exact` withdraws the claim from candidates that fail it (a near-twin that is off
by 1e-9 relative fits a 1e-9 training tolerance, but not float64 rounding); both check at most
:data:`~emlkit.regress._confirm_rows.MAX_CONFIRM_ROWS` samples whatever the size of the data
(:func:`confirmed_rows` says which) and keep to a deadline.
:func:`finite_samples` drops the samples where ``y`` is inf or NaN, with a warning.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..expr import Expr
from ._confirm_rows import MAX_CONFIRM_ROWS, confirmation_rows

__all__ = [
    "MATCH_ROWS",
    "confirm_exact",
    "confirmed_rows",
    "default_names",
    "finite_samples",
    "holdout_points",
    "rounding_digits",
    "split_rows",
    "verify_exact",
    "verify_on_data",
]

_EPS = 2.0**-52
#: a sample's float64 value may be off by this many ulps of |y| (the law's own rounding) ...
_ULPS = 64
#: ... plus this multiple of the candidate's float64 evaluation error at the sample
_SLACK = 16


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
    digits = dps if worst == math.inf else math.floor(worst)
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
    from .random_targets import target_values

    X = np.asarray(X_holdout)
    if X.ndim == 1:
        X = X[:, None]
    y = np.asarray(y_holdout, dtype=np.complex128).ravel()
    if X.shape[0] != y.shape[0] or X.shape[0] == 0:
        raise ValueError(f"X_holdout has {X.shape[0]} rows but y_holdout has {y.shape[0]}")
    if variables is None:
        variables = default_names(X.shape[1])
    pts = {v: X[:, j].astype(np.complex128) for j, v in enumerate(variables)}
    f = target_values(expr, pts)
    if f is None:
        return None
    err = float(np.max(np.abs(f - y) / np.maximum(np.abs(y), 1e-300)))
    if not err <= rtol:
        return None
    return 16 if err == 0 else int(min(16, math.floor(-math.log10(err))))


def default_names(n: int) -> tuple[str, ...]:
    """Names of ``n`` data columns: ``x``, then ``x, y``, then ``x0, x1, ...``.

    >>> default_names(2), default_names(3)
    (('x', 'y'), ('x0', 'x1', 'x2'))
    """
    if n == 1:
        return ("x",)
    if n == 2:
        return ("x", "y")
    return tuple(f"x{j}" for j in range(n))


def rounding_digits(
    expr: Expr, X: Any, y: Any, variables: Sequence[str] | None = None, *, dps: int = 50,
    max_rows: int | None = MAX_CONFIRM_ROWS, deadline: float | None = None,
) -> int | None:
    """Digits to which ``expr`` reproduces noise-free float64 data, or ``None`` if it does not.

    At every sample checked the formula is evaluated at ``dps`` digits (the search semantics
    of :func:`emlkit.search.verify.evaluate_mp`) and in float64; it reproduces the data when
    ``|f_dps − y| ≤ 64·ε·|y| + 16·|f_float64 − f_dps|`` everywhere (ε = 2⁻⁵²): the sample may
    carry the rounding of the law's own float64 evaluation, a few ulps amplified as much as the
    formula's float64 evaluation is. A formula that differs from the data by more (a near-twin
    off by 1e-9 relative) does not. The digits are ``−log10`` of the worst relative error,
    at most 16.

    The samples checked are all of them up to ``max_rows``, beyond that the bounded subset of
    :func:`emlkit.regress._confirm_rows.confirmation_rows` (the rows float64 finds most
    suspicious, the extremes, a spread); ``max_rows=None`` checks every row. With a
    ``deadline`` (``time.monotonic()``) not met, the claim is not confirmed: ``None``.

    >>> import emlkit as ek
    >>> x = np.linspace(0.5, 3, 9)[:, None]
    >>> rounding_digits(ek.parse("eml(x, 1)"), x, np.exp(x[:, 0])) >= 15
    True
    >>> rounding_digits(ek.parse("eml(x, 1)"), x, np.exp(x[:, 0]) * (1 + 1e-9)) is None
    True
    """
    try:
        return _rounding_digits(expr, X, y, variables, dps, max_rows, deadline)
    except _OutOfTime:
        return None


class _OutOfTime(Exception):
    """The deadline passed before every chosen sample was checked."""


def confirmed_rows(expr: Expr, X: Any, y: Any, variables: Sequence[str] | None = None,
                   max_rows: int | None = MAX_CONFIRM_ROWS) -> np.ndarray:
    """Indices of the samples :func:`rounding_digits` checks for ``expr`` (at most
    ``max_rows``).

    >>> import emlkit as ek
    >>> x = np.linspace(0.5, 3, 10_000)[:, None]
    >>> len(confirmed_rows(ek.parse("eml(x, 1)"), x, np.exp(x[:, 0]), max_rows=64))
    64
    """
    return _prepare(expr, X, y, variables, max_rows)[3]


def _prepare(expr, X, y, variables, max_rows):
    from ..backends import evaluate

    X = np.asarray(X)
    X = X.astype(np.complex128 if np.iscomplexobj(X) else np.float64)
    if X.ndim == 1:
        X = X[:, None]
    y = np.asarray(y, dtype=np.complex128).ravel()
    if X.shape[0] != y.shape[0] or X.shape[0] == 0:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
    names = tuple(variables) if variables is not None else default_names(X.shape[1])
    used = [j for j, v in enumerate(names) if v in expr.free_vars]
    with np.errstate(all="ignore"):
        f64 = np.asarray(evaluate(expr, {names[j]: X[:, j] for j in used}, on_nan="ignore"))
    f64 = np.broadcast_to(f64, y.shape)
    rows = (np.arange(len(y)) if max_rows is None
            else confirmation_rows(X, y, f64, limit=max_rows))
    return X, y, f64, rows, [(names[j], j) for j in used]


def _rounding_digits(expr, X, y, variables, dps, max_rows, deadline) -> int | None:
    import mpmath

    from ..backends.walk import make_plan, run
    from ..search.arithmetic_mp import MpSearchOps

    if deadline is not None and time.monotonic() >= deadline:
        raise _OutOfTime
    X, y, f64, rows, used = _prepare(expr, X, y, variables, max_rows)
    plan = make_plan(expr, fold_constants=False)  # one plan, walked once per sample
    worst = 0.0
    with mpmath.workdps(dps):
        ops = MpSearchOps()
        for i in rows:
            if deadline is not None and time.monotonic() >= deadline:
                raise _OutOfTime
            exact = run(plan, ops, {v: mpmath.mpc(complex(X[i, j])) for v, j in used})
            if exact is None or not mpmath.isfinite(exact):
                return None
            ex = complex(exact)
            slack = abs(f64[i] - ex) if np.isfinite(f64[i]) else 0.0
            err = float(abs(exact - mpmath.mpc(y[i].real, y[i].imag)))
            if not err <= _ULPS * _EPS * abs(y[i]) + _SLACK * slack + 1e-300:
                return None
            worst = max(worst, err / max(abs(y[i]), 1e-300))
    return 16 if worst == 0 else int(min(16, math.floor(-math.log10(worst))))


def confirm_exact(cands: Sequence[Any], X: Any, y: Any, variables: Sequence[str] | None = None,
                  noise: float | None = None, *, deadline: float | None = None) -> list[Any]:
    """The candidates, with ``exact`` withdrawn where :func:`rounding_digits` refutes it.

    Only for noise-free data (``noise`` None): with a stated noise level, ``exact`` means
    "equal to the noise level" and is left as it is. A withdrawn claim keeps the reason in
    ``info["not_exact"]``. The candidates are checked in their order; once ``deadline``
    (``time.monotonic()``) has passed, the claims not yet checked are withdrawn too ("not
    confirmed exact"): a claim is never kept unchecked.

    >>> import emlkit as ek
    >>> from emlkit.regress._candidate import Candidate
    >>> x = np.linspace(0.5, 3, 9)[:, None]
    >>> twin = Candidate(ek.parse("eml(x, 1)"), "exp(x)", 0.0, True, "search", 9)
    >>> [c.exact for c in confirm_exact([twin], x, np.exp(x[:, 0]) * (1 + 1e-9))]
    [False]
    """
    if noise is not None:
        return list(cands)
    out = []
    for c in cands:
        if c.exact:
            try:
                digits = _rounding_digits(c.expr, X, y, variables, 50, MAX_CONFIRM_ROWS,
                                          deadline)
                reason = ("differs from the data by more than float64 rounding "
                          "(50-digit check)")
            except _OutOfTime:
                digits = None
                reason = "not confirmed exact: the time limit ended before its 50-digit check"
            if digits is None:
                info = {**c.info, "not_exact": reason}
                c = dataclasses.replace(c, exact=False, verified_digits=None, info=info)
            else:
                c = dataclasses.replace(c, verified_digits=digits)
        out.append(c)
    return out


def finite_samples(X: Any, y: Any) -> tuple[Any, Any]:
    """``X`` and ``y`` without the samples where ``y`` is inf or NaN (warning how many).

    A law that overflows float64 on part of the sample range leaves such samples; the others
    still determine it. ``X`` may be an array or a DataFrame (rows selected positionally).
    Nothing is dropped when every ``y`` is finite, or when none is (validation then reports it).

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     X, y = finite_samples([[1.0], [2.0], [3.0]], [1.0, np.inf, 3.0])
    >>> y.tolist(), str(w[0].message)
    ([1.0, 3.0], 'dropped 1 of 3 samples where y is inf or NaN')
    """
    try:
        ya = np.asarray(y, dtype=np.complex128 if np.iscomplexobj(y) else np.float64)
    except (TypeError, ValueError):
        return X, y  # not numeric: the estimator's validation says so
    if ya.ndim != 1:
        return X, y
    keep = np.isfinite(ya)
    if keep.all() or not keep.any():
        return X, y
    n, k = len(ya), int((~keep).sum())
    warnings.warn(f"dropped {k} of {n} samples where y is inf or NaN", RuntimeWarning,
                  stacklevel=2)
    rows = np.flatnonzero(keep)
    Xk = X.iloc[rows] if hasattr(X, "iloc") else np.asarray(X)[rows]
    return Xk, ya[rows]


#: rows the exact searches match candidates on; the rest are held out for checking
MATCH_ROWS = 8


def split_rows(
    X: np.ndarray, y: np.ndarray, variables: Sequence[str], random_state: int | None
) -> tuple[np.ndarray, np.ndarray, dict[str, Any], np.ndarray]:
    """The rows a table search matches on and the rows it holds out, drawn at random.

    Returns ``(match, held, points, y_match)``: index arrays of the ``MATCH_ROWS`` (or fewer)
    matching rows and of the held-out rest (at least two rows or a quarter of the data),
    the matching rows' values per variable, and their targets.

    >>> X = np.arange(20.0).reshape(10, 2); y = X[:, 0] + X[:, 1]
    >>> match, held, pts, ym = split_rows(X, y, ["x", "y"], 0)
    >>> len(match), len(held), sorted(pts), bool(np.all(ym == pts["x"] + pts["y"]))
    (8, 2, ['x', 'y'], True)
    """
    n = X.shape[0]
    perm = np.random.default_rng(random_state).permutation(n)
    n_match = min(MATCH_ROWS, n - max(2, n // 4))
    match, held = perm[:n_match], perm[n_match:]
    return match, held, {v: X[match, j] for j, v in enumerate(variables)}, y[match]
