"""Exact recovery of EML formulas from data by table lookup and meet in the middle.

Method. The data are split: a few *match* points (at most 8) and the *held-out* rest. A table
of the distinct functions of depth <= ``t`` over ``{1, variables}`` is built at the match
points (:mod:`emlkit.regress.tables`; ``t = 4`` for one variable, about 280 thousand distinct
functions in about a second; ``t = 3`` for two). Then, in order:

1. *direct*: ``y`` itself is looked up (targets of depth <= ``t``);
2. *one level*: ``y = exp(A) - ln(B)`` gives ``B = exp(exp(A) - y)`` exactly, so for every
   ``A`` of the table the needed ``B`` is computed and looked up (depth <= ``t + 1``);
3. *two levels*, while time allows (depth ``t + 2``), one small row ``s`` of the table at a
   time (depth <= 2, then 3): with ``A = s``, ``B = eml(C, D)`` needs ``D = exp(exp(C) - B)``
   for every ``C``; with ``B = s``, ``A = eml(E, F)`` needs ``F = exp(exp(E)) / (y + ln B)``
   for every ``E`` (no branch ambiguity: ``exp(A)`` is known, not ``A``); and with ``D = s``
   or ``C = s``, for every ``A`` (``B = exp(exp(A) - y)`` as in one level) the other one is
   ``C = ln(B + ln D)`` or ``D = exp(exp(C) - B)``. The ``ln`` form damps the noise of ``B``
   where the ``exp`` form multiplies it by ``|B|``: with ``y`` near -14, ``B`` is near 2e7.

Lookups are tolerant: the tolerance of each needed value is propagated from the noise level
(``rtol``, relative to ``|y|``, default ``1e-5``) plus float rounding, so noisy data still hit.
A needed value known only to a factor (noise through ``exp``) at some match points is looked
up by the others (:meth:`emlkit.search.value_index.ValueIndex.lookup`, ``loose``).
Every hit is re-evaluated at the match points, then checked on the held-out samples
(:func:`emlkit.regress.holdout.verify_on_data`): ``exact`` means the held-out error is within
the noise level estimated from the best match (at most ``10 x`` its training error, and at
most ``rtol``). Complex ``y`` works the same way.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..expr import Eml, Expr
from ..search.arithmetic import eml_arrays, exp_guarded, log_guarded
from ..search.value_index import needed_right
from ._candidate import Candidate
from .holdout import default_names, split_rows, verify_on_data
from .random_targets import target_values
from .tables import Table, build_table

__all__ = ["check_input", "search_exact"]

_FLOAT = 1e-11  # relative rounding allowance of computed needed values
_CLEAN = 1e-9  # a training error this small is float rounding, not noise: stop searching
_SETTLED = 1e-7  # noise unknown: a two-level hit this close ends the two-level stage
_WINDOW = 2048  # table rows a meet-in-the-middle query may scan (wider: the query is skipped)
_LOOSE = 1e-2  # a needed value known only to this relative tolerance is "not sharp" there
_SHARP_NOISY = 3  # sharp points a meet-in-the-middle query needs when the noise is stated

# Noise stated (``rtol``): a query known only loosely at every point is skipped
# (``ValueIndex.lookup(min_sharp=3)``): on the 17 depth-6 noisy misses of the benchmark sweep
# (30 s each) keeping them recovered the same 9 in 13 % more time. Noise unknown: they are
# kept, since a large ``y`` (near 4e6, say) makes every needed value loose at every point even
# on exact data.


def check_input(X: Any, y: Any, variables: Sequence[str] | None, max_vars: int | None = 2,
                who: str = "search_exact") -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Samples as arrays ``(X of shape (n, v), y of shape (n,), variable names)``, or a
    ValueError naming what is wrong (``who`` is the function named in the message).

    >>> X, y, names = check_input([1.0, 2, 3, 4, 5, 6], [2.0, 3, 4, 5, 6, 7], None)
    >>> X.shape, names
    ((6, 1), ('x',))
    """
    X = np.asarray(X)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"X must be 1- or 2-dimensional, got shape {X.shape}")
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y has shape {y.shape} but X has {X.shape[0]} rows")
    if X.shape[0] < 6:
        raise ValueError("need at least 6 samples for matching and held-out checks, "
                         f"got {X.shape[0]}")
    try:
        X = X.astype(np.complex128)
        y = y.astype(np.complex128)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"X and y must be numeric: {exc}") from None
    for name, arr in (("X", X), ("y", y)):
        bad = np.argwhere(~np.isfinite(arr))
        if len(bad):
            where = tuple(int(i) for i in bad[0])
            raise ValueError(f"{name} has a non-finite value at index {where}")
    variables = tuple(variables) if variables is not None else default_names(X.shape[1])
    if len(variables) != X.shape[1]:
        raise ValueError(f"{len(variables)} variable names for {X.shape[1]} columns of X")
    if max_vars is not None and len(variables) > max_vars:
        raise ValueError(f"{who} handles one or two variables, got {len(variables)}")
    return X, y, variables






