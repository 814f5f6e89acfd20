"""Deprecated name of :mod:`emlkit.regress.holdout` (checks of candidates at held-out points).

The module was renamed so that its name says what it holds (``emlkit.search.verify`` is the
validity-domain verifier of the search); this path keeps working.

>>> from emlkit.regress.verify import verify_exact
>>> from emlkit.regress import holdout
>>> verify_exact is holdout.verify_exact
True
"""

from __future__ import annotations

from .holdout import (
    confirm_exact,
    finite_samples,
    holdout_points,
    rounding_digits,
    verify_exact,
    verify_on_data,
)

__all__ = [
    "confirm_exact",
    "finite_samples",
    "holdout_points",
    "rounding_digits",
    "verify_exact",
    "verify_on_data",
]
