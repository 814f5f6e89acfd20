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

import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..expr import Eml, Expr, rpn_string
from ..progress import Progress
from ._recognizer_checks import (
    SAMPLE_DIGITS,
    Check,
    arb_digits,
    check_constant,
    check_samples,
    check_value,
    float_eval,
    mp_env,
    mp_target,
    readable_checked,
    same_values,
)
from .enumerate import Enumeration, eml_arrays, enumerate_forms
from .targets import Samples, Target, to_samples, to_target

__all__ = ["Candidate", "Recognition", "recognize"]

_DEFAULT_K = {0: 33, 1: 19, 2: 15}  # complete bound by number of variables (pure EML)
_DEFAULT_VOCAB_K = 15
_DEFAULT_VOCAB_SECONDS = 10.0  # enumeration time over a vocabulary when no time_limit is given
_SIEVE_POINTS = 6  # sample points used by the float sieve
_MP_POINTS = 6  # sample points checked at dps digits (and with arb)
_MAX_VERIFY = 400  # candidates verified in mpmath beyond the first ``limit`` results
_SAMPLE_RTOL = 1e-12  # default agreement with float64 samples, relative to |y| + 1
_STEPS = {0: (15, 21, 27), 1: (7, 11, 15), 2: (7, 11)}  # tables tried first (precise targets)
_CONST_CACHE: dict[int, Enumeration] = {}


@dataclass(frozen=True)
class Candidate:
    """One recognised form.

    Attributes
    ----------
    expr : Expr
        The pure EML form.
    formula : str
        A readable form: the decompiled SymPy text, or the vocabulary formula.
    K : int
        Size in the searched language (pure EML K, or tokens over the vocabulary).
    error : float
        Relative error at ``dps`` digits against the target (largest over the checked points).
    digits : int
        Significant digits of the target that the form reproduces: proven by an arb ball when
        ``certified``, else computed with mpmath at ``dps`` digits.
    certified : bool
        The arb enclosure confirmed every checked value.
    note : str
        Why arb did not certify, or other remarks.
    """

    expr: Expr | None
    formula: str
    K: int
    error: float
    digits: int
    certified: bool = False
    note: str = ""

    @property
    def rpn(self) -> str:
        """The pure EML form in RPN.

        >>> from emlkit import eml
        >>> Candidate(eml(1, 1), "E", 3, 0.0, 50).rpn
        '1 1 E'
        """
        return rpn_string(self.expr) if self.expr is not None else ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields.

        >>> from emlkit import eml
        >>> sorted(Candidate(eml(1, 1), "E", 3, 0.0, 50).to_dict())[:4]
        ['K', 'certified', 'digits', 'eml']
        """
        return {
            "K": self.K,
            "formula": self.formula,
            "eml": str(self.expr) if self.expr is not None else None,
            "rpn": self.rpn or None,
            "eml_K": self.expr.K if self.expr is not None else None,
            "error": self.error,
            "digits": self.digits,
            "certified": self.certified,
            "note": self.note,
        }


@dataclass
class Recognition:
    """Result of :func:`recognize`: candidates ranked by K, and what was searched.

    Iterating gives the :class:`Candidate` objects. ``found`` is False when no form matched;
    ``message`` then says ``"no form with K ≤ N matches ... to D digits"``.

    Attributes
    ----------
    target : str
        How the target was read.
    candidates : list of Candidate
    searched_K : int
        Every form of size up to this bound was compared.
    reached_K : int
        Largest size a match could have (meet in the middle covers part of the sizes between).
    digits : int
        Digits a form had to match.
    language : str
        ``"EML"`` or the vocabulary, e.g. ``"1, eml, pi, plus"``.
    complete : bool
        False when a time or memory limit cut the search short (``notes`` say where).
    """

    target: str
    candidates: list[Candidate]
    searched_K: int
    reached_K: int
    digits: int
    dps: int
    language: str = "EML"
    variables: tuple[str, ...] = ()
    seconds: float = 0.0
    complete: bool = True
    notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.candidates)

    def __len__(self) -> int:
        return len(self.candidates)

    def __getitem__(self, i: int) -> Candidate:
        return self.candidates[i]

    @property
    def found(self) -> bool:
        """True when at least one form matched."""
        return bool(self.candidates)

    @property
    def best(self) -> Candidate | None:
        """The smallest form found, or None."""
        return self.candidates[0] if self.candidates else None

    @property
    def message(self) -> str:
        """One line: the best form, or that none exists up to the bound searched."""
        over = "" if self.language == "EML" else f" over {{{self.language}}}"
        if not self.found:
            return (f"no form{over} with K ≤ {self.searched_K} matches {self.target} "
                    f"to {self.digits} digits")
        b = self.candidates[0]
        return f"{self.target} = {b.formula}  (K = {b.K}{over}, {b.digits} digits)"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary.

        >>> d = recognize("0", max_K=9).to_dict()
        >>> d["found"], d["candidates"][0]["K"], d["searched_K"]
        (True, 7, 9)
        """
        return {
            "target": self.target,
            "found": self.found,
            "message": self.message,
            "searched_K": self.searched_K,
            "reached_K": self.reached_K,
            "digits": self.digits,
            "dps": self.dps,
            "language": self.language,
            "variables": list(self.variables),
            "complete": self.complete,
            "seconds": round(self.seconds, 3),
            "notes": list(self.notes),
            "candidates": [c.to_dict() for c in self.candidates],
        }

    def __str__(self) -> str:
        head = f"target: {self.target}; searched K ≤ {self.searched_K}"
        if self.reached_K > self.searched_K:
            head += f" (and forms up to K = {self.reached_K} with both halves in the table)"
        lines = [head + f", {self.seconds:.1f} s"]
        lines += [f"note: {n}" for n in self.notes]
        if not self.found:
            lines.append(self.message)
            return "\n".join(lines)
        lines.append(f"{'K':>4} {'digits':>6}  {'arb':<4} formula  =  EML")
        for c in self.candidates:
            arb = "yes" if c.certified else "no"
            eml = str(c.expr) if c.expr is not None else "(not compiled)"
            extra = f"  [eml K = {c.expr.K}]" if c.expr is not None and c.expr.K != c.K else ""
            lines.append(f"{c.K:>4} {c.digits:>6}  {arb:<4} {c.formula}  =  {eml}{extra}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{c.K}</td><td>{c.digits}</td><td>{'yes' if c.certified else 'no'}</td>"
            f"<td>{html.escape(c.formula)}</td>"
            f"<td><code>{html.escape(str(c.expr))}</code></td></tr>"
            for c in self.candidates
        )
        return (f"<p>{html.escape(self.message)}</p><table><tr><th>K</th><th>digits</th>"
                f"<th>arb</th><th>formula</th><th>EML</th></tr>{rows}</table>")


