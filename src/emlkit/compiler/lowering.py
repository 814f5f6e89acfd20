"""Lowering: formula AST → pure EML, choosing per operation the shortest form valid on the domain.

The driver walks the AST iteratively; constants are folded exactly (:mod:`.folding`), the
arithmetic and constants are built by :class:`~.lowering_steps.Lowering`, the elementary
functions by :data:`~.functions.FUNCTIONS`. Which operations exist, with their arity, is the
registry's (:mod:`.registry`).

>>> from emlkit.compiler.formula import parse_formula
>>> expr = lower(parse_formula("x * y"))
>>> expr.K
31
"""

from __future__ import annotations

from typing import Any

from ..errors import UnsupportedError
from ..expr import Expr, Var
from . import primitives as P
from .constants import constant_form
from .folding import check_infinite_constant, exact_value, fold_infinite_operand, fold_zeros
from .formula import Node
from .functions import FUNCTIONS
from .info import DOMAINS, INF, MP, PI, Info
from .lowering_steps import Lowering

__all__ = ["DOMAINS", "Info", "Lowering", "lower"]

_NAMED = {"pi": lambda: MP.pi, "E": lambda: MP.e, "I": lambda: MP.mpc(0, 1)}
_ARITHMETIC = ("add", "sub", "mul", "div", "pow")


def lower(ast: Node, domain: str = "strip") -> Expr:
    """Lower a formula AST (see :mod:`emlkit.compiler.formula`) to pure EML, iteratively.

    >>> from emlkit.compiler.formula import parse_formula
    >>> str(lower(parse_formula("exp(x)")))
    'eml(x, 1)'
    """
    L = Lowering(domain)
    done: dict[int, tuple[Expr, Info]] = {}
    stack: list[tuple[Node, bool]] = [(ast, False)]
    keep: list[Node] = []  # keep AST nodes alive so their ids stay unique
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        head = node[0]
        if head in ("num", "const", "var"):
            done[id(node)] = _leaf(L, node)
            keep.append(node)
            continue
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in node[1:] if id(child) not in done)
            continue
        args = [done[id(child)] for child in node[1:]]
        done[id(node)] = _apply(L, head, args, node)
        keep.append(node)
    return done[id(ast)][0]


def _leaf(L: Lowering, node: Node) -> tuple[Expr, Info]:
    head, payload = node
    if head == "var":
        return Var(payload), Info(L.var_imb)
    if head == "num":
        value = MP.mpc(payload.numerator) / payload.denominator
    else:
        value = _NAMED[payload]()
    if head == "const" and payload == "pi":
        expr = L.pi()
    elif head == "const" and payload == "I":
        expr = L.imag_unit()
    else:  # a literal is an exact rational (a decimal 0.4457 is 4457/10000): not recognised
        expr = L.const(payload if head == "num" else value)
    return expr, Info(abs(float(value.imag)), value, nonzero=value != 0)


def _apply(L: Lowering, head: str, args: list[tuple[Expr, Info]],
           node: Node | None = None) -> tuple[Expr, Info]:
    consts = [info.const if info.const is not None else info.infinite for _, info in args]
    value = None
    if all(c is not None for c in consts):
        try:
            value = exact_value(head, consts)
        except (ZeroDivisionError, ValueError):
            value = None
    elif any(info.infinite is not None for _, info in args):  # ln(0) + x = −∞, ln(0)·x refused
        value = fold_infinite_operand(head, [info.infinite for _, info in args])
    if value is not None:
        if MP.isfinite(value.real) and MP.isfinite(value.imag):
            if node is not None:
                value = fold_zeros(value, node)
            expr = L.const(value, lambda: _apply_generic(L, head, args)[0])
            return expr, Info(abs(float(value.imag)), value, nonzero=value != 0)
        if value.imag == 0 and MP.isinf(value.real):
            form = constant_form(value)  # ln 0 = −∞: the table's 11-token form
            if form is not None:  # an infinity is not folded further: no Info.const
                return form, Info(0.0, nonzero=True, infinite=value)
        if any(info.infinite is not None for _, info in args) or not (
                MP.isnan(value.real) or MP.isnan(value.imag)):  # ln(ln 0) = +∞ + iπ, ln(0)·i
            expr, info = _apply_generic(L, head, args)
            if info.const is not None:  # a rule gave a value (ln(0)·0 = 0, as x·0 = 0)
                return expr, info
            check_infinite_constant(value, head)
            return expr, Info(info.imb, nonzero=True, infinite=value)
    return _apply_generic(L, head, args)


def _apply_generic(L: Lowering, head: str, args: list[tuple[Expr, Info]]) -> tuple[Expr, Info]:
    flat: list[Any] = [v for pair in args for v in pair]  # expr, info, expr, info, ...
    if head in _ARITHMETIC:
        return getattr(L, head)(*flat)
    if head == "neg":
        return L.neg(*args[0])
    if head == "exp":
        return P.exp(args[0][0]), Info(INF, nonzero=True)
    if head == "ln":
        return P.ln(args[0][0]), Info(PI, log=(args[0][0], MP.mpf(1)))
    fn = FUNCTIONS.get(head)
    if fn is None:
        raise UnsupportedError(f"no EML form for the operation {head!r}")
    base = args[1][1].const if head == "log" else None
    if base is not None and base.imag == 0 and base.real > 0 and base.real != 1:
        c = 1 / MP.log(base.real)
        return fn(L, *flat), Info(float(PI * abs(c)), log=(args[0][0], c))
    return fn(L, *flat), Info(INF)

