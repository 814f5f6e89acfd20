"""The identification of a PCF limit shown to be 0 to some decimal places (a rational 0).

Relative digits, and so integer relations, mean nothing at 0; :meth:`PCF.identify` answers
a zero limit (:attr:`Limit.is_zero`) with this single rational closed form instead.

>>> from emlkit.pcf import PCF
>>> print(zero_identifications(PCF("3n+1", "-2n^2").limit(digits=10)))   # doctest: +ELLIPSIS
0 = 0  (rational; 10 digits matched...
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["zero_identifications"]


def zero_identifications(lim: Any) -> Any:
    """``Identifications`` holding the closed form 0 for a zero limit ``lim``.

    ``digits_matched`` is the decimal places of the limit: |L| < 10^-digits; a note says
    that this bounds L, it does not prove L = 0.

    Examples
    --------
    >>> from emlkit.pcf import PCF
    >>> found = zero_identifications(PCF("3n+1", "-2n^2").limit(digits=20))
    >>> found.best.text, found.best.kind, found.best.digits_matched
    ('0', 'rational', 20)
    """
    import mpmath
    import sympy

    from ..identify.result import Identification, Identifications, Relation

    size = math.log10(2)  # the relation 1*x = 0 has one coefficient, 1
    how = "proven" if lim.proven else "checked"
    best = Identification(
        formula=sympy.Integer(0), text="0", value=mpmath.mpf(0), digits_matched=lim.digits,
        relation=Relation((1,), ("x",)), kind="rational", significance=lim.digits / size,
        verified_digits=lim.digits, cost=size, spare_digits=float(lim.digits))
    note = (f"the limit is 0 to {lim.digits} decimal places (|L| < 1e-{lim.digits}, {how}); "
            "that it equals 0 exactly is not proven")
    return Identifications((best,), target="0", digits=lim.digits, notes=(note,))
