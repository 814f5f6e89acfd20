"""One point on the mpmath ops: the working precision its magnitudes need, and one-sided limits.

:func:`point_value` evaluates a *body* (a callable ``body(ops, values)`` that walks a tree with
:class:`~emlkit.backends._mpops.MpmathOps` and returns the root's ops value) at one point and
returns the value rounded to ``dps`` digits, with a flag saying whether those digits are
reached. The mpmath backend's body is the DAG walk (:func:`emlkit.backends._walk.run`); the
code that :func:`emlkit.to_code` generates for mpmath embeds this module and the ops, with its
straight-line function as the body, so both compute the same numbers.

Working precision
    ``working_dps(dps)`` digits, plus a *guard* for the magnitudes: the inputs' decimal
    exponents and the spread between the parts of a complex input (``sin(1e116)`` reduces a
    phase of 1e116, ``exp(x) − 1`` at ``x = 1e−227`` cancels 227 digits, and the snapping
    tolerance of the ops must stay below both). The ops count the bits each walk consumed (the
    largest ``exp`` argument, the largest cancellation that was not snapped); a walk that
    consumed more than the guard and the ``2·dps`` digits of reserve is repeated with a larger
    guard, up to ``MAX_GUARD_DIGITS``. Past that the value is returned with ``ok = False``.

Limits (:func:`emlkit.semantics` defines the value at a real input as the one-sided limit)
    * Where ``ln`` met an exact zero that moves with the inputs and the value is not finite,
      and at inputs that are exactly zero, the limit is taken numerically: the tree at
      ``x + δ·η`` for two steps ``η``, all inputs moving together (:func:`limit`). At an exact
      zero the limit replaces the exact walk's finite value where the two differ only in the
      signs of their parts (the walk carries first-order terms only, so it can miss the side
      of a cut there: ``acosh(−0 − 0j) = −iπ/2``), and a pole where the limit has the same
      infinite parts with other signs; other C99 poles (``1/0 = ∞``) stay.
    * An infinite input (one infinite part, the other finite) is the limit ``±R → ∞`` along
      its axis, on the side of its zero part; where that limit has no value the exact walk's
      C99 value is kept.

>>> from mpmath import mp
>>> def body(ops, v, hook):              # ln(exp x) = e − ln(exp(e − ln(exp x))) = x
...     one = ops.one()
...     ex = ops.eml_values(v["x"], one, False, True)
...     inner = ops.eml_values(ops.eml_values(one, ex, True, False), one, False, True)
...     return ops.eml_values(one, inner, True, False)
>>> z, ok = point_value(body, {"x": 1e-300}, 20)    # ln(1 + 1e-300): 300 digits cancel
>>> mp.nstr(z.real, 5), ok
('1.0e-300', True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from mpmath import mp

from ..semantics import direction, residue_digits, working_dps
from ._mpops import MpmathOps, zero_signs

__all__ = ["MAX_GUARD_DIGITS", "guard_digits", "input_value", "limit", "point_value"]

#: The largest guard (decimal digits beyond ``working_dps``) a point may take.
MAX_GUARD_DIGITS = 20_000
_LOG10_2 = math.log10(2)
_NAN = mp.mpc(mp.nan, mp.nan)

#: ``body(ops, values, hook)``: the root's ops value at the inputs ``values``
Body = Callable[[MpmathOps, dict, Any], Any]
#: an input as given: (exact value or ``None`` for an infinite part, zero signs, direction)
Input = tuple


def _finite(z: Any) -> bool:
    return bool(mp.isfinite(z.real) and mp.isfinite(z.imag))


def input_value(value: Any) -> Input:
    """``(mpc, zero signs, direction)`` of an input (raises TypeError/ValueError if unusable).

    The direction is ``None`` off both axes; read strings at the current precision.

    >>> input_value(complex(-2.0, -0.0))
    (mpc(real='-2.0', imag='0.0'), None, mpc(real='0.0', imag='-1.0'))
    """
    d = direction(value)
    if hasattr(value, "item") and not isinstance(value, (complex, float, int)):
        value = value.item()  # NumPy scalar types that mpmath does not know
    z = mp.mpc(mp.mpmathify(value))
    return z, (zero_signs(value) if not z else None), (mp.mpc(d) if d else None)


def guard_digits(values: Mapping[str, Input]) -> int:
    """Decimal digits the inputs' magnitudes need: the largest exponent of a part, and the
    spread between the two parts of a complex input.

    >>> guard_digits({"x": input_value(1e-227), "y": input_value(complex(3.0, 1e-90))})
    227
    """
    bits = 0
    for z, _, _ in values.values():
        mags = [mp.mag(p) for p in (z.real, z.imag) if p and mp.isfinite(p)]
        bits = max([bits, *(abs(m) for m in mags)])
        if len(mags) == 2:
            bits = max(bits, abs(mags[0] - mags[1]))
    return math.ceil(bits * _LOG10_2)


def _walk(body: Body, point: Callable[[], dict], dps: int, hook: Any) -> tuple[Any, Any, bool]:
    """``body`` at the point with a guard that covers what the walk consumed: (ops value, ops,
    whether the guard sufficed)."""
    reserve = 2 * max(dps, 15) + 10
    guard = 0
    for _ in range(64):
        ops = MpmathOps(working_dps(dps) + guard, residue_digits(dps))
        with mp.workdps(ops.wp):
            values = ops.inputs = point()
            need = guard_digits(values)
            if need > guard:
                guard = need
                continue
            value = body(ops, values, hook)
        spent = math.ceil(ops.spent_bits * _LOG10_2)
        if spent <= guard + reserve:
            return value, ops, True
        guard = max(2 * guard, spent - reserve + 10)
        if guard > MAX_GUARD_DIGITS:
            return value, ops, False
    return value, ops, False  # pragma: no cover - the guard doubles each time


def _moved(given: Mapping[str, Input], eta: Any) -> dict:
    """The inputs at step ``η``: finite ones moved by ``δ·η``, infinite parts at ``±1/η``."""
    out = {}
    for name, (z, zs, d, inf) in given.items():
        if inf is not None:
            z = mp.mpc(inf[0] / eta if inf[0] else z.real, inf[1] / eta if inf[1] else z.imag)
            out[name] = (z, None, d)
        else:
            out[name] = (z if d is None else z + d * eta, zs, d)
    return out


def limit(body: Body, given: Mapping[str, Any], dps: int) -> Any:
    """``lim f(x + δ·η)`` as ``η → 0+`` (infinite parts at ``±1/η``); NaN parts where the two
    steps neither agree nor grow together.

    The steps are ``η₁ = s·10**−(d + 10)`` and ``η₂ = s·10**−(2d + 10)`` (``d = max(dps, 15)``,
    ``s = min(1, |x|) / max(1, |x|)`` over the finite nonzero inputs, so a step is small next
    to every input). A part whose two values agree to ``d/2 + 3`` digits converges (also as
    ``√η`` at a branch point) and is its value at ``η₂``, or ``0`` where that is within their
    difference of ``0``; a part that grows with one sign diverges to ``±∞``.
    """
    sizes = [abs(z) for z, _, _, inf in given.values() if inf is None and z and _finite(z)]
    d = max(dps, 15)
    runs = []
    for digits in (d + 10, 2 * d + 10):
        def point(digits: int = digits) -> dict:
            scale = min([mp.mpf(1), *sizes]) / max([mp.mpf(1), *sizes])
            return _moved(given, scale * mp.mpf(10) ** (-digits))

        runs.append(_walk(body, point, dps, None)[0][0])
    parts = []
    with mp.workdps(working_dps(dps)):
        tol = mp.mpf(10) ** (-(d // 2 + 3))
        for p1, p2 in ((runs[0].real, runs[1].real), (runs[0].imag, runs[1].imag)):
            if not (mp.isfinite(p1) and mp.isfinite(p2)):
                same = mp.isinf(p1) and p1 == p2
                parts.append(p2 if same else mp.nan)
            elif abs(p2 - p1) <= tol * max(1, abs(p2)):
                parts.append(mp.mpf(0) if abs(p2) <= abs(p2 - p1) else +p2)
            elif p1 * p2 > 0 and abs(p2) > abs(p1):
                parts.append(mp.inf if p2 > 0 else mp.ninf)
            else:
                parts.append(mp.nan)
        return mp.mpc(*parts)


def _given(point: Mapping[str, Any]) -> tuple[dict, bool, bool]:
    """Each input as ``(mpc, zs, direction, infinite parts)`` for :func:`limit`; whether one
    is exactly zero, whether one has an infinite part."""
    out, zero, infinite = {}, False, False
    for name, value in point.items():
        z, zs, d = input_value(value)
        re, im = z.real, z.imag
        inf = None
        if mp.isinf(re) != mp.isinf(im) and not (mp.isnan(re) or mp.isnan(im)):
            infinite = True
            inf = (int(mp.sign(re)) if mp.isinf(re) else 0, int(mp.sign(im)) if mp.isinf(im) else 0)
            # the direction along the axis: the sign of the zero part (ε moves off the axis)
            side = complex(float(inf[0]) or float(getattr(value, "real", 0.0)),
                           float(inf[1]) or float(getattr(value, "imag", 0.0)))
            dd = direction(side)
            d = mp.mpc(dd) if dd else None
        zero = zero or not z
        out[name] = (z, zs, d, inf)
    return out, zero, infinite


def _mirrored(lim: Any, z: Any, dps: int) -> bool:
    """``lim`` and ``z`` differ, but only in the signs of their parts (a side of a cut that
    the first-order terms could not see), not in size (a limit that is not uniform, such as
    ``0**y`` at a tiny ``y``, keeps the exact value)."""
    tol = mp.mpf(10) ** (-(max(dps, 15) // 2)) * max(abs(lim), abs(z))
    same_size = abs(abs(lim.real) - abs(z.real)) <= tol and abs(abs(lim.imag) - abs(z.imag)) <= tol
    return bool(same_size and abs(lim - z) > tol)


def _flipped_pole(lim: Any, z: Any) -> bool:
    """Both infinite, ``lim`` only where ``z`` is, with another sign somewhere: the side of a
    pole that the C99 walk through ``±∞`` lost (``ln 0 / ln y`` at a tiny negative ``y``);
    a pole whose infinite part moves (``1/0``: ``∞`` in C99, ``−i∞`` from above) keeps C99's."""
    pairs = [(p, q) for p, q in ((lim.real, z.real), (lim.imag, z.imag)) if mp.isinf(p)]
    if not pairs or any(not mp.isinf(q) for _, q in pairs):
        return False
    return any(p != q for p, q in pairs)