def search_exact(
    X: Any,
    y: Any,
    *,
    variables: Sequence[str] | None = None,
    max_depth: int = 6,
    rtol: float | None = None,
    time_limit: float | None = None,
    progress: bool = False,
    random_state: int | None = None,
    max_rows: int | None = None,
) -> list[Candidate]:
    """Search for EML trees of depth <= ``max_depth`` that reproduce ``y`` (see module doc).

    Parameters
    ----------
    X : array of shape (n,) or (n, v)
        Inputs, one column per variable (v = 1 or 2); real or complex.
    y : array of shape (n,)
        Outputs, real or complex. At least 6 samples.
    variables : sequence of str, optional
        Names of the columns (default ``x`` or ``x, y``).
    max_depth : int
        Deepest tree searched (one variable: up to 6, the last level partially).
    rtol : float, optional
        Relative noise level of ``y``. Default: unknown; values are matched up to ``1e-5``
        relative, the two-level stage goes on until a fit within ``1e-7`` (or the time limit),
        and the noise is then estimated from the best fit.
    time_limit : float, optional
        Seconds for the whole search (default: no limit for depths <= 5, 60 s for the two-level
        stage).
    progress : bool
        Show a progress line.
    random_state : int, optional
        Seed of the split into match and held-out samples.
    max_rows : int, optional
        Most rows of the small side that the two-level stage tries: a bound by work, so a run
        does the same work on any machine. Given without ``time_limit``, it replaces the
        two-level stage's 60 s default.

    Returns
    -------
    list of Candidate
        Ranked: exact first (equal K among them: smallest held-out error), then smallest K.
        Empty when nothing within reach fits.

    Examples
    --------
    >>> x = np.linspace(0.5, 3, 12)
    >>> best = search_exact(x, np.e - np.log(x), random_state=0)[0]
    >>> str(best.expr), best.exact
    ('eml(1, x)', True)
    """
    from ..progress import Progress

    X, y, variables = check_input(X, y, variables)
    if not isinstance(max_depth, (int, np.integer)) or max_depth < 0:
        raise ValueError(f"max_depth must be a non-negative integer, got {max_depth!r}")
    if rtol is not None and not (0 < rtol < 1):
        raise ValueError(f"rtol must be in (0, 1), got {rtol!r}")
    if max_rows is not None and (isinstance(max_rows, bool) or not isinstance(
            max_rows, (int, np.integer)) or max_rows < 0):
        raise ValueError(f"max_rows must be a non-negative integer, got {max_rows!r}")
    t0 = time.monotonic()
    deadline = None if time_limit is None else t0 + float(time_limit)
    _, ih, pts, ym = split_rows(X, y, variables, random_state)
    rt = 1e-5 if rtol is None else float(rtol)
    tdepth = min(max_depth, 4 if len(variables) == 1 else 3)
    bar = Progress("search_exact", total=4, enabled=progress, unit="stage")
    table = build_table(pts, variables, max(tdepth - 1, 0) if max_depth <= tdepth else tdepth,
                        deadline=deadline)
    found: dict[Expr, float] = {}
    absy = np.abs(ym)

    def consider(yhat: np.ndarray, K: np.ndarray, make) -> None:
        """Keep the hits whose values fit ``ym``; build trees for the 30 smallest only."""
        if len(K) == 0:
            return
        with np.errstate(all="ignore"):
            err = np.max(np.abs(yhat - ym[None, :]) / np.maximum(absy, 1e-300)[None, :], axis=1)
        ok = np.flatnonzero(err <= rt)
        by_k = ok[np.lexsort((err[ok], K[ok]))][:30]
        by_err = ok[np.lexsort((K[ok], err[ok]))][:30]
        for h in np.union1d(by_k, by_err):
            e = make(int(h))
            if e.depth <= max_depth and e not in found:
                found[e] = float(err[h])

    sharp = 0 if rtol is None else _SHARP_NOISY
    settle = _SETTLED if rtol is None else rt / 3  # a fit that ends the two-level stage
    held: dict[Expr, bool] = {}
    fit_at: list[int] = []  # the stage where a fit within the stated noise was first seen

    def clean(stage: int) -> bool:
        """Skip ``stage``? Yes after an essentially exact hit (float rounding only). With a
        stated noise level ``rtol``, yes once the stage before found a hit well within it
        (match points and held out); the candidates of that stage are then ranked by fit.
        Going one stage deeper after such a hit was measured (sr_recovery.py, noise 1e-6,
        16 targets at depths 5 and 6): the same recoveries, 3.7x the time at depth 5."""
        if any(err <= _CLEAN for err in found.values()):
            return True
        if rtol is None:  # unknown noise: only a float-exact fit is known to be the law
            return False
        if not fit_at:
            for e, err in found.items():
                if e not in held:
                    tol = rt / 3
                    held[e] = (err <= tol and
                               verify_on_data(e, X[ih], y[ih], tol, variables) is not None)
                if held[e]:
                    fit_at.append(stage - 1)
                    break
        return bool(fit_at) and stage > fit_at[0]

    # 1. direct
    _, r = table.lookup(ym[None, :], (rt * absy + _FLOAT * absy)[None, :] * 3)
    consider(table.vals[r], table.K[r], lambda h: table.expr(int(r[h])))
    bar.update(1, found=len(found))
    # 2. one level: B = exp(exp(A) - y)
    if max_depth >= 1 and not clean(2):
        _one_level(table, ym, absy, min(rt, _CLEAN), consider, deadline, sharp)  # cheap
    if max_depth >= 1 and not clean(2) and rt > _CLEAN:
        _one_level(table, ym, absy, rt, consider, deadline, sharp)
    bar.update(2, found=len(found))
    # 3. two levels, small side first, by time budget
    two_deadline = deadline if deadline is not None else (
        math.inf if max_rows is not None else time.monotonic() + 60.0)
    rows = [int(max_rows)] if max_rows is not None else None
    if max_depth >= table.max_depth + 2 and not clean(3):
        _two_level(table, ym, absy, min(rt, _CLEAN), consider, two_deadline, bar, found,
                   small_depths=(2,), settle=settle, sharp=sharp, rows_left=rows)
    if max_depth >= table.max_depth + 2 and not clean(3) and rt > _CLEAN:
        _two_level(table, ym, absy, rt, consider, two_deadline, bar, found,
                   settle=settle, sharp=sharp, rows_left=rows)
    bar.update(3, found=len(found))
    cands = _rank(found, X, y, ih, variables, rtol)
    bar.close(f"{len(cands)} candidate(s) in {time.monotonic() - t0:.1f} s")
    return cands


