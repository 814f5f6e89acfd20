"""Straight-line code for the float targets (C99, NumPy, torch): one statement per eml node.

Each distinct eml node with a variable below it becomes a temporary ``t<k>`` with its
first-order ``ε``-term ``d<k>`` (an input's term is its direction), in the order of the one
evaluation plan (:func:`emlkit.backends._walk.make_plan`, constants folded). A folded constant
operand is the literal of the rounded ``exp`` or ``ln`` of its exact value
(:func:`emlkit.backends.mpmath.constant_info`, the constants :func:`emlkit.evaluate` uses).

>>> from emlkit.expr import eml
>>> lines = body_lines(eml("x", 1), target("numpy", "_f"), "_f", {"x": "x"})
>>> lines[-1]
'return np.asarray(_f_zside(t0, d1), dtype=np.complex128)[()]'
"""

from __future__ import annotations

from ...expr import Expr
from .._walk import CONST, EML, VAR, make_plan
from ._targets import Target, target

__all__ = ["body_lines", "target"]


def body_lines(expr: Expr, spec: Target, h: str, params: dict[str, str]) -> list[str]:
    """The statements of the function body (without indentation)."""
    from ..mpmath import constant_info

    plan = make_plan(expr, fold_constants=True)
    fn = {k: f"{h}_{k}" for k in ("dir", "ln", "dln", "dexp", "zside")}
    body = [c for p in params.values() if (c := spec.convert(p))]
    values: dict[int, str] = {}  # id(node) -> its value's name
    terms: dict[int, str] = {}  # id(node) -> its first-order term's name
    consts: dict[int, Expr] = {}
    inputs = sorted((n for n, kind, _, _ in plan.steps if kind == VAR), key=lambda n: n.name)
    for node in inputs:  # directions first (the inputs as given), in argument order
        terms[id(node)] = f"d{len(terms)}"
        values[id(node)] = params[node.name]
        body.append(spec.assign(terms[id(node)], f"{fn['dir']}({params[node.name]})"))
    literals: dict[tuple[int, str], tuple[str, bool]] = {}

    def constant(node: Expr, kind: str) -> tuple[str, bool]:
        """The literal name of exp/ln of a constant node, and whether it is exactly 0."""
        key = (id(node), kind)
        if key not in literals:
            info = constant_info(node)
            rounded = info.exp if kind == "exp" else info.ln
            zero = kind == "ln" and rounded == 0  # ln 1 = 0: no literal, nothing subtracted
            literals[key] = (f"c{len(literals)}", zero)
            if not zero:
                body.append(spec.assign(literals[key][0], spec.literal(rounded)))
        return literals[key]

    n_exp = n_eml = 0
    for node, kind, left, right in plan.steps:
        if kind == CONST:
            consts[id(node)] = node
        if kind != EML:
            continue
        t, d = f"t{n_eml}", f"d{len(terms)}"
        n_eml += 1
        de = None
        if left in consts:
            e_text, _ = constant(consts[left], "exp")
        else:
            e_text = f"u{n_exp}"
            n_exp += 1
            body.append(spec.assign(e_text, f"{spec.exp}({values[left]})"))
            de = f"{fn['dexp']}({e_text}, {terms[left]})"
        if right in consts:
            l_text, zero = constant(consts[right], "ln")
            text = e_text if zero else spec.sub(h, e_text, l_text)
            dtext = de
        else:
            b, db = values[right], terms[right]
            text = spec.sub(h, e_text, f"{fn['ln']}({b}, {db})")
            dl = f"{fn['dln']}({db}, {b})"
            dtext = f"-{dl}" if de is None else f"{de} - {dl}"
        values[id(node)], terms[id(node)] = t, d
        body.append(spec.assign(t, text))
        assert dtext is not None  # a node with two constant children is itself constant
        body.append(spec.assign(d, dtext))
    if id(expr) in consts:
        result = spec.literal(constant_info(expr).c)
    else:
        result = f"{fn['zside']}({values[id(expr)]}, {terms[id(expr)]})"
    body.append(spec.ret(result))
    return body
