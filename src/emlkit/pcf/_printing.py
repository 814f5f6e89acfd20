"""LaTeX and SymPy pictures of a PCF: the first levels, the general term and the finite fraction."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..errors import DomainError

if TYPE_CHECKING:
    from .pcf import PCF

__all__ = ["MAX_SYMPY_DEPTH", "to_latex", "to_sympy"]

#: The deepest finite fraction :func:`to_sympy` builds (SymPy prints nested trees recursively).
MAX_SYMPY_DEPTH = 200


def _num(x: Any) -> str:
    x = Fraction(x)
    return str(x.numerator) if x.denominator == 1 else f"\\frac{{{x.numerator}}}{{{x.denominator}}}"


def _join(head: str, numerator: Fraction, body: str) -> str:
    sign = "-" if numerator < 0 else "+"
    return f"{head} {sign} \\cfrac{{{_num(abs(numerator))}}}{{{body}}}"


def to_latex(pcf: PCF, terms: int = 3) -> str:
    """LaTeX of the first ``terms`` levels, then ``\\cdots`` and the general level b(n)/a(n).

    >>> from emlkit.pcf import PCF
    >>> to_latex(PCF("n+3", "-n"), 1)
    '3 - \\\\cfrac{1}{4 + \\\\cdots - \\\\cfrac{n}{n + 3 + \\\\cdots}}'
    """
    if isinstance(terms, bool) or not isinstance(terms, int) or terms < 0:
        raise DomainError(f"terms {terms!r} is not a non-negative integer")
    b = pcf.b
    negative = not b.is_zero and all(c <= 0 for c in b.coeffs)
    general_b = (-b if negative else b).to_latex()
    inner = f"{pcf.a.to_latex()} + \\cdots"
    tail = f"\\cdots {'-' if negative else '+'} \\cfrac{{{general_b}}}{{{inner}}}"
    body = f"{_num(pcf.a(terms))} + {tail}"
    for k in range(terms, 0, -1):
        body = _join(_num(pcf.a(k - 1)), Fraction(pcf.b(k)), body)
    return body


def to_sympy(pcf: PCF, depth: int = 4) -> Any:
    """The finite fraction a(0) + b(1)/(a(1) + ... + b(depth)/a(depth)), unevaluated SymPy.

    ``expr.doit()`` evaluates it to the rational convergent p_depth/q_depth. SymPy's printer
    sorts the terms of a sum; ``sympy.sstr(expr, order="none")`` keeps the written order.

    >>> import sympy
    >>> from emlkit.pcf import PCF
    >>> e = to_sympy(PCF(1, 1), 3)
    >>> sympy.sstr(e, order="none"), e.doit()
    ('1 + 1/(1 + 1/(1 + 1/1))', 5/3)
    """
    import sympy

    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise DomainError(f"depth {depth!r} is not a non-negative integer")
    if depth > MAX_SYMPY_DEPTH:
        raise DomainError(f"depth {depth} is above the limit {MAX_SYMPY_DEPTH} for SymPy")

    def rat(x: Any) -> Any:
        x = Fraction(x)
        return sympy.Rational(x.numerator, x.denominator)

    expr = rat(pcf.a(depth))
    for k in range(depth, 0, -1):
        frac = sympy.Mul(rat(pcf.b(k)), sympy.Pow(expr, -1, evaluate=False), evaluate=False)
        expr = sympy.Add(rat(pcf.a(k - 1)), frac, evaluate=False)
    return expr
