"""Identification of constants: closed forms for a number over a table of named constants.

:func:`identify` finds integer relations (LLL with python-flint, PSLQ without it) between
the number and rationals, its own powers, Möbius transforms, linear and polynomial
combinations and products of powers of the constants in :mod:`~emlkit.identify.constants`,
plus pure EML forms from :func:`emlkit.recognize`. Each answer says how many digits it
matches and how significant that is; below the threshold the answer is "nothing found".

>>> from emlkit.identify import identify
>>> identify("1.2020569031595942853997381615114").best.text
'zeta(3)'
>>> bool(identify("1.2020569031595942853997381615214"))      # one digit changed
False
"""

from __future__ import annotations

import sys
import types
from typing import Any

from . import constants
from .constants import Constant, UnknownConstantError
from .engine import MARGIN, MIN_SIGNIFICANCE, identify
from .result import Identification, Identifications, Relation

__all__ = [
           "MARGIN",
           "MIN_SIGNIFICANCE",
           "Constant",
           "Identification",
           "Identifications",
           "Relation",
           "UnknownConstantError",
           "constants",
           "identify",
]


class _CallableModule(types.ModuleType):
    """This package, callable as :func:`identify`.

    Importing ``emlkit.identify`` binds the package (not the function) to ``emlkit.identify``,
    so ``emlkit.identify(x)`` must work on the package too.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Identifications:
        return identify(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
