"""Compiler: a formula (text or SymPy) → a pure EML expression over ``1``, variables and ``eml``.

>>> import emlkit as ek
>>> ek.compile("x - y").K
11
"""

from __future__ import annotations

from numbers import Number
from typing import Any

from ..expr import Expr
from .formula import from_sympy, parse_formula
from .lowering import DOMAINS, lower

__all__ = ["DOMAINS", "compile"]


def compile(source: Any, *, domain: str = "strip") -> Expr:
    """Compile a formula into pure EML.

    Parameters
    ----------
    source : str, sympy.Expr, int, float, Fraction or Expr
        Calculator notation such as ``"sin(x)^2 + log(y, 2)"`` (``pi``, ``e``, ``i`` and ``inf``
        are the constants; ``log(x, b)`` is log base b), a SymPy expression or a number (an
        :class:`~emlkit.Expr` comes back as it is).
    domain : {"strip", "plane"}, default "strip"
        Where the result must be correct. ``"strip"``: every real input (either sign, cuts
        approached from above) and complex inputs with ``|Im| < π``. ``"plane"``: every complex
        input; additive steps then use longer forms (see the user guide).

    Returns
    -------
    Expr
        A hash-consed DAG; shared subterms are shared objects. Exact evaluation (mpmath, arb)
        gives the function at every magnitude; float64 evaluation (NumPy, torch, generated
        code) is accurate to 1e-12 only over the range the compiler states per basis function
        (:func:`emlkit.float64_range`, e.g. ``sinh`` up to 350; tables in ``docs/accuracy.md``),
        which also says which exported trees stay right under plain C99 ``cexp``/``clog``.
        Compile time is linear in the size of the formula.

    Raises
    ------
    ParseError
        Malformed text (with line and column).
    UnsupportedError
        A function outside the elementary basis, e.g. ``gamma(x)``.
    TypeError
        ``source`` of any other type (``None``, ``bytes``, ...), naming the accepted types.

    Examples
    --------
    >>> import emlkit as ek
    >>> f = ek.compile("exp(x)")
    >>> str(f)
    'eml(x, 1)'
    >>> ek.compile("ln(x)").K
    7
    >>> ek.compile(None)
    Traceback (most recent call last):
    ...
    TypeError: compile() takes a str, SymPy expression, number or Expr, not NoneType
    """
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}: expected one of {', '.join(DOMAINS)}")
    if isinstance(source, Expr):
        return source
    if isinstance(source, str):
        ast = parse_formula(source)
    elif _is_sympy(source) or (isinstance(source, Number) and not isinstance(source, bool)):
        ast = from_sympy(source)
    else:
        hint = " (decode it first)" if isinstance(source, (bytes, bytearray)) else ""
        raise TypeError(f"compile() takes a str, SymPy expression, number or Expr, "
                        f"not {type(source).__name__}{hint}")
    return lower(ast, domain)


def _is_sympy(value: Any) -> bool:
    """A SymPy object, told without importing SymPy when it is not loaded."""
    import sys

    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic)
