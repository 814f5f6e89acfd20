"""Polynomial continued fractions: exact convergents, limits with proven digits, fast boxes.

>>> from emlkit.pcf import PCF
>>> PCF("2n+1", "n^2").limit(digits=20).as_decimal()      # 4/pi
'1.2732395447351626862'
"""

from __future__ import annotations

import importlib
import importlib.util
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
    """Public names on first use; a submodule (``emlkit.pcf.box``, ...) is imported on access.

    >>> import emlkit.pcf as pcf
    >>> pcf.box.STATUS[0], pcf.Limit.__name__
    ('converged', 'Limit')
    """
    module = _LAZY.get(name)
    if module is None:
        try:
            found = not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}")
        except (ImportError, ValueError):  # a module without a spec in sys.modules
            found = False
        if found:
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module 'emlkit.pcf' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(globals()))