def _one_level(table: Table, ym, absy, rt, consider, deadline: float | None,
               sharp: int) -> None:
    M = len(table)
    step = 1 << 15
    for s in range(0, M, step):
        if deadline is not None and time.monotonic() > deadline:
            return
        EA = table.E[s:s + step]
        with np.errstate(all="ignore"):
            need = needed_right(EA, ym[None, :])
            tol = 3 * np.abs(need) * (rt * absy[None, :] + _FLOAT * (np.abs(EA) + absy[None, :]))
        # where B is only known to a factor e^0.01 or worse the lookup keys on a sharper point
        # (see ValueIndex.lookup; ``sharp`` of them at least)
        a, b = table.lookup(need, tol, _WINDOW, _LOOSE, sharp)
        a = a + s
        yhat = eml_arrays(table.E[a], table.L[b])
        consider(yhat, table.K[a] + table.K[b] + 1,
                 lambda h, a=a, b=b: Eml(table.expr(int(a[h])), table.expr(int(b[h]))))


def _two_level(table: Table, ym, absy, rt, consider, deadline: float, bar, found,
               small_depths: Sequence[int] = (2, 3), sharp: int = 0,
               settle: float = _SETTLED, rows_left: list[int] | None = None) -> None:
    """Meet in the middle two levels deep, over the small rows in order of size, until the
    deadline or a hit within ``settle`` of ``y`` (relative, at every match point). With the
    noise stated, ``settle`` is a third of it: a shallower stand-in that fits within the noise
    but worse than the law no longer ends the stage (the new lookups below find such stand-ins
    in earlier rows). Noise unknown: ``_SETTLED``; a fit to 1e-6 of a large ``y`` can be a
    stand-in, e.g. a wrong term ``ln B`` of size 3 next to ``y`` near 4e6, and cancellation
    leaves an exact ``y`` near 3e-7 with a float error near 1e-7 of it, so "float-exact"
    cannot be stricter."""
    tried = 0
    n_before = len(found)
    with np.errstate(all="ignore"):  # B = exp(exp(A) - y) for every row A, and its error
        Ball = needed_right(table.E, ym[None, :])
        errB = np.abs(Ball) * (rt * absy[None, :] + _FLOAT * (np.abs(table.E) + absy[None, :]))
    for small_depth in small_depths:
        small = np.flatnonzero(table.depth <= small_depth)
        if small_depth == 3:
            small = small[table.depth[small] == 3]
        small = small[np.argsort(table.K[small], kind="stable")]
        for s in small.tolist():  # Python ints
            if time.monotonic() > deadline or any(
                    err <= settle for err in list(found.values())[n_before:]):
                return
            if rows_left is not None:  # a bound by work: rows tried, over both calls
                if rows_left[0] <= 0:
                    return
                rows_left[0] -= 1
            es, ls, sx = table.E[s], table.L[s], table.expr(s)  # exp, ln and tree of row s
            with np.errstate(all="ignore"):
                # (i) y = eml(A, eml(C, D)), A = row s: D = exp(exp(C) - B)
                B = needed_right(es, ym)
                tolB = rt * absy + _FLOAT * (np.abs(es) + absy)  # relative error of B
                if np.isfinite(B).sum() >= 3:
                    D = needed_right(table.E, B[None, :])
                    tolD = 3 * np.abs(D) * (np.abs(B)[None, :] * tolB[None, :]
                                            + _FLOAT * (np.abs(table.E) + np.abs(B)[None, :]))
                    c, d = table.lookup(D, tolD, _WINDOW, _LOOSE, sharp)
                    inner = eml_arrays(table.E[c], table.L[d])
                    yhat = eml_arrays(np.broadcast_to(es, inner.shape), log_guarded(inner))
                    consider(yhat, table.K[s] + table.K[c] + table.K[d] + 2,
                             lambda h, c=c, d=d, sx=sx: Eml(
                                 sx, Eml(table.expr(int(c[h])), table.expr(int(d[h])))))
                # (ii) y = eml(eml(E, F), B), B = row s: F = exp(exp(E)) / (y + ln B)
                S = ym + ls
                if (np.isfinite(S) & (S != 0)).sum() >= 3:
                    lnS = log_guarded(S)
                    F = exp_guarded(table.E - lnS[None, :])
                    tolF = 3 * np.abs(F) * ((rt * absy / np.abs(S))[None, :]
                                            + _FLOAT * (np.abs(table.E) + np.abs(lnS)[None, :]))
                    e, f = table.lookup(F, tolF, _WINDOW, _LOOSE, sharp)
                    inner = eml_arrays(table.E[e], table.L[f])
                    yhat = eml_arrays(exp_guarded(inner), np.broadcast_to(ls, inner.shape))
                    consider(yhat, table.K[s] + table.K[e] + table.K[f] + 2,
                             lambda h, e=e, f=f, sx=sx: Eml(
                                 Eml(table.expr(int(e[h])), table.expr(int(f[h]))), sx))
                # y = eml(A, eml(C, D)) with C or D = row s, A over the table, B = Ball:
                # (iii) D = row s: C = ln(B + ln D), which damps the noise of B where (i)
                # amplifies it
                Sum = Ball + ls[None, :]
                C = log_guarded(Sum)
                tolC = 3 * (errB + _FLOAT * np.abs(ls)[None, :]) / np.abs(Sum) + _FLOAT
                a, c = table.lookup(C, tolC, _WINDOW, _LOOSE, sharp)
                yhat = eml_arrays(table.E[a], log_guarded(
                    eml_arrays(table.E[c], np.broadcast_to(ls, (len(c), len(ls))))))
                consider(yhat, table.K[a] + table.K[c] + table.K[s] + 2,
                         lambda h, a=a, c=c, sx=sx: Eml(
                             table.expr(int(a[h])), Eml(table.expr(int(c[h])), sx)))
                # (iv) C = row s: D = exp(exp(C) - B)
                D = needed_right(es[None, :], Ball)
                tolD = 3 * np.abs(D) * (errB + _FLOAT * (np.abs(es)[None, :] + np.abs(Ball)))
                a, d = table.lookup(D, tolD, _WINDOW, _LOOSE, sharp)
                yhat = eml_arrays(table.E[a], log_guarded(
                    eml_arrays(np.broadcast_to(es, (len(d), len(es))), table.L[d])))
                consider(yhat, table.K[a] + table.K[s] + table.K[d] + 2,
                         lambda h, a=a, d=d, sx=sx: Eml(
                             table.expr(int(a[h])), Eml(sx, table.expr(int(d[h])))))
            tried += 1
            bar.update(3, found=len(found), tried=tried)


