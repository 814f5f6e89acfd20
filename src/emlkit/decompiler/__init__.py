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

from ..expr import Eml, Expr, Var, postorder
from .recognize import recognize_nodes

__all__ = ["decompile", "to_sympy"]


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

    values: dict[int, Any] = {}
    for node in postorder(expr):
        if isinstance(node, Eml):
            values[id(node)] = sympy.exp(values[id(node.left)]) - sympy.log(values[id(node.right)])
        elif isinstance(node, Var):
            values[id(node)] = sympy.Symbol(node.name, positive=True if positive else None)
        else:
            values[id(node)] = sympy.Integer(1)
    return values[id(expr)]


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
    needed = {id(c) for node in postorder(expr) if isinstance(node, Eml) and not node.is_constant
              for c in node.args if isinstance(c, Eml) and c.is_constant and id(c) not in known}
    pos = {name: sympy.Symbol(name, positive=True) for name in expr.free_vars}
    values: dict[int, Any] = {}
    for node in postorder(expr):
        if id(node) in known:
            values[id(node)] = known[id(node)].xreplace(pos)
        elif isinstance(node, Eml) and node.is_constant:
            # only a constant with a non-constant parent (or the root) is ever read: naming the
            # others ran nsimplify on every step of a constant's construction (7.8 s for 523)
            if node is expr or id(node) in needed:
                values[id(node)] = _exact_constant(node)
        elif isinstance(node, Eml):
            values[id(node)] = sympy.exp(values[id(node.left)]) - sympy.log(values[id(node.right)])
        elif isinstance(node, Var):
            values[id(node)] = pos[node.name]
        else:
            values[id(node)] = sympy.Integer(1)
    result = values[id(expr)]
    if simplify and (id(expr) not in known or sympy.count_ops(result) <= 40):
        result = sympy.simplify(result)
    result = result.replace(_is_exp_of_log_product, _as_power)  # exp(y*log(x)) -> x**y
    back = {sym: sympy.Symbol(name) for name, sym in pos.items()}
    return result.xreplace(back)


def _exact_constant(node: Expr) -> Any:
    """A constant subtree as SymPy: its closed form if recognisable, else ±oo or 30-digit floats."""
    import mpmath
    import sympy

    from ..compiler.constants import constant_value
    from .recognize import name_constant

    form = name_constant(node)
    if form is not None:
        return form
    v = constant_value(node)
    if mpmath.isinf(v.real):
        return sympy.oo if v.real > 0 else -sympy.oo
    re, im = (sympy.Float(mpmath.nstr(p, 30), 30) for p in (v.real, v.imag))
    return re + sympy.I * im


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