# ---------------------------------------------------------------- helpers


def _memory_limit() -> int:
    try:
        with open("/proc/meminfo") as fh:
            info = {l.split(":")[0]: int(l.split()[1]) * 1024 for l in fh if ":" in l}
        return int(min(8 << 30, 0.6 * info.get("MemAvailable", 8 << 30)))
    except (OSError, ValueError):
        return 4 << 30


def _table(N: int, variables: tuple[str, ...], points: dict | None, deadline: float | None,
           bar: Progress, notes: list[str]) -> Enumeration:
    """The enumeration to ``N`` (cached for constants); deepened step by step under a deadline."""
    cacheable = not variables and deadline is None
    if cacheable and N in _CONST_CACHE:
        return _CONST_CACHE[N]
    mem = _memory_limit()
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


def _sieve(en: Enumeration, target: np.ndarray, rtol: float, bar: Progress):
    """Float matches ``(K, left gid or -1, right gid, values)`` sorted by K."""
    bar.update(stage="sieve")
    ids = en.find_values(target, rtol=rtol)
    rows = [(en.size_of(g), -1, g) for g in ids]
    bar.update(stage="meet in the middle")
    if np.isfinite(target).all():
        rows += en.match_roots(target, rtol=rtol, min_K=en.max_K + 1)
    rows.sort()
    if not rows:
        return [], np.zeros((0, en.P), np.complex128)
    K, a, b = (np.array(x, dtype=np.int64) for x in zip(*rows))
    vals = np.empty((len(rows), en.P), dtype=np.complex128)
    leaf = a < 0
    for i in np.flatnonzero(leaf):
        vals[i] = en.values(int(K[i]), int(b[i] - en.ids(int(K[i])).start),
                            int(b[i] - en.ids(int(K[i])).start) + 1)[0]
    if (~leaf).any():  # values of roots, recomputed from the children's stored exp and log
        sel = np.flatnonzero(~leaf)
        vals[sel] = eml_arrays(en._gather("expv", a[sel]), en._gather("logv", b[sel]))
    return rows, vals


