"""Compiler: a formula (text or SymPy) → a pure EML expression over ``1``, variables and ``eml``.

>>> import emlkit as ek
>>> ek.compile("x - y").K
11
"""

from __future__ import annotations

from typing import Any

from ..expr import Expr
from .formula import from_sympy, parse_formula
from .lowering import DOMAINS, lower

__all__ = ["DOMAINS", "compile"]


def compile(source: Any, *, domain: str = "strip") -> Expr:
    """Compile a formula into pure EML.

    Parameters
    ----------
    source : str or sympy.Expr
        Calculator notation such as ``"sin(x)^2 + log(y, 2)"`` (``pi``, ``e``, ``i`` are the
        constants; ``log(x, b)`` is log base b) or a SymPy expression.
    domain : {"strip", "plane"}, default "strip"
        Where the result must be correct. ``"strip"``: every real input (either sign, cuts
        approached from above) and complex inputs with ``|Im| < π``. ``"plane"``: every complex
        input; additive steps then use longer forms (see the user guide).

    Returns
    -------
    Expr
        A hash-consed DAG; shared subterms are shared objects. Exact evaluation (mpmath, arb)
        gives the function at every magnitude; float64 evaluation (NumPy, torch, generated
        code) is accurate to 1e-12 only over the ranges listed per basis function in
        ``docs/accuracy.md`` (e.g. ``x + y`` for magnitudes 1e-8 … 1e8, ``sinh`` up to 354.9),
        which also says which exported trees stay right under plain C99 ``cexp``/``clog``.
        Compile time is linear in the size of the formula.

    Raises
    ------
    ParseError
        Malformed text (with line and column).
    UnsupportedError
        A function outside the elementary basis, e.g. ``gamma(x)``.

    Examples
    --------
    >>> import emlkit as ek
    >>> f = ek.compile("exp(x)")
    >>> str(f)
    'eml(x, 1)'
    >>> ek.compile("ln(x)").K
    7
    """
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}: expected one of {', '.join(DOMAINS)}")
    if isinstance(source, Expr):
        return source
    if isinstance(source, str):
        ast = parse_formula(source)
    else:
        ast = from_sympy(source)
    return lower(ast, domain)
