"""What the floating backends (NumPy, torch) share: folded constants and the inputs' directions.

A variable-free subtree is folded into a :class:`Const`: its exact value and the ``exp`` and
``ln`` of that exact value, rounded to complex128 (:func:`emlkit.backends.mpmath.constant_info`,
the mpmath ops). Neither backend takes these from the other.

>>> from emlkit import eml
>>> zero = complex_constant(eml(1, eml(eml(1, 1), 1)))     # e − ln(e^e) = 0, exactly
>>> zero.value, zero.ln
(0j, (-inf+0j))
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..expr import ONE, Expr

__all__ = ["ONE_COMPLEX", "Const", "complex_constant", "directions"]


class Const:
    """A folded variable-free subtree: its value and the ``exp`` and ``ln`` of its exact value.

    ``info`` is the :class:`~emlkit.backends.mpmath.ConstInfo` (``None`` for the leaf ``1``).
    """

    __slots__ = ("exp", "info", "ln", "node", "value")

    def __init__(self, node: Expr, value: Any, exp: Any, ln: Any, info: Any = None) -> None:
        self.node = node
        self.value = value
        self.exp = exp
        self.ln = ln
        self.info = info


#: The leaf ``1`` as a complex constant.
ONE_COMPLEX = Const(ONE, 1 + 0j, complex(math.e, 0.0), 0j)


def complex_constant(node: Expr) -> Const:
    """The complex128 :class:`Const` of a variable-free node (mpmath is imported on first use)."""
    if node is ONE:
        return ONE_COMPLEX
    from .mpmath import constant_info

    info = constant_info(node)
    return Const(node, info.c, info.exp, info.ln, info)


def directions(value: Any) -> Any:
    """The inputs' directions (:func:`emlkit.semantics.direction`) as an array, or ``None``
    when no point of ``value`` lies on an axis.

    >>> directions(np.array([2.0, complex(2, -0.0), 1 + 1j, complex(-0.0, 3)]))
    array([ 0.+1.j,  0.-1.j,  0.+0.j, -1.+0.j])
    """
    v = np.asarray(value)
    re, im = v.real, v.imag
    finite = np.isfinite(re) & np.isfinite(im)
    on_real = finite & (im == 0)
    on_imag = finite & (re == 0) & ~on_real
    if not (np.any(on_real) or np.any(on_imag)):
        return None
    d = np.zeros(v.shape, dtype=np.complex128)
    d.imag = np.where(on_real, np.copysign(1.0, im), 0.0)
    d.real = np.where(on_imag, np.copysign(1.0, re), 0.0)
    return d[()] if d.ndim == 0 else d
