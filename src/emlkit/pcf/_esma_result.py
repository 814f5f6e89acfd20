"""ESMA's result records: one pattern found (ESMAResult) and a whole run (ESMARun).

>>> from emlkit.pcf.esma import esma
>>> r = esma("cot(1)", degree=0, cycle=1, digits=60)[0]
>>> r.pattern, r.length, r.digits
('[-]', 2, 60)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ._signed_cf import convergents

__all__ = ["ESMAResult", "ESMARun"]


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
    >>> from emlkit.pcf.esma import esma
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
    >>> from emlkit.pcf.esma import esma
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


def _mobius_text(al: int, be: int, ga: int, de: int) -> str:
    import sympy

    v = sympy.Symbol("V")
    return str(sympy.factor_terms((al * v + be) / (ga * v + de)))
