"""Immutable polynomials in n with integer or rational coefficients, parsed from text or SymPy.

>>> p = Poly("34n^3 + 51n^2 + 27n + 5")
>>> p.coeffs, p.degree, p(1)
((5, 27, 51, 34), 3, 117)
>>> str(Poly("n(n+2)")), str(Poly([1, 2])), str(Poly("-n*(2n-1)"))
('n^2 + 2n', '2n + 1', '-2n^2 + n')
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from ..errors import DomainError

__all__ = ["MAX_DEGREE", "Coefficient", "Poly"]

Coefficient = int | Fraction
#: The largest degree a parsed or constructed polynomial may have.
MAX_DEGREE = 1000


def _norm(c: Any) -> Coefficient:
    """An exact coefficient as int when integral, else Fraction; anything else is refused."""
    if isinstance(c, bool):
        raise DomainError(f"coefficient {c!r} is a bool, not a number")
    if isinstance(c, int):
        return int(c)
    if isinstance(c, Fraction):
        return int(c) if c.denominator == 1 else c
    try:  # SymPy Integer / Rational, flint fmpz / fmpq
        import sympy

        if isinstance(c, sympy.Basic):
            if not c.is_Rational:
                raise DomainError(f"coefficient {c} is not an integer or a rational number")
            return _norm(Fraction(int(c.p), int(c.q)))
    except ImportError:  # pragma: no cover - SymPy is a dependency
        pass
    if type(c).__module__.startswith("flint"):
        return _norm(Fraction(str(c)))
    raise DomainError(f"coefficient {c!r} is not an integer or a rational number "
                      "(write rationals as Fraction or text such as '3n/2')")


class Poly:
    """An immutable polynomial in ``n`` with integer or rational coefficients.

    Build one from text (``"2n+1"``, ``"n^2"``, ``"n(n+2)"``, ``"-n*(2n-1)"``,
    ``"2*n**2 - 1"``, ``"3n/2"``), a SymPy expression in one symbol, an int or a Fraction, or
    a list of coefficients **lowest degree first** (``[1, 2]`` is 1 + 2n, as in
    ``numpy.polynomial``).

    Attributes
    ----------
    coeffs : tuple of int or Fraction
        Coefficients, lowest degree first, without trailing zeros (``()`` for the zero
        polynomial). Integral values are ints.
    degree : int
        The degree (-1 for the zero polynomial).

    Raises
    ------
    ParseError
        Malformed text, with the position: ``"2n++1"``, ``"n^-1"``, ``"x+1"``, ``""``.
    DomainError
        A coefficient that is not an integer or a rational number (``1.5``, ``pi``).

    Examples
    --------
    >>> Poly("2*n**2 - 1") == Poly([-1, 0, 2])
    True
    >>> Poly("3n/2 + 1/2")(3)
    5
    >>> Poly("n^2").to_sympy()
    n**2
    """

    __slots__ = ("_hash", "coeffs", "degree")
    coeffs: tuple[Coefficient, ...]
    degree: int
    _hash: int

    def __init__(self, source: Any = 0) -> None:
        if isinstance(source, Poly):
            coeffs: tuple[Coefficient, ...] = source.coeffs
        elif isinstance(source, str):
            from ._poly_text import parse

            coeffs = parse(source)
        elif isinstance(source, (int, Fraction)) and not isinstance(source, bool):
            coeffs = (_norm(source),)
        elif isinstance(source, (list, tuple)):
            coeffs = tuple(_norm(c) for c in source)
        else:
            coeffs = _from_sympy(source)
        end = len(coeffs)
        while end and coeffs[end - 1] == 0:
            end -= 1
        coeffs = coeffs[:end]
        if len(coeffs) - 1 > MAX_DEGREE:
            raise DomainError(f"degree {len(coeffs) - 1} is above the limit {MAX_DEGREE}")
        object.__setattr__(self, "coeffs", coeffs)
        object.__setattr__(self, "degree", len(coeffs) - 1)
        object.__setattr__(self, "_hash", hash(("Poly", coeffs)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Poly is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Poly is immutable")

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Poly):
            return self.coeffs == other.coeffs
        if isinstance(other, (int, Fraction)) and not isinstance(other, bool):
            return self.coeffs == Poly(other).coeffs
        return NotImplemented

    def __reduce__(self) -> tuple[Any, ...]:
        return (Poly, (list(self.coeffs),))

    # ------------------------------------------------------------- values

    def __call__(self, n: Any) -> Any:
        """The exact value at ``n`` (Horner's rule; ints stay ints).

        >>> Poly("n^2 - n")(10**30)
        999999999999999999999999999999000000000000000000000000000000
        """
        acc: Any = 0
        for c in reversed(self.coeffs):
            acc = acc * n + c
        if isinstance(acc, Fraction) and acc.denominator == 1:
            return int(acc)
        return acc

    @property
    def is_zero(self) -> bool:
        """True for the zero polynomial.

        >>> Poly(0).is_zero, Poly("n").is_zero
        (True, False)
        """
        return not self.coeffs

    @property
    def is_integral(self) -> bool:
        """True when every coefficient is an integer.

        >>> Poly("n/2").is_integral
        False
        """
        return all(isinstance(c, int) for c in self.coeffs)

    @property
    def denominator(self) -> int:
        """The least common denominator of the coefficients (1 for integer polynomials).

        >>> Poly("n/2 + 1/3").denominator
        6
        """
        from math import lcm

        return lcm(1, *(c.denominator for c in self.coeffs if isinstance(c, Fraction)))

    def integer_roots(self, start: int = 1) -> list[int]:
        """The integers ``k >= start`` with p(k) = 0, in increasing order.

        Found from the linear factors of p over the integers (python-flint, else SymPy), so
        huge coefficients and roots cost no divisor search.

        >>> Poly("n^2 - 5n + 6").integer_roots(), Poly(0).integer_roots()
        ([2, 3], [])
        >>> Poly([-10**40, 1]).integer_roots() == [10**40]
        True
        """
        if self.is_zero or self.degree == 0:
            return []
        ints = [int(c) for c in (self * self.denominator).coeffs]
        low = next(i for i, c in enumerate(ints) if c != 0)
        roots: list[int] = [0] if low else []
        ints = ints[low:]  # n^low divides p: 0 is a root, the rest are roots of the quotient
        if len(ints) == 1:
            return sorted(k for k in roots if k >= start)
        if len(ints) == 2:  # c0 + c1 n
            if ints[0] % ints[1] == 0:
                roots.append(-ints[0] // ints[1])
            return sorted(k for k in set(roots) if k >= start)
        try:
            from flint import fmpz_poly
        except ImportError:  # pragma: no cover - python-flint is optional
            import sympy

            x = sympy.Symbol("x")
            poly = sympy.Poly(sum(c * x**i for i, c in enumerate(ints)), x)
            roots = [int(r) for r in poly.ground_roots() if r.is_integer]
        else:
            for factor, _ in fmpz_poly(ints).factor()[1]:
                c = factor.coeffs()
                if len(c) == 2 and abs(int(c[1])) == 1:
                    roots.append(-int(c[0]) * int(c[1]))
        return sorted(k for k in set(roots) if k >= start)

    def eventually_positive_from(self) -> int | None:
        """The least k0 >= 1 with p(k) > 0 for every integer k >= k0 (None if none exists).

        >>> Poly("n^2 - 5n + 5").eventually_positive_from(), Poly("-n").eventually_positive_from()
        (4, None)
        """
        if self.is_zero or self.coeffs[-1] < 0:
            return None
        # Cauchy's bound: every real root is below 1 + max |c_i / c_lead|
        lead = self.coeffs[-1]
        bound = 1 + int(max((abs(Fraction(c) / lead) for c in self.coeffs[:-1]), default=0)) + 1
        k0 = bound
        while k0 > 1 and self(k0 - 1) > 0:
            k0 -= 1
        return k0

    # ------------------------------------------------------------- algebra

    def __add__(self, other: Any) -> Poly:
        o = other if isinstance(other, Poly) else Poly(other)
        m = max(len(self.coeffs), len(o.coeffs))
        a = self.coeffs + (0,) * (m - len(self.coeffs))
        b = o.coeffs + (0,) * (m - len(o.coeffs))
        return Poly([_norm(Fraction(x) + y) for x, y in zip(a, b)])

    __radd__ = __add__

    def __neg__(self) -> Poly:
        return Poly([-c for c in self.coeffs])

    def __sub__(self, other: Any) -> Poly:
        return self + (-(other if isinstance(other, Poly) else Poly(other)))

    def __rsub__(self, other: Any) -> Poly:
        return Poly(other) - self

    def __mul__(self, other: Any) -> Poly:
        o = other if isinstance(other, Poly) else Poly(other)
        if self.is_zero or o.is_zero:
            return Poly(0)
        out: list[Any] = [0] * (len(self.coeffs) + len(o.coeffs) - 1)
        for i, x in enumerate(self.coeffs):
            for j, y in enumerate(o.coeffs):
                out[i + j] += x * y
        return Poly([_norm(Fraction(c)) for c in out])

    __rmul__ = __mul__

    def __pow__(self, k: int) -> Poly:
        if not isinstance(k, int) or k < 0:
            raise DomainError(f"exponent {k!r} is not a non-negative integer")
        if self.degree * k > MAX_DEGREE:
            raise DomainError(f"degree {self.degree * k} is above the limit {MAX_DEGREE}")
        out, base = Poly(1), self
        while k:
            if k & 1:
                out = out * base
            k >>= 1
            if k:
                base = base * base
        return out

    def shift(self, k: int) -> Poly:
        """The polynomial n -> p(n + k).

        >>> str(Poly("n^2").shift(1))
        'n^2 + 2n + 1'
        """
        out, step = Poly(0), Poly([k, 1])
        for c in reversed(self.coeffs):
            out = out * step + c
        return out

    # ------------------------------------------------------------- printing

    def to_sympy(self, symbol: Any = None) -> Any:
        """The polynomial as a SymPy expression in ``n`` (or in ``symbol``).

        >>> Poly("n/2 + 1").to_sympy()
        n/2 + 1
        """
        import sympy

        n = sympy.Symbol("n") if symbol is None else symbol
        return sympy.Add(*(sympy.Rational(c.numerator, c.denominator) * n**i
                           for i, c in enumerate(self.coeffs)))

    def to_latex(self) -> str:
        """LaTeX text, e.g. ``34n^{3} + 51n^{2} + 27n + 5`` or ``\\frac{3}{2}n``.

        >>> Poly("3n/2 - n^10").to_latex()
        '-n^{10} + \\\\frac{3}{2}n'
        """
        return _format(self.coeffs, latex=True)

    def __str__(self) -> str:
        return _format(self.coeffs, latex=False)

    def __repr__(self) -> str:
        return f"Poly({str(self)!r})"


def _format(coeffs: tuple[Coefficient, ...], latex: bool) -> str:
    if not coeffs:
        return "0"
    parts: list[str] = []
    for i in range(len(coeffs) - 1, -1, -1):
        c = Fraction(coeffs[i])
        if c == 0:
            continue
        sign = "-" if c < 0 else "+"
        c = abs(c)
        mono = "" if i == 0 else ("n" if i == 1 else (f"n^{{{i}}}" if latex else f"n^{i}"))
        num, den = c.numerator, c.denominator
        if den == 1:
            body = mono if (num == 1 and mono) else f"{num}{mono}"
        elif latex:
            body = f"\\frac{{{num}}}{{{den}}}{mono}"
        else:
            body = (mono if (num == 1 and mono) else f"{num}{mono}") + f"/{den}"
        parts.append(f"{sign} {body}")
    text = " ".join(parts)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def _from_sympy(expr: Any) -> tuple[Coefficient, ...]:
    try:
        import sympy
    except ImportError:  # pragma: no cover
        raise DomainError(f"cannot read {expr!r} as a polynomial") from None
    if not isinstance(expr, sympy.Basic):
        raise DomainError(f"cannot read a {type(expr).__name__} as a polynomial in n "
                          "(give text, a SymPy expression, an int or a coefficient list)")
    free = sorted(expr.free_symbols, key=str)
    if len(free) > 1:
        raise DomainError(f"{expr} has several variables ({', '.join(map(str, free))}); "
                          "a polynomial in one variable n is expected")
    if not free:
        return (_norm(expr),)
    try:
        poly = sympy.Poly(expr, free[0])
    except sympy.PolynomialError:
        raise DomainError(f"{expr} is not a polynomial in {free[0]}") from None
    if poly.degree() > MAX_DEGREE:
        raise DomainError(f"degree {poly.degree()} is above the limit {MAX_DEGREE}")
    return tuple(_norm(c) for c in reversed(poly.all_coeffs()))


def as_poly(value: Any) -> Poly:
    """``value`` as a :class:`Poly` (a Poly is returned as it is).

    >>> as_poly("n+1") == as_poly([1, 1])
    True
    """
    return value if isinstance(value, Poly) else Poly(value)


def polys(values: Iterable[Any]) -> tuple[Poly, ...]:
    """Several values as Polys.

    >>> [str(p) for p in polys(["n", 3])]
    ['n', '3']
    """
    return tuple(as_poly(v) for v in values)
