"""Recognise a number, or a function given by samples, as a short EML form.

Method: a float64 *sieve* over the enumeration by K (:func:`~emlkit.search.enumerate_forms`,
one representative per distinct value), extended by meet in the middle
(:meth:`~emlkit.search.Enumeration.match_roots`: every ``eml(A, B)`` with both children in the
table), then a *proof* of each candidate: mpmath at ``dps`` digits with the search's arithmetic
(:func:`~emlkit.search.verify.evaluate_mp`) and an arb ball (:func:`emlkit.certify`) that bounds
the error rigorously where the form stays away from ``ln 0`` and the cuts. Candidates come back
ranked by K, one per distinct value (or per distinct function at the sample points).

The search is *complete* up to ``searched_K``: every pure EML form of size at most that bound
is compared (the table holds the enumeration to ``searched_K - 2``, and every root above it
has both children in the table); larger forms whose two halves are in the table are found
too, so a result may have ``K > searched_K``. Decimal input is read exactly
(:func:`~emlkit.search.targets.parse_number`) and stands for the interval of its last digit
(half a unit either side); a match must lie in that interval, so it reproduces every digit
given, and the digits reported never exceed those given.

>>> r = recognize("2.718281828459045", max_K=9)
>>> r.best.K, str(r.best.expr), r.best.digits
(3, 'eml(1, 1)', 16)
>>> recognize("2.72", max_K=5).message          # e is in [2.715, 2.725]
'2.72 (3 significant digits, +-0.005) = E  (K = 3, 3 digits)'
>>> recognize("2.719", max_K=5).found           # e = 2.71828... is not in [2.7185, 2.7195]
False
>>> print(recognize("0.1", max_K=11, exact=True).message)        # exactly 1/10
no form with K ≤ 11 matches 0.1 (exact) to 50 digits
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..expr import Eml, Expr
from ..progress import Progress
from ._recognizer_checks import (
    SAMPLE_DIGITS,
    Check,
    arb_digits,
    check_constant,
    check_samples,
    float_eval,
    mp_env,
    mp_target,
    readable_checked,
    same_values,
)
from ._recognizer_setup import Setup, memory_limit, setup
from .enumerate import Enumeration, eml_arrays, enumerate_forms
from .recognition import Candidate, Recognition
from .samples import Samples, to_samples
from .targets import Target, to_target

__all__ = ["Candidate", "Recognition", "recognize"]

_DEFAULT_K = {0: 33, 1: 19, 2: 15}  # complete bound by number of variables (pure EML)
_MAX_VERIFY = 400  # candidates verified in mpmath beyond the first ``limit`` results
_STEPS = {0: (15, 21, 27), 1: (7, 11, 15), 2: (7, 11)}  # tables tried first (precise targets)
_VALUE_BLOCK = 4096  # sieve rows whose values are computed at once, as verification reaches them
_CONST_CACHE: dict[int, Enumeration] = {}


def _table(N: int, variables: tuple[str, ...], points: dict | None, deadline: float | None,
           bar: Progress, notes: list[str]) -> Enumeration:
    """The enumeration to ``N`` (cached for constants); deepened step by step under a deadline."""
    cacheable = not variables and deadline is None
    if cacheable and N in _CONST_CACHE:
        return _CONST_CACHE[N]
    mem = memory_limit()
    K0 = N if deadline is None else min(N, 9)
    while True:
        bar.update(stage="enumerate", K=K0)
        t0 = time.perf_counter()
        en = enumerate_forms(K0, variables, points=points, memory_limit_bytes=mem)
        took = time.perf_counter() - t0
        if not en.complete:
            notes.append(f"the enumeration stopped at K = {en.max_K} (memory limit)")
            break
        if K0 >= N:
            break
        grow = en.counts[K0] / max(en.counts.get(K0 - 2, 1), 1)
        if deadline is not None and time.perf_counter() + 1.5 * took * max(grow, 2) > deadline:
            notes.append(f"time limit: enumerated to K = {K0} only")
            break
        K0 += 2
    if cacheable:
        if len(_CONST_CACHE) >= 4:
            _CONST_CACHE.pop(max(_CONST_CACHE) if N < max(_CONST_CACHE) else min(_CONST_CACHE))
        _CONST_CACHE[N] = en
    return en


class _RowValues:
    """Value vectors of sieve rows ``(K, left gid or -1, right gid)``, computed block by block
    as verification reaches them (a loose target can have 10**5 rows; few are ever read)."""

    def __init__(self, en: Enumeration, rows: list[tuple[int, int, int]]) -> None:
        self.en, self.rows = en, rows
        self._blocks: dict[int, np.ndarray] = {}

    def __getitem__(self, i: int) -> np.ndarray:
        b = i // _VALUE_BLOCK
        if b not in self._blocks:
            self._blocks[b] = self._block(self.rows[b * _VALUE_BLOCK:(b + 1) * _VALUE_BLOCK])
        return self._blocks[b][i - b * _VALUE_BLOCK]

    def _block(self, rows: list[tuple[int, int, int]]) -> np.ndarray:
        en = self.en
        K, a, b = (np.array(x, dtype=np.int64) for x in zip(*rows))
        vals = np.empty((len(rows), en.P), dtype=np.complex128)
        leaf = a < 0
        for k in np.unique(K[leaf]):  # rows of the table, level by level
            sel = np.flatnonzero(leaf & (K == k))
            vals[sel] = en._rows_values(int(k), b[sel] - en.ids(int(k)).start)
        if (~leaf).any():  # values of roots, recomputed from the children's stored exp and log
            sel = np.flatnonzero(~leaf)
            vals[sel] = eml_arrays(en._gather("expv", a[sel]), en._gather("logv", b[sel]))
        return vals


def _sieve(en: Enumeration, target: np.ndarray, rtol: float, bar: Progress,
           mitm: bool) -> list[tuple[int, int, int]]:
    """Float matches ``(K, left gid or -1, right gid)`` sorted by K: the table, and with
    ``mitm`` the roots with both children in it."""
    bar.update(stage="sieve")
    rows = [(en.size_of(g), -1, g) for g in en.find_values(target, rtol=rtol)]
    if mitm:
        bar.update(stage="meet in the middle")
        if np.isfinite(target).all():
            rows += en.match_roots(target, rtol=rtol, min_K=en.max_K + 1)
        rows.sort()
    return rows


def _expr_of(en: Enumeration, row: tuple[int, int, int]) -> Expr:
    _, a, b = row
    return en.expr(b) if a < 0 else Eml(en.expr(a), en.expr(b))


def _validate(max_K: Any, dps: Any, limit: Any, time_limit: Any) -> None:
    for name, v, lo in (("max_K", max_K, 1), ("dps", dps, 15), ("limit", limit, 1)):
        if v is None and name == "max_K":
            continue
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
            raise ValueError(f"{name} must be a whole number >= {lo}, not {v!r}")
    if dps > 10_000:
        raise ValueError(f"dps must be at most 10000, not {dps}")
    if time_limit is not None and not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise ValueError(f"time_limit must be a positive number of seconds, not {time_limit!r}")


def recognize(
    value_or_samples: Any,
    *,
    variables: Sequence[str] | None = None,
    max_K: int | None = None,
    vocabulary: Sequence[str] | str | None = None,
    dps: int = 50,
    limit: int = 10,
    time_limit: float | None = None,
    progress: bool = False,
    exact: bool | None = None,
    rtol: float | None = None,
    exhaustive: bool = False,
) -> Recognition:
    """Find the shortest EML forms of a constant, or of a function given by samples.

    Parameters
    ----------
    value_or_samples : number, str or (X, y)
        A constant: int, float, complex, Fraction, mpmath number, or a decimal string of any
        length such as ``"3.14159265358979323846"``, ``"-1+2i"``, ``"0.5j"`` (read exactly,
        see :func:`~emlkit.search.targets.parse_number`). Or samples ``(X, y)``: ``X`` of
        shape ``(n,)`` or ``(n, nvars)``, ``y`` of shape ``(n,)``, real or complex.
    variables : sequence of str, optional
        Names of the columns of ``X`` (default ``x``, ``y``, ``z``, ...).
    max_K : int, optional
        Size up to which the search is complete (default 33 for constants, 19 for one
        variable, 15 for two; 15 over a vocabulary, where the enumeration also stops after
        10 s unless ``time_limit`` says otherwise).
    vocabulary : sequence of str or comma-separated str, optional
        Extra building blocks (see :data:`emlkit.search.grammar.KNOWN_OPS`: ``pi``, ``e``,
        ``i``, ``2``, ``plus``, ``times``, ``sqrt``, ``exp``, ``ln``, ...) added to ``1`` and
        ``eml``; K then counts tokens over the vocabulary, and each result also comes as pure
        EML (compiled). Name ``-eml`` or ``-1`` to leave a base block out.
    dps : int, default 50
        Digits of the mpmath and arb verification (raised to the target's digits + 10).
    limit : int, default 10
        Most candidates returned (distinct values, smallest K first).
    time_limit : float, optional
        Seconds; the enumeration is deepened only while the next level fits, and
        verification stops at the limit (``complete`` is then False).
    progress : bool
        Show a progress line on standard error.
    exact : bool, optional
        Read a decimal target as exact (True) or as rounded to its last digit (False, the
        interval of half a unit of that digit either side); default: only integers are exact.
    rtol : float, optional
        Tolerance for samples, relative to ``|y| + 1`` (default 1e-12, for values computed
        in float64; raise it for noisy data).
    exhaustive : bool, default False
        Search the whole table to ``max_K`` even for a precise target (exact, at least 12
        digits, or samples at the default ``rtol``). Otherwise such a target is first looked
        for in smaller tables, and the search ends at the first size where a form is proven:
        that form is the shortest, and ``searched_K`` says how far the search went. (With a
        ``time_limit`` the table is deepened within the time instead.)

    Returns
    -------
    Recognition

    Examples
    --------
    >>> r = recognize("-1", max_K=15)
    >>> r.best.K, r.best.formula, r.best.digits >= 49
    (15, '-1', True)
    >>> import numpy as np
    >>> x = np.linspace(0.5, 3, 12)
    >>> r = recognize((x, np.log(x)), max_K=9)
    >>> r.best.K, r.best.formula, str(r.best.expr)
    (7, 'log(x)', 'eml(1, eml(eml(1, x), 1))')
    """
    _validate(max_K, dps, limit, time_limit)
    start = time.perf_counter()
    deadline = None if time_limit is None else start + float(time_limit)
    is_samples = isinstance(value_or_samples, (tuple, list)) and len(value_or_samples) == 2
    if is_samples:
        target: Target | Samples = to_samples(value_or_samples, variables)
    else:
        if variables:
            raise ValueError("variables= is for samples (X, y); a constant has none")
        target = to_target(value_or_samples, exact=exact)
    if rtol is not None and not (isinstance(rtol, (int, float)) and 0 < rtol < 1):
        raise ValueError(f"rtol must be a number between 0 and 1, not {rtol!r}")
    su = setup(target, dps=dps, rtol=rtol, limit=limit, deadline=deadline,
               exhaustive=exhaustive)
    bar = Progress("recognize", enabled=progress, memory=True)
    try:
        if vocabulary is not None:
            from ._recognizer_vocab import vocabulary_search

            return vocabulary_search(su, vocabulary, max_K, bar, start)
        return _eml_search(su, max_K, bar, start)
    finally:
        bar.close()


def _eml_check(su: Setup) -> Callable[[Expr], Check]:
    """The proof of one candidate: mpmath at ``su.dps`` digits (samples: a float pass first)."""
    target = su.target
    if not isinstance(target, Samples):
        return lambda expr: check_constant(expr, target, su.dps)
    assert su.idx_mp is not None
    env_all = {v: target.X[:, j] for j, v in enumerate(su.variables)}
    idx_mp = su.idx_mp

    def check(expr: Expr) -> Check:
        from .verify import evaluate_mp

        with np.errstate(all="ignore"):
            fv = float_eval(expr, env_all, target.n)
        if not (np.abs(fv - target.y) <= su.sieve_rtol * (np.abs(target.y) + 1)).all():
            return Check(False)
        return check_samples(lambda i: evaluate_mp(expr, mp_env(target, i), dps=su.dps + 15),
                             target, idx_mp, su.verify_rtol, su.dps)

    return check


def _eml_search(su: Setup, max_K: int | None, bar: Progress, start: float) -> Recognition:
    notes: list[str] = []
    target = su.target
    if max_K is None:
        max_K = _DEFAULT_K.get(len(su.variables), 13)
    N = max(1, max_K - 2 if max_K % 2 else max_K - 3)
    mitm = isinstance(target, Samples) or float(max(target.tol_re, target.tol_im)) <= 1e-14
    if not mitm:
        notes.append("meet in the middle needs a target known to 1e-14; "
                     "searched the table only")
    proof = _eml_check(su)
    memo: dict[Expr, Check] = {}  # a form seen in a smaller table is not proven again

    def check(expr: Expr) -> Check:
        if expr not in memo:
            memo[expr] = proof(expr)
        return memo[expr]

    # iterative deepening: a precise target found in a small table is already the shortest
    steps = [] if su.exhaustive or not su.precise or su.deadline is not None else [
        n for n in _STEPS.get(len(su.variables), ()) if n < N]
    complete = True
    for step in steps + [N]:
        en = _table(step, su.variables, su.points, su.deadline if step == N else None, bar,
                    notes)
        complete = en.complete
        rows = _sieve(en, su.tvec, su.sieve_rtol, bar, mitm)
        found, done = _verify_rows(su, en, rows, check, bar, notes,
                                   stop_at_first=isinstance(target, Target) and target.exact)
        complete = complete and done
        if step == N or (found and found[0][0] <= (en.max_K + 2 if mitm else en.max_K)):
            break  # (a form beyond the bound of a small table may not be the shortest)
    N = en.max_K
    cands = [_certified(su, K, expr, res, bar) for K, expr, res in found]
    return Recognition(target.describe(), cands, N + 2 if mitm else N,
                       2 * N + 1 if mitm else N, su.need, su.dps, "EML", su.variables,
                       time.perf_counter() - start, complete, notes)


def _certified(su: Setup, K: int, expr: Expr, res: Check, bar: Progress) -> Candidate:
    """The candidate of a proven form: decompiled, and its digits certified with arb."""
    import mpmath

    if su.timed_out():
        return Candidate(expr, str(expr), K, res.error, res.digits, False,
                         "time limit: not certified with arb nor decompiled")
    bar.update(stage="certify", K=K)
    text, note = readable_checked(expr, su.envs, res.values, su.dps)
    target = su.target
    with mpmath.workdps(su.dps + 15):
        refs = ([mpmath.mpc(complex(y)) for y in target.y[su.idx_mp]]
                if isinstance(target, Samples) else [mp_target(target)])
    cert, adigits, why = arb_digits(expr, su.arb_points(), refs, su.dps)
    digits = min(adigits, SAMPLE_DIGITS if su.samples else su.need) if cert else res.digits
    return Candidate(expr, text, K, res.error, digits, cert,
                     "; ".join(n for n in (why, note) if n))


def _verify_rows(su: Setup, en: Enumeration, rows: list[tuple[int, int, int]],
                 check: Callable[[Expr], Check], bar: Progress, notes: list[str], *,
                 stop_at_first: bool) -> tuple[list[tuple[int, Expr, Check]], bool]:
    """Verify sieve matches in K order; one result per distinct value (or function)."""
    found: list[tuple[int, Expr, Check]] = []
    seen: list[np.ndarray] = []
    vals = _RowValues(en, rows)
    verified = 0
    for i, row in enumerate(rows):
        if len(found) >= su.limit or (found and stop_at_first):
            break
        if su.timed_out():
            notes.append(f"time limit: stopped verifying at K = {row[0]}")
            return found, False
        if verified >= su.limit + _MAX_VERIFY:
            notes.append(f"stopped after verifying {verified} candidates (at K = {row[0]})")
            return found, False
        v = vals[i]
        if any((np.abs(v - s) <= 1e-12 * (np.abs(s) + 1)).all() for s in seen):
            continue  # another form of a value already found
        expr = _expr_of(en, row)
        verified += 1
        bar.update(verified, stage="verify", K=row[0])
        res = check(expr)
        if res.ok and su.samples and any(same_values(res.values, f[2].values, su.dps)
                                         for f in found):
            seen.append(v)  # the same function at the checked points, computed another way
        elif res.ok:
            found.append((row[0], expr, res))
            seen.append(v)
    return found, True
