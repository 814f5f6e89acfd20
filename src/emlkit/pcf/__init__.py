"""Polynomial continued fractions: exact convergents, limits with proven digits, fast boxes.

>>> from emlkit.pcf import PCF
>>> PCF("2n+1", "n^2").limit(digits=20).as_decimal()      # 4/pi
'1.2732395447351626862'
"""

from __future__ import annotations

import importlib
from typing import Any

from .pcf import PCF
from .polynomial import Poly

__all__ = [
    "PCF",
    "BoxResult",
    "Limit",
    "Poly",
    "Recurrence",
    "convergents",
    "evaluate_box",
    "pq",
    "pq_sequence",
]

_LAZY = {
    "Limit": "emlkit.pcf.limit",
    "Recurrence": "emlkit.pcf.recurrence",
    "pq": "emlkit.pcf.exact",
    "pq_sequence": "emlkit.pcf.exact",
    "convergents": "emlkit.pcf.exact",
    "evaluate_box": "emlkit.pcf.box",
    "BoxResult": "emlkit.pcf.box",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'emlkit.pcf' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