def point_value(body: Body, point: Mapping[str, Any], dps: int, hook: Any = None) -> tuple:
    """The value of ``body`` at ``point`` at ``dps`` digits (module notes): ``(mpc, ok)``.

    ``hook(node, value, a, b)`` is passed to the body of the exact walk (the backend's NaN
    tracing and strict mode); ``ok`` is False where the working precision hit its limit.
    """
    value, ops, ok = _walk(body, lambda: {n: input_value(v) for n, v in point.items()}, dps,
                           hook)
    z = value[0]
    moving_zero = ops.zero_limit and not _finite(z)
    if not moving_zero and all(_finite(v[0]) and v[0] for v in ops.inputs.values()):
        return finish(z, dps), ok  # the common case: finite nonzero inputs, no limit to take
    given, zero, infinite = _given(point)
    if infinite:
        lim = limit(body, given, dps)
        if not (mp.isnan(lim.real) and mp.isnan(lim.imag)):
            z = lim
    elif zero:
        lim = limit(body, given, dps)
        if _finite(z) and _finite(lim) and _mirrored(lim, z, dps) or _flipped_pole(lim, z):
            z = lim
    elif moving_zero:
        lim = limit(body, given, dps)
        if not (mp.isnan(lim.real) and mp.isnan(lim.imag)):
            z = lim
    return finish(z, dps), ok


def finish(z: Any, dps: int) -> Any:
    """Drop a part that is residue next to the other one (rounding, a limit's steps); round."""
    re, im = z.real, z.imag
    if re and im and mp.isfinite(re) and mp.isfinite(im):
        cut = int(residue_digits(dps) / _LOG10_2)
        if mp.mag(re) < mp.mag(im) - cut:
            re = mp.mpf(0)
        elif mp.mag(im) < mp.mag(re) - cut:
            im = mp.mpf(0)
    with mp.workdps(dps):
        return mp.mpc(+re, +im)
