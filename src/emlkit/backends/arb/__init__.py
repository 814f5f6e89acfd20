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

Modules: :mod:`._ops` (the ball arithmetic and exact constants), :mod:`._balls` (inputs),
:mod:`._eval` (the walk at a point, :func:`evaluate`, :func:`trace_nan`), :mod:`._certify`
(:class:`Certificate`, :func:`certify`).

>>> from flint import acb
>>> from emlkit import eml
>>> ln = eml(1, eml(eml(1, "x"), 1))
>>> c = certify(ln, [2.0])[0]
>>> c.certified, c.value.overlaps(acb(2).log())
(True, True)
"""

from __future__ import annotations

import flint  # noqa: F401  (the whole backend needs python-flint: a clear ImportError first)

from ._balls import to_ball
from ._certify import Certificate, certify, distance_bound
from ._eval import evaluate, trace_nan
from ._ops import DEFAULT_DPS, ArbOps

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
