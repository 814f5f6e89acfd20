"""arb backend: rigorous complex balls (python-flint ``acb``) and certificates of values.

Ball arithmetic is the judge of a form's robustness. The walk runs at the inputs themselves (no
perturbation) and follows :mod:`emlkit.semantics` structurally: each value is a ball, the
integer ``k`` when its imaginary part is *exactly* ``kπ`` (real arithmetic, ``ln`` of a
negative real, ``exp`` of such a value, their differences), and its first-order ``ε``-term (a
ball) when it depends on an input on an axis. ``ln`` of an exactly real negative value takes
the side of the cut from the sign of that term's imaginary part (principal ``+iπ`` where the
term is exactly real), so every ball encloses the one-sided limit that the semantics define.
Where that is not possible the walk records why and where, and the value is not certified:

* a ball that contains 0 under ``ln`` (arb has no ``−∞``: forms through ``ln 0`` of a
  variable-dependent value never certify);
* a ball under ``ln`` that meets the negative real axis without being exactly real (an
  intermediate that lands on the cut: the ball cannot tell the side);
* an exactly real negative value under ``ln`` whose first-order term's imaginary part is a
  ball around 0 (the side of the cut is undecided).

The node reported is the one whose ball it is (the argument of that ``ln``).

>>> from emlkit import eml
>>> ln = eml(1, eml(eml(1, "x"), 1))
>>> c = certify(ln, [2.0])[0]
>>> c.certified, c.value.overlaps(acb(2).log())
(True, True)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import flint
import numpy as np
from flint import acb, arb

from ..errors import DomainError
from ..expr import ONE, Eml, Expr, ExprLike, as_expr
from ..semantics import describe, direction, report_nan, working_dps, zero_imag_sign
from ._walk import make_plan, run, split_points

__all__ = [
    "DEFAULT_DPS",
    "ArbOps",
    "Certificate",
    "certify",
    "distance_bound",
    "evaluate",
    "to_ball",
    "trace_nan",
]

#: Digits of an arb result (and of certification) when ``dps`` is not given.
DEFAULT_DPS = 30
_MAX_DOUBLINGS = 3


def _bits(dps: int) -> int:
    return math.ceil(working_dps(dps) * math.log2(10)) + 8


class _Precision:
    """Set python-flint's global working precision for a block, and restore it."""

    def __init__(self, bits: int) -> None:
        self.bits = bits

    def __enter__(self) -> None:
        self.saved = flint.ctx.prec
        flint.ctx.prec = self.bits

    def __exit__(self, *exc: object) -> None:
        flint.ctx.prec = self.saved


class ArbOps:
    """``exp``, ``ln`` and subtraction on ``(ball, k, d)``; ``failures`` lists ``(node, why)``.

    ``k`` is the integer with ``Im = kπ`` exactly, or ``None``; ``d`` the first-order term
    (``None`` for none). Call inside a block with the intended flint precision.
    """

    def __init__(self, dps: int = DEFAULT_DPS) -> None:
        self.dps = dps
        self.failures: list[tuple[Expr, str]] = []
        self.e = acb(1).exp()
        self.zero = acb(0)
        self.pi = arb.pi()

    def fail(self, node: Expr, reason: str) -> None:
        self.failures.append((node, reason))

    def one(self) -> tuple[acb, int, None]:
        return acb(1), 0, None

    def constant(self, node: Expr) -> Any:
        infinite = _infinite_constant(node)
        if infinite is not None:  # a constant whose exact value is ±∞ (semantics)
            return infinite, None, None
        ball, k = _constant_ball(node, self.dps)
        return ball, k, None

    def ln(self, node: Eml, z: acb, k: int | None, d: acb | None) -> tuple[acb, int | None]:
        arg = node.right  # reports name the ball's node, the argument of this ln
        re, im = z.real, z.imag
        if not z.is_finite():
            self.fail(arg, "non-finite ball under ln")
        elif re.contains(0) and im.contains(0):
            self.fail(arg, "ball contains 0 under ln")
        elif k == 0 and re < 0:  # exactly on the cut: the first-order term picks the side
            side = 1
            if d is not None and not d.imag.is_zero():
                if d.imag > 0:
                    side = 1
                elif d.imag < 0:
                    side = -1
                else:
                    self.fail(arg, "side of the cut undecided (the first-order term's ball "
                              "meets the real axis) under ln")
            return acb((-re).log(), side * self.pi), side
        elif k == 0:
            return acb(re.log()), 0
        elif im.contains(0) and re.lower() < 0:
            self.fail(arg, "ball straddles the branch cut (negative real axis) under ln")
        return z.log(), None

    def eml(self, node: Eml, a: Any, b: Any, free_a: bool, free_b: bool) -> tuple:
        az, ak, ad = a
        bz, bk, bd = b
        if isinstance(az, _Infinity) or isinstance(bz, _Infinity):
            return self._eml_infinite(node, az, b)
        if node.right is ONE:
            lb, lk, dl = self.zero, 0, None
        else:
            lb, lk = self.ln(node, bz, bk, bd)
            dl = None if bd is None else _over(bd, bz)
        if node.left is ONE:
            ea, ek, de = self.e, 0, None
        else:
            if ak is not None:  # exp(c + ikπ) = (−1)^k e^c exactly
                real = az.real.exp()
                ea, ek = acb(-real if ak % 2 else real), 0
            else:
                ea, ek = az.exp(), None
            de = None if ad is None else ea * ad
        r = ea - lb
        k = None if ek is None or lk is None else ek - lk
        if k is not None:  # the imaginary part is exactly kπ: drop the balls' radii there
            r = acb(r.real, k * self.pi if k else 0)
        if dl is None:
            return r, k, de
        return r, k, (-dl if de is None else de - dl)

    def _eml_infinite(self, node: Eml, a: Any, b: Any) -> tuple:
        """exp(−∞) = 0 exactly; any other use of an infinite constant is reported, not guessed."""
        if isinstance(b[0], _Infinity) or a.sign > 0:
            self.fail(node, "an infinite constant where the result would be infinite")
            return acb(arb("nan"), arb("nan")), None, None
        if node.right is ONE:
            return self.zero, 0, None
        lb, lk = self.ln(node, *b)
        dl = None if b[2] is None else _over(b[2], b[0])
        return -lb, (None if lk is None else -lk), (None if dl is None else -dl)


