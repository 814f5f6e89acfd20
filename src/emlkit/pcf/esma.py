"""ESMA: signed continued fractions of a constant's transforms, patterns by Berlekamp–Massey.

For every transform ``T(c) = P(c)/Q(c)`` (integer polynomials of degree ≤ ``degree``,
coefficients ``|·| ≤ coefficients``) and every sign cycle of length ≤ ``cycle``, the signed
continued fraction of ``T(c)`` is expanded from an exact enclosure of the constant (only the
partial quotients shared by the whole enclosure are kept: they are proven for any value in
it). Berlekamp–Massey over GF(199) looks for a short linear recurrence of the partial
quotients; a second prime cross-checks it, and the recurrence is recomputed over the
rationals and confirmed on every proven term. A quasi-polynomial pattern is turned into an
explicit :class:`~emlkit.pcf.PCF` by contracting whole periods, with an exact Möbius relation
to ``T(c)``, and the formula is checked against mpmath at ``digits`` digits.

>>> r = esma("tan(1)", degree=0, cycle=1, digits=60)[0]      # the constant itself
>>> r.pattern, r.lfsr, str(r.pcf), r.mobius, r.digits
('[+]', (1, 0, -2, 0, 1), 'PCF(2n + 1, -1)', (0, 1, 1, 0), 60)
>>> print(r.relation())
tan(1) = 1/V,  V = PCF(2n + 1, -1)
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..errors import DomainError
from ._bm import bm_mod, bm_rational, satisfies
from ._contract import contract, extend, quasi_polynomial
from ._signed_cf import convergents, signed_cf_terms

__all__ = ["ESMAResult", "ESMARun", "esma", "expand", "sign_patterns", "transforms"]

PRIMES = (199, 2_147_483_647)


@dataclass(frozen=True)
class ESMAResult:
    """One pattern found by ESMA: a transform, a sign cycle, the recurrence and its PCF.

    Attributes
    ----------
    constant : str
        The constant as given (its table or SymPy name).
    transform : str
        ``P(c)/Q(c)`` with the constant written in (SymPy text).
    numerator, denominator : tuple of int
        Coefficients of P and Q, lowest degree first.
    signs : tuple of int
        The sign cycle ``s_1, s_2, ...`` (±1) of ``T = a_0 + s_1/(a_1 + s_2/(a_2 + ...))``.
    terms : tuple of int
        The proven partial quotients ``a_0, a_1, ...`` at the working precision.
    lfsr : tuple of int
        Connection polynomial ``[1, c_1, ..., c_L]`` over the integers:
        ``a_n + c_1 a_{n-1} + ... + c_L a_{n-L} = 0`` for ``n ≥ L``.
    preamble, period : int or None
        ``a_{preamble + r + period*j} = pieces[r](j)`` (a quasi-polynomial pattern).
    pieces : tuple of tuple of Fraction, or None
        The residue polynomials in j, lowest degree first.
    pcf : PCF or None
        The contracted polynomial continued fraction (value V).
    mobius : tuple of 4 int, or None
        ``(α, β, γ, δ)`` with ``T(c) = (α V + β) / (γ V + δ)``; ``(1, 0, 0, 1)`` when V = T(c).
    digits : int
        Digits to which the formula (PCF and Möbius map) agrees with mpmath's ``T(c)``.
    dps : int
        Working precision of the expansion.

    Examples
    --------
    >>> r = esma("E/(E - 1)", degree=0, cycle=2, digits=60).find("E/(E - 1)", "[+, -]")
    >>> r.lfsr, r.formula()
    ((1, 0, -2, 0, 1), '1 + 1/(2 - 1/(3 + 1/(2 - 1/(5 + 1/(2 - …)))))')
    >>> print(r.rule())
    a(n) = n + 1 for n even, 2 for n odd; signs [+, -]
    """

    constant: str
    transform: str
    numerator: tuple[int, ...]
    denominator: tuple[int, ...]
    signs: tuple[int, ...]
    terms: tuple[int, ...]
    lfsr: tuple[int, ...]
    preamble: int | None = None
    period: int | None = None
    pieces: tuple[tuple[Fraction, ...], ...] | None = None
    pcf: Any = None
    mobius: tuple[int, int, int, int] | None = None
    digits: int = 0
    dps: int = 0
    equivalent: tuple[str, ...] = ()

    @property
    def length(self) -> int:
        """Length L of the recurrence (``len(lfsr) - 1``)."""
        return len(self.lfsr) - 1

    @property
    def pattern(self) -> str:
        """The sign cycle as text, e.g. ``'[+, -]'``."""
        return "[" + ", ".join("+" if s > 0 else "-" for s in self.signs) + "]"

    def formula(self, shown: int = 6) -> str:
        """The signed continued fraction with its first ``shown`` partial quotients."""
        text = "…"
        k = len(self.signs)
        for n in range(shown - 1, -1, -1):
            sign = "+" if self.signs[n % k] > 0 else "-"
            text = f"{self.terms[n]} {sign} 1/({text})" if n < shown - 1 else \
                f"{self.terms[n]} {sign} …"
        return text

    def rule(self) -> str:
        """The pattern of the partial quotients as a rule in n (or the recurrence)."""
        if self.pieces is None or self.period is None or self.preamble is None:
            body = " ".join(f"{c:+d}·a(n-{i})" for i, c in enumerate(self.lfsr) if i and c)
            return f"a(n) {body} = 0 (n ≥ {self.length}); signs {self.pattern}"
        import sympy

        n = sympy.Symbol("n")
        parts = []
        for r, piece in enumerate(self.pieces):
            j = (n - self.preamble - r) / self.period
            expr = sympy.expand(sum(sympy.Rational(c.numerator, c.denominator) * j ** d
                                    for d, c in enumerate(piece)))
            res = (self.preamble + r) % self.period
            if self.period == 1:
                where = ""
            elif self.period == 2:
                where = " for n even" if res == 0 else " for n odd"
            else:
                where = f" for n ≡ {res} (mod {self.period})"
            parts.append(f"{expr}{where}")
        head = ", ".join(
            f"a({i}) = {self.terms[i]}" for i in range(self.preamble)) if self.preamble else ""
        lead = f"{head}, then " if head else ""
        return f"{lead}a(n) = {', '.join(parts)}; signs {self.pattern}"

    def relation(self) -> str:
        """The identity between the transform and the PCF value V, as text."""
        if self.pcf is None or self.mobius is None:
            return "(no polynomial continued fraction)"
        al, be, ga, de = self.mobius
        return f"{self.transform} = {_mobius_text(al, be, ga, de)},  V = {self.pcf}"

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary."""
        return {
            "constant": self.constant, "transform": self.transform,
            "numerator": list(self.numerator), "denominator": list(self.denominator),
            "signs": list(self.signs), "pattern": self.pattern, "lfsr": list(self.lfsr),
            "length": self.length, "terms": list(self.terms[:40]),
            "proven_terms": len(self.terms), "rule": self.rule(),
            "pcf": None if self.pcf is None else {"a": str(self.pcf.a), "b": str(self.pcf.b)},
            "mobius": None if self.mobius is None else list(self.mobius),
            "relation": self.relation(), "digits_verified": self.digits, "dps": self.dps,
            "equivalent": list(self.equivalent),
        }

    def __str__(self) -> str:
        lines = [(f"{self.transform}  signs {self.pattern}  LFSR {list(self.lfsr)} "
                 f"(length {self.length}, {len(self.terms)} proven terms)"),
                 f"  = {self.formula()}", f"  {self.rule()}"]
        if self.pcf is not None:
            lines.append(f"  {self.relation()}  ({self.digits} digits checked with mpmath)")
        if self.equivalent:
            more = f" (+{len(self.equivalent) - 3} more)" if len(self.equivalent) > 3 else ""
            lines.append(f"  same tail: {', '.join(self.equivalent[:3])}{more}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ESMARun:
    """All ESMA results for one constant, with what was searched.

    Iterating, ``len`` and indexing go over ``results``.

    Examples
    --------
    >>> run = esma("cot(1)", degree=0, cycle=1, digits=60)
    >>> run.transforms, len(run.patterns), [(r.pattern, r.lfsr) for r in run]
    (1, 2, [('[-]', (1, -2, 1)), ('[+]', (1, 0, -2, 0, 1, 0))])
    """

    constant: str
    degree: int
    coefficients: int
    cycle: int
    results: tuple[ESMAResult, ...]
    transforms: int
    patterns: tuple[tuple[int, ...], ...]
    hits: tuple[ESMAResult, ...] = ()
    seconds: float = field(default=0.0, compare=False)

    def __iter__(self) -> Iterator[ESMAResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, i: int) -> ESMAResult:
        return self.results[i]

    def find(self, transform: str, pattern: str | None = None) -> ESMAResult | None:
        """The result for a transform (SymPy text, compared by value) and optional pattern."""
        import mpmath
        import sympy

        want = sympy.sympify(transform, locals={"E": sympy.E, "e": sympy.E})
        with mpmath.workdps(40):
            w = sympy.N(want, 40)._to_mpmath(mpmath.mp.prec)
            for r in self.hits or self.results:
                if pattern is not None and r.pattern != pattern:
                    continue
                _, p, _, q = convergents(r.terms, r.signs)
                if abs(mpmath.mpf(p) / q - w) <= abs(w) * mpmath.mpf(10) ** -30:
                    return r
        return None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary."""
        return {"constant": self.constant, "degree": self.degree,
                "coefficients": self.coefficients, "cycle": self.cycle,
                "transforms": self.transforms, "hits": len(self.hits),
                "patterns": ["".join("+" if s > 0 else "-" for s in p) for p in self.patterns],
                "results": [r.as_dict() for r in self.results], "seconds": self.seconds}

    def __str__(self) -> str:
        head = (f"ESMA on {self.constant}: {self.transforms} transforms (degree ≤ {self.degree}, "
                f"|coefficients| ≤ {self.coefficients}) × {len(self.patterns)} sign cycles "
                f"(length ≤ {self.cycle}): {len(self.hits)} expansions with a recurrence, "
                f"{len(self.results)} distinct tails")
        return "\n".join([head, *(str(r) for r in self.results)])


# -- enumeration ------------------------------------------------------------------------------


def sign_patterns(cycle: int) -> list[tuple[int, ...]]:
    """Every primitive sign cycle of length ≤ ``cycle`` (no repetition of a shorter one).

    >>> sign_patterns(2)
    [(1,), (-1,), (1, -1), (-1, 1)]
    """
    out = []
    for k in range(1, cycle + 1):
        for pat in itertools.product((1, -1), repeat=k):
            if not any(k % d == 0 and pat == pat[:d] * (k // d) for d in range(1, k)):
                out.append(pat)
    return out


def transforms(degree: int, coefficients: int) -> Iterator[tuple[tuple[int, ...], ...]]:
    """Pairs (P, Q) of integer coefficient tuples, up to scaling, neither zero, not constant.

    Q's highest non-zero coefficient is positive and the coefficients of P and Q are coprime
    (transforms equal as rational functions, e.g. (2c)/(2) and c/1, appear once).
    Transforms that are equal only at the constant are removed later, by value.

    >>> sorted(transforms(1, 1))[:3]
    [((-1, -1), (-1, 1)), ((-1, -1), (0, 1)), ((-1, -1), (1, 0))]
    """
    rng = range(-coefficients, coefficients + 1)
    for p in itertools.product(rng, repeat=degree + 1):
        if not any(p):
            continue
        for q in itertools.product(rng, repeat=degree + 1):
            if not any(q) or [c for c in q if c][-1] < 0:
                continue
            if math.gcd(*p, *q) != 1:
                continue
            # proportional P and Q give a constant transform
            if all(p[i] * q[j] == p[j] * q[i] for i in range(degree + 1)
                   for j in range(degree + 1)):
                continue
            yield p, q


def expand(lo: Fraction, hi: Fraction, pattern: tuple[int, ...], limit: int) -> list[int]:
    """Proven signed-CF terms of any real in ``[lo, hi]`` (see ``_signed_cf``).

    >>> expand(Fraction(15819767068, 10**10), Fraction(15819767069, 10**10), (1, -1), 8)
    [1, 2, 3, 2, 5, 2, 7, 2]
    """
    return signed_cf_terms(lo, hi, pattern, limit)


@dataclass(frozen=True)
class _Constant:
    """A constant to expand: its name, a SymPy expression for printing, and its value."""

    name: str
    expr: Any
    table: Any = None          # an entry of emlkit.identify.constants, when it came from there

    def value(self, dps: int) -> Any:
        """mpmath value with ``dps`` correct digits (the table's, else SymPy's evaluation)."""
        import mpmath
        import sympy

        if self.table is not None:
            with mpmath.workdps(dps):
                return +self.table.value(dps)
        return sympy.N(self.expr, dps)._to_mpmath(mpmath.mp.prec)


def _resolve(constant: str) -> _Constant:
    """The constant given by a table name (``emlkit.identify.constants``) or SymPy text."""
    import sympy

    if not isinstance(constant, str) or not constant.strip():
        raise DomainError(f"a constant must be non-empty text, got {constant!r}")
    try:
        from ..identify import constants as table

        const = table.get(constant)
        expr = const.sympy_expr()
        if expr.free_symbols:          # no closed form in SymPy (Glaisher, Khinchin, ...)
            return _Constant(const.name, sympy.Symbol(const.name), const)
        return _Constant(const.name, expr)
    except (ImportError, ValueError, AttributeError, TypeError):
        pass
    names = {"e": sympy.E, "E": sympy.E, "pi": sympy.pi, "phi": sympy.GoldenRatio,
             "catalan": sympy.Catalan, "gamma": sympy.EulerGamma}
    try:
        expr = sympy.sympify(constant.strip(), locals=names)
    except (sympy.SympifyError, SyntaxError, TypeError, ValueError) as exc:
        raise DomainError(f"cannot read the constant {constant!r}: {exc}") from None
    if not isinstance(expr, sympy.Expr) or expr.free_symbols:
        raise DomainError(f"the constant {constant!r} has free symbols; give a number")
    if expr.is_rational:
        raise DomainError(f"the constant {constant!r} is rational; ESMA needs an irrational")
    if expr.is_real is False:
        raise DomainError(f"the constant {constant!r} is not real")
    return _Constant(str(expr), expr)


def _enclosure(const: _Constant, dps: int) -> tuple[Fraction, Fraction]:
    """An exact rational interval around the value, half-width 10^-dps relative."""
    import mpmath

    with mpmath.workdps(dps + 15):
        v = mpmath.mpf(const.value(dps + 15))
    if not mpmath.isfinite(v) or v == 0:
        raise DomainError(f"the constant {const.name} has no finite non-zero value")
    man, exp = v.man_exp
    mid = Fraction(int(man)) * Fraction(2) ** int(exp)
    rad = abs(mid) * Fraction(1, 10 ** dps)
    return mid - rad, mid + rad


def _apply(p: tuple[int, ...], q: tuple[int, ...], lo: Fraction, hi: Fraction
           ) -> tuple[Fraction, Fraction] | None:
    """Enclosure of P(c)/Q(c) for c in [lo, hi] (None if Q vanishes nearby)."""
    def ev(cs: tuple[int, ...], x: Fraction) -> Fraction:
        out = Fraction(0)
        for c in reversed(cs):
            out = out * x + c
        return out

    vals = []
    for x in (lo, hi):
        den = ev(q, x)
        if den == 0:
            return None
        vals.append(ev(p, x) / den)
    if ev(q, lo) * ev(q, hi) <= 0:
        return None
    a, b = min(vals), max(vals)
    pad = (b - a) / 64                 # room for the curvature of P/Q across the interval
    return a - pad, b + pad


@functools.lru_cache(maxsize=4096)
def _transform_text(p: tuple[int, ...], q: tuple[int, ...], expr: Any) -> str:
    import sympy

    c = sympy.Symbol("c")
    num = sum(k * c ** i for i, k in enumerate(p))
    den = sum(k * c ** i for i, k in enumerate(q))
    return str(sympy.factor_terms(sympy.cancel(num / den)).subs(c, expr))


def _find_lfsr(terms: list[int], max_length: int, margin: int) -> tuple[int, ...] | None:
    """Integer recurrence of ``terms`` shorter than ``max_length``, confirmed on all terms."""
    length, _ = bm_mod(terms, PRIMES[0])
    if length >= max_length or 2 * length + margin > len(terms):
        return None
    length2, conn2 = bm_mod(terms, PRIMES[1])
    if length2 != length:
        return None
    # lift the recurrence mod the large prime to small integers and confirm it on every term
    # over Z; the shortest recurrence over Q is unique (len(terms) >= 2 L) and no shorter than
    # mod p, so a lift that holds is it. Otherwise compute it over Q from the first 2 L terms.
    half = PRIMES[1] // 2
    conn = [c - PRIMES[1] if c > half else c for c in conn2]
    if not satisfies(terms, conn):
        q_length, conn = bm_rational(terms[: 2 * length + 2])
        if q_length != length or not satisfies(terms, conn):
            return None
    return tuple(conn)


def _pcf_value(a: tuple[int, ...], b: tuple[int, ...], digits: int, max_depth: int = 20000
               ) -> Any:
    """Value of PCF(a, b) to about ``digits`` digits by plain integer convergents (or None)."""
    import mpmath

    def ev(cs: tuple[int, ...], n: int) -> int:
        out = 0
        for c in reversed(cs):
            out = out * n + c
        return out

    p0, p1, q0, q1 = 1, ev(a, 0), 0, 1
    prev = None
    with mpmath.workdps(digits + 20):
        for n in range(1, max_depth + 1):
            an, bn = ev(a, n), ev(b, n)
            p0, p1 = p1, an * p1 + bn * p0
            q0, q1 = q1, an * q1 + bn * q0
            if n % 16 == 0 and q1 != 0:
                cur = mpmath.mpf(p1) / q1
                if prev is not None and cur != 0 and abs(cur - prev) < abs(cur) * \
                        mpmath.mpf(10) ** (-digits - 12):
                    return cur
                prev = cur
    return None


def _check_terms(conn: tuple[int, ...], terms: tuple[int, ...], pattern: tuple[int, ...],
                 target: Any, digits: int, max_depth: int = 4000) -> int:
    """Digits to which the signed fraction continued by the recurrence agrees with ``target``.

    Capped by how far its convergents have settled after at most ``max_depth`` terms, so a
    recurrence that only fits a finite run of terms (a long run of 2s in a ``[-]`` expansion)
    scores low.
    """
    import mpmath

    seq = list(terms[: len(conn) - 1])
    order = len(conn) - 1
    k = len(pattern)
    p0, p1, q0, q1 = 1, seq[0], 0, 1
    with mpmath.workdps(digits + 20):
        tol = abs(target) * mpmath.mpf(10) ** (-digits - 5)
        prev = None
        for n in range(1, max_depth):
            if n >= len(seq):
                s = -sum(conn[i] * seq[n - i] for i in range(1, order + 1))
                if s % conn[0]:
                    return 0
                seq.append(s // conn[0])
            an, sn = seq[n], pattern[(n - 1) % k]
            p0, p1 = p1, an * p1 + sn * p0
            q0, q1 = q1, an * q1 + sn * q0
            if n % 8 == 0 and q1:
                cur = mpmath.mpf(p1) / q1
                if prev is not None and abs(cur - prev) < tol:
                    break
                prev = cur
        if not q1:
            return 0
        cur = mpmath.mpf(p1) / q1
        err = max(abs(cur - target), abs(cur - prev) if prev is not None else abs(cur))
        if err == 0:
            return digits
        return max(0, min(digits, int(-mpmath.log10(err / abs(target)))))


def _target(p: tuple[int, ...], q: tuple[int, ...], const: _Constant, digits: int) -> Any:
    """mpmath value of P(c)/Q(c) at ``digits + 20`` digits."""
    import mpmath

    with mpmath.workdps(digits + 20):
        c = mpmath.mpf(const.value(digits + 30))
        num = sum(k * c ** i for i, k in enumerate(p))
        den = sum(k * c ** i for i, k in enumerate(q))
        return num / den


def _verify(a: tuple[int, ...], b: tuple[int, ...], mob: tuple[int, int, int, int],
            target: Any, digits: int) -> int:
    """Digits to which (α V + β)/(γ V + δ) with V = PCF(a, b) agrees with ``target``."""
    import mpmath

    v = _pcf_value(a, b, digits)
    if v is None:
        return 0
    al, be, ga, de = mob
    with mpmath.workdps(digits + 20):
        x = (al * v + be) / (ga * v + de)
        err = abs(x - target)
        if err == 0:
            return digits
        return max(0, min(digits, int(-mpmath.log10(err / abs(target)))))


def esma(constant: str, degree: int = 1, coefficients: int = 2, cycle: int = 2, *,
         max_length: int = 25, digits: int = 100, terms: int = 80,
         progress: Callable[[int, int, int], None] | None = None) -> ESMARun:
    """Run ESMA on a constant: transforms × sign cycles, patterns, PCFs, verification.

    Parameters
    ----------
    constant : str
        A name from the constants table (``"E"``, ``"pi"``, ``"Catalan"``) or SymPy text
        evaluated by mpmath (``"tan(1)"``, ``"exp(2)"``, ``"E**2"``, ``"besseli(1, 2)"``).
    degree : int
        Highest degree of P and Q in ``T(c) = P(c)/Q(c)`` (default 1); 0 expands the
        constant itself only.
    coefficients : int
        Bound on the absolute value of their integer coefficients (default 2).
    cycle : int
        Longest sign cycle (default 2: ``[+]``, ``[-]``, ``[+, -]``, ``[-, +]``).
    max_length : int
        Only recurrences shorter than this are reported (default 25, as in the paper).
    digits : int
        Digits of the final check of every formula against mpmath (default 100).
    terms : int
        Proven partial quotients wanted per expansion (at least ``2 * max_length + 10``; the
        working precision grows until they are proven or the expansion is known to end).
    progress : callable, optional
        Called as ``progress(done, total, found)`` after each transform.

    Returns
    -------
    ESMARun
        The results, sorted by recurrence length, then transform.

    Raises
    ------
    DomainError
        A constant that cannot be read, is rational, or bounds out of range.

    Examples
    --------
    >>> run = esma("(E**2 + 1)/(E**2 - 1)", degree=0, coefficients=1, cycle=1, digits=60)
    >>> r = run[0]
    >>> r.pattern, r.lfsr, str(r.pcf), r.mobius, r.digits >= 60
    ('[+]', (1, -2, 1), 'PCF(2n + 1, 1)', (1, 0, 0, 1), True)
    """
    for name, val, lo, hi in (("degree", degree, 0, 4), ("coefficients", coefficients, 1, 20),
                              ("cycle", cycle, 1, 8), ("max_length", max_length, 2, 200),
                              ("digits", digits, 15, 5000), ("terms", terms, 20, 5000)):
        if not isinstance(val, int) or isinstance(val, bool) or not lo <= val <= hi:
            raise DomainError(f"{name} must be a whole number from {lo} to {hi}, got {val!r}")
    start = time.perf_counter()
    const = _resolve(constant)
    want = max(terms, 2 * max_length + 10)
    margin = 10
    pats = sign_patterns(cycle)
    pairs = list(transforms(degree, coefficients)) if degree else [((0, 1), (1,))]
    enclosures: dict[int, tuple[Fraction, Fraction]] = {}

    def encl(dps: int) -> tuple[Fraction, Fraction]:
        if dps not in enclosures:
            enclosures[dps] = _enclosure(const, dps)
        return enclosures[dps]

    seen: set[Fraction] = set()
    found: list[ESMAResult] = []
    for done, (p, q) in enumerate(pairs, start=1):
        res = _apply(p, q, *encl(120))
        if res is not None:
            key = round((res[0] + res[1]) / 2, 60)
            if key in seen:
                res = None
            seen.add(key)
        if res is not None:
            for pat in pats:
                hit = _one(p, q, pat, const, encl, want, max_length, margin, digits)
                if hit is not None:
                    found.append(hit)
        if progress is not None:
            progress(done, len(pairs), len(found))
    found.sort(key=lambda r: (r.length, len(r.transform), r.transform, r.signs))
    return ESMARun(const.name, degree, coefficients, cycle, tuple(_distinct(found)), len(pairs),
                   tuple(pats), tuple(found), time.perf_counter() - start)


def _one(p: tuple[int, ...], q: tuple[int, ...], pat: tuple[int, ...], const: _Constant,
         encl: Callable[[int], tuple[Fraction, Fraction]], want: int, max_length: int,
         margin: int, digits: int) -> ESMAResult | None:
    """Expand one transform with one sign cycle; the result if a pattern is found."""
    dps, before = 120, -1
    while True:
        box = _apply(p, q, *encl(dps))
        if box is None:
            return None
        got = expand(box[0], box[1], pat, want)
        # stop when enough terms are proven, or more precision proves no more (a rational)
        if len(got) >= want or len(got) == before or dps >= 4000:
            break
        before = len(got)
        dps *= 2
    if len(got) < 2 * 2 + margin:
        return None
    conn = _find_lfsr(got, max_length, margin)
    if conn is None:
        return None
    target = _target(p, q, const, digits)
    checked = _check_terms(conn, tuple(got), pat, target, digits)
    if checked < digits:
        return None                       # the recurrence fits the proven terms only
    transform = _transform_text(p, q, const.expr)
    res = ESMAResult(const.name, transform, p, q, pat, tuple(got), conn, digits=checked, dps=dps)
    ext = extend(got[: len(conn) - 1], conn, 12 * len(conn) + 24 * max(1, len(pat)) + 60)
    if ext is None or ext[: len(got)] != got:
        return res
    qp = quasi_polynomial(ext, len(conn) - 1, max_preamble=min(12, len(conn) - 1))
    if qp is None:
        return res
    n0, k, pieces = qp
    res = _replace(res, preamble=n0, period=k, pieces=pieces)
    con = contract(ext, pat, n0, k, pieces)
    if con is None:
        return res
    a, b, mob = con
    from .pcf import PCF

    checked = min(checked, _verify(a, b, mob, target, digits))
    return _replace(res, pcf=PCF(list(a), list(b)), mobius=mob, digits=checked)


def _windows(r: ESMAResult, start: int = 8, width: int = 16) -> set[tuple[Any, ...]]:
    """Tail windows (sign phase and partial quotients) of a result, for equivalence."""
    k = len(r.signs)
    out = set()
    for j in range(start, min(start + 12, len(r.terms) - width)):
        phase = tuple(r.signs[(j + i) % k] for i in range(k))
        out.add((phase, tuple(r.terms[j:j + width])))
    return out


def _distinct(results: list[ESMAResult]) -> list[ESMAResult]:
    """Keep one result per tail class: expansions that end in the same partial quotients and
    signs (Möbius-equivalent transforms, as for regular continued fractions, Serret) are
    listed under ``equivalent`` of the first (shortest recurrence, simplest transform)."""
    kept: list[tuple[ESMAResult, set[tuple[Any, ...]], list[str]]] = []
    for r in results:
        w = _windows(r)
        for _, wk, eq in kept:
            if w & wk:
                eq.append(r.transform + " " + r.pattern)
                break
        else:
            kept.append((r, w, []))
    return [_replace(r, equivalent=tuple(eq)) for r, _, eq in kept]


def _replace(r: ESMAResult, **kw: Any) -> ESMAResult:
    import dataclasses

    return dataclasses.replace(r, **kw)


def _mobius_text(al: int, be: int, ga: int, de: int) -> str:
    import sympy

    v = sympy.Symbol("V")
    return str(sympy.factor_terms((al * v + be) / (ga * v + de)))