def _expr_of(en: Enumeration, row: tuple[int, int, int]) -> Expr:
    _, a, b = row
    return en.expr(b) if a < 0 else Eml(en.expr(a), en.expr(b))


# ---------------------------------------------------------------- the search


def _sieve_rows(n: int, k: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, k)).round().astype(np.int64))


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
    bar = Progress("recognize", enabled=progress, memory=True)
    try:
        if vocabulary is not None:
            return _vocabulary_search(target, vocabulary, max_K, dps, limit, deadline, rtol,
                                      bar, start, exhaustive)
        return _eml_search(target, max_K, dps, limit, deadline, rtol, bar, start, exhaustive)
    finally:
        bar.close()


def _eml_search(target, max_K, dps, limit, deadline, rtol, bar, start,
                exhaustive=False) -> Recognition:
    notes: list[str] = []
    samples = isinstance(target, Samples)
    variables = target.variables if samples else ()
    if max_K is None:
        max_K = _DEFAULT_K.get(len(variables), 13)
    N = max(1, max_K - 2 if max_K % 2 else max_K - 3)
    if samples:
        rows_sieve = _sieve_rows(target.n, _SIEVE_POINTS)
        points = {v: target.X[rows_sieve, j] for j, v in enumerate(variables)}
        tvec = target.y[rows_sieve]
        sieve_rtol = max(rtol or 0, 1e-9)
        verify_rtol = rtol or _SAMPLE_RTOL
        dps_eff = dps
        need = max(1, round(-math.log10(verify_rtol)))
        mitm = True
        precise = verify_rtol <= 1e-10
        idx_mp = _sieve_rows(target.n, _MP_POINTS)
        env_all = {v: target.X[:, j] for j, v in enumerate(variables)}

        def check(expr: Expr) -> Check:
            from .verify import evaluate_mp

            with np.errstate(all="ignore"):
                fv = float_eval(expr, env_all, target.n)
            if not (np.abs(fv - target.y) <= sieve_rtol * (np.abs(target.y) + 1)).all():
                return Check(False)
            return check_samples(lambda i: evaluate_mp(expr, mp_env(target, i), dps=dps_eff + 15),
                                  target, idx_mp, verify_rtol, dps_eff)
    else:
        points, tvec = None, np.array([target.value])
        sieve_rtol = max(4 * target.rtol, 1e-9)
        dps_eff = max(dps, (target.digits or 0) + 10)
        need = target.digits or dps_eff
        mitm = float(max(target.tol_re, target.tol_im)) <= 1e-14
        precise = target.rtol <= 1e-12
        if not mitm:
            notes.append("meet in the middle needs a target known to 1e-14; "
                         "searched the table only")

        def check(expr: Expr) -> Check:
            return check_constant(expr, target, dps_eff)

    # iterative deepening: a precise target found in a small table is already the shortest
    steps = [] if exhaustive or not precise or deadline is not None else [
        n for n in _STEPS.get(len(variables), ()) if n < N]
    complete = True
    for step in steps + [N]:
        en = _table(step, variables, points, deadline if step == N else None, bar, notes)
        complete = en.complete
        rows, vals = (_sieve(en, tvec, sieve_rtol, bar) if mitm
                      else _table_only(en, tvec, sieve_rtol))
        found, done = _verify_rows(en, rows, vals, check, limit, deadline, bar, notes,
                                   stop_at_first=not samples and target.exact,
                                   samples=samples, dps=dps_eff)
        complete = complete and done
        if step == N or (found and found[0][0] <= (en.max_K + 2 if mitm else en.max_K)):
            break  # (a form beyond the bound of a small table may not be the shortest)
    N = en.max_K
    searched = N + 2 if mitm else N
    if samples:
        envs = [mp_env(target, int(i)) for i in idx_mp]
        arb_points = [{k: complex(x) for k, x in e.items()} for e in envs]
    else:
        envs, arb_points = [{}], None
    cands = []
    for K, expr, res in found:
        if deadline is not None and time.perf_counter() > deadline:
            cands.append(Candidate(expr, str(expr), K, res.error, res.digits, False,
                                   "time limit: not certified with arb nor decompiled"))
            continue
        bar.update(stage="certify", K=K)
        text, note = readable_checked(expr, envs, res.values, dps_eff)
        import mpmath

        with mpmath.workdps(dps_eff + 15):
            refs = ([mpmath.mpc(complex(y)) for y in target.y[idx_mp]] if samples
                    else [mp_target(target)])
        cert, adigits, why = arb_digits(expr, arb_points, refs, dps_eff)
        digits = min(adigits, SAMPLE_DIGITS if samples else need) if cert else res.digits
        cands.append(Candidate(expr, text, K, res.error, digits, cert,
                               "; ".join(n for n in (why, note) if n)))
    return Recognition(target.describe(), cands, searched, 2 * N + 1 if mitm else N, need,
                       dps_eff, "EML", variables, time.perf_counter() - start, complete, notes)


