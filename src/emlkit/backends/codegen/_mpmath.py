"""Generated mpmath code: the mpmath backend's arithmetic (:mod:`._runtime`) and a body.

The body is straight-line code over the whole DAG (constants included: they are computed by
the same arithmetic at the working precision of each call, so they are exact at any
``mp.dps``), one ``ops.eml_values`` call per distinct eml node; the function hands it to the
embedded ``point_value``, which chooses the working precision and takes the limits, and
returns the value rounded to the caller's ``mp.dps``.

>>> from emlkit.expr import eml
>>> print(body_source(eml("x", 1), "_f_body"))
def _f_body(ops, values, hook):
    i0 = values['x']
    one = ops.one()
    t0 = ops.eml_values(i0, one, False, True)
    return t0
"""

from __future__ import annotations

from ...expr import ONE, Expr
from .._walk import EML, VAR, make_plan
from ._runtime import call_source, runtime_source

__all__ = ["body_source", "mpmath_source"]


def body_source(expr: Expr, name: str) -> str:
    """``def name(ops, values, hook)``: the tree on the mpmath ops, node by node."""
    plan = make_plan(expr, fold_constants=False)
    lines = [f"def {name}(ops, values, hook):"]
    temps: dict[int, str] = {}  # eml nodes t<k>, inputs i<k>, the leaf 1 "one"
    n_eml = 0
    for node, kind, left, right in plan.steps:
        if kind == VAR:
            t = f"i{len(temps) - n_eml}"
            lines.append(f"    {t} = values[{node.name!r}]")
        elif kind == EML:
            t = f"t{n_eml}"
            n_eml += 1
            ones = f"{node.left is ONE}, {node.right is ONE}"
            lines.append(f"    {t} = ops.eml_values({temps[left]}, {temps[right]}, {ones})")
        else:
            t = "one"
            lines.append("    one = ops.one()")
        temps[id(node)] = t
    lines.append(f"    return {temps[id(expr)]}")
    return "\n".join(lines)


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