def _over(d: acb, z: acb) -> acb:
    """The first-order term of ``ln z``: ``d / z`` (a NaN ball where ``z`` contains 0)."""
    if z.real.contains(0) and z.imag.contains(0):
        return acb(arb("nan"), arb("nan"))
    return d / z


class _Infinity:
    """The exact value ±∞ of a constant subtree (arb balls cannot carry a signed infinity)."""

    __slots__ = ("sign",)

    def __init__(self, sign: int) -> None:
        self.sign = sign

    def is_finite(self) -> bool:
        return False


@functools.lru_cache(maxsize=4096)
def _constant_ball(node: Expr, dps: int) -> tuple[acb, int | None]:
    """The exact value of a constant subtree as a ball of radius 10^−(3·dps+20)·max(1, |v|), and
    the integer ``k`` when its imaginary part is exactly ``kπ``.

    Balls cannot decide whether an intermediate lies *exactly* on the cut; the semantics
    define constants by exact arithmetic, which the mpmath backend computes (with snapping) at
    3·dps + 30 digits. The radius covers its rounding; a part that is exactly zero stays exact,
    and an imaginary part that is ``kπ`` to all those digits is taken as exactly ``kπ``.
    """
    from mpmath import mp

    from .mpmath import evaluate as mp_evaluate

    digits = 3 * max(dps, 15) + 30
    v = mp_evaluate(node, {}, dps=digits, on_nan="ignore")
    rad = arb(10) ** (-(digits - 10)) * max(1.0, float(abs(v)))
    re = arb(0) if v.real == 0 else arb(_to_arb(v.real), rad)
    k = None
    if v.imag == 0:
        im, k = arb(0), 0
    else:
        with mp.workdps(digits):
            q = v.imag / mp.pi
            n = int(mp.nint(q))
            if n and abs(q - n) < mp.mpf(10) ** (-(digits - 20)):
                k = n
        im = arb.pi() * k if k is not None else arb(_to_arb(v.imag), rad)
    return acb(re, im), k


def _infinite_constant(node: Expr) -> _Infinity | None:
    """``±∞`` when the variable-free ``node``'s exact value is infinite, else ``None``."""
    from .mpmath import constant_info

    re = constant_info(node).c.real  # the exact value, as a complex
    if math.isinf(re):
        return _Infinity(1 if re > 0 else -1)
    return None


# ---------------------------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------------------------


def _to_arb(x: Any) -> arb:
    if isinstance(x, arb):
        return x
    if isinstance(x, (int, float)):
        return arb(x)
    raw = getattr(x, "_mpf_", None)  # mpmath mpf: exact as (sign, mantissa, exponent, bits)
    if raw is not None and math.isfinite(x):
        sign, man, exp, _ = raw  # (man_exp alone drops the sign)
        value = arb(flint.fmpz(int(man))) * arb(2) ** int(exp)
        return -value if sign else value
    return arb(str(x))