def _verify_rows(en, rows, vals, check, limit, deadline, bar, notes, *, stop_at_first, samples,
                 dps) -> tuple[list, bool]:
    """Verify sieve matches in K order; one result per distinct value (or function)."""
    found: list[tuple[int, Expr, Check]] = []
    seen: list[np.ndarray] = []
    verified = 0
    for i, row in enumerate(rows):
        if len(found) >= limit or (found and stop_at_first):
            break
        if deadline is not None and time.perf_counter() > deadline:
            notes.append(f"time limit: stopped verifying at K = {row[0]}")
            return found, False
        if verified >= limit + _MAX_VERIFY:
            notes.append(f"stopped after verifying {verified} candidates (at K = {row[0]})")
            return found, False
        v = vals[i]
        if any((np.abs(v - s) <= 1e-12 * (np.abs(s) + 1)).all() for s in seen):
            continue  # another form of a value already found
        expr = _expr_of(en, row)
        verified += 1
        bar.update(verified, stage="verify", K=row[0])
        res = check(expr)
        if res.ok and samples and any(same_values(res.values, f[2].values, dps) for f in found):
            seen.append(v)  # the same function at the checked points, computed another way
        elif res.ok:
            found.append((row[0], expr, res))
            seen.append(v)
    return found, True


def _table_only(en: Enumeration, tvec: np.ndarray, rtol: float):
    ids = en.find_values(tvec, rtol=rtol)
    rows = [(en.size_of(g), -1, g) for g in ids]
    vals = np.array([en.values(r[0], r[2] - en.ids(r[0]).start, r[2] - en.ids(r[0]).start + 1)[0]
                     for r in rows]).reshape(len(rows), en.P)
    return rows, vals


# ---------------------------------------------------------------- over a vocabulary


def _vocabulary_names(vocabulary: Sequence[str] | str) -> list[str]:
    items = vocabulary.split(",") if isinstance(vocabulary, str) else list(vocabulary)
    names = ["1", "eml"]
    for raw in items:
        name = str(raw).strip()
        if not name:
            continue
        if name.startswith("-") and name[1:] in names:
            names.remove(name[1:])
        elif name not in names:
            names.append(name)
    if not names:
        raise ValueError("the vocabulary is empty")
    return names


def _vocabulary_search(target, vocabulary, max_K, dps, limit, deadline, rtol, bar,
                       start, exhaustive=False) -> Recognition:
    from .grammar import Grammar

    names = _vocabulary_names(vocabulary)
    samples = isinstance(target, Samples)
    variables = target.variables if samples else ()
    grammar = Grammar.from_names(names, variables=variables)
    if not grammar.leaves:
        raise ValueError(f"the vocabulary {{{', '.join(names)}}} has no constant or variable")
    max_K = _DEFAULT_VOCAB_K if max_K is None else max_K
    notes: list[str] = []
    if samples:
        rows_sieve = _sieve_rows(target.n, _SIEVE_POINTS)
        points = {v: target.X[rows_sieve, j] for j, v in enumerate(variables)}
        tvec = target.y[rows_sieve]
        sieve_rtol, verify_rtol = max(rtol or 0, 1e-9), rtol or _SAMPLE_RTOL
        dps_eff = dps
        need = max(1, round(-math.log10(verify_rtol)))
        idx_mp = _sieve_rows(target.n, _MP_POINTS)
        envs = [mp_env(target, int(i)) for i in idx_mp]
    else:
        points, tvec = None, np.array([target.value])
        sieve_rtol, verify_rtol = max(4 * target.rtol, 1e-9), 0.0
        dps_eff = max(dps, (target.digits or 0) + 10)
        need = target.digits or dps_eff
        envs, idx_mp = [{}], None
    precise = verify_rtol <= 1e-10 if samples else target.rtol <= 1e-12
    for stop in ([True, False] if precise and not exhaustive else [False]):
        notes = []
        ge, cands, complete = _vocabulary_attempt(
            grammar, max_K, points, tvec, stop, deadline, bar, notes, limit, sieve_rtol,
            lambda term: _term_check(term, grammar, target, samples, idx_mp, verify_rtol,
                                     dps_eff),
            lambda: envs, samples, target, idx_mp, dps_eff)
        searched = ge.max_K if ge.complete else ge.max_K - 1
        if stop and ge.hits and cands:
            searched = ge.max_K  # every smaller size was complete; the hit is the shortest
            break
        if not stop or ge.complete or ge.timed_out:
            break
    desc = target.describe()
    return Recognition(desc, cands, searched, searched, need, dps_eff, ", ".join(names),
                       variables, time.perf_counter() - start, complete, notes)


