"""Inputs as balls: exact ``acb`` values of the inputs, their directions and ``k = 0`` marks.

>>> to_ball("x", 0.5).is_exact(), to_ball("x", "0.1").is_exact()
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flint import acb, arb

from ...errors import DomainError
from ...semantics import direction, zero_imag_sign
from ._ops import to_arb as _to_arb

__all__ = ["inputs", "to_ball"]


def to_ball(name: str, value: Any) -> acb:
    """An input as an exact (or, for decimal strings, rigorously rounded) ``acb``."""
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


def inputs(point: Mapping[str, Any]) -> dict[str, tuple[acb, int | None, acb | None]]:
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

