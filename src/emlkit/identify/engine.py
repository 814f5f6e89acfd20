"""``identify``: closed forms for a number over the constant table, scored, re-verified and ranked.

Strategies run shortest description first (rational, algebraic, Möbius of one constant,
linear over a few constants, polynomial in one constant, products of powers, the EML
recognizer). Every relation found is kept only when

* its formula reproduces **all** the digits given (a relation that holds to 11 of 30 digits
  is not a hit),
* its significance — digits matched over the digits of its integer coefficients — is at
  least :data:`MIN_SIGNIFICANCE` (chance relations score about 1), and
* its spare digits are at least :data:`MARGIN`: the digits the relation explains, less the
  log10 of the number of integer relations of its shape and size (a random number has one
  that fits that well with about that probability), less the log10 of the number of
  searches run. A spare of s digits means about one random number in 10^s would get such a
  relation by chance.

>>> r = identify("0.852556797635011581847042853192")
>>> r.best.text, r.best.kind
('7*zeta(3)/pi**2', 'power-product')
>>> identify("0.852556797635011581847042853192", basis="pi,log(2)").reason[:39]
'no relation explains the 30 digits give'
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..errors import DomainError
from . import strategies as st
from .constants import get, names
from .result import Identification, Identifications, Relation
from .score import chance_digits, formulas, matched_digits, readable, sympy_digits
from .score import cost as relation_cost
from .target import Target, read_target

__all__ = ["DEFAULT_LINEAR", "DEFAULT_PRODUCT", "MARGIN", "MIN_SIGNIFICANCE", "chance_digits",
           "identify"]

#: Digits matched per digit of coefficients that a hit needs (LIReC's "return on investment").
MIN_SIGNIFICANCE = 2.0
#: Spare digits a hit needs beyond the chance of its size and the look-elsewhere cost.
MARGIN = 4.0
#: Constants combined in pairs (and all at once) by the linear strategy by default.
DEFAULT_LINEAR = ("pi", "E", "log(2)", "log(3)", "zeta(3)", "Catalan", "EulerGamma",
                  "sqrt(2)", "sqrt(3)", "pi**2", "log(pi)")
#: Constants tried as polynomials of degree 2 and 3 by default.
DEFAULT_POLYNOMIAL = DEFAULT_LINEAR
#: Constants combined in pairs by the products-of-powers strategy by default.
DEFAULT_PRODUCT = ("pi", "E", "log(2)", "log(3)", "zeta(3)", "zeta(5)", "Catalan",
                   "EulerGamma", "gamma(1/4)", "gamma(1/3)", "GoldenRatio", "besseli(0, 2)",
                   "besseli(1, 2)")
_EML_MAX_K = 19
_EML_COST_PER_TOKEN = 0.3  # log10 of the growth rate of the number of EML forms per token
_EML_FORMS_PER_K = 10  # slack factor on that count


def split_names(text: str) -> list[str]:
    """Split comma-separated names, keeping commas inside parentheses.

    >>> split_names("pi, besseli(0, 2),log(2)")
    ['pi', 'besseli(0, 2)', 'log(2)']
    """
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return [n for n in out if n]


def _resolve_basis(basis: Any) -> tuple[str, ...] | None:
    if basis is None:
        return None
    items = split_names(basis) if isinstance(basis, str) else list(basis)
    out = tuple(dict.fromkeys(get(str(n).strip()).name for n in items if str(n).strip()))
    if not out:
        raise DomainError("the basis is empty: name at least one constant, e.g. basis='pi,E'")
    return out


def _resolve_kinds(kinds: Any, eml: bool) -> tuple[str, ...]:
    if kinds is None:
        chosen = list(st.KINDS)
    else:
        chosen = kinds.split(",") if isinstance(kinds, str) else list(kinds)
        for k in chosen:
            if k not in st.KINDS:
                close = difflib.get_close_matches(str(k), st.KINDS, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise DomainError(f"unknown relation kind {k!r}{hint} (kinds: "
                                  f"{', '.join(st.KINDS)})")
    if not eml:
        chosen = [k for k in chosen if k != "eml"]
    return tuple(k for k in st.KINDS if k in chosen)


def _needed_digits(terms: int, max_coeff: int, searches: int) -> int:
    """Digits for which a relation of ``terms`` coefficients up to ``max_coeff`` can be a hit."""
    size = terms * math.log10(max_coeff + 1)
    chance = chance_digits(terms, size) + math.log10(searches + 1)
    return math.ceil(max(MIN_SIGNIFICANCE * size, chance + MARGIN))


_Plan = list[tuple[str, int, int, Callable[[], Iterable]]]


def _plan(t: Target, kinds: tuple[str, ...], basis: tuple[str, ...] | None,
          max_coeff: int | None) -> tuple[_Plan, list[str]]:
    """(kind, terms, searches, generator factory) for each step, and notes on skipped ones."""
    every = names()
    mob = basis if basis is not None else every
    lin = basis if basis is not None else DEFAULT_LINEAR
    poly = basis if basis is not None else DEFAULT_POLYNOMIAL
    prod = basis if basis is not None else DEFAULT_PRODUCT
    plan: _Plan = []
    if "rational" in kinds:
        plan.append(("rational", 2, 1, lambda: st.rational(t)))
    if "algebraic" in kinds:
        plan.append(("algebraic", 5, 3, lambda: st.algebraic(t)))
    for kind, terms, per, names_, make in (
        ("mobius", 4, 1, mob, lambda n: lambda: st.mobius(t, [n])),
        ("polynomial", 5, 2, poly, lambda n: lambda: st.polynomial(t, [n])),
    ):
        if kind in kinds:
            plan += [(kind, terms, per, make(n)) for n in names_]
    if "linear" in kinds and len(lin) >= 2:
        plan.append(("linear", 4, math.comb(len(lin), 2), lambda: st.linear(t, lin, 2)))
        if 3 <= len(lin) <= 12:
            plan.append(("linear", len(lin) + 2, 1, lambda: st.linear(t, lin, len(lin))))
    if "power-product" in kinds:
        positive = sum(1 for n in prod if get(n).positive)
        plan.append(("power-product", 7, max(1, math.comb(positive, 2)),
                     lambda: st.power_product(t, prod, 2)))
    if "eml" in kinds:
        plan.append(("eml", 2, 1, lambda: ()))
    notes: list[str] = []
    if max_coeff is not None:
        keep = []
        for item in plan:
            need = _needed_digits(item[1], max_coeff, _searches(plan))
            if t.digits >= need:
                keep.append(item)
            elif not any(n.startswith(item[0] + " ") for n in notes):
                notes.append(f"{item[0]} relations skipped: coefficients up to {max_coeff} "
                             f"with {item[1]} terms need {need} digits, {t.digits} given")
        if not keep:
            need = _needed_digits(2, max_coeff, 1)
            raise DomainError(f"too few digits: relations with coefficients up to {max_coeff} "
                              f"need at least {need} digits, {t.digits} given")
        plan = keep
    return plan, notes


def _searches(plan: _Plan) -> int:
    """Number of relation searches the plan runs (the look-elsewhere count)."""
    return sum(item[2] for item in plan)


def identify(
    value: Any,
    basis: Sequence[str] | str | None = None,
    *,
    digits: int | None = None,
    max_coeff: int | None = None,
    kinds: Sequence[str] | str | None = None,
    eml: bool = True,
    timeout: float = 10.0,
    limit: int = 5,
) -> Identifications:
    """Find closed forms for a real number among integer relations over named constants.

    Parameters
    ----------
    value : str, float, int, Fraction, mpmath.mpf, callable or limit-like
        Decimal text (every digit given is the precision; a trailing ``...`` is fine), a
        float (15 digits), an mpf (the current mpmath precision unless ``digits``), an exact
        int/Fraction, ``f(dps)`` returning the value to ``dps`` digits (then a hit is
        re-verified at twice the digits), or an object with ``.value`` and ``.digits`` such
        as a PCF limit.
    basis : sequence of str or comma-separated str, optional
        Constants to use (names from :mod:`emlkit.identify.constants`; aliases such as
        ``ln2`` are accepted). Default: Möbius forms over every table constant, linear
        forms and polynomials over :data:`DEFAULT_LINEAR`, products of powers over
        :data:`DEFAULT_PRODUCT`.
    digits : int, optional
        Significant digits to trust (default: what ``value`` carries).
    max_coeff : int, optional
        Largest coefficient allowed in a relation. Strategies whose relations could not be
        significant at this size with the digits given are skipped (with a note); when none
        could, :class:`~emlkit.errors.DomainError` says how many digits are needed.
    kinds : sequence of str or comma-separated str, optional
        Relation kinds to try (default all): ``rational``, ``algebraic``, ``mobius``,
        ``linear``, ``polynomial``, ``power-product``, ``eml``.
    eml : bool, default True
        Also ask the EML recognizer (pure EML forms up to K = 19).
    timeout : float, default 10
        Seconds after which no new search is started (a note says so).
    limit : int, default 5
        Most closed forms returned.

    Returns
    -------
    Identifications
        Ranked by description length; empty, with ``reason``, when nothing is significant.

    Raises
    ------
    UnknownConstantError
        A basis name not in the table ("did you mean ...").
    DomainError
        Too few digits for the relations asked, zero, non-finite input, bad arguments.

    Examples
    --------
    >>> print(identify("1.2020569031595942853997381615114"))
    1.2020569031595942853997381615114 = zeta(3)  (mobius; 32 digits matched, significance 53.2)
    >>> identify("3.14159265358979323846264338328", basis=["e"]).best is None
    True
    >>> identify("2.7182818", max_coeff=1000)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: too few digits: relations with coefficients up to 1000 need at
    least 13 digits, 8 given
    """
    start = time.perf_counter()
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise DomainError(f"limit must be a whole number >= 1, not {limit!r}")
    if not (isinstance(timeout, (int, float)) and timeout > 0):
        raise DomainError(f"timeout must be a positive number of seconds, not {timeout!r}")
    if max_coeff is not None and (isinstance(max_coeff, bool) or not isinstance(max_coeff, int)
                                  or max_coeff < 1):
        raise DomainError(f"max_coeff must be a whole number >= 1, not {max_coeff!r}")
    t = read_target(value, digits)
    chosen = _resolve_kinds(kinds, eml)
    base = _resolve_basis(basis)
    if t.exact:
        return _exact(t, start)
    if t.digits < MARGIN + 3:
        raise DomainError(f"too few digits: {t.digits} given, at least {int(MARGIN) + 3} are "
                          "needed for any relation to be significant")
    plan, notes = _plan(t, chosen, base, max_coeff)
    searches = _searches(plan)
    penalty = math.log10(searches + 1)
    deadline = start + timeout
    kept: dict[str, Identification] = {}
    tried = 0
    for kind, _, count, make in plan:
        if time.perf_counter() > deadline:
            notes.append(f"time limit of {timeout} s reached; later strategies were not tried")
            break
        tried += count
        found: Iterable = _eml_found(t, notes, penalty) if kind == "eml" else make()
        for f in found:
            ident = f if isinstance(f, Identification) else _score(t, f, max_coeff, penalty, notes)
            if ident is not None and _significant(ident, t.digits, penalty):
                key = str(ident.formula)
                old = kept.get(key)
                if old is not None and (ident.cost, st.KINDS.index(ident.kind)) >= \
                        (old.cost, st.KINDS.index(old.kind)):
                    ident, old = old, ident
                # the same formula found twice: keep the shorter, with the pure EML form if any
                eml_text = ident.eml or (old.eml if old is not None else None)
                kept[key] = dataclasses.replace(ident, eml=eml_text)
    items = sorted(kept.values(), key=lambda i: (i.cost, st.KINDS.index(i.kind), i.text))
    reason = "" if items else (
        f"no relation explains the {t.digits} digits given beyond its own size "
        f"(significance >= {MIN_SIGNIFICANCE:g} and {MARGIN:g} spare digits needed; "
        f"{searches} searches)")
    return Identifications(tuple(items[:limit]), t.text, t.digits, reason, tried,
                           time.perf_counter() - start, tuple(notes))


def _significant(ident: Identification, digits: int, penalty: float) -> bool:
    return (ident.digits_matched >= digits and ident.significance >= MIN_SIGNIFICANCE
            and ident.spare_digits >= MARGIN)


def _score(t: Target, f: st.Found, max_coeff: int | None, penalty: float,
           notes: list[str]) -> Identification | None:
    import mpmath

    if max_coeff is not None and max(abs(c) for c in f.relation) > max_coeff:
        return None
    cost = relation_cost(f.relation)
    spare = t.digits - chance_digits(len(f.relation), cost) - penalty
    if t.digits < MIN_SIGNIFICANCE * cost or spare < MARGIN:
        return None  # cannot be significant whatever it matches
    W = t.digits + 10
    value = f.value(W)
    matched = matched_digits(t.value, value, t.digits)
    if matched < t.digits:
        return None
    verified = t.digits
    if t.more is not None:
        deeper = 2 * t.digits + 10
        with mpmath.workdps(deeper + 10):
            x2 = mpmath.mpf(t.more(deeper + 10))
        verified = matched_digits(x2, f.value(deeper + 10), deeper)
        if verified < deeper:
            notes.append(f"a {f.kind} relation matched the {t.digits} digits given but only "
                         f"{verified} of {deeper} when more were computed: rejected")
            return None  # holds to the given digits only: a coincidence
        value = f.value(deeper + 10)
    formula, text = formulas(f)
    if sympy_digits(formula, t.value, t.digits) < t.digits:
        notes.append(f"internal check: the SymPy form {formula} of a {f.kind} relation does not "
                     "reproduce the value; dropped")
        return None
    return Identification(formula, text, value, matched, Relation(f.relation, f.terms), f.kind,
                          matched / max(cost, 1e-9), verified, cost, round(spare, 2))


def _eml_found(t: Target, notes: list[str], penalty: float) -> Iterable[Identification]:
    import mpmath
    import sympy

    from ..errors import EMLError
    from ..search.recognizer import recognize

    text = mpmath.nstr(t.value, t.digits, strip_zeros=False)
    try:
        r = recognize(text, max_K=_EML_MAX_K, exact=False, limit=3)
    except (EMLError, ValueError, ArithmeticError, MemoryError) as exc:
        notes.append(f"EML recognizer skipped: {exc}")
        return []
    out = []
    for c in r:
        if c.expr is None or c.digits < t.digits - 1:
            continue
        cost = _EML_COST_PER_TOKEN * c.K
        try:
            formula = sympy.sympify(c.formula)
        except (sympy.SympifyError, TypeError, SyntaxError):
            continue
        if formula.atoms(sympy.Float) or formula.free_symbols:
            continue  # not decompiled into a closed form
        with mpmath.workdps(t.digits + 10):
            value = mpmath.mpf(sympy.N(formula, t.digits + 10))
        matched = matched_digits(t.value, value, t.digits)
        spare = matched - cost - math.log10(2 * _EML_FORMS_PER_K * c.K) - penalty
        out.append(Identification(formula, str(formula), value, matched,
                                  Relation((1, -1), ("x", str(formula))), "eml",
                                  matched / cost, matched, cost, round(spare, 2), str(c.expr)))
    return out


def _exact(t: Target, start: float) -> Identifications:
    import sympy

    q = t.fraction
    assert q is not None
    rel = (q.denominator, -q.numerator)
    formula = sympy.Rational(q.numerator, q.denominator)
    cost = relation_cost(rel)
    ident = Identification(formula, readable(str(formula)), t.value, t.digits,
                           Relation(rel, ("x", "1")),
                           "rational", t.digits / max(cost, 1e-9), t.digits, cost, math.inf)
    return Identifications((ident,), t.text, t.digits, "", 0, time.perf_counter() - start,
                           ("the value is an exact rational",))