def _term_check(term, grammar, target, samples, idx_mp, verify_rtol, dps) -> Check:
    import mpmath

    from .grammar import evaluate_term_mp

    def at(env: dict) -> Any:
        with mpmath.workdps(dps + 15):
            return evaluate_term_mp(term, grammar, env)

    if samples:
        return check_samples(lambda i: at(mp_env(target, i)), target, idx_mp, verify_rtol, dps)
    return check_value(at({}), target, dps)


def _vocabulary_attempt(grammar, max_K, points, tvec, stop, deadline, bar, notes, limit,
                        sieve_rtol, check, get_envs, samples, target, idx_mp, dps_eff):
    """One enumeration over the vocabulary (stopping at the first hit when ``stop``), verified."""
    import mpmath

    from .grammar import enumerate_grammar
    from .verify import evaluate_mp

    envs = get_envs()
    remaining = (_DEFAULT_VOCAB_SECONDS if deadline is None
                 else max(deadline - time.perf_counter(), 0.1))
    ge = enumerate_grammar(grammar, max_K, points=points, time_limit=remaining,
                           memory_limit_bytes=_memory_limit(), progress=bar,
                           targets=tvec[None, :] if stop else None, stop_on_hit=stop)
    complete = ge.complete or bool(stop and ge.hits)
    if not ge.complete and not (stop and ge.hits):
        notes.append(f"{'time' if ge.timed_out else 'memory'} limit: level K = {ge.max_K} "
                     "is partial")
    cands: list[Candidate] = []
    for n_checked, gid in enumerate(ge.find_values(tvec, rtol=sieve_rtol)):
        if len(cands) >= limit:
            break
        if n_checked >= limit + _MAX_VERIFY or (deadline and time.perf_counter() > deadline):
            notes.append(f"stopped verifying at K = {ge.size_of(gid)}")
            complete = False
            break
        res = check(ge.term(gid))
        if not res.ok:
            continue
        formula = ge.formula(gid)
        bar.update(stage="compile", K=ge.size_of(gid))
        expr, note, cert, digits = None, "", False, res.digits
        try:
            from ..compiler import compile as compile_formula

            expr = compile_formula(formula)
        except Exception as exc:  # noqa: BLE001 - the vocabulary formula stays the answer
            note = f"not compiled to pure EML ({type(exc).__name__}: {exc})"
        if expr is not None:
            with mpmath.workdps(dps_eff + 15):
                mine = [evaluate_mp(expr, e, dps=dps_eff + 15) for e in envs]
            if not all(same_values([m], [r], dps_eff) if m is not None else False
                       for m, r in zip(mine, res.values)):
                note = "the compiled pure EML form differs from the formula at the checked points"
            pts = [{k: complex(x) for k, x in e.items()} for e in envs] if samples else None
            refs = res.values if not samples else [mpmath.mpc(complex(target.y[i])) for i in idx_mp]
            cert, adigits, why = arb_digits(expr, pts, refs, dps_eff)
            if cert:
                digits = min(adigits, SAMPLE_DIGITS if samples else res.digits)
            note = "; ".join(n for n in (note, why) if n)
        cands.append(Candidate(expr, formula, ge.size_of(gid), res.error, digits, cert, note))
    return ge, cands, complete
