"""The PCF value type: an interned, immutable polynomial continued fraction
a(0) + b(1)/(a(1) + ...).

>>> p = PCF("2n+1", "n^2")
>>> p is PCF([1, 2], [0, 0, 1])
True
>>> str(p), p.limit(digits=30).as_decimal()
('PCF(2n + 1, n^2)', '1.27323954473516268615107010698')
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, ClassVar, Self

from ..errors import DomainError
from .polynomial import Poly, as_poly

__all__ = ["PCF"]


class PCF:
    """A polynomial continued fraction a(0) + b(1)/(a(1) + b(2)/(a(2) + ...)).

    ``a`` and ``b`` are polynomials in n (:class:`~emlkit.pcf.Poly`), given as text
    (``"2n+1"``), SymPy expressions, ints or coefficient lists lowest degree first. Values are
    interned: building the same PCF twice returns the same object, so ``is`` is equality.
    Depth n means the convergent p_n/q_n with p_n = a(n) p_{n-1} + b(n) p_{n-2},
    p_{-1} = 1, p_0 = a(0), q_{-1} = 0, q_0 = 1.

    Parameters
    ----------
    a, b : str, sympy.Expr, int, Fraction, list or Poly
        The partial denominators a(n) (n ≥ 0) and numerators b(n) (n ≥ 1).

    Raises
    ------
    ParseError
        Malformed polynomial text (with the position).
    DomainError
        Non-rational coefficients, or both polynomials zero.

    Examples
    --------
    >>> p = PCF("34n^3+51n^2+27n+5", "-n^6")        # 6/zeta(3)
    >>> print(p.a, "|", p.b)
    34n^3 + 51n^2 + 27n + 5 | -n^6
    >>> p.convergents([1, 2])
    [Fraction(584, 117), Fraction(312120, 62531)]
    >>> PCF(1, 1).limit(digits=15).as_decimal()    # golden ratio
    '1.61803398874989'
    """

    __slots__ = ("__weakref__", "_hash", "a", "b")
    _pool: ClassVar[weakref.WeakValueDictionary[tuple[Any, Any], PCF]] = (
        weakref.WeakValueDictionary())
    a: Poly
    b: Poly
    _hash: int

    def __new__(cls, a: Any, b: Any) -> Self:
        _same_symbol(a, b)
        pa, pb = as_poly(a), as_poly(b)
        if pa.is_zero and pb.is_zero:
            raise DomainError("both polynomials a and b are zero: the fraction is empty")
        key = (pa.coeffs, pb.coeffs)
        hit = cls._pool.get(key)
        if hit is not None:
            return hit  # type: ignore[return-value]
        self = object.__new__(cls)
        object.__setattr__(self, "a", pa)
        object.__setattr__(self, "b", pb)
        object.__setattr__(self, "_hash", hash(("PCF", key)))
        cls._pool[key] = self
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("PCF is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("PCF is immutable")

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other

    def __reduce__(self) -> tuple[Any, ...]:
        return (PCF, (list(self.a.coeffs), list(self.b.coeffs)))

    # ------------------------------------------------------------- exact values

    def convergents(self, depths: int | Iterable[int]) -> list[Fraction | None]:
        """Exact convergents p_n/q_n at the given depths (None where q_n = 0).

        >>> PCF("n+3", "-n").convergents(range(4))
        [Fraction(3, 1), Fraction(11, 4), Fraction(49, 18), Fraction(87, 32)]
        """
        from .exact import convergents

        return convergents(self, depths)

    def pq(self, depth: int) -> tuple[Any, Any, Any, Any]:
        """(p_{n-1}, p_n, q_{n-1}, q_n) at depth n; see :func:`emlkit.pcf.exact.pq`.

        >>> [int(x) for x in PCF(1, 1).pq(4)]
        [5, 8, 3, 5]
        """
        from .exact import pq

        return pq(self, depth)

    def limit(self, digits: int = 50, max_depth: int | None = None) -> Any:
        """The limit with the number of digits that are correct, as a :class:`Limit` record.

        See :func:`emlkit.pcf.limit.limit` for the method and the statuses.

        >>> print(PCF("6n+3", "-n^2").limit(digits=20))   # 2/ln 2
        2.8853900817779268147 (20 digits, proven by an arb ball, depth 16)
        """
        from .limit import limit

        return limit(self, digits=digits, max_depth=max_depth)

    # ------------------------------------------------------------- delegation

    def dynamics(self, *args: Any, **kwargs: Any) -> Any:
        """Convergence dynamics (δ, rates, fits); delegates to ``emlkit.pcf.dynamics``."""
        from .dynamics import dynamics

        return dynamics(self, *args, **kwargs)

    def identify(self, digits: int = 50, max_depth: int | None = None, **kwargs: Any) -> Any:
        """Closed forms of the limit; delegates to ``emlkit.identify.identify``.

        A limit of 0 (to ``digits`` decimal places, :attr:`Limit.is_zero`) is answered by
        the rational 0, with a note that only |L| < 10^-digits is shown; a terminating
        fraction by its exact rational value (``Limit.exact``).

        >>> print(PCF("n", "n^2 - 4").identify().best.text)
        -3
        """
        from ..identify import identify

        lim = self.limit(digits=digits, max_depth=max_depth)
        if lim.is_zero:
            from ._zero_identity import zero_identifications

            return zero_identifications(lim)
        if lim.status == "terminating" and lim.exact is not None:
            return identify(lim.exact, **kwargs)
        return identify(lim, **kwargs)

    # ------------------------------------------------------------- printing

    def to_latex(self, terms: int = 3) -> str:
        """LaTeX: the first ``terms`` levels with ``\\cfrac``, ``\\cdots`` and the general term.

        >>> print(PCF("2n+1", "n^2").to_latex(terms=2))
        1 + \\cfrac{1}{3 + \\cfrac{4}{5 + \\cdots + \\cfrac{n^{2}}{2n + 1 + \\cdots}}}
        """
        from ._printing import to_latex

        return to_latex(self, terms)

    def _repr_latex_(self) -> str:
        return "$\\displaystyle " + self.to_latex() + "$"

    def to_sympy(self, depth: int = 4) -> Any:
        """The finite fraction to ``depth`` as an unevaluated SymPy expression.

        >>> import sympy
        >>> e = PCF("2n+1", "n^2").to_sympy(2)
        >>> sympy.sstr(e, order="none"), e.doit()
        ('1 + 1/(3 + 4/5)', 24/19)
        """
        from ._printing import to_sympy

        return to_sympy(self, depth)

    def __str__(self) -> str:
        return f"PCF({self.a}, {self.b})"

    def __repr__(self) -> str:
        return f"PCF({str(self.a)!r}, {str(self.b)!r})"


def _same_symbol(a: Any, b: Any) -> None:
    """Refuse SymPy expressions for a and b written in different symbols (x and n).

    >>> import sympy
    >>> _same_symbol(sympy.Symbol("x") * 2 + 1, sympy.Symbol("n") ** 2)
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: a and b are in different symbols (n and x): write both in one
    """
    symbols = set()
    for value in (a, b):
        free = getattr(value, "free_symbols", None)
        if free and not isinstance(value, (str, int, Fraction)):
            symbols.add(frozenset(free))
    names = sorted({str(x) for group in symbols for x in group})
    if len(symbols) > 1 and len(names) > 1:
        raise DomainError(f"a and b are in different symbols ({' and '.join(names)}): "
                          "write both in one")
