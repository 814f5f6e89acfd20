"""arb evaluation: the walk at one point, rigorous enclosures, the first NaN node.

>>> from emlkit import eml
>>> evaluate(eml(1, 1), {}, dps=20).overlaps(acb(1).exp())
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flint import acb, arb

from ...errors import DomainError
from ...expr import Expr
from ...semantics import report_nan
from .._walk import join_points, make_plan, run, split_points
from ._balls import inputs as point_balls
from ._ops import DEFAULT_DPS, ArbOps, Infinity, Precision, precision_bits

__all__ = ["check_dps", "evaluate", "is_nan", "trace_nan", "walk_point"]


def walk_point(
    plan: Any, point: Mapping[str, Any], dps: int, bits: int, hook: Any = None
) -> tuple[acb, ArbOps]:
    with Precision(bits):
        ops = ArbOps(dps)
        z = run(plan, ops, point_balls(point), hook)[0]
        if isinstance(z, Infinity):  # an exactly infinite value: no ball holds it
            sign = "+" if z.sign > 0 else "−"
            ops.fail(plan.root, f"the exact value is {sign}infinite")
            z = acb(arb("nan"), arb("nan"))
        return z, ops


def is_nan(z: acb) -> bool:
    if isinstance(z, Infinity):
        return False
    return z.real.mid().is_nan() or z.imag.mid().is_nan()


def check_dps(dps: int | None) -> int:
    if dps is None:
        return DEFAULT_DPS
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 1:
        raise DomainError(f"dps must be a positive integer, got {dps!r}")
    return dps


def evaluate(
    expr: Expr,
    inputs: Mapping[str, Any],
    *,
    dps: int | None = None,
    on_nan: str = "warn",
    stacklevel: int = 2,
) -> Any:
    """Rigorous enclosure(s) of ``expr``: an ``acb`` ball (object array for array inputs).

    The walk runs at ``working_dps(dps)`` digits; the ball is returned as computed (its radius
    is the rigorous error bound). Use :func:`certify` to learn whether it is tight and why not.

    Examples
    --------
    >>> from emlkit import eml
    >>> e = evaluate(eml(1, 1), {}, dps=20)
    >>> e.overlaps(acb(1).exp()), e.imag.is_zero(), e.rad() < 1e-40   # constants: exact values
    (True, True, True)
    """
    dps = check_dps(dps)
    plan = make_plan(expr, fold_constants=True)
    shape, points = split_points(inputs)
    bits = precision_bits(dps)
    first: list[Expr] = []

    def hook(node: Expr, value: Any, a: Any, b: Any) -> None:
        if not first and is_nan(value[0]):
            first.append(node)

    results, count, origin = [], 0, None
    for point in points:
        first.clear()
        z, _ = walk_point(plan, point, dps, bits, hook)
        if is_nan(z):
            count += 1
            origin = origin or (first[0] if first else None)
        results.append(z)
    report_nan(on_nan, origin, count, len(points), stacklevel=stacklevel + 1)
    return join_points(results, shape)


def trace_nan(expr: Expr, inputs: Mapping[str, Any], *, dps: int | None = None) -> Expr | None:
    """The first node whose ball has a NaN midpoint at some point, or ``None``.

    Examples
    --------
    >>> from emlkit import eml
    >>> print(trace_nan(eml(1, "x"), {"x": 0.0}))                 # ln 0
    eml(1, x)
    """
    plan = make_plan(expr, fold_constants=True)
    found: list[Expr] = []

    def hook(node: Expr, value: Any, a: Any, b: Any) -> None:
        if not found and is_nan(value[0]):
            found.append(node)

    dps = check_dps(dps)
    for point in split_points(inputs)[1]:
        walk_point(plan, point, dps, precision_bits(dps), hook)
        if found:
            return found[0]
    return None

