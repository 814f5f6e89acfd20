"""Decompiler: EML → readable SymPy.

Two passes over the DAG, both iterative:

1. **Recognition.** Every node is evaluated at a few generic complex points. A node whose
   values equal a known operation (exp, log, sin, …, +, −, ×, ÷, ^, hypot, …) applied to nodes
   already recognised — or a recognisable constant — gets that readable form. Lookup is by a
   hash of the rounded value vector, so a DAG of thousands of nodes decompiles in well under a
   second.
2. **Fallback.** Nodes not recognised are written literally as ``exp(a) − log(b)`` and the
   result is simplified by SymPy with the variables taken positive (for readability; the exact
   meaning of a tree is always its EML form).

>>> import emlkit as ek
>>> ek.decompile(ek.compile("sin(x) + y/2"))
y/2 + sin(x)
>>> ek.to_sympy(ek.parse("eml(x, 1)"))
exp(x)
"""

from __future__ import annotations

from typing import Any

from ..backends.walk import make_plan, run
from ..expr import Eml, Expr
from .subforms import recognize_nodes

__all__ = ["decompile", "powers_readable", "to_sympy"]


def to_sympy(expr: Expr, *, positive: bool = False) -> Any:
    """The literal SymPy reading of a tree: every ``eml(a, b)`` becomes ``exp(a) - log(b)``.

    Parameters
    ----------
    expr : Expr
    positive : bool, default False
        Create the variables as positive symbols (SymPy then simplifies ``log(exp(x))``).

    Examples
    --------
    >>> import emlkit as ek
    >>> ek.to_sympy(ek.parse("eml(1, eml(eml(1, x), 1))"))
    E - log(exp(E)/x)
    """
    import sympy

    syms = {n: sympy.Symbol(n, positive=True) if positive else sympy.Symbol(n)
            for n in expr.free_vars}
    return run(make_plan(expr, fold_constants=False), _SympyOps(), syms)


class _SympyOps:
    """Ops object of the one DAG walk (:mod:`emlkit.backends._walk`) for the symbolic reading:
    ``eml(a, b) = exp(a) - log(b)``; with ``known`` forms (by node id) and exact constants."""

    def __init__(
        self, known: dict[int, Any] | None = None, pos: dict[str, Any] | None = None
    ) -> None:
        self.known = known or {}
        self.pos = pos or {}

    def one(self) -> Any:
        import sympy

        return sympy.Integer(1)

    def constant(self, node: Expr) -> Any:
        if id(node) in self.known:
            return self.known[id(node)].xreplace(self.pos)
        return self.one() if not isinstance(node, Eml) else _exact_constant(node)

    def eml(self, node: Expr, a: Any, b: Any, free_a: bool, free_b: bool) -> Any:
        import sympy

        if id(node) in self.known:
            return self.known[id(node)].xreplace(self.pos)
        return sympy.exp(a) - sympy.log(b)


def decompile(expr: Expr, *, simplify: bool = True) -> Any:
    """A readable SymPy expression equal to ``expr`` (near generic points of the strip).

    Parameters
    ----------
    expr : Expr
        Any EML expression, e.g. the output of :func:`emlkit.compile`.
    simplify : bool, default True
        Run SymPy's ``simplify`` on parts that recognition did not name.

    Returns
    -------
    sympy.Expr
        Variables are plain SymPy symbols with the tree's variable names.

    Examples
    --------
    >>> import emlkit as ek
    >>> ek.decompile(ek.compile("2*sinh(x)"))
    2*sinh(x)
    >>> ek.decompile(ek.parse("eml(1, 1)"))
    E
    """
    import sympy

    known = recognize_nodes(expr)
    pos = {name: sympy.Symbol(name, positive=True) for name in expr.free_vars}
    # maximal constants are folded: an inner constant's reading is never used
    result = run(make_plan(expr, fold_constants=True), _SympyOps(known, pos), pos)
    if simplify and (id(expr) not in known or sympy.count_ops(result) <= 40):
        result = sympy.simplify(result)
    result = powers_readable(result)
    back = {sym: sympy.Symbol(name) for name, sym in pos.items()}
    return result.xreplace(back)


def _exact_constant(node: Expr) -> Any:
    """A constant subtree as SymPy: its closed form if recognisable, else ±oo or a 30-digit
    float."""
    import mpmath
    import sympy

    from ..compiler.constants import constant_value
    from .subforms import name_constant

    form = name_constant(node)
    if form is not None:
        return form
    v = constant_value(node)
    if mpmath.isinf(v.real):
        return sympy.oo if v.real > 0 else -sympy.oo
    re_, im_ = (sympy.Float(mpmath.nstr(part, 30), 30) for part in (v.real, v.imag))
    return re_ + sympy.I * im_


def powers_readable(expr: Any) -> Any:
    """A SymPy expression with each ``exp(y*log(x))`` written as the power ``x**y``.

    >>> import sympy
    >>> x, y = sympy.symbols("x y", positive=True)
    >>> powers_readable(sympy.exp(y * sympy.log(x)) + 1)
    x**y + 1
    """
    return expr.replace(_is_exp_of_log_product, _as_power)


def _is_exp_of_log_product(e: Any) -> bool:
    import sympy

    if not (isinstance(e, sympy.exp) and e.args[0].is_Mul):
        return False
    return sum(isinstance(f, sympy.log) for f in e.args[0].args) == 1


def _as_power(e: Any) -> Any:
    import sympy

    factors = e.args[0].args
    log = next(f for f in factors if isinstance(f, sympy.log))
    rest = sympy.Mul(*(f for f in factors if f is not log))
    return log.args[0] ** rest
