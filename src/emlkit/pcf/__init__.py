"""Polynomial continued fractions: exact convergents, limits with proven digits, fast boxes.

Everything but :class:`PCF` and :class:`Poly` is imported on first use. ``search``,
``dynamics`` and ``esma`` are the functions of the same-named submodules: the package keeps
the function bound to that name even after ``import emlkit.pcf.search`` (which would otherwise
bind the submodule there); the submodules stay importable (``from emlkit.pcf.search import
as_box``).

>>> from emlkit.pcf import PCF
>>> PCF("2n+1", "n^2").limit(digits=20).as_decimal()      # 4/pi
'1.2732395447351626862'
>>> import emlkit.pcf.search
>>> import emlkit.pcf as pcf
>>> callable(pcf.search), callable(pcf.dynamics), callable(pcf.esma)
(True, True, True)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

from .pcf import PCF
from .polynomial import Poly

__all__ = [
    "CMF",
    "PCF",
    "BoxResult",
    "CoefficientBox",
    "Dynamics",
    "ESMAResult",
    "ESMARun",
    "Formula",
    "Limit",
    "Poly",
    "Recurrence",
    "SearchResult",
    "cluster_box",
    "convergents",
    "deep_identify",
    "dynamics",
    "esma",
    "evaluate_box",
    "pq",
    "pq_sequence",
    "search",
]

_LAZY = {
    "Limit": "emlkit.pcf.limit",
    "Recurrence": "emlkit.pcf.recurrence",
    "pq": "emlkit.pcf.exact",
    "pq_sequence": "emlkit.pcf.exact",
    "convergents": "emlkit.pcf.exact",
    "evaluate_box": "emlkit.pcf.box",
    "BoxResult": "emlkit.pcf.box",
    "dynamics": "emlkit.pcf.dynamics",
    "Dynamics": "emlkit.pcf.dynamics",
    "esma": "emlkit.pcf.esma",
    "ESMARun": "emlkit.pcf.esma",
    "ESMAResult": "emlkit.pcf.esma",
    "search": "emlkit.pcf.search",
    "Formula": "emlkit.pcf.search",
    "SearchResult": "emlkit.pcf.search",
    "CoefficientBox": "emlkit.pcf.sieve",
    "CMF": "emlkit.pcf.cmf",
    "cluster_box": "emlkit.pcf.cluster",
    "deep_identify": "emlkit.pcf.deep",
}

#: names that are both a submodule and the function it defines
_FUNCTIONS = frozenset({"search", "dynamics", "esma"})


class _Package(types.ModuleType):
    """This package's module type: a submodule bound as ``search`` etc. becomes its function.

    The import system sets ``emlkit.pcf.search = <module>`` after loading the submodule;
    here that binding is replaced by the module's function of the same name.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if (name in _FUNCTIONS and isinstance(value, types.ModuleType)
                and value.__name__ == f"{__name__}.{name}" and hasattr(value, name)):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
