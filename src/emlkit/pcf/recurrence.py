"""Order-2 linear recurrences c2(n) u_n = c1(n) u_{n-1} + c0(n) u_{n-2} and their PCFs.

A PCF(a, b) is the recurrence with c2 = 1, c1 = a, c0 = b: p_n and q_n are its solutions
from (p_{-1}, p_0) = (1, a(0)) and (q_{-1}, q_0) = (0, 1). The other way, the equivalence
transform with factors c2(k) turns any such recurrence into PCF(c1(n), c2(n-1) c0(n)), whose
p_n / ∏_{k=1}^{n} c2(k) and q_n / ∏ c2(k) solve the recurrence from the same start.

>>> r = Recurrence("n", "2n+1", "n")        # n u_n = (2n + 1) u_{n-1} + n u_{n-2}
>>> r.to_pcf()
PCF('2n + 1', 'n^2 - n')
>>> Recurrence.from_pcf(PCF("2n+1", "n^2")).to_pcf() is PCF("2n+1", "n^2")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import DomainError
from .pcf import PCF
from .polynomial import Poly, as_poly

__all__ = ["Recurrence"]


@dataclass(frozen=True, init=False)
class Recurrence:
    """c2(n) u_n = c1(n) u_{n-1} + c0(n) u_{n-2} for n ≥ 1, with polynomial coefficients.

    Parameters
    ----------
    c2, c1, c0 : str, list, int, SymPy expression or Poly
        The coefficient polynomials in n (as accepted by :class:`~emlkit.pcf.Poly`).

    Raises
    ------
    DomainError
        c2 is zero at some integer n ≥ 1 (u_n would be undefined there), or c1 and c0 are
        both zero.

    Examples
    --------
    >>> r = Recurrence(1, 1, 1)                    # Fibonacci
    >>> r.solution(0, 1, 6)
    [1, 1, 2, 3, 5, 8, 13]
    >>> print(r)
    u(n) = u(n-1) + u(n-2)
    """

    c2: Poly
    c1: Poly
    c0: Poly

    def __init__(self, c2: Any, c1: Any, c0: Any) -> None:
        p2, p1, p0 = as_poly(c2), as_poly(c1), as_poly(c0)
        if p2.is_zero:
            raise DomainError("c2 is the zero polynomial: u_n is never determined")
        roots = p2.integer_roots(1)
        if roots:
            raise DomainError(f"c2({roots[0]}) = 0: u_{roots[0]} is not determined by the "
                              "recurrence")
        if p1.is_zero and p0.is_zero:
            raise DomainError("c1 and c0 are both zero: the recurrence is trivial")
        object.__setattr__(self, "c2", p2)
        object.__setattr__(self, "c1", p1)
        object.__setattr__(self, "c0", p0)

    @classmethod
    def from_pcf(cls, pcf: PCF) -> Recurrence:
        """The recurrence u_n = a(n) u_{n-1} + b(n) u_{n-2} of a PCF's convergents.

        >>> print(Recurrence.from_pcf(PCF("n+3", "-n")))
        u(n) = (n + 3) u(n-1) - n u(n-2)
        """
        return cls(1, pcf.a, pcf.b)

    def to_pcf(self) -> PCF:
        """PCF(c1(n), c2(n-1) c0(n)); equal to the recurrence's own PCF when c2 = 1.

        Its limit is lim u_n / v_n for the solutions with (u_{-1}, u_0) = (1, c1(0)) and
        (v_{-1}, v_0) = (0, 1) (see the module docstring).

        >>> Recurrence("n+1", "3n+2", "-n").to_pcf()
        PCF('3n + 2', '-n^2')
        """
        return PCF(self.c1, self.c2.shift(-1) * self.c0)

    def solution(self, u_minus1: Any, u_0: Any, depth: int) -> list[Any]:
        """[u_0, u_1, ..., u_depth] from u_{-1} and u_0, exactly (ints or Fractions).

        >>> Recurrence("n", "2n+1", "n").solution(0, 1, 3)
        [1, 3, Fraction(17, 2), Fraction(137, 6)]
        """
        if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
            raise DomainError(f"depth {depth!r} is not a non-negative integer")
        prev, cur = Fraction(u_minus1), Fraction(u_0)
        out: list[Any] = [_tidy(cur)]
        for n in range(1, depth + 1):
            nxt = (self.c1(n) * cur + self.c0(n) * prev) / Fraction(self.c2(n))
            prev, cur = cur, nxt
            out.append(_tidy(cur))
        return out

    def limit(self, digits: int = 50, max_depth: int | None = None) -> Any:
        """The limit of the ratio of solutions: ``self.to_pcf().limit(...)``.

        >>> print(Recurrence(1, "2n+1", "n^2").limit(digits=10))
        1.273239545 (10 digits, proven by an arb ball, depth 16)
        """
        return self.to_pcf().limit(digits=digits, max_depth=max_depth)

    def __str__(self) -> str:
        def term(p: Poly, u: str) -> str:
            text = str(p)
            if text == "1":
                return u
            if text == "-1":
                return "-" + u
            bare = p.degree == 0 or len([c for c in p.coeffs if c != 0]) == 1
            return f"{text} {u}" if bare else f"({text}) {u}"

        lhs = term(self.c2, "u(n)")
        parts = [term(self.c1, "u(n-1)")] if not self.c1.is_zero else []
        if not self.c0.is_zero:
            t = term(self.c0, "u(n-2)")
            parts.append(("- " + t[1:]) if t.startswith("-") else ("+ " + t))
        rhs = " ".join(parts)
        rhs = rhs.removeprefix("+ ")
        return f"{lhs} = {rhs}"


def _tidy(x: Fraction) -> Any:
    return int(x) if x.denominator == 1 else x