def to_ball(name: str, value: Any) -> acb:
    """An input as an exact (or, for decimal strings, rigorously rounded) ``acb``.

    >>> to_ball("x", 0.5).is_exact(), to_ball("x", "0.1").is_exact()
    (True, False)
    """
    if isinstance(value, acb):
        return value
    if isinstance(value, arb):
        return acb(value)
    if hasattr(value, "item") and not isinstance(value, (complex, float, int)):
        value = value.item()
    try:
        if isinstance(value, str):
            return acb(value)
        if isinstance(value, complex):
            return acb(value.real, value.imag)
        if hasattr(value, "imag") and not isinstance(value, (int, float)):
            return acb(_to_arb(value.real), _to_arb(value.imag))
        return acb(_to_arb(value))
    except (TypeError, ValueError) as err:
        raise DomainError(f"cannot use {value!r} as the value of variable {name!r}") from err


def _direction(value: Any) -> acb | None:
    """The input's direction (:func:`emlkit.semantics.direction`) as a ball, or ``None``."""
    if isinstance(value, arb):
        return acb(0, 1)
    if isinstance(value, acb):
        if value.imag.is_zero():
            return acb(0, 1)
        return acb(1) if value.real.is_zero() and value.is_finite() else None
    d = direction(value)
    return acb(d.real, d.imag) if d else None


def _inputs(point: Mapping[str, Any]) -> dict[str, tuple[acb, int | None, acb | None]]:
    """Balls for one point: the inputs themselves, exactly real ones with ``k = 0``."""
    out = {}
    for name, value in point.items():
        ball = to_ball(name, value)
        if isinstance(value, (acb, arb)):
            real = ball.imag.is_zero()
        else:
            real = zero_imag_sign(value) is not None
        out[name] = (ball, 0 if real and ball.is_finite() else None, _direction(value))
    return out


def _walk(
    plan: Any, point: Mapping[str, Any], dps: int, bits: int, hook: Any = None
) -> tuple[acb, ArbOps]:
    with _Precision(bits):
        ops = ArbOps(dps)
        z = run(plan, ops, _inputs(point), hook)[0]
        if isinstance(z, _Infinity):  # an exactly infinite value: no ball holds it
            sign = "+" if z.sign > 0 else "−"
            ops.fail(plan.root, f"the exact value is {sign}infinite")
            z = acb(arb("nan"), arb("nan"))
        return z, ops


def _is_nan(z: acb) -> bool:
    if isinstance(z, _Infinity):
        return False
    return z.real.mid().is_nan() or z.imag.mid().is_nan()


def _check_dps(dps: int | None) -> int:
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
    dps = _check_dps(dps)
    plan = make_plan(expr, fold_constants=True)
    shape, points = split_points(inputs)
    bits = _bits(dps)
    first: list[Expr] = []

    def hook(node: Expr, value: Any, a: Any, b: Any) -> None:
        if not first and _is_nan(value[0]):
            first.append(node)

    results, count, origin = [], 0, None
    for point in points:
        first.clear()
        z, _ = _walk(plan, point, dps, bits, hook)
        if _is_nan(z):
            count += 1
            origin = origin or (first[0] if first else None)
        results.append(z)
    report_nan(on_nan, origin, count, len(points), stacklevel=stacklevel + 1)
    if shape is None:
        return results[0]
    out = np.empty(len(results), dtype=object)
    out[:] = results
    return out.reshape(shape)


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
        if not found and _is_nan(value[0]):
            found.append(node)

    dps = _check_dps(dps)
    for point in split_points(inputs)[1]:
        _walk(plan, point, dps, _bits(dps), hook)
        if found:
            return found[0]
    return None


# ---------------------------------------------------------------------------------------------
# certification
# ---------------------------------------------------------------------------------------------


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
    bits = _bits(dps)
    for _ in range(_MAX_DOUBLINGS + 1):
        z, ops = _walk(plan, point, dps, bits)
        if ops.failures:  # a convention the ball cannot vouch for, even if it looks tight
            node, reason = ops.failures[0]
            return z, False, node, reason
        if _tight(z, dps):
            return z, True, None, ""
        bits *= 2
    return z, False, None, f"precision loss: the ball is still wide at {bits // 2} bits"


def _call_reference(fn: Callable[..., Any], point: Mapping[str, Any], dps: int) -> acb:
    """Call a reference function on the true input balls (no perturbation)."""
    with _Precision(_bits(dps)):
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
    dps = _check_dps(dps)
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
        if ref_plan is not None:
            ref, ref_ok, ref_node, ref_reason = _certify_expr(
                ref_plan, {n: point[n] for n in ref_expr.free_vars}, dps
            )
        elif reference is not None:
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

    with _Precision(int(dps * 3.33) + 64), mpmath.workdps(dps + 15):
        ref = mpmath.mpc(ref)
        ref_ball = acb(arb(mpmath.nstr(ref.real, dps + 12)), arb(mpmath.nstr(ref.imag, dps + 12)))
        bound = abs(ball - ref_ball).upper()
        return mpmath.mpf(bound.str(dps, radius=False)) * (1 + mpmath.mpf(10) ** -20)
