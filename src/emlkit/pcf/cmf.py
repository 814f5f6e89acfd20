"""Conservative matrix fields: check, walk trajectories exactly, extract their PCFs.

A CMF is a set of 2×2 matrices M_x, M_y, ... in the variables x, y, ... with
M_x(x, y)·M_y(x+1, y) = M_y(x, y)·M_x(x, y+1) (and so for every pair), so the product along a
path between two lattice points does not depend on the path. A trajectory from ``start`` in a
direction (d_x, d_y, ...) of whole numbers ≥ 0 multiplies one step matrix per move; its limit is
the ratio of the last column (top / bottom) of the product.

>>> e = cmf_e()
>>> e.is_conservative()
True
>>> import mpmath
>>> v = e.limit((1, 1), (1, 0), digits=30)
>>> with mpmath.workdps(40):                  # a Möbius transform of e
...     bool(abs(v.value - (3 * mpmath.e - 8) / (mpmath.e - 3)) < mpmath.mpf(10) ** -29)
True
>>> [str(t.formula) for t in e.identify_grid([(1, 0), (0, 1)], ["E"])]
['(-8 + 3*E)/(-3 + E)', '(-8 + 3*E)/(-3 + E)']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

__all__ = ["CMF", "CMFLimit", "Trajectory", "cmf_e", "cmf_pi", "cmf_zeta3"]


@dataclass(frozen=True)
class CMFLimit:
    """Limit of a trajectory: value (mpmath), digits on which two depths agree, steps."""

    value: Any
    digits: int
    steps: int


class CMF:
    """A conservative matrix field of 2×2 matrices.

    Parameters
    ----------
    matrices : mapping
        Axis (a SymPy symbol or its name) → 2×2 matrix (SymPy ``Matrix`` or nested lists of
        SymPy expressions, numbers or text) in the axis variables.

    Raises
    ------
    ValueError
        When a matrix is not 2×2, or uses a variable that is not an axis.

    Examples
    --------
    >>> f = CMF({"x": [[0, "x**2"], [1, "2*x + 1"]], "y": [[1, 0], [0, 1]]})
    >>> f.axes, f.is_conservative()
    ((x, y), True)
    """

    def __init__(self, matrices: Mapping[Any, Any]) -> None:
        import sympy

        if not matrices:
            raise ValueError("a CMF needs at least one matrix")
        axes, mats = [], []
        for k, m in matrices.items():
            sym = sympy.Symbol(k) if isinstance(k, str) else k
            if not isinstance(sym, sympy.Symbol):
                raise TypeError(f"CMF axis {k!r} is not a symbol")
            try:
                mm = sympy.Matrix(m).applyfunc(sympy.sympify)
            except (sympy.SympifyError, TypeError, ValueError) as exc:
                raise ValueError(f"matrix of axis {sym} cannot be read: {exc}") from None
            if mm.shape != (2, 2):
                raise ValueError(f"matrix of axis {sym} is {mm.shape[0]}×{mm.shape[1]}, not 2×2")
            axes.append(sym)
            mats.append(mm)
        extra = set().union(*(m.free_symbols for m in mats)) - set(axes)
        if extra:
            names = ", ".join(sorted(map(str, extra)))
            raise ValueError(f"CMF matrices use variables that are not axes: {names}")
        self.axes: tuple = tuple(axes)
        self.matrices: dict = dict(zip(axes, mats))

    def __repr__(self) -> str:
        return "CMF({" + ", ".join(f"{k}: {v.tolist()}" for k, v in self.matrices.items()) + "})"

    def is_conservative(self) -> bool:
        """Whether M_u(v)·M_w(v + e_u) = M_w(v)·M_u(v + e_w) for every pair of axes, symbolically.

        >>> CMF({"x": [[0, "y"], [1, "x"]], "y": [[1, 0], [0, 1]]}).is_conservative()
        False
        """
        import sympy

        for i, u in enumerate(self.axes):
            for w in self.axes[i + 1:]:
                mu, mw = self.matrices[u], self.matrices[w]
                lhs = mu * mw.subs(u, u + 1)
                rhs = mw * mu.subs(w, w + 1)
                if any(sympy.simplify(e) != 0 for e in (lhs - rhs)):
                    return False
        return True

    def _direction(self, start: Sequence[Any], direction: Sequence[int]) -> tuple:
        if len(start) != len(self.axes) or len(direction) != len(self.axes):
            raise ValueError(f"start and direction need {len(self.axes)} entries "
                             f"(axes {', '.join(map(str, self.axes))})")
        d = tuple(int(v) for v in direction)
        if any(v < 0 for v in d) or not any(d):
            raise ValueError(f"direction {tuple(direction)} must have whole entries >= 0, "
                             "not all zero")
        return tuple(Fraction(v) for v in start), d

    def step_matrix(self, direction: Sequence[int]) -> Any:
        """The product of one move in ``direction`` at the symbolic position (axis by axis).

        >>> cmf_e().step_matrix((1, 1)).tolist()        # M_x(x, y)·M_y(x + 1, y)
        [[y + 1, -x*y - x - y**2 - 4*y - 3], [-x - y - 2, x**2 + 2*x*y + 4*x + y**2 + 5*y + 5]]
        """
        import sympy

        d = tuple(int(v) for v in direction)
        m = sympy.eye(2)
        shift = {a: a for a in self.axes}
        for ax, k in zip(self.axes, d):
            for _ in range(k):
                m = m * self.matrices[ax].subs(shift, simultaneous=True)
                shift[ax] = shift[ax] + 1
        return m.applyfunc(sympy.expand)

    def _entries_in_n(self, start: Sequence[Any], direction: Sequence[int]) -> list:
        import sympy

        s, d = self._direction(start, direction)
        n = sympy.Symbol("n")
        m = self.step_matrix(d)
        pos = {a: sympy.Rational(v.numerator, v.denominator) + n * k
               for a, v, k in zip(self.axes, s, d)}
        out = []
        for e in m:
            num, den = sympy.fraction(sympy.together(e.subs(pos, simultaneous=True)))
            pn, pd = sympy.Poly(num, n), sympy.Poly(den, n)
            out.append(([Fraction(int(c.p), int(c.q)) for c in reversed(pn.all_coeffs())],
                        [Fraction(int(c.p), int(c.q)) for c in reversed(pd.all_coeffs())]))
        return out

    def walk(self, start: Sequence[Any], direction: Sequence[int], steps: int) -> tuple:
        """The exact product of ``steps`` moves: (m11, m12, m21, m22) as Fractions.

        >>> cmf_e().walk((1, 1), (1, 0), 2)     # M_x(1, 1)·M_x(2, 1)
        (Fraction(3, 1), Fraction(-12, 1), Fraction(-5, 1), Fraction(22, 1))
        """
        if not isinstance(steps, int) or steps < 0:
            raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
        ent = self._entries_in_n(start, direction)

        def ev(c: list, k: int) -> Fraction:
            v = Fraction(0)
            for x in reversed(c):
                v = v * k + x
            return v

        mats: list[tuple[Fraction, Fraction, Fraction, Fraction]] = []
        for k in range(steps):
            vals = []
            for num, den in ent:
                dv = ev(den, k)
                if dv == 0:
                    raise ValueError(f"matrix entry has a pole at step {k} of this trajectory")
                vals.append(ev(num, k) / dv)
            mats.append((vals[0], vals[1], vals[2], vals[3]))
        from .exact import matrix_product

        return matrix_product(mats)

    def limit(self, start: Sequence[Any], direction: Sequence[int], digits: int = 30,
              max_steps: int = 4096) -> CMFLimit:
        """The trajectory's limit m12/m22 of the product, doubling the steps until two agree.

        >>> import mpmath
        >>> v = cmf_pi().limit((1, 1), (1, 1), digits=15)
        >>> v.digits >= 15
        True
        """
        import mpmath

        dps = digits + 10
        steps, prev = 16, None
        with mpmath.workdps(dps):
            while True:
                m = self.walk(start, direction, steps)
                x = (mpmath.mpf(m[1].numerator) / m[1].denominator) / \
                    (mpmath.mpf(m[3].numerator) / m[3].denominator) if m[3] else mpmath.inf
                if prev is not None and mpmath.isfinite(x) and mpmath.isfinite(prev):
                    diff = abs(x - prev)
                    agree = dps if diff == 0 else max(0, int(-mpmath.log10(
                        diff / max(abs(x), mpmath.mpf(10) ** -dps))))
                    agree = min(agree, dps)
                    if agree >= digits or steps >= max_steps:
                        return CMFLimit(+x, agree, steps)
                elif steps >= max_steps:
                    return CMFLimit(None, 0, steps)
                prev, steps = x, steps * 2

    def identify_grid(self, directions: Sequence[Sequence[int]], constants: Sequence[str],
                      start: Sequence[Any] = (1, 1), digits: int = 30,
                      max_steps: int = 4096) -> list[Trajectory]:
        """Limits of trajectories from ``start`` in each direction, identified against constants.

        Each limit (``digits`` digits when the steps allow) is looked up among Möbius
        transforms (αc + β)/(γc + δ) of the constants (|coefficients| ≤ 8) and checked at its
        digits; ``formula`` is None when nothing matches.

        >>> [t.checked_digits >= 15 for t in cmf_e().identify_grid([(1, 0)], ["E"], digits=20)]
        [True]
        """
        return _identify(self, directions, constants, start, digits, max_steps)

    def as_pcf(self, start: Sequence[Any], direction: Sequence[int]) -> tuple[list, list]:
        """The PCF(a, b) (coefficients in n, lowest first) whose convergents the trajectory gives.

        With S(n) = [[s11, s12], [s21, s22]] the step matrix at move n (n = 0, 1, ...), the
        right column of the products satisfies z_{n+1} = A z_n + B z_{n−1},
        A = s22(n+1) + s11(n)·s12(n+1)/s12(n), B = −s12(n+1)·det S(n)/s12(n); scaling by
        c_n = s12(n) (an equivalence transform) makes them polynomials:
        a = s12(n)·s22(n+1) + s11(n)·s12(n+1), b = −s12(n−1)·s12(n+1)·det S(n), indexed so
        that p_m = a(m) p_{m−1} + b(m) p_{m−2}. The step matrix is first divided by the gcd of
        its entries; then every equivalence transform c(n) with c(n) | a(n) and
        c(n)·c(n−1) | b(n) (irreducible factors of a, and the integer content) is divided out,
        so no such transform can lower the degrees further. The zeta(3) field's diagonal
        through (0, 1) is Apéry's PCF with a negated:

        >>> cmf_zeta3().as_pcf((0, 1), (1, 1))     # -(34n^3 + 51n^2 + 27n + 5), -n^6
        ([-5, -27, -51, -34], [0, 0, 0, 0, 0, 0, -1])

        >>> cmf_e().as_pcf((1, 1), (1, 0))      # PCF(-n - 5, -n - 1)
        ([-5, -1], [-1, -1])
        """
        import sympy

        s, d = self._direction(start, direction)
        n = sympy.Symbol("n")
        m = self.step_matrix(d)
        pos = {a: sympy.Rational(v.numerator, v.denominator) + n * k
               for a, v, k in zip(self.axes, s, d)}
        S = m.subs(pos, simultaneous=True)
        s11, s12, s21, s22 = _without_common_factor([sympy.expand(S[i]) for i in range(4)], n)
        if s12 == 0:
            raise ValueError("step matrix has m12 = 0: the trajectory is not a continued fraction")
        det = sympy.expand(s11 * s22 - s12 * s21)
        a = sympy.expand(s12 * s22.subs(n, n + 1) + s11 * s12.subs(n, n + 1))
        b = sympy.expand(-s12.subs(n, n - 1) * s12.subs(n, n + 1) * det)
        # PCF index m = n + 1
        a, b = sympy.expand(a.subs(n, n - 1)), sympy.expand(b.subs(n, n - 1))
        a, b = _cancel(a, b, n)
        pa, pb = sympy.Poly(a, n), sympy.Poly(b, n)

        def coeffs(p: Any) -> list:
            out = []
            for c in reversed(p.all_coeffs()):
                c = sympy.Rational(c)
                out.append(int(c) if c.q == 1 else Fraction(int(c.p), int(c.q)))
            return out

        return coeffs(pa), coeffs(pb)


@dataclass(frozen=True)
class Trajectory:
    """A trajectory's limit and what it was identified as (Möbius transform of a constant)."""

    start: tuple
    direction: tuple
    value: Any
    digits: int
    formula: Any
    checked_digits: int


