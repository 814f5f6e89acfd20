"""The playground: an HTTP app (FastAPI, the ``web`` extra) over emlkit's public API, one page.

Only this package imports a web framework, and only in :mod:`emlkit.web.app`, so importing
the panels (plain functions returning dictionaries) needs nothing extra.

>>> from emlkit.web import Limits
>>> Limits().max_formula_chars
2000
"""

from __future__ import annotations

import importlib
from typing import Any

from .limits import Limits

__all__ = [
    "Limits",
    "compile_panel",
    "create_app",
    "forms_table",
    "identify_panel",
    "pcf_panel",
    "search_panel",
]

_LAZY = {
    "create_app": "emlkit.web.app",
    "compile_panel": "emlkit.web.panel_compile",
    "identify_panel": "emlkit.web.panel_identify",
    "pcf_panel": "emlkit.web.panel_pcf",
    "search_panel": "emlkit.web.panel_search",
    "forms_table": "emlkit.web.panel_search",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'emlkit.web' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
