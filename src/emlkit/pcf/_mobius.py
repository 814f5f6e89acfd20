"""Meet in the middle: hashed Möbius transforms (αc + β)/(γc + δ) of named constants.

>>> t = mobius_table(["pi"], bound=4)
>>> [str(h.formula) for h in t.lookup(np.array([4 / np.pi]), 1e-12)[0]]
['4/pi']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["Constant", "MobiusHit", "MobiusTable", "constant", "mobius_table"]

_ALIASES = {"e": "E", "catalan": "Catalan", "phi": "GoldenRatio", "gamma": "EulerGamma",
            "euler": "EulerGamma", "golden": "GoldenRatio"}


@dataclass(frozen=True)
class Constant:
    """A named constant: SymPy expression and its value as decimal text (``digits`` digits).

    >>> c = constant("log(2)"); c.name, c.text[:8], c.algebraic
    ('log(2)', '0.693147', False)
    """

    name: str
    expr: Any = field(compare=False)
    text: str = field(compare=False)
    algebraic: bool = field(compare=False)

    def mpf(self, dps: int) -> Any:
        """The value as an mpmath number (computed again above the stored precision).

        >>> import mpmath
        >>> with mpmath.workdps(20):
        ...     str(constant("pi").mpf(20))
        '3.1415926535897932385'
        """
        import mpmath

        if dps + 5 <= len(self.text):
            return mpmath.mpf(self.text)
        return mpmath.mpf(str(self.expr.evalf(dps + 10)))


@lru_cache(maxsize=256)
def constant(name: str) -> Constant:
    """Resolve a constant name (SymPy syntax: ``pi``, ``E``, ``log(2)``, ``zeta(3)``, ...).

    Raises
    ------
    ValueError
        When the name is not a number SymPy can evaluate.

    >>> constant("zeta(3)").text[:10]
    '1.20205690'
    >>> constant("x")
    Traceback (most recent call last):
    ...
    ValueError: constant 'x' is not a number (free symbols x)
    """
    import sympy

    text = _ALIASES.get(name.strip(), name.strip())
    try:
        expr = sympy.sympify(text)
    except (sympy.SympifyError, SyntaxError, TypeError) as exc:
        raise ValueError(f"constant {name!r} cannot be read: {exc}") from None
    if expr.free_symbols:
        syms = ", ".join(sorted(str(s) for s in expr.free_symbols))
        raise ValueError(f"constant {name!r} is not a number (free symbols {syms})")
    val = expr.evalf(120)
    if not val.is_real or not val.is_finite or val == 0:
        raise ValueError(f"constant {name!r} is not a nonzero real number")
    alg = bool(expr.is_algebraic)
    return Constant(name.strip(), expr, str(val), alg)


@dataclass(frozen=True)
class MobiusHit:
    """A table entry matching a value: (αc + β)/(γc + δ) for constant ``const``.

    >>> h = MobiusHit(constant("pi"), (0, 4, 1, 0)); str(h.formula), h.height
    ('4/pi', 4)
    """

    const: Constant
    coeffs: tuple[int, int, int, int]

    @property
    def height(self) -> int:
        """Largest absolute coefficient."""
        return max(abs(c) for c in self.coeffs)

    @property
    def formula(self) -> Any:
        """The closed form as a SymPy expression."""
        import sympy

        al, be, ga, de = self.coeffs
        c = self.const.expr
        num, den = al * c + be, ga * c + de
        if den == 1:
            return sympy.sympify(num)
        return num / den if ga else sympy.Rational(1, de) * num

    def value(self, dps: int) -> Any:
        """The value as an mpmath number at ``dps`` digits (inside an mpmath workdps)."""
        al, be, ga, de = self.coeffs
        c = self.const.mpf(dps)
        return (al * c + be) / (ga * c + de)


def _tuples(bound: int, scaled: int) -> np.ndarray:
    r = np.arange(-bound, bound + 1, dtype=np.int64)
    g = np.stack(np.meshgrid(r, r, r, r, indexing="ij"), axis=-1).reshape(-1, 4)
    u = np.arange(-scaled, scaled + 1, dtype=np.int64)
    u = u[u != 0]
    v = np.arange(1, 13, dtype=np.int64)
    uu, vv = (x.ravel() for x in np.meshgrid(u, v, indexing="ij"))
    z = np.zeros_like(uu)
    extra = np.concatenate([np.stack([uu, z, z, vv], 1), np.stack([z, uu, vv, z], 1)])
    t = np.concatenate([g, extra])
    al, be, ga, de = t.T
    ok = al * de - be * ga != 0
    ok &= np.gcd.reduce(np.abs(t), axis=1) == 1
    first = np.where(ga != 0, ga, de)  # sign fixed: first nonzero of (γ, δ) positive
    ok &= first > 0
    return np.unique(t[ok], axis=0)


@dataclass(frozen=True)
class MobiusTable:
    """Sorted float64 values of Möbius transforms of constants, for tolerant lookup.

    Made by :func:`mobius_table`.
    """

    constants: tuple[Constant, ...]
    values: np.ndarray = field(repr=False)
    coeffs: np.ndarray = field(repr=False)
    which: np.ndarray = field(repr=False)

    def __len__(self) -> int:
        return len(self.values)

    def lookup(self, x: np.ndarray, rtol: float | np.ndarray) -> list[list[MobiusHit]]:
        """Entries within relative ``rtol`` of each value, lowest height first.

        >>> t = mobius_table(["E"], bound=3)
        >>> [str(h.formula) for h in t.lookup(np.array([np.e - 1, 0.123456789]), 1e-12)[0]]
        ['-1 + E']
        """
        x = np.asarray(x, dtype=np.float64)
        tol = np.abs(x) * np.broadcast_to(np.asarray(rtol, dtype=np.float64), x.shape)
        lo = np.searchsorted(self.values, x - tol, side="left")
        hi = np.searchsorted(self.values, x + tol, side="right")
        out: list[list[MobiusHit]] = []
        for i in range(len(x)):
            hits = [MobiusHit(self.constants[int(self.which[j])],
                              tuple(int(c) for c in self.coeffs[j]))  # type: ignore[arg-type]
                    for j in range(int(lo[i]), int(hi[i]))]
            out.append(sorted(hits, key=lambda h: (h.height, h.coeffs)))
        return out


@lru_cache(maxsize=16)
def _table(names: tuple[str, ...], bound: int, scaled: int) -> MobiusTable:
    t = _tuples(bound, scaled)
    consts = tuple(constant(n) for n in names)
    vals, coeffs, which = [], [], []
    al, be, ga, de = (t[:, i].astype(np.float64) for i in range(4))
    for k, c in enumerate(consts):
        cf = float(c.text[:25])
        with np.errstate(all="ignore"):
            v = (al * cf + be) / (ga * cf + de)
        ok = np.isfinite(v)
        vals.append(v[ok])
        coeffs.append(t[ok])
        which.append(np.full(int(ok.sum()), k, dtype=np.int32))
    v = np.concatenate(vals)
    order = np.argsort(v, kind="stable")
    return MobiusTable(consts, v[order], np.concatenate(coeffs)[order],
                       np.concatenate(which)[order])


def mobius_table(constants: Sequence[str], bound: int = 8, scaled: int = 60) -> MobiusTable:
    """Table of (αc + β)/(γc + δ), |α|, |β|, |γ|, |δ| ≤ ``bound``, αδ ≠ βγ, for each constant.

    Also r·c and r/c for rationals r = u/v with |u| ≤ ``scaled``, v ≤ 12 (e.g. 30/π²).
    Cached per arguments.

    >>> len(mobius_table(["pi"], bound=1)) > 0
    True
    """
    if not constants:
        raise ValueError("no constants given for the Möbius table")
    if not 0 < bound <= 20:
        raise ValueError(f"Möbius bound must be from 1 to 20, got {bound}")
    return _table(tuple(constants), int(bound), int(scaled))
