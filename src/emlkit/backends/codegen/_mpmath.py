"""Generated mpmath code: the mpmath backend's arithmetic (:mod:`._runtime`) and a body.

The body is straight-line code over the DAG, one ``ops.eml_values`` call per distinct eml
node; its variable-free subtrees are a second function, computed by the same arithmetic once
per working precision (so the constants are exact at any ``mp.dps``) and kept. The function
hands the body to the embedded ``point_value``, which chooses the working precision and takes
the limits, and returns the value rounded to the caller's ``mp.dps``.

>>> from emlkit.expr import eml
>>> print(body_source(eml(eml(1, 1), "x"), "_f_body"))      # exp(e) − ln x
def _f_body_constants(ops):
    one = ops.one()
    t0 = ops.eml_values(one, one, True, True)
    return (t0, )
<BLANKLINE>
<BLANKLINE>
def _f_body(ops, values, hook):
    (t0, ) = _eml_constants(_f_body_constants, ops)
    i0 = values['x']
    t1 = ops.eml_values(t0, i0, False, False)
    return t1
"""

from __future__ import annotations

from ...expr import ONE, Eml, Expr, Var, postorder
from .._walk import CONST, make_plan, variable_free
from ._runtime import call_source, runtime_source

__all__ = ["body_source", "mpmath_source"]


def body_source(expr: Expr, name: str) -> str:
    """``def name(ops, values, hook)``: the tree on the mpmath ops, node by node; the
    variable-free subtrees in ``name_constants(ops)``, computed once per working precision."""
    order = postorder(expr)
    consts = variable_free(order)
    folded = [n for n, kind, _, _ in make_plan(expr, fold_constants=True).steps if kind == CONST]
    temps: dict[int, str] = {}  # eml nodes t<k>, inputs i<k>, the leaf 1 "one"
    counts = {"i": 0, "t": 0}

    def emit(node: Expr, lines: list[str]) -> None:
        if isinstance(node, Var):
            t = f"i{counts['i']}"
            counts["i"] += 1
            lines.append(f"    {t} = values[{node.name!r}]")
        elif isinstance(node, Eml):
            t = f"t{counts['t']}"
            counts["t"] += 1
            ones = f"{node.left is ONE}, {node.right is ONE}"
            lines.append(
                f"    {t} = ops.eml_values("
                f"{temps[id(node.left)]}, {temps[id(node.right)]}, {ones})")
        else:
            t = "one"
            lines.append("    one = ops.one()")
        temps[id(node)] = t

    head = [f"def {name}_constants(ops):"]
    for node in order:
        if id(node) in consts:
            emit(node, head)
    head.append(f"    return ({''.join(temps[id(n)] + ', ' for n in folded)})")
    lines = [f"def {name}(ops, values, hook):"]
    if folded:
        unpack = "".join(temps[id(n)] + ", " for n in folded)
        lines.append(f"    ({unpack}) = _eml_constants({name}_constants, ops)")
    for node in order:
        if id(node) not in consts:
            emit(node, lines)
    lines.append(f"    return {temps[id(expr)]}")
    if not folded:
        return "\n".join(lines)
    return "\n".join(head) + "\n\n\n" + "\n".join(lines)


def mpmath_source(expr: Expr, name: str, params: dict[str, str], header: str) -> str:
    """The whole generated module: header, runtime, body and the function ``name``."""
    body_name = f"_{name}_body"
    point = ", ".join(f"{v!r}: {p}" for v, p in params.items())
    function = (
        f"def {name}({', '.join(params.values())}):\n"
        f"    return _eml_call({body_name}, {{{point}}})\n"
    )
    imports = "import math\nimport warnings\n\nfrom mpmath import mp\n"
    parts = [header + imports, runtime_source(), call_source(), body_source(expr, body_name),
             function]
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"
