"""The one evaluator walk: a DAG in topological order, run against a backend's ops object.

A backend supplies an *ops* object (in the spirit of mpmath's contexts) with

``constant(node)``
    the value of a variable-free subtree (only called when the plan folds constants);
``one()``
    the value of the leaf ``1`` (when constants are not folded);
``eml(node, a, b, free_a, free_b)``
    ``exp(a) − ln(b)`` for the node; ``free_a``/``free_b`` say that this node is the last user of
    that child's value, so its buffer may be overwritten (when ``a is b`` only ``free_a`` is set).

:func:`run` walks the plan iteratively (any depth), evaluates each shared node once and drops
every value after its last use, so memory follows the DAG's width, not its size.

>>> from emlkit import eml
>>> class Count:
...     calls = 0
...     def one(self): return 1.0
...     def eml(self, node, a, b, free_a, free_b):
...         self.calls += 1
...         return a + b
>>> t = eml("x", 1)
>>> ops = Count()
>>> run(make_plan(eml(t, t), fold_constants=False), ops, {"x": 2.0}), ops.calls
(6.0, 2)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..expr import Eml, Expr, One, Var, postorder

__all__ = [
    "CONST", "EML", "ONE_LEAF", "VAR", "Plan", "join_points", "make_plan", "run", "split_points",
    "variable_free",
]

CONST, VAR, ONE_LEAF, EML = range(4)

Hook = Callable[[Expr, Any, Any, Any], None]


class Plan:
    """What to evaluate for one expression, in order: ``steps`` of ``(node, kind, left, right)``.

    ``kind`` is :data:`CONST` (a folded variable-free subtree), :data:`VAR`, :data:`ONE_LEAF` or
    :data:`EML`; ``left``/``right`` are the children's ids (``None`` for leaves). ``uses`` counts,
    per node id, how many child slots of evaluated nodes read it.

    Examples
    --------
    >>> from emlkit import eml
    >>> p = make_plan(eml(eml(1, 1), "x"), fold_constants=True)
    >>> [kind for _, kind, _, _ in p.steps] == [CONST, VAR, EML]
    True
    """

    __slots__ = ("root", "steps", "uses")

    def __init__(self, root: Expr, steps: list[tuple], uses: dict[int, int]) -> None:
        self.root = root
        self.steps = steps
        self.uses = uses


#: Recently used plans, by (expression id, fold_constants). A plan holds its expression, so the
#: cache is bounded rather than weak (a weak key would be kept alive by its own value).
_PLANS: OrderedDict[tuple[int, bool], Plan] = OrderedDict()
PLAN_CACHE_SIZE = 64


def make_plan(expr: Expr, *, fold_constants: bool) -> Plan:
    """Topological evaluation plan for ``expr`` (the last ``PLAN_CACHE_SIZE`` are cached).

    Parameters
    ----------
    expr : Expr
    fold_constants : bool
        If true, every maximal variable-free subtree becomes one :data:`CONST` step (its inside
        is not walked); the NumPy and torch backends fold constants, mpmath and arb do not.

    Examples
    --------
    >>> from emlkit import eml
    >>> len(make_plan(eml(1, 1), fold_constants=True).steps)
    1
    >>> len(make_plan(eml(1, 1), fold_constants=False).steps)
    2
    """
    key = (id(expr), fold_constants)
    plan = _PLANS.get(key)
    if plan is not None and plan.root is expr:
        _PLANS.move_to_end(key)
        return plan
    order = postorder(expr)
    consts = variable_free(order)
    has_var = {id(n): id(n) not in consts for n in order}
    needed = {id(expr)}
    uses: dict[int, int] = {}
    for n in reversed(order):
        if id(n) not in needed or not isinstance(n, Eml):
            continue
        if fold_constants and not has_var[id(n)]:
            continue
        for child in (n.left, n.right):
            needed.add(id(child))
            uses[id(child)] = uses.get(id(child), 0) + 1
    steps: list[tuple] = []
    for n in order:
        if id(n) not in needed:
            continue
        if fold_constants and not has_var[id(n)]:
            steps.append((n, CONST, None, None))
        elif isinstance(n, Eml):
            steps.append((n, EML, id(n.left), id(n.right)))
        elif isinstance(n, Var):
            steps.append((n, VAR, None, None))
        else:
            assert isinstance(n, One)
            steps.append((n, ONE_LEAF, None, None))
    plan = Plan(expr, steps, uses)
    _PLANS[key] = plan
    if len(_PLANS) > PLAN_CACHE_SIZE:
        _PLANS.popitem(last=False)
    return plan


def variable_free(order: list[Expr]) -> set[int]:
    """Ids of the nodes without a variable below them, from a postorder (one pass).

    >>> from emlkit import eml
    >>> from emlkit.expr import postorder
    >>> e = eml(eml(1, 1), "x")
    >>> sorted(n.K for n in postorder(e) if id(n) in variable_free(postorder(e)))
    [1, 3]
    """
    consts: set[int] = set()
    for n in order:
        if isinstance(n, Eml):
            if id(n.left) in consts and id(n.right) in consts:
                consts.add(id(n))
        elif not isinstance(n, Var):
            consts.add(id(n))
    return consts


def run(plan: Plan, ops: Any, inputs: Mapping[str, Any], hook: Hook | None = None) -> Any:
    """Evaluate ``plan`` with ``ops``; ``inputs`` maps variable names to backend values.

    Parameters
    ----------
    plan : Plan
    ops : object
        The backend's operations (see the module docstring).
    inputs : mapping
        Converted input value per variable name.
    hook : callable, optional
        ``hook(node, value, a, b)`` after every step (``a``, ``b`` are the children's values,
        ``None`` for leaves); it may raise to stop the walk (strict mode, NaN tracing).

    Returns
    -------
    The root's value.

    Examples
    --------
    >>> from emlkit import eml
    >>> class Depth:                       # an ops object that computes each node's depth
    ...     def one(self): return 0
    ...     def eml(self, node, a, b, free_a, free_b): return 1 + max(a, b)
    >>> run(make_plan(eml(1, eml("x", 1)), fold_constants=False), Depth(), {"x": 0})
    2
    """
    values: dict[int, Any] = {}
    remaining = dict(plan.uses)
    for node, kind, left, right in plan.steps:
        a = b = None
        if kind == EML:
            a = values[left]
            b = values[right]
            if left == right:
                remaining[left] -= 2
                free_a, free_b = remaining[left] == 0, False
            else:
                remaining[left] -= 1
                remaining[right] -= 1
                free_a, free_b = remaining[left] == 0, remaining[right] == 0
            value = ops.eml(node, a, b, free_a, free_b)
            if free_a:
                del values[left]
            if free_b:
                del values[right]
        elif kind == VAR:
            value = inputs[node.name]
        elif kind == CONST:
            value = ops.constant(node)
        else:
            value = ops.one()
        if hook is not None:
            hook(node, value, a, b)
        values[id(node)] = value
    return values[id(plan.root)]


def split_points(inputs: Mapping[str, Any]) -> tuple[tuple[int, ...] | None, list[dict[str, Any]]]:
    """Points for the scalar backends (mpmath, arb): ``(None, [point])`` when every input is a
    scalar, else the broadcast shape and one ``{name: value}`` per element (C order).

    >>> split_points({"x": [1, 2], "y": 5})
    ((2,), [{'x': 1, 'y': 5}, {'x': 2, 'y': 5}])
    """
    scalar = (list, tuple, np.ndarray)
    if all(np.ndim(v) == 0 and not isinstance(v, scalar) for v in inputs.values()):
        return None, [dict(inputs)]
    names = list(inputs)
    arrays = [np.asarray(inputs[n], dtype=object) for n in names]
    b = np.broadcast(*arrays)
    return b.shape, [dict(zip(names, vals)) for vals in b]


def join_points(results: list[Any], shape: tuple[int, ...] | None) -> Any:
    """The scalar backends' results in the inputs' shape (see :func:`split_points`): the one
    value when the inputs were scalars, else an object array.

    >>> join_points([1, 2], (2,)), join_points([3], None)
    (array([1, 2], dtype=object), 3)
    """
    if shape is None:
        return results[0]
    out = np.empty(len(results), dtype=object)
    out[:] = results
    return out.reshape(shape)