def _identify(self: CMF, directions: Sequence[Sequence[int]], constants: Sequence[str],
              start: Sequence[Any], digits: int, max_steps: int) -> list[Trajectory]:
    import mpmath
    import numpy as np

    from ._mobius import mobius_table

    table = mobius_table(list(constants), bound=8)
    out = []
    for d in directions:
        lim = self.limit(start, d, digits=digits, max_steps=max_steps)
        formula, checked = None, 0
        if lim.value is not None and lim.digits >= 12:
            with mpmath.workdps(lim.digits + 10):
                for h in table.lookup(np.array([float(lim.value)]), 1e-11)[0]:
                    diff = abs(lim.value - h.value(lim.digits + 10))
                    if diff <= abs(lim.value) * mpmath.mpf(10) ** (1 - lim.digits):
                        formula = h.formula
                        checked = lim.digits - 1
                        break
        out.append(Trajectory(tuple(start), tuple(d), lim.value, lim.digits, formula, checked))
    return out


def _without_common_factor(entries: list, n: Any) -> list:
    """The step matrix divided by the gcd of its entries (a scalar per step: same ratios)."""
    import sympy

    g = sympy.Integer(0)
    for e in entries:
        g = sympy.gcd(g, e) if e != 0 else g
    if g == 0 or sympy.degree(g, n) < 1:
        return entries
    return [sympy.expand(sympy.cancel(e / g)) for e in entries]