def _rank(found: dict[Expr, float], X, y, ih, variables, rtol) -> list[Candidate]:
    if not found:
        return []
    from .holdout import rounding_digits, verify_on_data

    best_train = min(found.values())
    noise = max(best_train, 1e-12)
    hold_tol = min(10 * noise + 1e-10, rtol if rtol is not None else 1e-3)
    pts_all = {v: X[:, j] for j, v in enumerate(variables)}
    rows = []
    for e, err in found.items():
        digits = verify_on_data(e, X[ih], y[ih], hold_tol, variables)
        if digits is not None and rtol is None:  # noise-free: exact means float64 rounding only
            digits = rounding_digits(e, X[ih], y[ih], variables)
        f = target_values(e, pts_all)
        with np.errstate(all="ignore"):
            rmse = math.inf if f is None else float(np.sqrt(np.mean(np.abs(f - y) ** 2)))
        rows.append((digits is not None, e, rmse, digits, err))
    exact = [r for r in rows if r[0]]
    best_rmse = min((r[2] for r in exact), default=math.inf)
    # noise-free: fits within 10x of the best differ by rounding only; noisy: the law fits to
    # the noise floor and a stand-in fits worse, so only near-equal fits count as tied
    tie = 10.0 if rtol is None else 1.25
    rows.sort(key=lambda r: (not r[0], not (r[0] and r[2] <= tie * best_rmse + 1e-300),
                             r[1].K, r[2]))
    out = []
    for ok, e, rmse, digits, err in rows[:20]:
        out.append(Candidate(e, _readable(e), rmse, ok, "search", digits,
                             {"train_rel_err": err, "depth": e.depth}))
    return out


def _readable(e: Expr) -> str:
    try:
        from ..decompiler import to_sympy

        return str(to_sympy(e, positive=True))
    except Exception:  # noqa: BLE001 - a readable form is a courtesy, never fatal
        return str(e)
