"""The relation shapes tried, shortest description first: each turns an integer relation into a
formula.

Every strategy builds one vector of numbers per basis choice, asks :func:`find_relation` for
an integer relation that uses the target, and turns it into a :class:`Found`: the relation,
a function computing the formula's value at any precision (for verification) and a SymPy
builder. Scoring and verification are done by the caller (:mod:`emlkit.identify.engine`).

>>> import mpmath
>>> from emlkit.identify.target import read_target
>>> t = read_target("0.222030940703314578761190775908")       # (pi - 2) / (pi + 2)
>>> found = next(mobius(t, ["pi"]))
>>> found.relation, found.terms
((1, 2, -1, 2), ('x*pi', 'x', 'pi', '1'))
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .constants import get, mp_value
from .lattice import find_relation
from .target import Target

__all__ = [
    "KINDS",
    "Found",
    "algebraic",
    "linear",
    "mobius",
    "polynomial",
    "power_product",
    "rational",
]

#: Relation kinds, in the order they are tried (shortest description first).
KINDS = ("rational", "algebraic", "mobius", "linear", "polynomial", "power-product", "eml")
_PRIMES = (2, 3, 5, 7)


@dataclass(frozen=True)
class Found:
    """A relation found for the target (not yet scored or verified).

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    relation : tuple of int
        The integer coefficients.
    terms : tuple of str
        What each coefficient multiplies (``"x"``, ``"1"``, ``"x*pi"``, ``"log(x)"``, ...).
    value : callable
        ``value(dps)``: the formula's value at ``dps`` digits (None if it has none).
    build : callable
        ``build(symbols)``: the SymPy formula, with each constant name mapped to an
        expression by ``symbols``.
    constants : tuple of str
        Table constants the formula uses.

    Examples
    --------
    >>> from emlkit.identify.target import read_target
    >>> f = next(rational(read_target("0.3333333333333333333333333")))
    >>> f.kind, f.relation, str(f.value(20))[:6], f.build(None)
    ('rational', (3, -1), '0.3333', 1/3)
    """

    kind: str
    relation: tuple[int, ...]
    terms: tuple[str, ...]
    value: Callable[[int], Any]
    build: Callable[[Callable[[str], Any]], Any]
    constants: tuple[str, ...] = ()


def _c(name: str, dps: int) -> Any:
    return mp_value(name, dps)


@lru_cache(maxsize=1024)
def _log_c(name: str, dps: int) -> Any:
    import mpmath

    with mpmath.workdps(dps):
        return mpmath.log(abs(mp_value(name, dps)))


def rational(t: Target) -> Iterator[Found]:
    """x = p/q: the relation q·x − p = 0.

    >>> from emlkit.identify.target import read_target
    >>> next(rational(read_target("0.142857142857142857142857"))).relation
    (7, -1)
    """
    rel = find_relation([t.value, 1], t.digits, needed=0)
    if rel is None:
        return
    q, p = rel[0], -rel[1]

    def value(dps: int) -> Any:
        import mpmath

        with mpmath.workdps(dps):
            return mpmath.mpf(p) / q

    def build(sym: Callable[[str], Any]) -> Any:
        import sympy

        return sympy.Rational(p, q)

    yield Found("rational", rel, ("x", "1"), value, build, ())


def algebraic(t: Target, max_degree: int = 4) -> Iterator[Found]:
    """x a root of an integer polynomial of degree 2..``max_degree``.

    >>> from emlkit.identify.target import read_target
    >>> next(algebraic(read_target("1.41421356237309504880168872"))).relation
    (1, 0, -2)
    """
    import mpmath

    for d in range(2, max_degree + 1):
        with mpmath.workdps(t.digits + 10):
            vals = [t.value ** k for k in range(d, -1, -1)]
        rel = find_relation(vals, t.digits, needed=tuple(range(d)))
        if rel is None or rel[0] == 0:
            continue
        yield Found("algebraic", rel, tuple(_power_names(d)), _root_value(rel, t.value),
                    _root_build(rel, t.value), ())


def _power_names(d: int) -> list[str]:
    return [f"x**{k}" if k > 1 else ("x" if k == 1 else "1") for k in range(d, -1, -1)]


def _factors(rel: tuple[int, ...]) -> list[list[int]]:
    """Irreducible factors (coefficients highest degree first, degree >= 1) of the polynomial."""
    try:
        import flint
    except ImportError:  # pragma: no cover - python-flint is in the 'arb' extra
        import sympy

        z = sympy.Symbol("z")
        return [[int(c) for c in sympy.Poly(f, z).all_coeffs()]
                for f, _ in sympy.factor_list(sympy.Poly(list(rel), z))[1]]
    _, parts = flint.fmpz_poly(list(reversed(rel))).factor()
    return [[int(c) for c in reversed(f.coeffs())] for f, _ in parts if f.degree() >= 1]


def _nearest_root(rel: tuple[int, ...], near: Any, dps: int) -> tuple[Any, list[int]] | None:
    """The real root nearest ``near`` among the roots of the irreducible factors (all simple)."""
    import mpmath

    best = None
    with mpmath.workdps(dps + 10):
        for f in _factors(rel):
            try:
                roots = mpmath.polyroots(f, maxsteps=200, extraprec=dps + 20)
            except mpmath.libmp.NoConvergence:
                continue
            for r in roots:
                if abs(mpmath.im(r)) > abs(r) * mpmath.mpf(10) ** (-dps // 2):
                    continue
                err = abs(mpmath.re(r) - near)
                if best is None or err < best[0]:
                    best = (err, mpmath.re(r), f)
    return None if best is None else (best[1], best[2])


def _root_value(rel: tuple[int, ...], near: Any) -> Callable[[int], Any]:
    def value(dps: int) -> Any:
        found = _nearest_root(rel, near, dps)
        return None if found is None else found[0]

    return value


def _root_build(rel: tuple[int, ...], near: Any) -> Callable[[Callable[[str], Any]], Any]:
    def build(sym: Callable[[str], Any]) -> Any:
        import sympy

        found = _nearest_root(rel, near, 30)
        assert found is not None
        value, f = found
        if len(f) == 2:
            return sympy.Rational(-f[1], f[0])
        if len(f) == 3:  # a x^2 + b x + c: the quadratic formula, sign chosen by the value
            a, b, c = (sympy.Integer(v) for v in f)
            roots = [(-b + s * sympy.sqrt(b * b - 4 * a * c)) / (2 * a) for s in (1, -1)]
            return min(roots, key=lambda r: abs(float(r) - float(value)))
        z = sympy.Symbol("z")
        roots = sympy.Poly(f, z).real_roots()
        return min(roots, key=lambda r: abs(float(r.evalf(30)) - float(value)))

    return build


def mobius(t: Target, basis: Sequence[str]) -> Iterator[Found]:
    """x = (a + b·c)/(d + e·c) for each constant c: the relation e·xc + d·x − b·c − a = 0.

    >>> from emlkit.identify.target import read_target
    >>> f = next(mobius(read_target("1.27323954473516268615107010698"), ["pi"]))
    >>> f.relation, f.terms
    ((1, 0, 0, -4), ('x*pi', 'x', 'pi', '1'))
    """
    import mpmath

    W = t.digits + 10
    x = t.value
    for name in basis:
        c = _c(name, W)
        with mpmath.workdps(W):
            vals = [x * c, x, c, mpmath.mpf(1)]
        rel = find_relation(vals, t.digits, needed=(0, 1))
        if rel is None:
            continue
        e, d, b, a = rel[0], rel[1], -rel[2], -rel[3]
        if a * e - b * d == 0:
            continue  # a rational number in disguise
        yield Found("mobius", rel, (f"x*{name}", "x", name, "1"),
                    _mobius_value(name, a, b, d, e), _mobius_build(name, a, b, d, e), (name,))


def _mobius_value(name: str, a: int, b: int, d: int, e: int) -> Callable[[int], Any]:
    def value(dps: int) -> Any:
        import mpmath

        c = _c(name, dps + 5)
        with mpmath.workdps(dps + 5):
            den = d + e * c
            return None if den == 0 else (a + b * c) / den

    return value


def _mobius_build(name: str, a: int, b: int, d: int, e: int) -> Callable:
    def build(sym: Callable[[str], Any]) -> Any:
        c = sym(name)
        return (a + b * c) / (d + e * c)

    return build


def polynomial(t: Target, basis: Sequence[str], degree: int = 3) -> Iterator[Found]:
    """x = (a_0 + a_1 c + … + a_k c^k)/q for each constant c, k = 2..``degree``.

    >>> from emlkit.identify.target import read_target
    >>> f = next(polynomial(read_target("10.8696044010893586188344909999"), ["pi"]))
    >>> f.relation                               # x = pi^2 + 1
    (1, -1, 0, -1)
    """
    import mpmath

    W = t.digits + 10
    for name in basis:
        c = _c(name, W)
        for k in range(2, degree + 1):
            with mpmath.workdps(W):
                vals = [t.value] + [c ** j for j in range(k + 1)]
            rel = find_relation(vals, t.digits, needed=0)
            if rel is None or rel[-1] == 0 or all(r == 0 for r in rel[2:]):
                continue
            terms = ("x", "1", name) + tuple(f"{name}**{j}" for j in range(2, k + 1))
            yield Found("polynomial", rel, terms, _poly_value(name, rel),
                        _poly_build(name, rel), (name,))


def _poly_value(name: str, rel: tuple[int, ...]) -> Callable[[int], Any]:
    def value(dps: int) -> Any:
        import mpmath

        c = _c(name, dps + 5)
        with mpmath.workdps(dps + 5):
            return -sum(r * c ** j for j, r in enumerate(rel[1:])) / rel[0]

    return value


def _poly_build(name: str, rel: tuple[int, ...]) -> Callable:
    def build(sym: Callable[[str], Any]) -> Any:
        import sympy

        c = sym(name)
        return -sum(sympy.Integer(r) * c ** j for j, r in enumerate(rel[1:])) / rel[0]

    return build


def linear(t: Target, basis: Sequence[str], size: int = 2) -> Iterator[Found]:
    """x = (a_0 + a_1 c_1 + … + a_k c_k)/q over every ``size`` constants of ``basis``.

    >>> from emlkit.identify.target import read_target
    >>> f = next(linear(read_target("3.48816624386976589317125944401"), ["pi", "log(2)"]))
    >>> f.relation                               # x = pi + log(2)/2
    (2, 0, -2, -1)
    """
    import mpmath

    W = t.digits + 10
    for combo in itertools.combinations(basis, size):
        with mpmath.workdps(W):
            vals = [t.value, mpmath.mpf(1)] + [_c(n, W) for n in combo]
        rel = find_relation(vals, t.digits, needed=0)
        if rel is None or sum(1 for r in rel[2:] if r) < min(size, 3):
            continue  # uses fewer constants: a Möbius form or the pairs find it
        yield Found("linear", rel, ("x", "1", *combo), _lin_value(combo, rel),
                    _lin_build(combo, rel), combo)


def _lin_value(combo: tuple[str, ...], rel: tuple[int, ...]) -> Callable[[int], Any]:
    def value(dps: int) -> Any:
        import mpmath

        with mpmath.workdps(dps + 5):
            s = rel[1] + sum(r * _c(n, dps + 5) for n, r in zip(combo, rel[2:]))
            return -s / rel[0]

    return value


def _lin_build(combo: tuple[str, ...], rel: tuple[int, ...]) -> Callable:
    def build(sym: Callable[[str], Any]) -> Any:
        import sympy

        s = sympy.Integer(rel[1]) + sum(sympy.Integer(r) * sym(n) for n, r in zip(combo, rel[2:]))
        return -s / rel[0]

    return build


def power_product(t: Target, basis: Sequence[str], size: int = 2) -> Iterator[Found]:
    """x = ± 2^a 3^b 5^c 7^d · c_1^e_1 ⋯ (rational exponents): a relation among logarithms.

    >>> from emlkit.identify.target import read_target
    >>> f = next(power_product(read_target("0.852556797635011581847042853192"), ["pi", "zeta(3)"]))
    >>> f.relation                          # x = 7 zeta(3) / pi^2
    (1, 0, 0, 0, -1, 2, -1)
    >>> f.terms
    ('log(x)', 'log(2)', 'log(3)', 'log(5)', 'log(7)', 'log(pi)', 'log(zeta(3))')
    """
    import mpmath

    W = t.digits + 10
    positive = [n for n in basis if get(n).positive and _c(n, 15) != 1]
    sign = 1 if t.value > 0 else -1
    with mpmath.workdps(W):
        lx = mpmath.log(abs(t.value))
        lp = [mpmath.log(p) for p in _PRIMES]
    seen: set[tuple[int, ...]] = set()
    for combo in itertools.combinations(positive, min(size, len(positive))):
        with mpmath.workdps(W):
            vals = [lx] + lp + [_log_c(n, W) for n in combo]
        # log|x| has about `digits` correct digits after the decimal point of |x|'s relative error
        rel = find_relation(vals, t.digits, needed=0)
        if rel is None or rel in seen:
            continue
        seen.add(rel)
        used = tuple(n for n, r in zip(combo, rel[1 + len(_PRIMES):]) if r)
        terms = ("log(x)", *(f"log({p})" for p in _PRIMES), *(f"log({n})" for n in combo))
        yield Found("power-product", rel, terms, _pow_value(combo, rel, sign),
                    _pow_build(combo, rel, sign), used)


def _pow_value(combo: tuple[str, ...], rel: tuple[int, ...], sign: int) -> Callable:
    def value(dps: int) -> Any:
        import mpmath

        k = rel[0]
        with mpmath.workdps(dps + 10):
            s = sum(r * mpmath.log(p) for p, r in zip(_PRIMES, rel[1:]))
            s += sum(r * mpmath.log(_c(n, dps + 10)) for n, r in zip(combo, rel[1 + len(_PRIMES):]))
            return sign * mpmath.exp(-s / k)

    return value


def _pow_build(combo: tuple[str, ...], rel: tuple[int, ...], sign: int) -> Callable:
    def build(sym: Callable[[str], Any]) -> Any:
        import sympy

        k = rel[0]
        out = sympy.Integer(sign)
        for p, r in zip(_PRIMES, rel[1:]):
            if r:
                out *= sympy.Integer(p) ** sympy.Rational(-r, k)
        for n, r in zip(combo, rel[1 + len(_PRIMES):]):
            if r:
                out *= sym(n) ** sympy.Rational(-r, k)
        return out

    return build