def _cancel(a: Any, b: Any, n: Any) -> tuple[Any, Any]:
    """The simplest equivalent PCF: divide by every c(n) with c(n) | a(n), c(n)·c(n−1) | b(n).

    Polynomial factors come from the irreducible factors of a over Q (each tried as often as
    it divides); then the integer content: denominators are cleared (c = D) and the largest
    whole k with k | a, k² | b is divided out. Equivalence transforms keep every convergent's
    tail: the limit changes by the factor c(0) at most.
    """
    import sympy

    changed = True
    while changed and a != 0:
        changed = False
        for f, _ in sympy.factor_list(a, n)[1]:
            if sympy.degree(f, n) < 1:
                continue
            q, r = sympy.div(b, sympy.expand(f * f.subs(n, n - 1)), n)
            if r == 0:
                a = sympy.quo(a, f, n)
                b = q
                changed = True
                break
    if a == 0 or b == 0:
        return a, b
    pa, pb = sympy.Poly(a, n), sympy.Poly(b, n)
    den = sympy.ilcm(*(sympy.Rational(c).q for c in pa.all_coeffs() + pb.all_coeffs()))
    if den != 1:  # c = den makes both integral: a·den, b·den²
        pa, pb = pa * den, pb * den**2
    ca = abs(sympy.igcd(*(int(c) for c in pa.all_coeffs())))
    cb = abs(sympy.igcd(*(int(c) for c in pb.all_coeffs())))
    k = 1
    for prime in sympy.factorint(sympy.igcd(ca, cb)):
        ea, eb = sympy.multiplicity(prime, ca), sympy.multiplicity(prime, cb)
        k *= prime ** min(ea, eb // 2)
    return sympy.expand(pa.as_expr() / k), sympy.expand(pb.as_expr() / k**2)


def cmf_e() -> CMF:
    """The CMF of e (Ramanujan Machine group): M_x = [[1, −y−1], [−1, x+y+2]], M_y = ...

    >>> cmf_e().is_conservative()
    True
    """
    return CMF({"x": [[1, "-y - 1"], [-1, "x + y + 2"]],
                "y": [[0, "-y - 1"], [-1, "x + y + 1"]]})


def cmf_pi() -> CMF:
    """The CMF of π: M_x = [[x, −x], [−y, 2x+y+1]], M_y = [[1+y, −x], [−1−y, x+2y+1]].

    >>> cmf_pi().is_conservative()
    True
    """
    return CMF({"x": [["x", "-x"], ["-y", "2*x + y + 1"]],
                "y": [["1 + y", "-x"], ["-1 - y", "x + 2*y + 1"]]})


def cmf_zeta3() -> CMF:
    """The CMF of ζ(3) (whose diagonal gives Apéry's continued fraction).

    >>> cmf_zeta3().is_conservative()
    True
    """
    return CMF({
        "x": [[0, "-x**3"], ["(x + 1)**3", "x**3 + (x + 1)**3 + 2*y*(y - 1)*(2*x + 1)"]],
        "y": [["-x**3 + 2*x**2*y - 2*x*y**2 + y**3", "-x**3"],
              ["x**3", "x**3 + 2*x**2*y + 2*x*y**2 + y**3"]],
    })
