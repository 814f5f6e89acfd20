"""Certificates: what arb proves about an expression's value at each point.

>>> from emlkit import eml
>>> [c.certified for c in certify(eml(1, "x"), [2.0, 0.0])]       # ln 0 cannot be enclosed
[True, False]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flint import acb, arb

from ...expr import Expr, ExprLike, as_expr
from ...semantics import describe
from .._walk import make_plan, split_points
from ._balls import to_ball
from ._eval import check_dps, walk_point
from ._ops import DEFAULT_DPS, MAX_DOUBLINGS, Precision, precision_bits

__all__ = ["Certificate", "certify", "distance_bound"]


@dataclass(frozen=True)
class Certificate:
    """What arb proves about an expression at one point.

    Attributes
    ----------
    point : dict
        The input values.
    value : flint.acb
        A rigorous enclosure of the expression's value.
    certified : bool
        The enclosure is tight: finite, with radius ``≤ 10**−dps · max(1, |value|)``.
    node : Expr or None
        If not certified, the first node whose ball arb cannot take ``ln`` of rigorously (it
        contains 0 or meets the cut, see the module notes), or ``None`` when the ball only lost
        precision.
    reason : str
        Why it is not certified (empty when it is).
    reference : flint.acb or None
        The reference's enclosure, when a reference was given.
    equal : bool or None
        With a reference: ``True`` when both are tight and agree to ``dps`` digits, ``False``
        when both are tight and differ, ``None`` when either is not tight (undecided).
    reference_node, reference_reason
        Same as ``node``/``reason`` for a reference expression.
    """

    point: dict[str, Any]
    value: acb
    certified: bool
    node: Expr | None = None
    reason: str = ""
    reference: acb | None = None
    equal: bool | None = None
    reference_node: Expr | None = field(default=None, repr=False)
    reference_reason: str = field(default="", repr=False)

    def __bool__(self) -> bool:
        return self.certified and self.equal is not False

    def summary(self) -> str:
        """One line: the point, the verdict and, if any, where certification failed.

        Examples
        --------
        >>> from emlkit import eml
        >>> print(certify(eml(1, "x"), [0.0])[0].summary())
        x=0.0: not certified: ball contains 0 under ln at node K=1 depth=0: x
        """
        where = ", ".join(f"{k}={v!r}" for k, v in self.point.items()) or "()"
        if self.certified:
            verdict = "certified"
        else:
            at = f" at node {describe(self.node)}" if self.node is not None else ""
            verdict = f"not certified: {self.reason}{at}"
        if self.equal is not None:
            verdict += ", equal to the reference" if self.equal else ", DIFFERS from the reference"
        return f"{where}: {verdict}"


def _tight(z: acb, dps: int) -> bool:
    if not z.is_finite():
        return False
    scale = max(arb(1), abs(z.mid()))
    return bool(z.rad() <= scale * arb(10) ** (-dps))


def _certify_expr(plan: Any, point: Mapping[str, Any], dps: int) -> tuple[acb, bool, Any, str]:
    bits = precision_bits(dps)
    for _ in range(MAX_DOUBLINGS + 1):
        z, ops = walk_point(plan, point, dps, bits)
        if ops.failures:  # a convention the ball cannot vouch for, even if it looks tight
            node, reason = ops.failures[0]
            return z, False, node, reason
        if _tight(z, dps):
            return z, True, None, ""
        bits *= 2
    return z, False, None, f"precision loss: the ball is still wide at {bits // 2} bits"


def _call_reference(fn: Callable[..., Any], point: Mapping[str, Any], dps: int) -> acb:
    """Call a reference function on the true input balls (no perturbation)."""
    with Precision(precision_bits(dps)):
        args = {name: to_ball(name, value) for name, value in point.items()}
        result = fn(**args)
        return result if isinstance(result, acb) else to_ball("reference", result)


def _normalize_points(points: Any, names: Sequence[str]) -> list[dict[str, Any]]:
    if points is None:
        if names:
            raise TypeError(f"certify() needs points for the variables {', '.join(names)}")
        return [{}]
    if isinstance(points, Mapping):
        missing = [n for n in names if n not in points]
        if missing:
            raise TypeError(f"certify() points have no values for {', '.join(missing)}")
        return split_points({n: points[n] for n in names})[1]
    out = []
    for p in points:
        if isinstance(p, Mapping):
            out.append({n: p[n] for n in names})
        elif len(names) == 1:
            out.append({names[0]: p})
        elif not names:
            out.append({})
        else:
            raise TypeError(
                f"certify() points must be mappings for the variables {', '.join(names)}"
            )
    return out


def certify(
    expr: ExprLike,
    points: Any = None,
    reference: Expr | Callable[..., Any] | None = None,
    *,
    dps: int = DEFAULT_DPS,
) -> list[Certificate]:
    """Certify the value of ``expr`` at each point with ball arithmetic, optionally against a
    reference.

    Parameters
    ----------
    expr : Expr
    points : sequence or mapping, optional
        One entry per point: a mapping of variable values, or a bare number when the
        expression(s) have a single variable; or a mapping of arrays (broadcast together).
        May be left out for constant expressions.
    reference : Expr or callable, optional
        Another expression (certified the same way), or a function called with the variables
        as keyword arguments holding ``acb`` balls (e.g. ``lambda x: x.log()``), returning an
        ``acb`` or a number. It receives the true inputs as exact balls (which carry no side of
        a cut: arb's own functions give the principal value, the upper side).
    dps : int, default 30
        Digits that a tight ball must determine.

    Returns
    -------
    list of Certificate
        One per point (in order); a certificate is truthy when certified (and, with a
        reference, not proven different).

    Examples
    --------
    >>> from emlkit import eml
    >>> ln = eml(1, eml(eml(1, "x"), 1))
    >>> [bool(c) for c in certify(ln, [0.5, 3.0, 1j], reference=lambda x: x.log())]
    [True, True, True]
    >>> c = certify(ln, [-2.0, complex(-2.0, -0.0)])      # both sides of the cut
    >>> [(x.certified, x.value.imag > 0) for x in c]
    [(True, True), (True, False)]
    >>> c = certify(eml(1, eml(1, eml(eml(1, 1), 1))))[0]      # e − ln 0
    >>> c.certified, c.reason, str(c.node)
    (False, 'the exact value is +infinite', 'eml(1, eml(1, eml(eml(1, 1), 1)))')
    """
    expr = as_expr(expr)
    dps = check_dps(dps)
    ref_expr = reference if isinstance(reference, Expr) else None
    if reference is not None and ref_expr is None and not callable(reference):
        raise TypeError(f"reference must be an Expr or a callable, got {type(reference).__name__}")
    names = sorted(expr.free_vars | (ref_expr.free_vars if ref_expr is not None else frozenset()))
    plan = make_plan(expr, fold_constants=True)
    ref_plan = make_plan(ref_expr, fold_constants=True) if ref_expr is not None else None
    reports = []
    for point in _normalize_points(points, names):
        value, ok, node, reason = _certify_expr(plan, {n: point[n] for n in expr.free_vars}, dps)
        ref = None
        ref_ok, ref_node, ref_reason = True, None, ""
        if ref_plan is not None and ref_expr is not None:
            ref, ref_ok, ref_node, ref_reason = _certify_expr(
                ref_plan, {n: point[n] for n in ref_expr.free_vars}, dps
            )
        elif reference is not None and not isinstance(reference, Expr):
            ref = _call_reference(reference, point, dps)
            ref_ok = _tight(ref, dps)
            ref_reason = "" if ref_ok else "the reference's ball is not tight"
        equal = None
        if ref is not None and ok and ref_ok:
            scale = max(arb(1), abs(value.mid()))
            close = abs(value.mid() - ref.mid()) <= 2 * scale * arb(10) ** (-dps)
            equal = bool(value.overlaps(ref) or close)
        reports.append(
            Certificate(dict(point), value, ok, node, reason, ref, equal, ref_node, ref_reason)
        )
    return reports


def distance_bound(ball: acb, ref: Any, dps: int) -> Any:
    """A rigorous upper bound, as an mpmath number, of ``|z - ref|`` over the ball ``z``.

    ``ref`` is an mpmath (or Python) number, read to ``dps + 12`` digits; the bound is rounded
    up. Used to count the digits of a reference that a certified value proves.

    >>> import mpmath
    >>> from emlkit import eml
    >>> ball = certify(eml(1, 1), dps=40)[0].value
    >>> with mpmath.workdps(50):
    ...     distance_bound(ball, mpmath.e, 40) < mpmath.mpf(10) ** -40
    True
    """
    import mpmath

    with Precision(int(dps * 3.33) + 64), mpmath.workdps(dps + 15):
        ref = mpmath.mpc(ref)
        ref_ball = acb(arb(mpmath.nstr(ref.real, dps + 12)), arb(mpmath.nstr(ref.imag, dps + 12)))
        bound = abs(ball - ref_ball).upper()
        return mpmath.mpf(bound.str(dps, radius=False)) * (1 + mpmath.mpf(10) ** -20)
