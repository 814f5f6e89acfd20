"""Shortest known EML forms of constants, looked up by exact value.

Constant subtrees are evaluated in high precision with the principal branch taken *exactly*:
an intermediate whose imaginary part is below the working precision is snapped onto the real
axis (so ``ln`` of an exactly negative value is ``+iπ``), and ``ln 0 = −∞``.

The table is seeded with hand-checked forms and with the search engine's results
(``emlkit/data/shortest_forms.json``, when present); :func:`constant_form` returns the shortest
entry whose value equals the requested one, else ``None``.

>>> from fractions import Fraction
>>> constant_form(-1).K
15
>>> complex(constant_value(constant_form(-1)))
(-1+0j)
"""

from __future__ import annotations

import json
import weakref
from functools import cache
from importlib import resources
from typing import Any

import mpmath

from ..expr import ONE, Eml, Expr, Var
from . import primitives as P

__all__ = ["WORK_DPS", "constant_form", "constant_value", "register"]

WORK_DPS = 60
_SNAP = mpmath.mpf(10) ** -(WORK_DPS - 15)
_ctx = mpmath.MPContext()
_ctx.dps = WORK_DPS


def _exp(z: Any) -> Any:
    if _ctx.isinf(z.real):
        return _ctx.mpc(0) if z.real < 0 else _ctx.mpc(_ctx.inf, 0)
    return _ctx.exp(z)


def _ln(z: Any) -> Any:
    if z == 0:
        return _ctx.mpc(-_ctx.inf, 0)
    if _ctx.isinf(z.real) or _ctx.isinf(z.imag):
        return _ctx.mpc(_ctx.inf, 0 if z.real > 0 and z.imag == 0 else _ctx.arg(z))
    return _ctx.log(z)


def _snap(z: Any) -> Any:
    if z.imag != 0 and not _ctx.isinf(z.real) and abs(z.imag) <= _SNAP * abs(z):
        return _ctx.mpc(z.real, 0)
    return z


# node → its value; weak keys, so entries go away with the nodes (children live while a parent does)
_VALUES: weakref.WeakKeyDictionary[Expr, Any] = weakref.WeakKeyDictionary()


def constant_value(expr: Expr) -> Any:
    """Exact-branch value of a variable-free tree at 60 digits (an ``mpc``; may be ±inf or nan).

    Values are memoised per node (nodes are interned and immutable), so evaluating a tree that
    shares subtrees with earlier ones only computes its new nodes.

    >>> mpmath.nstr(constant_value(Eml(ONE, ONE)), 30)   # e
    '(2.71828182845904523536028747135 + 0.0j)'
    """
    vals = _VALUES
    value = vals.get(expr)
    if value is not None:
        return value
    stack = [expr]
    while stack:
        node = stack[-1]
        if node in vals:
            stack.pop()
        elif isinstance(node, Eml):
            a, b = vals.get(node.left), vals.get(node.right)
            if a is None or b is None:
                stack.extend(c for c, v in ((node.right, b), (node.left, a)) if v is None)
                continue
            vals[node] = _eml_value(a, b)
            stack.pop()
        elif isinstance(node, Var):
            raise ValueError(f"constant_value: the expression has a variable {node.name!r}")
        else:
            vals[node] = _ctx.mpc(1)
            stack.pop()
    return vals[expr]


def _eml_value(a: Any, b: Any) -> Any:
    """exp(a) − ln(b) with the infinities of :func:`constant_value`, snapped onto the real axis."""
    ea, lb = _exp(a), _ln(b)
    if _ctx.isinf(ea.real) and _ctx.isinf(lb.real):
        v = _ctx.mpc(_ctx.nan, 0) if (ea.real > 0) == (lb.real > 0) else _ctx.mpc(ea.real, 0)
    elif _ctx.isinf(ea.real):
        v = ea
    elif _ctx.isinf(lb.real):
        v = _ctx.mpc(-lb.real, 0)
    else:
        v = ea - lb
    return _snap(v)


def _key(value: Any) -> tuple:
    """Hashable key of a value at 12 significant digits (exactness is re-checked on lookup)."""
    z = complex(value)
    return (float(f"{z.real:.12g}"), float(f"{z.imag:.12g}") if abs(z.imag) > 1e-30 else 0.0)


_TABLE: dict[tuple, list[Expr]] = {}


def register(expr: Expr) -> None:
    """Add a constant form to the table (kept sorted by K).

    >>> register(P.ZERO); constant_form(0).K
    7
    """
    v = constant_value(expr)
    if _ctx.isnan(v.real) or _ctx.isnan(v.imag):
        return
    forms = _TABLE.setdefault(_key(v), [])
    if not any(f is expr for f in forms):
        forms.append(expr)
        forms.sort(key=lambda f: (f.K, f.dag_size))


def constant_form(value: Any) -> Expr | None:
    """Shortest registered form whose exact value equals ``value`` (to 40 digits), else None.

    >>> constant_form(_ctx.e).K   # e at the table's precision
    3
    """
    _load()
    v = _ctx.mpc(value)
    for form in _TABLE.get(_key(v), ()):
        w = constant_value(form)
        if _ctx.isinf(v.real) or _ctx.isinf(w.real):
            if v.real == w.real:
                return form
        elif abs(w - v) <= _ctx.mpf(10) ** -40 * max(abs(v), abs(w)):  # relative: 0 matches only 0
            return form
    return None


@cache
def _load() -> None:
    for form in (P.E_CONST, P.ZERO, P.NEG_INF, P.MINUS_ONE, P.INV_E, Eml(P.E_CONST, ONE), ONE):
        register(form)
    register(Eml(P.NEG_INF, P.ZERO))  # exp(−∞) − ln 0 = +∞
    try:
        text = resources.files("emlkit").joinpath("data/shortest_forms.json").read_text()
    except (FileNotFoundError, OSError):
        return
    from ..syntax.rpn import parse

    data = json.loads(text)
    entries = data["forms"] if isinstance(data, dict) else data
    for entry in entries:
        rpn = entry.get("rpn")
        if rpn and all(tok in ("1", "E") for tok in rpn.split()):
            register(parse(rpn))
